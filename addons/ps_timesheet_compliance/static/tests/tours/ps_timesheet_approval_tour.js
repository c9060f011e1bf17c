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
            content: "Submit for approval: a button of the list's header",
            trigger: ".o_control_panel button[name='action_ps_submit']:contains('Submit for Approval')",
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
            content: "The anomalies are one column of badges that say what is unusual",
            trigger: ".o_data_row td[name='ps_anomaly_summary'] .o_field_badge:contains('No description')",
            extra_trigger: ".o_list_table:not(:has(th[data-name^='ps_flag_']))",
            isCheck: true,
        },
        {
            content: "Select them",
            trigger: "thead .o_list_record_selector input",
        },
        {
            content: "Reject is next to Approve in the list's header",
            trigger: ".o_control_panel button[name='action_ps_reject']:contains('Reject')",
            isCheck: true,
        },
        {
            content: "Approve: a button of the list's header",
            trigger: ".o_control_panel button[name='action_ps_approve']:contains('Approve')",
        },
        {
            content: "Nothing waits for approval any more",
            trigger: ".o_list_renderer:not(:has(.o_data_row))",
            isCheck: true,
        },
    ],
});
