/** @odoo-module **/
/* Change orders in the role walks (tests/test_role_walks.py): the controller opens the demo change
 * order from the Billing menu and reads its diff against the engagement; the client's contact reads
 * the same change order in the portal, with its evidence and the approve and reject forms. */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const tours = registry.category("web_tour.tours");

tours.add("ps_walk_controller_change_order", {
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
            content: "Open Change Orders",
            trigger: 'a[data-menu-xmlid="ps_change_orders.ps_change_order_menu"]',
        },
        {
            content: "Open the change order waiting for the client",
            trigger: '.o_data_row:contains("CO-1"):contains("Submitted") td.o_data_cell:first',
        },
        {
            content: "Show what changes against the engagement",
            trigger: '.o_notebook .nav-link:contains("Before → After")',
        },
        {
            content: "The diff lists each change, before and after, with its value",
            trigger: '.o_ps_change_order_diff td:contains("New milestone: Third pilot region live")',
            isCheck: true,
        },
    ],
});

tours.add("ps_walk_client_change_order_portal", {
    test: true,
    steps: () => [
        {
            content: "The client reads the change, its value and the evidence",
            trigger: '.o_ps_portal_change_order_page .o_ps_change_order_diff td:contains("Third pilot region live")',
            isCheck: true,
        },
        {
            content: "The evidence is there to download",
            trigger: '.o_ps_portal_evidence a:contains("steering_committee_minutes.pdf")',
            isCheck: true,
        },
        {
            content: "The client can approve (signing with their name) or reject",
            trigger: ".o_ps_portal_approve button[type=submit]",
            isCheck: true,
        },
    ],
});
