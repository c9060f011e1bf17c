"""A process of its own for tests/test_billing_run_parallel.py: prepares a firm, dispatches the
billing run as Odoo's cron would, performs the jobs of the billing channel as a queue_job worker
would (OCA's own code: each job one transaction, one that loses a race retried), lists the drafts.

    python billing_run_worker.py <odoo.conf> <database> setup|dispatch|work|jobs|drafts
"""

import json
import sys
import time
from datetime import date

from freezegun import freeze_time
from psycopg2 import OperationalError

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

TODAY = "2026-11-10 09:00:00"
ENGAGEMENTS = 12
# Engagements per job: the evaluation and the drafting are four jobs each, for two workers.
BATCH = 3
# Jobs taken or waited for by one worker, at most: a run that does not end fails instead.
MAX_ATTEMPTS = 5000


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


def dispatch(env):
    """The billing run's scheduled action: it enqueues the run's first job."""
    with freeze_time(TODAY):
        env["ps.billing.readiness"]._cron_billing_run(limit=BATCH)


def _take_job(cr):
    """Return the uuid of a pending job of the billing channel no other worker holds, locked; None if none."""
    cr.execute(
        """
        SELECT uuid FROM queue_job
         WHERE state = 'pending' AND channel = 'root.billing'
         ORDER BY priority, date_created, id
         LIMIT 1 FOR UPDATE SKIP LOCKED
        """
    )
    row = cr.fetchone()
    return row and row[0]


def _in_flight(cr):
    cr.execute(
        """
        SELECT count(*) FROM queue_job
         WHERE state IN ('wait_dependencies', 'pending', 'enqueued', 'started') AND channel = 'root.billing'
        """
    )
    return cr.fetchone()[0]


def work(registry):
    """Perform the jobs of the billing channel until none is pending, waiting or running; print how many this
    worker performed. A job that loses a race (a lock, a concurrent update) is rolled back and set pending
    again, as the job runner's controller does."""
    # The addons are importable once the configuration is read (main).
    from odoo.addons.queue_job.controllers.main import RunJobController
    from odoo.addons.queue_job.job import Job

    controller = RunJobController()
    performed = 0
    for _attempt in range(MAX_ATTEMPTS):
        with registry.cursor() as cr, freeze_time(TODAY):
            env = api.Environment(cr, SUPERUSER_ID, {})
            uuid = _take_job(cr)
            if not uuid:
                if not _in_flight(cr):
                    print(json.dumps({"performed": performed}))
                    return
                cr.rollback()
                time.sleep(0.05)
                continue
            job = Job.load(env, uuid)
            job.set_enqueued()
            try:
                controller._try_perform_job(env, job)
            except OperationalError as error:
                if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                    raise
                cr.rollback()
                job.env.clear()
                with registry.cursor() as retry_cr:
                    job.env = api.Environment(retry_cr, SUPERUSER_ID, {})
                    job.set_pending(reset_retry=False)
                    job.store()
                time.sleep(0.05)
                continue
            controller._enqueue_dependent_jobs(env, job)
            performed += 1
    sys.exit("the jobs of the billing run did not come to an end")


def jobs(env):
    """Return {state: count} of the jobs of the billing channel."""
    env.cr.execute("SELECT state, count(*) FROM queue_job WHERE channel = 'root.billing' GROUP BY state")
    return dict(env.cr.fetchall())


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
    if mode == "work":
        work(registry)
        return
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if mode == "setup":
            setup(env)
        elif mode == "dispatch":
            dispatch(env)
        elif mode == "jobs":
            print(json.dumps(jobs(env)))
        else:
            print(json.dumps(drafts(env)))


if __name__ == "__main__":
    main()
