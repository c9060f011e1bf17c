/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("ps_readiness_follow_exception", {
    test: true,
    url: "/web",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Billing Control app",
            trigger: '.o_app[data-menu-xmlid="ps_billing_readiness.menu_billing_control_root"]',
        },
        {
            content: "Open the Billing menu",
            trigger: 'button[data-menu-xmlid="ps_billing_readiness.menu_billing_control_operations"]',
        },
        {
            content: "Open the exception queue",
            trigger: 'a[data-menu-xmlid="ps_billing_readiness.ps_billing_readiness_menu_exceptions"]',
        },
        {
            content: "Exceptions are grouped by owner: open the project manager's group",
            trigger: '.o_group_header:contains("Paul Manager")',
        },
        {
            content: "Open the blocked engagement",
            trigger: '.o_data_row td:contains("Northwind Industries")',
        },
        {
            content: "The blocked period shows its blocking finding",
            trigger: '.o_field_widget[name="finding_ids"] .o_data_row:contains("not confirmed by finance")',
            isCheck: true,
        },
        {
            content: "Follow the finding to the record it is about",
            trigger: '.o_field_widget[name="finding_ids"] .o_data_row:contains("not confirmed by finance") button.o_ps_finding_open',
        },
        {
            content: "The engagement opens, on its billing terms",
            trigger: '.o_form_view .o_notebook a:contains("Billing Terms")',
            isCheck: true,
        },
    ],
});
