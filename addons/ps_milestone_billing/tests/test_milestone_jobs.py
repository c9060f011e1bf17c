# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scheduled actions of milestone billing on OCA queue_job: each only enqueues jobs on the
billing channel, with an identity key; each job takes only what is still to do when it runs."""

from datetime import date

from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import run_jobs
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import tagged

from .common import MilestoneBillingCase

ESCALATION = "ps_milestone_billing.mail_activity_type_acceptance_escalation"


@tagged("post_install", "-at_install")
class TestMilestoneJobs(MilestoneBillingCase):
    """Both milestones reached on 12 October await the client: deemed accepted after 10 days,
    escalated after 7."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.ps_milestone_escalation_days = 7
        cls.engagement.ps_deemed_acceptance_days = 10
        cls.milestones = cls.milestone_design | cls.milestone_build
        cls._reach(cls.milestones)
        cls.Milestone = cls.env["project.milestone"]

    def _jobs(self):
        return self.env["queue.job"].search([("channel", "=", "root.billing")])

    @freeze_time("2026-10-19")
    def test_escalation_dispatcher_only_enqueues_and_a_second_dispatch_adds_no_job(self):
        before = self._jobs()
        self.assertEqual(self.Milestone._cron_ps_escalate_awaiting(), 1)
        self.Milestone._cron_ps_escalate_awaiting()
        job = self._jobs() - before
        self.assertEqual(len(job), 1, "a second dispatch while the first waits adds no job")
        self.assertEqual((job.model_name, job.method_name), ("project.milestone", "_job_ps_escalate_awaiting_batch"))
        self.assertEqual(job.state, "pending")
        self.assertTrue(job.identity_key)
        self.assertLessEqual(set(self.milestones.ids), set(job.record_ids))
        self.assertFalse(any(self.milestones.mapped("ps_escalated_on")), "nothing escalated yet")

        self.assertGreaterEqual(Job.load(self.env, job.uuid).perform()["escalated"], 2)
        self.assertEqual(set(self.milestones.mapped("ps_escalated_on")), {date(2026, 10, 19)})
        self.assertEqual(
            Job.load(self.env, job.uuid).perform(), {"escalated": 0}, "run again (requeued), it escalates nothing twice"
        )
        controllers = self.env["sale.order"]._ps_get_finance_controllers()
        for milestone in self.milestones:
            self.assertEqual(len(self._activities(milestone, ESCALATION)), len(controllers))

    def test_repeated_deemed_acceptance_job_accepts_once(self):
        with freeze_time("2026-10-22"):
            with trap_jobs() as trap:
                self.Milestone._cron_ps_deemed_acceptance(limit=1)
            mine = [job for job in trap.enqueued_jobs if job.recordset & self.milestones]
            self.assertEqual(len(mine), 2, "a job per batch of one")
            self.assertTrue(all(job.identity_key and job.channel == "root.billing" for job in mine))
            self.assertEqual(set(self.milestones.mapped("ps_acceptance_state")), {"awaiting"}, "nothing accepted yet")
            self.assertEqual([job.perform() for job in mine], [{"accepted": 1}] * 2)
            self.assertEqual([job.perform() for job in mine], [{"accepted": 0}] * 2, "a repeated job accepts nothing")
            self.assertEqual(run_jobs(self.Milestone._cron_ps_deemed_acceptance)["accepted"], 0)
        self.assertEqual(set(self.milestones.mapped("ps_acceptance_state")), {"accepted"})
        for milestone in self.milestones:
            self.assertEqual(len(milestone.message_ids.filtered(lambda m: "Deemed accepted" in (m.body or ""))), 1)
        self.assertAlmostEqual(self.line_milestone.qty_delivered, 1.0)

    def test_billing_run_deems_accepted_in_its_first_step(self):
        """The billing run's first job accepts the milestones before its evaluation reads them."""
        with freeze_time("2026-10-22"):
            result = run_jobs(self.env["ps.billing.readiness"]._cron_billing_run, limit=1)
        self.assertEqual(set(self.milestones.mapped("ps_acceptance_state")), {"accepted"})
        self.assertTrue(all(self.milestones.mapped("ps_deemed_accepted")))
        self.assertGreaterEqual(result["evaluated"], 1)
        self.assertEqual(self.engagement.ps_readiness_evaluated_on, date(2026, 10, 22))
