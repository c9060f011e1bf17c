# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
from datetime import date, datetime, time

import pytz
from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import run_jobs
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import tagged

from .common import TimesheetComplianceCase


@tagged("post_install", "-at_install")
class TestComplianceScan(TimesheetComplianceCase):
    """Expected, logged, submitted, approved and missing hours per employee and period."""

    def _scan(self, employees, day, start=None):
        """Scan ``employees`` on ``day``; return the records of the period starting on ``start``
        (default: the period containing ``day``)."""
        Compliance = self.env["ps.timesheet.compliance"]
        records = Compliance._scan_employees(employees, day)
        if start:
            return records.filtered(lambda r: r.period_start == start)
        return records.filtered(lambda r: r.period_start <= day <= r.period_end)

    def test_full_week_logged_is_compliant(self):
        self._week(self.employee_consultant)
        # On the cutoff day, the Monday after: the week is over, all of it is expected.
        record = self._scan(self.employee_consultant, date(2026, 11, 9), self.monday)
        self.assertEqual(record.expected_hours, 40.0)
        self.assertEqual(record.expected_until, date(2026, 11, 8))
        self.assertEqual(record.logged_hours, 40.0)
        self.assertEqual(record.missing_hours, 0.0)
        self.assertEqual(record.state, "compliant")

    def test_expected_hours_less_leave_and_public_holiday(self):
        self._day_leave(date(2026, 11, 3), self.employee_consultant, "Dentist")
        self._day_leave(date(2026, 11, 11), name="Armistice")  # the next week's Wednesday
        self._day_leave(date(2026, 11, 4), name="Founders' Day")
        record = self._scan(self.employee_consultant, date(2026, 11, 9), self.monday)
        self.assertEqual(record.expected_hours, 24.0, "40 hours less a leave and a public holiday")
        other = self._scan(self.employee_other_consultant, date(2026, 11, 9), self.monday)
        self.assertEqual(other.expected_hours, 32.0, "the leave is Carla's only; the holiday is everyone's")

    def test_expected_hours_are_odoos_for_every_kind_of_employee(self):
        """Employees who share a calendar, a time zone and a company share their hours, the others not."""
        Employee = self.env["hr.employee"]
        part_time = self.calendar.copy({"name": "Four days"})
        part_time.attendance_ids.filtered(lambda a: a.dayofweek == "4").unlink()
        other_company = self.env["res.company"].create({"name": "Other Firm"})
        alike = Employee.create([{"name": f"Alike {index}"} for index in range(3)])
        on_leave = Employee.create({"name": "On leave"})
        four_days = Employee.create(
            [{"name": f"Four days {index}", "resource_calendar_id": part_time.id} for index in range(2)]
        )
        in_tokyo = Employee.create({"name": "In Tokyo", "tz": "Asia/Tokyo"})
        elsewhere = Employee.create(
            {"name": "Elsewhere", "company_id": other_company.id, "resource_calendar_id": self.calendar.id}
        )
        own_hours = Employee.create({"name": "Own hours"})
        self.env["resource.calendar.attendance"].create(
            {
                "name": "Saturday morning",
                "calendar_id": self.calendar.id,
                "resource_id": own_hours.resource_id.id,
                "dayofweek": "5",
                "hour_from": 8.0,
                "hour_to": 12.0,
            }
        )
        self._day_leave(date(2026, 11, 3), on_leave, "Dentist")
        self._day_leave(date(2026, 11, 4), name="Founders' Day")  # this company's holiday only
        employees = alike | on_leave | four_days | in_tokyo | elsewhere | own_hours
        Compliance = self.env["ps.timesheet.compliance"]
        pairs = [
            (employee, *period)
            for employee in employees
            for period in Compliance._get_employee_periods(employee, date(2026, 11, 6))
        ]
        expected = Compliance._read_expected_hours(pairs)
        for employee, start, end, _cutoff in pairs:
            tz = pytz.timezone(employee.tz or "UTC")
            odoo = employee._get_work_days_data_batch(
                tz.localize(datetime.combine(start, time.min)), tz.localize(datetime.combine(end, time.max))
            )[employee.id]["hours"]
            self.assertAlmostEqual(expected[(employee.id, start)], odoo, msg=f"{employee.name} from {start}")
        week = date(2026, 11, 2)
        self.assertEqual([expected[(employee.id, week)] for employee in alike], [32.0] * 3)
        self.assertEqual(expected[(on_leave.id, week)], 24.0)
        self.assertEqual(expected[(four_days[0].id, week)], 32.0, "four days; the holiday is the other calendar's")
        self.assertEqual(expected[(elsewhere.id, week)], 40.0, "the holiday is the other company's")
        self.assertEqual(expected[(own_hours.id, week)], 36.0, "a Saturday morning of its own")

    def test_hours_by_approval_state(self):
        lines = self._week(self.employee_consultant, days=4)
        self._submit(lines[:3])
        self._approve(lines[:1])
        record = self._scan(self.employee_consultant, date(2026, 11, 9), self.monday)
        self.assertEqual(
            (record.logged_hours, record.submitted_hours, record.approved_hours, record.missing_hours),
            (32.0, 16.0, 8.0, 8.0),
        )
        self.assertEqual(record.state, "missing", "short before the cutoff")

    def test_short_after_cutoff_is_late(self):
        self._week(self.employee_consultant, days=4)
        record = self._scan(self.employee_consultant, date(2026, 11, 6))
        records = self.env["ps.timesheet.compliance"]._scan_employees(self.employee_consultant, date(2026, 11, 10))
        record = records.filtered(lambda r: r.period_start == self.monday)
        self.assertEqual(record.cutoff_date, date(2026, 11, 9))
        self.assertEqual(record.state, "late")

    def test_shortfall_within_tolerance_is_compliant(self):
        self._week(self.employee_consultant, days=4)
        self._log_time(self.employee_consultant, 7.75, date(2026, 11, 6))
        self.assertEqual(self._scan(self.employee_consultant, date(2026, 11, 6)).state, "compliant")

    def test_monthly_period(self):
        self.company.ps_timesheet_period = "monthly"
        record = self._scan(self.employee_consultant, date(2026, 11, 6))
        self.assertEqual((record.period_start, record.period_end), (date(2026, 11, 1), date(2026, 11, 30)))
        self.assertEqual(record.expected_hours, 4 * 8.0, "so far: Monday 2 to Thursday 5 November")
        record = self._scan(self.employee_consultant, date(2026, 12, 1), date(2026, 11, 1))
        self.assertEqual(record.expected_hours, 21 * 8.0, "the whole of November once it is over")

    def test_rescan_updates_the_same_record(self):
        first = self._scan(self.employee_consultant, date(2026, 11, 6))
        self._week(self.employee_consultant)
        second = self._scan(self.employee_consultant, date(2026, 11, 6))
        self.assertEqual(first, second)
        self.assertEqual(second.logged_hours, 40.0)
        self.assertEqual(
            self.env["ps.timesheet.compliance"].search_count([("employee_id", "=", self.employee_consultant.id)]),
            2,
            "the previous and the current period",
        )

    def test_timesheets_required_defaults_from_user(self):
        self.assertTrue(self.employee_consultant.ps_timesheet_required)
        nobody = self.env["hr.employee"].create({"name": "No User"})
        self.assertFalse(nobody.ps_timesheet_required)

    @freeze_time("2026-11-06")
    def test_cron_scans_required_employees_once_a_day(self):
        Compliance = self.env["ps.timesheet.compliance"]
        self.employee_controller.ps_timesheet_required = False
        run_jobs(Compliance._cron_scan_compliance)
        scanned = Compliance.search([]).employee_id
        self.assertIn(self.employee_consultant, scanned)
        self.assertNotIn(self.employee_controller, scanned)
        self.assertEqual(
            run_jobs(Compliance._cron_scan_compliance)["scanned"], 0, "a second run the same day has nothing to do"
        )

    @freeze_time("2026-11-06")
    def test_cron_works_in_batches_and_resumes(self):
        Compliance = self.env["ps.timesheet.compliance"]
        required = self.env["hr.employee"].search(Compliance._get_scan_employee_domain())
        with trap_jobs() as trap:
            self.assertEqual(Compliance._cron_scan_compliance(limit=2), math.ceil(len(required) / 2), "a job per batch")
            first, *others = trap.enqueued_jobs
        self.assertTrue(others, "more than one batch")
        self.assertEqual(first.perform(), {"scanned": 2})
        self.assertEqual(first.perform(), {"scanned": 0}, "a job run again scans nobody twice")
        # Dispatched again, the day's scan takes those left, whatever became of the first batches.
        self.assertEqual(run_jobs(Compliance._cron_scan_compliance, limit=100)["scanned"], len(required) - 2)
        self.assertEqual(len(Compliance.search([]).employee_id), len(required))
        self.assertEqual(sum(job.perform()["scanned"] for job in others), 0, "the waiting batches find them done")

    def test_scan_query_count_does_not_grow_with_employees(self):
        Employee = self.env["hr.employee"]
        Compliance = self.env["ps.timesheet.compliance"]
        users = [
            self.env["res.users"].create({"name": f"Scan {index}", "login": f"scan{index}"}) for index in range(56)
        ]
        employees = Employee.create([{"name": user.name, "user_id": user.id} for user in users])
        for employee in employees[:2] | employees[10:13]:
            self._log_time(employee, 6.0, self.monday)
        day = date(2026, 11, 6)

        def count(batch):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Compliance._scan_employees(batch, day)
            return self.env.cr.sql_log_count - before

        count(employees[:1])  # warm the caches of the ORM
        five, fifty = count(employees[1:6]), count(employees[6:56])
        self.assertEqual(len(employees[6:56]), 50)
        self.assertEqual(five, fifty, f"5 employees: {five} queries, 50: {fifty}")
        # and the same again as an update
        self.assertEqual(count(employees[1:6]), count(employees[6:56]))
