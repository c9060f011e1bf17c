/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const HEADER = ".o_form_view .o_statusbar_buttons";

// Started on the invoice's form by the test: a draft the matrix catches, approval not requested yet.
registry.category("web_tour.tours").add("ps_approval_controller_requests", {
    test: true,
    steps: () => [
        {
            content: "The draft needs approval: Request Approval is offered, Confirm is not",
            trigger: `${HEADER}:has(button[name="action_ps_request_approval"]):not(:has(button[name="action_post"]))`,
            isCheck: true,
        },
        {
            content: "Request approval",
            trigger: `${HEADER} button[name="action_ps_request_approval"]:contains("Request Approval")`,
        },
        {
            content: "The draft waits for its first level, and still cannot be confirmed",
            trigger: '.o_form_view .alert-info:contains("Waiting for approval"):contains("Tour level 1")',
            extra_trigger: `${HEADER}:not(:has(button[name="action_post"])):not(:has(button[name="action_ps_request_approval"]))`,
            isCheck: true,
        },
    ],
});

// Started on the invoice's form by the test, as the approver its first level waits for.
registry.category("web_tour.tours").add("ps_approval_approver_approves_invoice", {
    test: true,
    steps: () => [
        {
            content: "The awaited approver sees Approve and Reject, and no Confirm",
            trigger: `${HEADER}:has(button:contains("Reject")):not(:has(button[name="action_post"]))`,
            isCheck: true,
        },
        {
            content: "Approve",
            trigger: `${HEADER} button[name="action_ps_open_decision_wizard"]:contains("Approve")`,
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
            content: "The draft now waits for the second level; nothing is left for this approver",
            trigger: '.o_form_view .alert-info:contains("Tour level 2")',
            extra_trigger: `${HEADER}:not(:has(button[name="action_ps_open_decision_wizard"]))`,
            isCheck: true,
        },
    ],
});

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
            content: "The second level waits here: the invoice's client, amount and why",
            trigger: '.o_data_row:has(td[name="rule_name"]:contains("Tour level 2")):has(td[name="partner_id"]:contains("Tour Client"))',
            extra_trigger: '.o_data_row td[name="reason"]:not(:empty)',
            isCheck: true,
        },
        {
            content: "The first level, decided, is not listed",
            trigger: '.o_list_renderer:not(:has(td[name="rule_name"]:contains("Tour level 1")))',
            isCheck: true,
        },
        {
            content: "Select it",
            trigger: '.o_data_row:has(td[name="rule_name"]:contains("Tour level 2")) .o_list_record_selector input',
        },
        {
            content: "Approve: a button of the list's header",
            trigger: '.o_control_panel button[name="action_ps_approve_batch"]:contains("Approve")',
        },
        {
            content: "Nothing waits for approval any more",
            trigger: '.o_view_nocontent:contains("Nothing waits for your approval"), .o_list_renderer:not(:has(.o_data_row))',
            isCheck: true,
        },
    ],
});

// Started on the invoice's form by the test, as the controller.
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
            content: "Approved at every level: Confirm is offered, Request Approval is not",
            trigger: `${HEADER}:not(:has(button[name="action_ps_request_approval"]))`,
            isCheck: true,
        },
        {
            content: "Post (Confirm) the invoice",
            trigger: `${HEADER} button[name="action_post"]:contains("Confirm")`,
        },
        {
            content: "The invoice is posted",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Posted")',
            isCheck: true,
        },
    ],
});
