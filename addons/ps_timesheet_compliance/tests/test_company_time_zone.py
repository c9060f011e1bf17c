# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import GROUP_FINANCE_CONTROLLER, run_jobs
from odoo.tests import new_test_user, tagged

from .common import TimesheetComplianceCase

LOS_ANGELES = "America/Los_Angeles"


@tagged("post_install", "-at_install")
class TestCompanyTimeZone(TimesheetComplianceCase):
    """Periods, reminders and escalations follow the firm's calendar (Europe/Brussels), whatever the
    time zone of the viewer or of the scheduled action's user (America/Los_Angeles).

    At 00:30 UTC on 1 December 2026 it is already 1 December in Brussels (01:30) but still
    30 November in Los Angeles (16:30).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar.tz = "Europe/Brussels"
        cls.employee_consultant.tz = "Europe/Brussels"
        cls.company.write(
            {
                "ps_timesheet_period": "monthly",
                "ps_timesheet_cutoff_days": 1,
                "ps_timesheet_reminder_days": 2,
                "ps_timesheet_escalation_days": 1,
            }
        )
        # Carla logs every working day of November 2026 but the last two (27 and 30).
        day = date(2026, 11, 2)
        while day <= date(2026, 11, 26):
            if day.weekday() < 5:
                cls._log_time(cls.employee_consultant, 8.0, day)
            day += timedelta(days=1)
        cls.viewer = new_test_user(
            cls.env, login="bc_la_viewer", name="Lou Angeles", groups=GROUP_FINANCE_CONTROLLER, tz=LOS_ANGELES
        )
        cls.Compliance = cls.env["ps.timesheet.compliance"]
        cls.Reminder = cls.env["ps.timesheet.reminder"]
        # The scheduled actions' user, in Los Angeles.
        cls.cron_env = cls.env(context=dict(cls.env.context, tz=LOS_ANGELES))

    def _records(self):
        return self.Compliance.search([("employee_id", "=", self.employee_consultant.id)]).sorted("period_start")

    @freeze_time("2026-12-01 00:30:00")
    def test_the_period_is_the_new_one_for_a_viewer_west_of_utc(self):
        self.assertEqual(self.viewer.with_user(self.viewer).env.company._ps_today(), date(2026, 12, 1))
        self.cron_env["ps.timesheet.compliance"]._scan_employees(self.employee_consultant)
        november, december = self._records()
        self.assertEqual((december.period_start, december.period_end), (date(2026, 12, 1), date(2026, 12, 31)))
        self.assertFalse(december.expected_until, "December began this night: nothing is expected yet")
        self.assertEqual((december.expected_hours, december.missing_hours, december.state), (0.0, 0.0, "compliant"))
        # November is over: all of its 21 working days, of which 19 logged.
        self.assertEqual(november.expected_until, date(2026, 11, 30))
        self.assertEqual(
            (november.expected_hours, november.logged_hours, november.missing_hours, november.state),
            (168.0, 152.0, 16.0, "missing"),
        )
        self.assertEqual(november.cutoff_date, date(2026, 12, 1))
        # The viewer's refresh judges on the company's day too.
        november.with_user(self.viewer).with_context(tz=LOS_ANGELES).action_refresh()
        self.assertEqual((november.expected_hours, november.missing_hours), (168.0, 16.0))

    def test_reminder_and_escalation_are_dated_in_the_company_day(self):
        Compliance = self.cron_env["ps.timesheet.compliance"]
        with freeze_time("2026-12-01 00:30:00"):
            run_jobs(Compliance._cron_scan_compliance)
            run_jobs(Compliance._cron_remind_consultants)
            run_jobs(Compliance._cron_escalate_to_managers)
        reminder = self.Reminder.search([("employee_id", "=", self.employee_consultant.id)])
        self.assertEqual(reminder.mapped("kind"), ["consultant"], "reminded on the cutoff day, not escalated")
        self.assertEqual((reminder.period_start, reminder.hours), (date(2026, 11, 1), 16.0))
        # 00:30 on 3 December in Brussels, still the 2nd in Los Angeles: the cutoff (1st) plus one day passed.
        with freeze_time("2026-12-02 23:30:00"):
            run_jobs(Compliance._cron_scan_compliance)
            run_jobs(Compliance._cron_escalate_to_managers)
        november = self._records()[0]
        self.assertEqual(november.state, "late")
        escalation = self.Reminder.search(
            [("employee_id", "=", self.employee_consultant.id), ("kind", "=", "escalation")]
        )
        self.assertEqual(escalation.user_id, self.project_manager)
        self.assertEqual(escalation.activity_id.date_deadline, date(2026, 12, 3), "the company's day, not LA's")

    @freeze_time("2026-06-01 00:30:00")
    def test_weekly_period_starts_this_monday_for_a_viewer_west_of_utc(self):
        self.company.ps_timesheet_period = "weekly"
        run_jobs(self.cron_env["ps.timesheet.compliance"]._cron_scan_compliance)
        records = self._records()
        self.assertEqual(records.mapped("period_start"), [date(2026, 5, 25), date(2026, 6, 1)])
        last_week, this_week = records
        self.assertEqual((this_week.expected_hours, this_week.state), (0.0, "compliant"))
        self.assertEqual((last_week.expected_hours, last_week.missing_hours, last_week.state), (40.0, 40.0, "missing"))
        self.assertTrue(all(record.cutoff_date >= record.period_end for record in records))
