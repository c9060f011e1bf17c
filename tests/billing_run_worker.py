"""A process of its own for tests/test_billing_run_parallel.py: prepares a firm, runs the billing
run as Odoo's cron would (committing, retrying a transaction that lost a race), lists the drafts.

    python billing_run_worker.py <odoo.conf> <database> setup|run|drafts
"""

import json
import sys
import time
from datetime import date

from freezegun import freeze_time
from psycopg2 import errors

import odoo
from odoo import SUPERUSER_ID, Command, api

TODAY = "2026-11-10 09:00:00"
ENGAGEMENTS = 12


def setup(env):
    """Twelve time-and-materials engagements with October time, terms confirmed: all due today."""
    product = env["product.product"].create(
        {
            "name": "Parallel run consulting",
            "type": "service",
            "list_price": 150.0,
            "uom_id": env.ref("uom.product_uom_hour").id,
            "uom_po_id": env.ref("uom.product_uom_hour").id,
            "service_tracking": "task_in_project",
            "invoice_policy": "delivery",
            "service_type": "timesheet",
        }
    )
    partner = env["res.partner"].create({"name": "Parallel Client", "is_company": True})
    employee = env["hr.employee"].create({"name": "Parallel Consultant"})
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 100})],
            }
            for _index in range(ENGAGEMENTS)
        ]
    )
    orders.action_confirm()
    orders.write({"date_order": "2026-09-15 09:00:00"})
    orders._do_confirm_terms()
    for index, order in enumerate(orders, 1):
        task = order.order_line.task_id
        env["account.analytic.line"].create(
            {
                "name": "Work",
                "employee_id": employee.id,
                "project_id": task.project_id.id,
                "task_id": task.id,
                "unit_amount": float(index),
                "date": date(2026, 10, 12),
            }
        )


def run(registry):
    """Billing runs until one finds nothing to do; a run that loses a race is rolled back and retried,
    as Odoo's cron thread does with a failed job."""
    for _attempt in range(60):
        try:
            with registry.cursor() as cr, freeze_time(TODAY):
                env = api.Environment(cr, SUPERUSER_ID, {})
                result = env["ps.billing.readiness"]._cron_billing_run()
            if not any(result.values()):
                return
        except (errors.SerializationFailure, errors.LockNotAvailable):
            time.sleep(0.05)
    sys.exit("the billing run did not come to an end")


def drafts(env):
    records = env["ps.billing.readiness"].search([("invoice_id", "!=", False)])
    return sorted(
        [record.sale_order_id.name, str(record.period_start), record.invoice_id.id, record.invoice_id.amount_untaxed]
        for record in records
    )


def main():
    conf, database, mode = sys.argv[1:]
    odoo.tools.config.parse_config(["-c", conf, "-d", database, "--log-level", "warn"])
    registry = odoo.registry(database)
    if mode == "run":
        run(registry)
        return
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if mode == "setup":
            setup(env)
        else:
            print(json.dumps(drafts(env)))


if __name__ == "__main__":
    main()
