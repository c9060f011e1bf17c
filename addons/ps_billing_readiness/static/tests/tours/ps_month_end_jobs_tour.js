/** @odoo-module **/
/* The controller's walk to a failed month-end job: the Month-end Jobs list, then the period it
 * blocks, with the finding that names the error and its Retry button (tests/test_role_walks.py). */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const tours = registry.category("web_tour.tours");

function openMenu(item) {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Billing Control app",
            trigger: '.o_app[data-menu-xmlid="ps_billing_readiness.menu_billing_control_root"]',
        },
        {
            content: "Open the Billing menu",
            trigger: 'button[data-menu-xmlid="ps_billing_readiness.menu_billing_control_operations"]',
        },
        { content: `Open ${item}`, trigger: `a[data-menu-xmlid="${item}"]` },
    ];
}

tours.add("ps_walk_controller_month_end_jobs", {
    test: true,
    url: "/web",
    steps: () => [
        ...openMenu("ps_billing_readiness.queue_job_menu_billing"),
        {
            content: "The failed month-end job is listed with its error and a Retry button",
            trigger: '.o_data_row:contains("Failed"):contains("archived") button[name="action_ps_requeue"]',
            isCheck: true,
        },
    ],
});

tours.add("ps_walk_controller_failed_job_exception", {
    test: true,
    steps: () => [
        {
            content: "The period the failed job blocks names it among its findings, with Retry",
            trigger: '.o_field_widget[name="finding_ids"] .o_data_row:contains("Month-end job failed") button[name="action_ps_retry_job"]',
            isCheck: true,
        },
    ],
});
