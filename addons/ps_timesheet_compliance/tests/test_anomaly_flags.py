# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from odoo.tests import tagged

from .common import TimesheetComplianceCase


@tagged("post_install", "-at_install")
class TestAnomalyFlags(TimesheetComplianceCase):
    """Advisory flags computed per line, searchable from the approval list, never blocking."""

    def _flagged(self, field, lines):
        return self.Line.search([(field, "=", True), ("id", "in", lines.ids)])

    def test_over_daily_maximum_flags_every_line_of_the_day(self):
        morning = self._log_time(self.employee_consultant, 6.0, self.monday)
        evening = self._log_time(self.employee_consultant, 5.0, self.monday)
        normal = self._log_time(self.employee_consultant, 8.0, self.monday + timedelta(days=1))
        self.assertTrue(morning.ps_flag_over_daily_max)
        self.assertTrue(evening.ps_flag_over_daily_max)
        self.assertFalse(normal.ps_flag_over_daily_max)
        self.assertEqual(self._flagged("ps_flag_over_daily_max", morning | evening | normal), morning | evening)

    def test_weekend_and_public_holiday_are_flagged(self):
        saturday = self._log_time(self.employee_consultant, 2.0, date(2026, 11, 7))
        holiday = self._log_time(self.employee_consultant, 2.0, date(2026, 11, 11))
        workday = self._log_time(self.employee_consultant, 2.0, date(2026, 11, 10))
        self.assertFalse(holiday.ps_flag_weekend_holiday, "no holiday yet")
        self._day_leave(date(2026, 11, 11), name="Armistice")
        holiday.invalidate_recordset()
        self.assertTrue(saturday.ps_flag_weekend_holiday)
        self.assertTrue(holiday.ps_flag_weekend_holiday)
        self.assertFalse(workday.ps_flag_weekend_holiday)
        self.assertEqual(self._flagged("ps_flag_weekend_holiday", saturday | holiday | workday), saturday | holiday)

    def test_empty_description_is_flagged(self):
        empty = self._log_time(self.employee_consultant, 2.0, self.monday, name="/")
        described = self._log_time(self.employee_consultant, 2.0, self.monday, name="Workshop")
        self.assertTrue(empty.ps_flag_no_description)
        self.assertFalse(described.ps_flag_no_description)
        self.assertEqual(self._flagged("ps_flag_no_description", empty | described), empty)
        self.assertEqual(
            self.Line.search([("ps_flag_no_description", "=", False), ("id", "in", (empty | described).ids)]),
            described,
        )

    def test_hours_far_from_own_average_are_flagged(self):
        self._week(self.employee_consultant, hours=4.0, monday=date(2026, 10, 26))
        self._week(self.employee_consultant, hours=4.0, monday=date(2026, 10, 19))
        long_day = self._log_time(self.employee_consultant, 9.0, date(2026, 11, 3))
        usual_day = self._log_time(self.employee_consultant, 5.0, date(2026, 11, 2))
        self.assertTrue(long_day.ps_flag_unusual_hours, "9 hours against an average of 4")
        self.assertFalse(usual_day.ps_flag_unusual_hours)
        self.assertEqual(self._flagged("ps_flag_unusual_hours", long_day | usual_day), long_day)

    def test_no_history_no_unusual_flag(self):
        line = self._log_time(self.employee_consultant, 9.0, self.monday)
        self.assertFalse(line.ps_flag_unusual_hours)

    def test_flags_are_advisory_and_summarised(self):
        line = self._log_time(self.employee_consultant, 12.0, date(2026, 11, 7), name="/")
        self.assertEqual(line.ps_anomaly_count, 3)
        self.assertIn("Weekend", line.ps_anomaly_summary)
        self._submit(line)
        self._approve(line)
        self.assertEqual(line.ps_state, "approved", "flags never block")

    def test_flags_computed_in_constant_queries(self):
        lines = self._week(self.employee_consultant) | self._week(self.employee_other_consultant)
        lines.invalidate_recordset()
        # one read of the lines, one query per flag
        with self.assertQueryCount(__system__=5):
            lines.mapped("ps_anomaly_count")
