# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The billing run on OCA queue_job: a dispatcher, jobs per batch, identity keys, steps in order."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import tagged

from .common import BillingControlCase, run_jobs

TODAY = date(2026, 11, 10)


@tagged("post_install", "-at_install")
class TestBillingRunJobs(BillingControlCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_aside_other_engagements()
        cls.Readiness = cls.env["ps.billing.readiness"]
        cls.others = cls.env["sale.order"]
        for _index in range(2):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.client.id,
                    "order_line": [Command.create({"product_id": cls.product_time_materials.id, "product_uom_qty": 5})],
                }
            )
            order.action_confirm()
            order.date_order = "2026-09-01"
            cls.others |= order
        cls.orders = cls.engagement | cls.others

    def _jobs(self):
        return self.env["queue.job"].search([("channel", "=", "root.billing")])

    @freeze_time(TODAY)
    def test_dispatcher_enqueues_one_job_on_the_billing_channel_and_no_second_one(self):
        """The scheduled action only enqueues: a real job row on root.billing, with an identity key;
        dispatching again while it waits adds none, and nothing is evaluated yet."""
        before = self._jobs()
        self.Readiness._cron_billing_run()
        self.Readiness._cron_billing_run()
        jobs = self._jobs() - before
        self.assertEqual(len(jobs), 1, "one job for the day's run, however often it is dispatched")
        self.assertEqual(jobs.method_name, "_job_billing_step")
        self.assertEqual(jobs.state, "pending")
        self.assertTrue(jobs.identity_key)
        self.assertEqual(jobs.args, ["evaluate", TODAY, 200])
        self.assertTrue(self.engagement.ps_readiness_dirty or not self.engagement.ps_readiness_evaluated_on)
        self.assertFalse(self.Readiness.search([("sale_order_id", "in", self.others.ids)]), "nothing evaluated yet")

    @freeze_time(TODAY)
    def test_evaluation_step_enqueues_a_job_per_batch_then_the_drafting_step(self):
        with trap_jobs() as trap:
            self.Readiness._job_billing_step("evaluate", TODAY, 2)
            batches = [job for job in trap.enqueued_jobs if job.method_name == "_job_evaluate_batch"]
            following = [job for job in trap.enqueued_jobs if job.method_name == "_job_billing_step"]
            self.assertEqual(len(batches), 2, "3 engagements in batches of 2")
            self.assertEqual(sorted(len(job.recordset) for job in batches), [1, 2])
            self.assertEqual(sum((job.recordset for job in batches), self.env["sale.order"]) & self.orders, self.orders)
            self.assertTrue(all(job.channel == "root.billing" and job.identity_key for job in batches))
            self.assertEqual([job.args for job in following], [("draft", TODAY, 2)])
            self.assertEqual(following[0].depends_on, set(batches), "drafting waits for every evaluation")

    @freeze_time(TODAY)
    def test_run_through_jobs_evaluates_each_engagement_once_and_a_repeated_job_does_nothing(self):
        result = run_jobs(self.Readiness._cron_billing_run, limit=2)
        self.assertGreaterEqual(result["evaluated"], 3)
        self.assertEqual(result["digest"], 0, "the run ends with its digest step")
        for order in self.orders:
            self.assertEqual(order.ps_readiness_evaluated_on, TODAY)
            self.assertFalse(order.ps_readiness_dirty)
        # A job that runs again (requeued after its worker died once it had committed) finds nothing to do.
        self.assertEqual(self.orders._job_evaluate_batch(TODAY), {"evaluated": 0})
        self.assertEqual(run_jobs(self.Readiness._cron_billing_run, limit=2)["evaluated"], 0)

    @freeze_time(TODAY)
    def test_drafting_job_drafts_each_due_period_once(self):
        self._confirm_terms()
        self._log_time(self.employee_consultant, 4.0, date(2026, 10, 20))
        result = run_jobs(self.Readiness._cron_billing_run)
        record = self.Readiness.search(
            [("sale_order_id", "=", self.engagement.id), ("period_start", "=", date(2026, 10, 1))]
        )
        self.assertEqual(result["drafted"], 1)
        self.assertTrue(record.invoice_id)
        self.assertEqual(self.engagement._job_draft_batch(TODAY), {"drafted": 0}, "a repeated job drafts nothing")
        self.assertEqual(len(self.engagement.invoice_ids), 1)
