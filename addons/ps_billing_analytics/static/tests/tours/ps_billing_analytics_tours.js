/** @odoo-module **/
/* A finance controller opens the Billing Control dashboard from the app's Analytics menu
 * (tests/test_dashboard_screenshot.py keeps a screenshot of it). */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("ps_billing_analytics_dashboard", {
    test: true,
    url: "/web",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Billing Control app",
            trigger: '.o_app[data-menu-xmlid="ps_billing_readiness.menu_billing_control_root"]',
        },
        {
            content: "Open the Analytics menu",
            trigger: 'button[data-menu-xmlid="ps_billing_analytics.menu_billing_control_analytics"]',
        },
        {
            content: "Open the dashboard",
            trigger: 'a[data-menu-xmlid="ps_billing_analytics.ps_billing_analytics_menu_dashboard"]',
        },
        {
            content: "The dashboard shows its spreadsheet with its charts",
            trigger: ".o_spreadsheet_dashboard_action .o-spreadsheet .o-figure canvas",
            isCheck: true,
        },
        {
            content: "Its figures are loaded (the pivot and the charts fetch their data)",
            trigger: ".o_spreadsheet_dashboard_action .o-spreadsheet",
            run: () => new Promise((resolve) => setTimeout(resolve, 4000)),
        },
    ],
});
