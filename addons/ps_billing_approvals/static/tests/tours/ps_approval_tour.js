/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("ps_approval_approve_from_to_approve", {
    test: true,
    url: "/web",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Billing Control app",
            trigger: '.o_app[data-menu-xmlid="ps_billing_readiness.menu_billing_control_root"]',
        },
        {
            content: "Open the Approvals menu",
            trigger: '.o_menu_sections button:contains("Approvals"), .o_menu_sections a:contains("Approvals")',
        },
        {
            content: "Open To Approve",
            trigger: '.o-dropdown--menu a:contains("To Approve"), .dropdown-item:contains("To Approve")',
        },
        {
            content: "Open the request of the draft",
            trigger: '.o_data_row td[name="rule_name"]:contains("Tour rule")',
        },
        {
            content: "Approve",
            trigger: '.o_form_view .o_statusbar_buttons button:contains("Approve")',
        },
        {
            content: "Write a comment",
            trigger: 'div[name="comment"] textarea',
            run: "text Rates match the contract.",
        },
        {
            content: "Confirm the approval",
            trigger: '.modal-footer button:contains("Approve")',
        },
        {
            content: "The request is approved",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Approved")',
            isCheck: true,
        },
    ],
});

// Started on the invoice's form by the test.
registry.category("web_tour.tours").add("ps_approval_controller_posts", {
    test: true,
    steps: () => [
        {
            content: "Open the Approvals tab of the invoice",
            trigger: '.o_notebook a.nav-link:contains("Approvals")',
        },
        {
            content: "The invoice is approved, with the approver's comment",
            trigger: '.o_field_widget[name="ps_approval_request_ids"] td:contains("Rates match the contract.")',
            isCheck: true,
        },
        {
            content: "Post (Confirm) the invoice",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_post"]:contains("Confirm")',
        },
        {
            content: "The invoice is posted",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Posted")',
            isCheck: true,
        },
    ],
});
