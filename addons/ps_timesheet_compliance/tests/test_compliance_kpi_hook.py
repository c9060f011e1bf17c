# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What timesheet compliance tells the revenue-operations KPIs (``ps.kpi.hook``)."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import run_jobs
from odoo.tests import tagged

from .common import ShortWeekCase

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@tagged("post_install", "-at_install")
class TestComplianceKpiHook(ShortWeekCase):
    def _run_crons(self, first, last):
        day = first
        while day <= last:
            with freeze_time(day):
                run_jobs(self.Compliance._cron_scan_compliance)
                run_jobs(self.Compliance._cron_remind_consultants)
            day += timedelta(days=1)

    def test_people_on_time_and_people_expected(self):
        self._run_crons(date(2026, 11, 2), date(2026, 11, 10))
        # The periods ending from 2 to 8 November: the week of 2 November alone.
        entries = self.env["ps.kpi.hook"]._ps_kpi_timesheet_compliance(self.company, self.monday, date(2026, 11, 8))
        on_time = {entry["employee_id"]: entry["on_time"] for entry in entries}
        self.assertIs(on_time[self.employee_consultant.id], False)
        self.assertIs(on_time[self.employee_other_consultant.id], True)

    def test_time_logged_after_a_reminder_is_recovered_at_its_price(self):
        self._run_crons(date(2026, 11, 2), date(2026, 11, 7))
        reminder = self.Reminder.search(
            [
                ("kind", "=", "consultant"),
                ("employee_id", "=", self.employee_consultant.id),
                ("period_start", "=", self.monday),
            ]
        )
        self.assertEqual(len(reminder), 1)
        # Odoo stamps create_date with the transaction's time: the week's first lines came before the reminder.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_analytic_line SET create_date = %s WHERE employee_id IN %s",
            ["2026-11-04 12:00:00", (self.employee_consultant.id, self.employee_other_consultant.id)],
        )
        self.env.invalidate_all()
        with freeze_time("2026-11-08"):
            self._log_time(self.employee_consultant, 8.0, date(2026, 11, 5))
            self._log_time(self.employee_consultant, 8.0, date(2026, 11, 6))
        recovered = self.env["ps.kpi.hook"]._ps_kpi_time_recovered(self.company, *NOVEMBER)
        # Two days of 8 hours at the engagement's 150.00 (the demo firm's engagements have their own).
        mine = [item for item in recovered if item["sale_order_id"] == self.engagement.id]
        self.assertEqual(mine, [{"sale_order_id": self.engagement.id, "amount": 2400.0}])
        december = self.env["ps.kpi.hook"]._ps_kpi_time_recovered(self.company, date(2026, 12, 1), date(2026, 12, 31))
        self.assertNotIn(self.engagement.id, [item["sale_order_id"] for item in december])

    def test_unapproved_time_is_held_back(self):
        self.assertIn("timesheets_approved", self.env["ps.kpi.hook"]._ps_kpi_held_back_check_codes())
