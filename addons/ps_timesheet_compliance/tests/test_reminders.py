# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

import psycopg2
from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import run_jobs
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ShortWeekCase


@tagged("post_install", "-at_install")
class TestReminders(ShortWeekCase):
    """Each reminder is sent once per employee, period and kind, however often the crons run.

    The week of 2 November 2026 has its cutoff on Monday 9; consultants are
    reminded from Saturday 7 (two days before), managers escalated from
    Tuesday 10 (a day after). Carla logs three days of five; Oscar all five.
    """

    def _run_crons(self, first, last, times=2):
        """Run every timesheet cron ``times`` a day from ``first`` to ``last``."""
        day = first
        while day <= last:
            with freeze_time(day):
                for _run in range(times):
                    run_jobs(self.Compliance._cron_scan_compliance)
                    run_jobs(self.Compliance._cron_remind_consultants)
                    run_jobs(self.Compliance._cron_escalate_to_managers)
                    run_jobs(self.Reminder._cron_remind_approvers)
            day += timedelta(days=1)

    def _reminders(self, kind, employee, start=None):
        return self.Reminder.search(
            [
                ("kind", "=", kind),
                ("employee_id", "=", employee.id),
                ("period_start", "=", start or self.monday),
            ]
        )

    def _mails_to(self, user, **domain):
        return self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", user.partner_id.ids),
                *[(key, "=", value) for key, value in domain.items()],
            ]
        )

    def test_no_consultant_reminder_before_the_lead_days(self):
        self._run_crons(date(2026, 11, 2), date(2026, 11, 6))
        self.assertFalse(self._reminders("consultant", self.employee_consultant))

    def test_consultant_reminded_exactly_once_across_the_period(self):
        self._run_crons(date(2026, 11, 2), date(2026, 11, 16))
        reminder = self._reminders("consultant", self.employee_consultant)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.consultant)
        self.assertEqual(reminder.hours, 16.0)
        compliance = reminder.compliance_id
        mails = self._mails_to(self.consultant, model="ps.timesheet.compliance", res_id=compliance.id)
        self.assertEqual(len(mails), 1, "one email in the queue, whatever the number of runs")
        self.assertIn("16.00", mails.subject)
        for text in ("40.00", "24.00", "16.00", "account_analytic_line_action_my"):
            self.assertIn(text, str(mails.body_html))

    def test_compliant_consultant_is_not_reminded(self):
        self._run_crons(date(2026, 11, 2), date(2026, 11, 16))
        self.assertFalse(self._reminders("consultant", self.employee_other_consultant))
        self.assertFalse(self._reminders("escalation", self.employee_other_consultant))

    def test_consultant_who_catches_up_is_not_reminded(self):
        self._run_crons(date(2026, 11, 2), date(2026, 11, 6))
        self._log_time(self.employee_consultant, 8.0, date(2026, 11, 5))
        self._log_time(self.employee_consultant, 8.0, date(2026, 11, 6))
        self._run_crons(date(2026, 11, 7), date(2026, 11, 16))
        self.assertFalse(self._reminders("consultant", self.employee_consultant))
        self.assertFalse(self._reminders("escalation", self.employee_consultant))

    def test_manager_escalated_exactly_once_after_the_cutoff(self):
        self._run_crons(date(2026, 11, 2), date(2026, 11, 9))
        self.assertFalse(self._reminders("escalation", self.employee_consultant), "not before the delay")
        self._run_crons(date(2026, 11, 10), date(2026, 11, 16))
        escalation = self._reminders("escalation", self.employee_consultant)
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.user_id, self.project_manager)
        mails = self._mails_to(self.project_manager, model="res.users", res_id=self.project_manager.id)
        week_mails = mails.filtered(
            lambda mail: "Carla Consultant" in str(mail.body_html) and "16.00" in str(mail.body_html)
        )
        self.assertEqual(len(week_mails), 1)
        activity = escalation.activity_id
        self.assertEqual(activity.user_id, self.project_manager)
        self.assertIn("Carla Consultant", str(activity.note))
        activities = self.env["mail.activity"].search(
            [
                ("user_id", "=", self.project_manager.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("ps_timesheet_compliance.mail_activity_type_timesheet_missing").id,
                ),
            ]
        )
        escalated = self.Reminder.search([("kind", "=", "escalation"), ("user_id", "=", self.project_manager.id)])
        self.assertEqual(activities, escalated.activity_id, "one activity per period, however often it runs")
        self.assertEqual(len(activities), len(set(escalated.mapped("period_start"))))

    def test_escalation_lists_several_people_in_one_email(self):
        self.employee_other_consultant.parent_id = self.employee_manager
        self.env["account.analytic.line"].search([("employee_id", "=", self.employee_other_consultant.id)])[
            :2
        ].with_context(ps_timesheet_unlock=True).sudo().unlink()
        self._run_crons(date(2026, 11, 2), date(2026, 11, 10))
        # The demo firm is dated relative to today: look at this test's people only.
        people = self.employee_consultant | self.employee_other_consultant
        escalations = self.Reminder.search(
            [("kind", "=", "escalation"), ("period_start", "=", self.monday), ("employee_id", "in", people.ids)]
        )
        self.assertEqual(escalations.employee_id, people)
        self.assertEqual(len(escalations.mail_message_id), 1, "one email for the team")
        self.assertEqual(len(escalations.activity_id), 1, "one activity for the team")
        body = str(escalations.mail_message_id.body)
        self.assertIn("Carla Consultant", body)
        self.assertIn("Oscar Other", body)

    def test_approver_reminded_once_of_time_waiting_too_long(self):
        with freeze_time("2026-11-05 09:00:00"):
            self._submit(self.carla_lines)
        self._run_crons(date(2026, 11, 5), date(2026, 11, 7))
        self.assertFalse(self._reminders("approval", self.employee_consultant), "not before three days")
        self._run_crons(date(2026, 11, 8), date(2026, 11, 16))
        reminder = self._reminders("approval", self.employee_consultant)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.project_manager)
        self.assertEqual(reminder.hours, 24.0)
        mails = self.env["mail.mail"].search([("mail_message_id", "=", reminder.mail_message_id.id)])
        self.assertEqual(len(mails), 1)
        self.assertIn("Carla Consultant", str(mails.body_html))

    def test_approved_time_triggers_no_approver_reminder(self):
        with freeze_time("2026-11-05 09:00:00"):
            self._submit(self.carla_lines)
            self._approve(self.carla_lines)
        self._run_crons(date(2026, 11, 5), date(2026, 11, 16), times=1)
        self.assertFalse(self._reminders("approval", self.employee_consultant))

    def test_reminder_record_is_unique(self):
        self._run_crons(date(2026, 11, 8), date(2026, 11, 8), times=1)
        reminder = self._reminders("consultant", self.employee_consultant)
        self.assertEqual(len(reminder), 1)
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            reminder.copy()
