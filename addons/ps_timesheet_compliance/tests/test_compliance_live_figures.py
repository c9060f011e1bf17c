# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import TimesheetComplianceCase


@tagged("post_install", "-at_install")
class TestComplianceLiveFigures(TimesheetComplianceCase):
    """Submitting, approving, rejecting, editing or deleting time updates the compliance records at
    once, not at the next scan.

    Monday 9 November 2026, 10:00 UTC: the week of 2 November is over (40 hours expected, cutoff
    today), the week of 9 November has begun (nothing expected yet). Carla logged the whole of
    last week, Oscar three days of it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Compliance = cls.env["ps.timesheet.compliance"]
        cls.lines = cls._week(cls.employee_consultant)
        cls.oscar_lines = cls._week(cls.employee_other_consultant, days=3)

    def setUp(self):
        super().setUp()
        self.frozen = freeze_time("2026-11-09 10:00:00")
        self.frozen.start()
        self.addCleanup(self.frozen.stop)
        records = self.Compliance._scan_employees(self.employee_consultant | self.employee_other_consultant)
        self.last_week = records.filtered(
            lambda r: r.employee_id == self.employee_consultant and r.period_start == self.monday
        )
        self.this_week = records.filtered(
            lambda r: r.employee_id == self.employee_consultant and r.period_start == date(2026, 11, 9)
        )
        self.scanned_on = self.last_week.scanned_on

    def _figures(self, record=None):
        record = record or self.last_week
        return (
            record.logged_hours,
            record.submitted_hours,
            record.approved_hours,
            record.missing_hours,
            record.state,
        )

    def test_approving_updates_the_approved_hours_at_once(self):
        self.assertEqual(self._figures(), (40.0, 0.0, 0.0, 0.0, "compliant"))
        self._submit(self.lines)
        self.assertEqual(self._figures(), (40.0, 40.0, 0.0, 0.0, "compliant"))
        self._approve(self.lines[:3])
        self.assertEqual(self._figures(), (40.0, 16.0, 24.0, 0.0, "compliant"))
        self.assertEqual(self.last_week.scanned_on, self.scanned_on, "no scan ran: the lines refreshed the record")

    def test_rejecting_and_resetting_update_the_figures(self):
        self._submit(self.lines)
        self._approve(self.lines[:2])
        self._reject(self.lines[2:4])
        self.assertEqual(self._figures(), (40.0, 8.0, 16.0, 0.0, "compliant"))
        self.lines[:1].with_user(self.project_manager).action_ps_reset_to_draft()
        self.assertEqual(self._figures(), (40.0, 8.0, 8.0, 0.0, "compliant"))

    def test_editing_and_deleting_time_update_the_missing_hours(self):
        self.lines[0].with_user(self.consultant).write({"unit_amount": 6.5})
        self.assertEqual(self._figures(), (38.5, 0.0, 0.0, 1.5, "missing"))
        self.lines[1].with_user(self.consultant).unlink()
        self.assertEqual(self._figures(), (30.5, 0.0, 0.0, 9.5, "missing"))

    def test_editing_a_submitted_line_sends_it_back_and_counts_it_as_logged_only(self):
        self._submit(self.lines)
        self.lines[0].with_user(self.consultant).write({"unit_amount": 7.25})
        self.assertEqual(self.lines[0].ps_state, "draft")
        self.assertEqual(self._figures(), (39.25, 32.0, 0.0, 0.75, "missing"))

    def test_time_moved_to_another_week_leaves_one_short_and_fills_the_other(self):
        self.lines[4].with_user(self.consultant).write({"date": date(2026, 11, 9)})
        self.assertEqual(self._figures(), (32.0, 0.0, 0.0, 8.0, "missing"))
        self.assertEqual(self._figures(self.this_week), (8.0, 0.0, 0.0, 0.0, "compliant"))

    def test_new_time_counts_at_once(self):
        oscar = self.last_week.search(
            [("employee_id", "=", self.employee_other_consultant.id), ("period_start", "=", self.monday)]
        )
        self.assertEqual(self._figures(oscar), (24.0, 0.0, 0.0, 16.0, "missing"))
        self._log_time(self.employee_other_consultant, 8.0, date(2026, 11, 5))
        self._log_time(self.employee_other_consultant, 7.75, date(2026, 11, 6))
        self.assertEqual(self._figures(oscar), (39.75, 0.0, 0.0, 0.25, "compliant"), "within the tolerance")

    def test_refresh_for_lines_is_flat_in_lines_and_employees(self):
        """One refresh per write, whatever the number of its lines and employees."""
        Employee = self.env["hr.employee"]
        users = [
            self.env["res.users"].create({"name": f"Live {index}", "login": f"live{index}"}) for index in range(30)
        ]
        employees = Employee.create(
            [{"name": user.name, "user_id": user.id, "ps_timesheet_required": True} for user in users]
        )
        lines = self.Line.concat(*(self._week(employee, days=3) for employee in employees))
        self.Compliance._scan_employees(employees)

        def count(batch):
            keys = batch._get_ps_compliance_keys()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Compliance._refresh_for_lines(keys)
            return self.env.cr.sql_log_count - before

        count(lines[:1])  # warm the caches of the ORM
        few = count(lines[3:5])  # one employee, two lines
        many = count(lines[6:])  # 28 employees, 84 lines
        self.assertEqual(few, many, f"2 lines: {few} queries, 84 lines of 28 employees: {many}")
