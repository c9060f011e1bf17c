/** @odoo-module **/
/* A project manager opens their digest of billing exceptions from their activities
 * (ps_billing_readiness/tests/test_digest_activities.py keeps a screenshot of it). */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("ps_digest_project_manager", {
    test: true,
    url: "/web",
    // The screenshot is of the digest, not of the end-of-tour celebration.
    rainbowMan: false,
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Billing Control app",
            trigger: '.o_app[data-menu-xmlid="ps_billing_readiness.menu_billing_control_root"]',
        },
        { content: "The app opens on my work", trigger: ".o_control_panel .o_breadcrumb", isCheck: true },
        { content: "Open my activities", trigger: '.o_menu_systray i[aria-label="Activities"]' },
        {
            content: "Billing exceptions are among them",
            trigger: '.o-mail-ActivityGroup[data-model_name="ps.billing.digest"]',
        },
        { content: "Open my digest", trigger: ".o_list_view .o_data_row td.o_data_cell:first" },
        {
            content: "It lists my blocked periods",
            trigger: '.o_form_view .o_field_widget[name="readiness_ids"] .o_data_row',
            isCheck: true,
        },
        {
            content: "and leads to my exception queue",
            trigger: '.o_form_view button[name="action_open_exceptions"]',
            isCheck: true,
        },
    ],
});
