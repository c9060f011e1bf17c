/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("ps_billing_control_open_app", {
    test: true,
    url: "/web",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Billing Control app",
            trigger: '.o_app[data-menu-xmlid="ps_billing_readiness.menu_billing_control_root"]',
        },
        {
            content: "The app is open on its first screen",
            trigger: '.o_menu_brand:contains("Billing Control")',
            isCheck: true,
        },
        {
            content: "The readiness board is shown",
            trigger: '.o_breadcrumb:contains("Readiness Board")',
            isCheck: true,
        },
    ],
});
