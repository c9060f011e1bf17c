/** @odoo-module **/
/* A walk of the main screens for each role, on the demo firm with the whole suite installed
 * (tests/test_role_walks.py runs them and keeps a screenshot of the screen each one ends on). */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const tours = registry.category("web_tour.tours");

function openApp() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Billing Control app",
            trigger: '.o_app[data-menu-xmlid="ps_billing_readiness.menu_billing_control_root"]',
        },
    ];
}

function openMenu(section, item) {
    return [
        { content: `Open the ${section} menu`, trigger: `button[data-menu-xmlid="${section}"]` },
        { content: `Open ${item}`, trigger: `a[data-menu-xmlid="${item}"]` },
    ];
}

tours.add("ps_walk_controller_board", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        {
            content: "A controller lands on the readiness board",
            trigger: '.o_breadcrumb:contains("Readiness Board")',
            isCheck: true,
        },
        {
            content: "Blocked, ready and invoiced periods are on the board",
            trigger: ".o_kanban_view .o_kanban_group:contains(Blocked) .o_kanban_record",
            isCheck: true,
        },
    ],
});

tours.add("ps_walk_controller_exception", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        ...openMenu(
            "ps_billing_readiness.menu_billing_control_operations",
            "ps_billing_readiness.ps_billing_readiness_menu_exceptions"
        ),
        { content: "Open the first owner's exceptions", trigger: ".o_group_header:first" },
        { content: "Open the oldest blocked engagement", trigger: ".o_data_row:first td.o_data_cell:first" },
        {
            content: "Its findings say what blocks it and what is at stake",
            trigger: '.o_field_widget[name="finding_ids"] .o_data_row',
            isCheck: true,
        },
    ],
});

tours.add("ps_walk_controller_wip", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        ...openMenu(
            "ps_billing_readiness.menu_billing_control_reporting",
            "ps_billing_readiness.ps_unbilled_wip_report_menu"
        ),
        { content: "Unbilled WIP by client and age", trigger: ".o_pivot .o_pivot_header_cell_closed, .o_pivot th", isCheck: true },
    ],
});

tours.add("ps_walk_project_manager", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        {
            content: "A project manager lands on the timesheets waiting for them",
            trigger: '.o_breadcrumb:contains("To Approve")',
            isCheck: true,
        },
        {
            content: "Their team's time, by employee and week",
            trigger: ".o_list_view .o_group_header, .o_list_view .o_data_row",
            isCheck: true,
        },
    ],
});

tours.add("ps_walk_project_manager_exceptions", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        ...openMenu(
            "ps_billing_readiness.menu_billing_control_operations",
            "ps_billing_readiness.ps_billing_readiness_menu_exceptions"
        ),
        { content: "The exception queue is open", trigger: '.o_breadcrumb:contains("Exceptions")', isCheck: true },
        {
            content: "The exceptions of their engagements, by owner",
            trigger: ".o_list_view .o_group_header, .o_view_nocontent",
            isCheck: true,
        },
    ],
});

tours.add("ps_walk_consultant", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        {
            content: "A consultant lands on their own timesheets",
            trigger: '.o_breadcrumb:contains("My Timesheets")',
            isCheck: true,
        },
        { content: "Their time is listed", trigger: ".o_list_view .o_data_row", isCheck: true },
    ],
});

tours.add("ps_walk_approver_invoice", {
    test: true,
    steps: () => [
        {
            content: "The draft says whom it waits for",
            trigger: ".o_form_view .alert-info:contains(Waiting for approval)",
            isCheck: true,
        },
        {
            content: "Its awaited approver is offered Approve, not Confirm",
            trigger: '.o_form_view .o_statusbar_buttons:has(button[name="action_ps_open_decision_wizard"]):not(:has(button[name="action_post"]:visible))',
            isCheck: true,
        },
    ],
});
