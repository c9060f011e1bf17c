# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A month-end job that failed or is stuck is an exception on the periods of its engagements,
retried from there by a finance controller, and by nobody else."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import BillingControlCase, CallKwMixin, run_jobs

TODAY = date(2026, 11, 10)
ERROR = "Odoo found nothing to invoice on the engagement."


class MonthEndJobCase(BillingControlCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_aside_other_engagements()
        cls.Readiness = cls.env["ps.billing.readiness"]
        cls._confirm_terms()
        cls._log_time(cls.employee_consultant, 6.0, "2026-10-12")
        with freeze_time(TODAY):
            cls.october = cls._evaluate().filtered(lambda r: r.period_start == cls.october[0])

    def _failed_drafting_job(self):
        """Enqueue the engagement's drafting job for real (a queue.job row), and fail it as the runner's
        controller does once its retries are spent."""
        job = self.engagement._ps_enqueue("_job_draft_batch", TODAY)
        job.set_failed(exc_info="Traceback ...", exc_name="odoo.exceptions.UserError", exc_message=ERROR)
        job.store()
        return self.env["queue.job"].search([("uuid", "=", job.uuid)])

    def _finding(self, record):
        return record.finding_ids.filtered(lambda f: f.check_code == "month_end_jobs")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestMonthEndJobFailures(MonthEndJobCase):
    def test_failed_job_blocks_the_periods_of_its_engagement_with_the_error(self):
        self.assertEqual(self.october.state, "ready")
        job = self._failed_drafting_job()
        self.assertEqual(job.state, "failed")
        self.assertEqual(job.channel, "root.billing")
        finding = self._finding(self.october)
        self.assertEqual(len(finding), 1)
        self.assertEqual(finding.severity, "blocking")
        self.assertIn("Month-end job failed", finding.message)
        self.assertIn(ERROR, finding.message)
        self.assertEqual((finding.res_model, finding.res_id), ("queue.job", job.id))
        self.assertEqual(self.october.state, "blocked")
        self.assertEqual(self.october.blocked_since, TODAY)
        # The whole period waits for the job: its money is blocked, and carried once.
        self.assertEqual(self.october.amount_deliverable, 900.0, "6 h at 150.00")
        self.assertEqual((self.october.amount_blocked, self.october.amount_ready), (900.0, 0.0))
        self.assertEqual(finding.amount_at_risk, 900.0)
        self.assertEqual(self.october.amount_at_risk, 900.0)
        # It stays through later evaluations while the job stays failed, and is not repeated.
        self.env["queue.job"]._ps_surface_failures()
        self._evaluate()
        self.assertEqual(len(self._finding(self.october)), 1)
        self.assertEqual(self.october.state, "blocked")
        # The run does not draft the period meanwhile.
        run_jobs(self.Readiness._cron_billing_run)
        self.assertFalse(self.october.invoice_id)

    def test_retry_requeues_the_job_and_the_run_then_drafts_once(self):
        job = self._failed_drafting_job()
        finding = self._finding(self.october)
        finding.with_user(self.controller).action_ps_retry_job()
        self.assertEqual(job.state, "pending")
        self.assertFalse(self._finding(self.october), "the period no longer waits for the job")
        self.assertEqual(self.october.state, "ready")
        self.assertTrue(
            self.october.message_ids.filtered(lambda m: "Month-end job retried by Fiona Controller" in m.body),
            "who retried it is on the period",
        )
        # The requeued job drafts it, once.
        self.assertEqual(self.engagement._job_draft_batch(TODAY), {"drafted": 1})
        self.assertEqual(self.october.state, "invoiced")
        self.assertEqual(self.engagement._job_draft_batch(TODAY), {"drafted": 0})

    def test_without_an_evaluation_the_finding_holds_back_what_was_ready(self):
        """When the periods cannot be evaluated (the job fails on that), the job's finding moves what was
        ready to blocked, in the record's and the company's currency: still counted once."""
        job_ = self.engagement._ps_enqueue("_job_draft_batch", TODAY)
        job = self.env["queue.job"].search([("uuid", "=", job_.uuid)])
        check = self.env.ref("ps_billing_readiness.check_month_end_jobs")
        self.assertEqual((self.october.amount_ready, self.october.amount_ready_company), (900.0, 900.0))
        self.env["queue.job"]._ps_block_without_evaluation({self.october: job}, check)
        finding = self._finding(self.october)
        self.assertEqual(finding.amount_at_risk, 900.0)
        self.assertEqual(self.october.state, "blocked")
        self.assertEqual(
            (self.october.amount_ready, self.october.amount_blocked, self.october.amount_at_risk), (0.0, 900.0, 900.0)
        )
        self.assertEqual((self.october.amount_ready_company, self.october.amount_blocked_company), (0.0, 900.0))

    def test_stuck_job_surfaces_when_the_run_is_dispatched(self):
        job_ = self.engagement._ps_enqueue("_job_evaluate_batch", TODAY)
        job = self.env["queue.job"].search([("uuid", "=", job_.uuid)])
        # Enqueued two hours ago by a runner whose request never arrived, and never found dead since.
        job.sudo().write({"state": "enqueued", "date_enqueued": datetime(2026, 11, 9, 22, 0)})
        self.assertFalse(self._finding(self.october))
        self.Readiness._cron_billing_run()
        finding = self._finding(self.october)
        self.assertIn("Month-end job stuck since 2026-11-09 22:00:00", finding.message)
        self.assertEqual(self.october.state, "blocked")

    def test_retry_refused_to_a_project_manager_and_for_a_job_that_did_not_fail(self):
        job = self._failed_drafting_job()
        finding = self._finding(self.october)
        with self.assertRaises(AccessError):
            finding.with_user(self.project_manager).action_ps_retry_job()
        with self.assertRaises(AccessError):
            job.with_user(self.project_manager).action_ps_requeue()
        self.assertEqual(job.state, "failed")
        job.sudo().requeue()
        with self.assertRaisesRegex(UserError, "nothing to retry"):
            job.with_user(self.controller).action_ps_requeue()

    def test_controller_sees_the_month_end_jobs_only(self):
        billing = self._failed_drafting_job()
        other = self.env["queue.job"].with_delay(channel="root")._test_job()
        other = self.env["queue.job"].search([("uuid", "=", other.uuid)])
        Job = self.env["queue.job"].with_user(self.controller)
        seen = Job.search([("id", "in", (billing | other).ids)])
        self.assertEqual(seen, billing)
        with self.assertRaises(AccessError):
            other.with_user(self.controller).read(["exc_info"])
        with self.assertRaises(AccessError):
            billing.with_user(self.controller).write({"state": "done"})
        with self.assertRaises(AccessError):
            self.env["queue.job"].with_user(self.consultant).search([])


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestMonthEndJobRetryOverHttp(CallKwMixin, HttpCase, MonthEndJobCase):
    def test_consultant_and_manager_cannot_retry_or_settle_a_job_over_json_rpc(self):
        job = self._failed_drafting_job()
        finding = self._finding(self.october)
        hostile = {"active_test": False, "queue_job__no_delay": True, "ps_requeue": True, "uid": self.controller.id}
        for login in ("bc_consultant", "bc_manager"):
            for model, method, ids in (
                ("ps.readiness.finding", "action_ps_retry_job", finding.ids),
                ("queue.job", "action_ps_requeue", job.ids),
                ("queue.job", "requeue", job.ids),
                ("queue.job", "button_done", job.ids),
                ("queue.job", "button_cancelled", job.ids),
            ):
                self._refused(login, model, method, [ids], context=hostile)
        job.invalidate_recordset()
        self.assertEqual(job.state, "failed", "the job is untouched")
        self.assertEqual(self._finding(self.october), finding)
        self.assertEqual(self.october.state, "blocked")
        # The controller may retry it, and only through the suite's action.
        for method in ("requeue", "button_done", "button_cancelled", "autovacuum"):
            self._refused("bc_controller", "queue.job", method, [job.ids])
            job.invalidate_recordset()
            self.assertEqual(job.state, "failed", method)
        self._call("bc_controller", "ps.readiness.finding", "action_ps_retry_job", [finding.ids])
        job.invalidate_recordset()
        self.assertEqual(job.state, "pending")
