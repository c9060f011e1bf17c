# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The approvals' scheduled action on OCA queue_job: it only enqueues jobs on the billing channel,
with an identity key; each job reminds and escalates only what is still due when it runs."""

from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import run_jobs
from odoo.addons.queue_job.job import Job
from odoo.tests import tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalJobs(ApprovalCase):
    """Two drafts wait since 10 November for the consultant: reminded after 2 days, escalated to their
    manager after 5."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"ps_approval_reminder_days": 2, "ps_approval_escalation_days": 5})
        cls._rule("Consultant check", approver=cls.consultant)
        with freeze_time("2026-11-10 09:00:00"):
            cls.moves = cls._draft(1000.0) | cls._draft(2000.0)
            for move in cls.moves:
                move.action_ps_request_approval()
        cls.requests = cls.moves.ps_approval_request_ids
        cls.escalation_type = cls.env.ref("ps_billing_approvals.mail_activity_type_ps_approval_escalation")

    def _jobs(self):
        return self.env["queue.job"].search([("channel", "=", "root.billing")])

    def _set_aside_other_requests(self):
        """The demo firm's pending approvals are done with, within the test's transaction."""
        now = "2026-11-16 06:00:00"
        (self.Request.search([("state", "=", "pending")]) - self.requests).write(
            {"reminded_on": now, "escalated_on": now}
        )

    @freeze_time("2026-11-16 06:00:00")
    def test_dispatcher_only_enqueues_and_a_second_dispatch_adds_no_job(self):
        self._set_aside_other_requests()
        before = self._jobs()
        self.assertEqual(self.Request._cron_remind_and_escalate(), 1)
        self.assertEqual(self.Request._cron_remind_and_escalate(), 1)
        job = self._jobs() - before
        self.assertEqual(len(job), 1, "a second dispatch while the first waits adds no job")
        self.assertEqual((job.model_name, job.method_name), ("ps.approval.request", "_job_remind_and_escalate_batch"))
        self.assertEqual(job.state, "pending")
        self.assertTrue(job.identity_key)
        self.assertEqual(sorted(job.record_ids), sorted(self.requests.ids))
        self.assertFalse(any(self.requests.mapped("reminded_on")), "nobody reminded yet")

        self.assertEqual(Job.load(self.env, job.uuid).perform(), {"delegated": 0, "reminded": 2, "escalated": 2})
        self.assertEqual(
            Job.load(self.env, job.uuid).perform(),
            {"delegated": 0, "reminded": 0, "escalated": 0},
            "run again (requeued), it reminds and escalates nothing twice",
        )
        for move in self.moves:
            self.assertEqual(len(move.message_ids.filtered(lambda m: "Reminder:" in (m.body or ""))), 1)
            escalations = move.activity_ids.filtered(lambda a: a.activity_type_id == self.escalation_type)
            self.assertEqual((len(escalations), escalations.user_id), (1, self.project_manager))
        self.assertEqual(self.Request._cron_remind_and_escalate(), 0, "nothing left to enqueue")

    def test_run_in_batches_handles_each_request_once(self):
        with freeze_time("2026-11-16 06:00:00"):
            self._set_aside_other_requests()
            result = run_jobs(self.Request._cron_remind_and_escalate, limit=1)
            self.assertEqual((result["reminded"], result["escalated"]), (2, 2))
            again = run_jobs(self.Request._cron_remind_and_escalate, limit=1)
            self.assertEqual((again["reminded"], again["escalated"]), (0, 0), "nothing left")
        self.assertEqual(self.requests.mapped("approver_ids"), self.consultant | self.project_manager)
