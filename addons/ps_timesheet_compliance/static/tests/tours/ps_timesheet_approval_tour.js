/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ps_timesheet_submit_week", {
    test: true,
    url: "/web#action=ps_timesheet_compliance.account_analytic_line_action_my",
    steps: () => [
        {
            content: "The week's lines are listed as drafts",
            trigger: ".o_list_view .o_data_row .o_field_badge:contains('Draft')",
            isCheck: true,
        },
        {
            content: "Select the whole week",
            trigger: "thead .o_list_record_selector input",
        },
        {
            content: "Open the actions",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
        },
        {
            content: "Submit for approval",
            trigger: ".o-dropdown--menu .o_menu_item:contains('Submit for Approval')",
        },
        {
            content: "The lines are submitted",
            trigger: ".o_list_view .o_data_row .o_field_badge:contains('Submitted')",
            extra_trigger: ".o_list_view:not(:has(.o_field_badge:contains('Draft')))",
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("ps_timesheet_approve_week", {
    test: true,
    url: "/web#action=ps_timesheet_compliance.account_analytic_line_action_to_approve",
    steps: () => [
        {
            content: "Open the consultant's group",
            trigger: ".o_group_header:contains('Carla Consultant')",
        },
        {
            content: "Open the week's group",
            trigger: ".o_group_header.o_group_open + .o_group_header, .o_group_open ~ .o_group_header:not(.o_group_open)",
        },
        {
            content: "The submitted lines are shown",
            trigger: ".o_data_row .o_field_badge:contains('Submitted')",
            isCheck: true,
        },
        {
            content: "Select them",
            trigger: "thead .o_list_record_selector input",
        },
        {
            content: "Open the actions",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
        },
        {
            content: "Approve",
            trigger: ".o-dropdown--menu .o_menu_item:contains('Approve')",
        },
        {
            content: "Nothing waits for approval any more",
            trigger: ".o_list_renderer:not(:has(.o_data_row))",
            isCheck: true,
        },
    ],
});
