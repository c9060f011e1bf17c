# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Milestone dates follow the firm's calendar (Europe/Brussels), not the viewer's or the cron user's.

At 00:30 UTC it is already 01:30 or 02:30 the same day in Brussels, and still 16:30 or 17:30 the
day before in Los Angeles: every date below is one the Los Angeles clock would get a day early.
"""

from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.addons.ps_billing_readiness.tests.common import run_jobs
from odoo.tests import tagged

from .common import MilestoneBillingCase

COLLECT_EVIDENCE = "ps_milestone_billing.mail_activity_type_collect_evidence"
ESCALATION = "ps_milestone_billing.mail_activity_type_acceptance_escalation"
LOS_ANGELES = "America/Los_Angeles"


@tagged("post_install", "-at_install")
class TestMilestoneFirmTimeZone(MilestoneBillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Europe/Brussels"
        cls.project_manager.tz = LOS_ANGELES
        cls.controller.tz = LOS_ANGELES
        cls.company.ps_milestone_escalation_days = 7
        # The scheduled actions, as run by a user of Los Angeles.
        cls.Milestone = cls.env["project.milestone"].with_context(tz=LOS_ANGELES)

    def _reach_at_half_past_midnight_utc(self):
        """The project manager in Los Angeles ticks the milestone on 12 October at 17:30 (13 October in Brussels)."""
        return self._reach(self.milestone_design, day="2026-10-13 00:30:00")

    def test_reached_and_awaiting_since_are_the_firm_day(self):
        milestone = self._reach_at_half_past_midnight_utc()
        self.assertEqual(milestone.reached_date, date(2026, 10, 13))
        self.assertEqual(milestone.ps_awaiting_since, date(2026, 10, 13))
        activity = self._activities(milestone, COLLECT_EVIDENCE)
        self.assertEqual(activity.date_deadline, date(2026, 10, 16), "the activity type's 3 days, on the firm's days")

    def test_escalation_counts_the_firm_days_whoever_runs_it(self):
        milestone = self._reach_at_half_past_midnight_utc()
        with freeze_time("2026-10-19 00:30:00"):  # 6 days in Brussels
            self.assertEqual(run_jobs(self.Milestone._cron_ps_escalate_awaiting)["escalated"], 0)
        with freeze_time("2026-10-20 00:30:00"):  # 7 days in Brussels (still the 19th in Los Angeles)
            self.assertEqual(run_jobs(self.Milestone._cron_ps_escalate_awaiting)["escalated"], 1)
        self.assertEqual(milestone.ps_escalated_on, date(2026, 10, 20))
        activity = self._activities(milestone, ESCALATION).filtered(lambda a: a.user_id == self.controller)
        self.assertEqual(activity.summary, "Milestone awaiting acceptance for 7 days")
        self.assertEqual(activity.date_deadline, date(2026, 10, 20))

    def test_deemed_acceptance_on_the_firm_day_whoever_runs_it(self):
        self.engagement.ps_deemed_acceptance_days = 10
        milestone = self._reach_at_half_past_midnight_utc()
        self.assertEqual(milestone.ps_deemed_acceptance_date, date(2026, 10, 23))
        with freeze_time("2026-10-22 00:30:00"):
            run_jobs(self.Milestone._cron_ps_deemed_acceptance)
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")
        with freeze_time("2026-10-23 00:30:00"):  # 23 October in Brussels, the 22nd in Los Angeles
            run_jobs(self.Milestone._cron_ps_deemed_acceptance)
        self.assertEqual(milestone.ps_acceptance_state, "accepted")
        self.assertTrue(milestone.ps_deemed_accepted)
        # The job runs without the test's tracking_disable: the note is one message among the tracking.
        note = milestone.message_ids.filtered(lambda m: "Deemed accepted" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Deemed accepted on Oct 23, 2026, 2:30:00", note.body)
        self.assertIn("(Europe/Brussels)", note.body)

    def test_acceptance_after_midnight_in_brussels_delivers_in_the_next_period(self):
        """Accepted at 16:30 on 31 October in Los Angeles, 00:30 on 1 November in Brussels: billed in November."""
        self._confirm_terms()
        self._reach(self.milestone_design)
        self._accept(self.milestone_design, day="2026-10-31 23:30:00")
        self.assertEqual(self.line_milestone._ps_get_milestone_shares(date(2026, 10, 31)), {})
        self.assertEqual(
            self.line_milestone._ps_get_milestone_shares(date(2026, 11, 30)), {self.line_milestone.id: 0.4}
        )
        october, november = self._evaluate().sorted("period_start")
        self.assertEqual(october.amount_deliverable, 0.0)
        self.assertEqual(november.amount_deliverable, 4000.0)
        self.assertIn("Nov 1, 2026, 12:30:00", self.milestone_design.message_ids[0].body)

    def test_acceptance_before_midnight_in_brussels_delivers_in_its_period(self):
        self._confirm_terms()
        self._reach(self.milestone_design)
        self._accept(self.milestone_design, day="2026-10-31 22:30:00")  # 23:30 on 31 October in Brussels
        self.assertEqual(
            self.line_milestone._ps_get_milestone_shares(date(2026, 10, 31)), {self.line_milestone.id: 0.4}
        )
        october, november = self._evaluate().sorted("period_start")
        self.assertEqual(october.amount_deliverable, 4000.0)
        self.assertEqual(november.amount_deliverable, 0.0)

    def test_milestones_reached_before_install_accepted_at_the_start_of_their_firm_day(self):
        milestone = self._reach(self.milestone_design, day="2026-10-13 00:30:00")
        self.assertEqual(
            self.Milestone._ps_get_day_start(self.company, milestone.reached_date),
            fields.Datetime.to_datetime("2026-10-12 22:00:00"),
            "midnight in Brussels (summer time) is 22:00 UTC the day before",
        )
        self.assertEqual(
            self.Milestone._ps_get_day_start(self.company, date(2026, 11, 1)),
            fields.Datetime.to_datetime("2026-10-31 23:00:00"),
        )
        milestone.sudo().write({"ps_acceptance_state": "pending"})
        self.env["project.milestone"]._ps_init_acceptance_state()
        self.assertEqual(milestone.ps_acceptance_state, "accepted")
        self.assertEqual(milestone.ps_accepted_on, fields.Datetime.to_datetime("2026-10-12 22:00:00"))
