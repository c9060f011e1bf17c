# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scheduled actions of timesheet compliance on OCA queue_job: each only enqueues jobs on the
billing channel, with an identity key; each job takes only what is still to do when it runs."""

from datetime import date

from freezegun import freeze_time

from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import tagged

from .common import ShortWeekCase


@tagged("post_install", "-at_install")
class TestComplianceJobs(ShortWeekCase):
    """Carla logs three days of five in the week of 2 November (cutoff Monday 9); Oscar all five."""

    def _jobs(self):
        return self.env["queue.job"].search([("channel", "=", "root.billing")])

    def _reminders(self, kind):
        return self.Reminder.search([("kind", "=", kind), ("employee_id", "=", self.employee_consultant.id)])

    def _dispatch_trapped(self, dispatch):
        """Dispatch under trap_jobs; return the jobs it enqueued (not performed)."""
        with trap_jobs() as trap:
            dispatch()
        return trap.enqueued_jobs

    @freeze_time("2026-11-06")
    def test_scan_dispatcher_only_enqueues_and_a_second_dispatch_adds_no_job(self):
        before = self._jobs()
        self.assertEqual(self.Compliance._cron_scan_compliance(), 1, "one batch: the firm is small")
        self.assertEqual(self.Compliance._cron_scan_compliance(), 1, "the same batch, still waiting")
        job = self._jobs() - before
        self.assertEqual(len(job), 1, "a second dispatch while the first waits adds no job")
        self.assertEqual((job.model_name, job.method_name), ("hr.employee", "_job_scan_compliance_batch"))
        self.assertEqual(job.state, "pending")
        self.assertTrue(job.identity_key)
        self.assertIn(self.employee_consultant.id, job.record_ids)
        self.assertFalse(
            self.Compliance.search([("employee_id", "=", self.employee_consultant.id)]), "nothing scanned yet"
        )

        result = Job.load(self.env, job.uuid).perform()
        self.assertGreaterEqual(result["scanned"], 2)
        records = self.Compliance.search([("employee_id", "=", self.employee_consultant.id)])
        self.assertEqual(sorted(records.mapped("period_start")), [date(2026, 10, 26), self.monday])
        self.assertEqual(
            Job.load(self.env, job.uuid).perform(), {"scanned": 0}, "run again (requeued), it scans nobody twice"
        )
        self.assertEqual(self.Compliance.search([("employee_id", "=", self.employee_consultant.id)]), records)
        self.assertEqual(self.Compliance._cron_scan_compliance(), 0, "done for today: nothing to enqueue")

    def test_repeated_consultant_reminder_job_mails_once(self):
        with freeze_time("2026-11-07"):
            self.Compliance._scan_employees(self.employee_consultant | self.employee_other_consultant)
            jobs = self._dispatch_trapped(self.Compliance._cron_remind_consultants)
            mine = [job for job in jobs if self.employee_consultant in job.recordset.employee_id]
            self.assertEqual(len(mine), 1)
            self.assertEqual(mine[0].channel, "root.billing")
            self.assertFalse(self._reminders("consultant"), "the dispatcher sends nothing")
            self.assertGreaterEqual(mine[0].perform()["reminded"], 1)
            self.assertEqual(mine[0].perform(), {"reminded": 0}, "a repeated job reminds nobody twice")
        reminder = self._reminders("consultant")
        self.assertEqual(len(reminder), 1)
        self.assertEqual(len(self.env["mail.mail"].search([("mail_message_id", "=", reminder.mail_message_id.id)])), 1)

    def test_repeated_manager_escalation_job_escalates_once(self):
        with freeze_time("2026-11-10"):
            self.Compliance._scan_employees(self.employee_consultant | self.employee_other_consultant)
            jobs = self._dispatch_trapped(self.Compliance._cron_escalate_to_managers)
            mine = [job for job in jobs if self.employee_consultant in job.recordset.employee_id]
            self.assertEqual(len(mine), 1, "a manager's people are in one job")
            self.assertEqual(mine[0].perform()["escalated"], 1)
            self.assertEqual(mine[0].perform(), {"escalated": 0}, "a repeated job escalates nothing twice")
        escalation = self._reminders("escalation")
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.user_id, self.project_manager)
        self.assertEqual(len(escalation.activity_id), 1)

    def test_repeated_approver_reminder_job_mails_once(self):
        with freeze_time("2026-11-05 09:00:00"):
            self._submit(self.carla_lines)
        with freeze_time("2026-11-09"):
            jobs = self._dispatch_trapped(self.Reminder._cron_remind_approvers)
            mine = [job for job in jobs if self.project_manager.id in job.args[0]]
            self.assertEqual(len(mine), 1)
            self.assertTrue(mine[0].identity_key)
            self.assertEqual(mine[0].perform()["reminded"], 1)
            self.assertEqual(mine[0].perform(), {"reminded": 0}, "a repeated job reminds nobody twice")
        reminder = self._reminders("approval")
        self.assertEqual((len(reminder), reminder.user_id, reminder.hours), (1, self.project_manager, 24.0))
