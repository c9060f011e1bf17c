/** @odoo-module **/
/* The administrator's walk through the integration (tests/test_role_walks.py): the board's
 * Integration Health banner, then the Business Events of the demo firm's evaluation. */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const tours = registry.category("web_tour.tours");

function openBillingControl() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Billing Control app",
            trigger: '.o_app[data-menu-xmlid="ps_billing_readiness.menu_billing_control_root"]',
        },
    ];
}

tours.add("ps_walk_administrator_integration_health", {
    test: true,
    url: "/web",
    steps: () => [
        ...openBillingControl(),
        {
            content: "The board's banner counts the dead letter for an administrator",
            trigger: '.o_ps_board_health .o_ps_health_dead:contains("1 dead letters")',
            isCheck: true,
        },
    ],
});

tours.add("ps_walk_administrator_events", {
    test: true,
    url: "/web",
    steps: () => [
        ...openBillingControl(),
        {
            content: "Open Configuration",
            trigger: 'button[data-menu-xmlid="ps_billing_readiness.menu_billing_control_configuration"]',
        },
        {
            content: "Open Business Events",
            trigger: 'a[data-menu-xmlid="ps_billing_events.ps_billing_event_menu"]',
        },
        {
            content: "The demo's periods blocked by its evaluation are business events",
            trigger: '.o_data_row:contains("Period blocked")',
            isCheck: true,
        },
    ],
});
