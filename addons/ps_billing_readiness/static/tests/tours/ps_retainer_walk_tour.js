/** @odoo-module **/
/* The controller's walk to a retainer's burn (tests/test_role_walks.py): from the engagement's
 * Retainer smart button to its periods, with the hours included, drawn, rolled over and the burn. */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ps_walk_controller_retainer", {
    test: true,
    steps: () => [
        {
            content: "The engagement's smart buttons overflow into More",
            trigger: ".o-form-buttonbox .o_button_more",
        },
        {
            content: "Open the retainer's periods from the engagement",
            trigger: 'button[name="action_ps_view_retainer_periods"]',
        },
        {
            content: "Each period shows its hours and its burn",
            trigger: '.o_list_view .o_data_row .o_field_widget[name="burn_percent"] .o_progressbar',
            isCheck: true,
        },
    ],
});
