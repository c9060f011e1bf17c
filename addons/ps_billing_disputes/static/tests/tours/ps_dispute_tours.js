/** @odoo-module **/
/* A finance controller reads a client's reply on the invoice, with the reason the classifier
 * suggests, and opens a dispute with that reason from the invoice's Disputes tab. */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ps_dispute_open_from_reply", {
    test: true,
    steps: () => [
        {
            content: "Open the invoice's Disputes tab",
            trigger: '.o_notebook .nav-link:contains("Disputes")',
        },
        {
            content: "The client's reply is there with the suggested reason",
            trigger: '.o_field_widget[name=ps_dispute_suggestion_ids] .o_data_row:contains("Rate")',
            isCheck: true,
        },
        {
            content: "Open a dispute with this reason",
            trigger: '.o_field_widget[name=ps_dispute_suggestion_ids] .o_data_row button[name=action_open_dispute]',
        },
        {
            content: "The dispute is open, with the client's reply",
            trigger: '.o_form_view .o_field_widget[name=client_message]:contains("hourly rate")',
            extra_trigger: '.o_breadcrumb .active:contains("DSP/")',
            isCheck: true,
        },
    ],
});
