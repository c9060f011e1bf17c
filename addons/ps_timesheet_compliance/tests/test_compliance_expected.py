# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

import pytz
from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import GROUP_ADMINISTRATOR, run_jobs
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import TimesheetComplianceCase

BRUSSELS = pytz.timezone("Europe/Brussels")


def utc(year, month, day, hour, minute=0):
    """Return the naive UTC datetime of this Brussels wall-clock time (what freezegun takes)."""
    return BRUSSELS.localize(datetime(year, month, day, hour, minute)).astimezone(pytz.utc).replace(tzinfo=None)


@tagged("post_install", "-at_install")
class TestComplianceExpectedSoFar(TimesheetComplianceCase):
    """A period is judged against the hours expected so far, and only for people expected to log time.

    The choice: the hours of the working days *before* today (company time) are expected, the
    whole period once it is over; today's hours count from tomorrow, since people log a day's
    time at its end. On Wednesday 4 November 2026 at 10:00 in Brussels, Monday and Tuesday are
    expected, Wednesday not yet.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar.tz = "Europe/Brussels"
        (cls.employee_consultant | cls.employee_other_consultant | cls.employee_controller).write(
            {"tz": "Europe/Brussels"}
        )
        cls.Compliance = cls.env["ps.timesheet.compliance"]

    def _current(self, employee):
        """Scan ``employee`` now (the company's day) and return the record of the current period."""
        today = self.company._ps_today()
        return self.Compliance._scan_employees(employee).filtered(lambda r: r.period_start <= today <= r.period_end)

    def _figures(self, record):
        return (
            record.expected_hours,
            record.logged_hours,
            record.submitted_hours,
            record.approved_hours,
            record.missing_hours,
            record.state,
        )

    # ------------------------------------------------------------
    # Hours expected so far
    # ------------------------------------------------------------

    def test_wednesday_morning_expects_monday_and_tuesday_less_a_part_day_leave(self):
        self._log_time(self.employee_consultant, 8.0, date(2026, 11, 2))
        self._log_time(self.employee_consultant, 4.5, date(2026, 11, 3))
        self._log_time(self.employee_consultant, 3.0, date(2026, 11, 4), name="Wednesday's, already")
        # A dentist on Tuesday from 8:00 to 10:15: 2.25 hours less.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Dentist",
                "calendar_id": self.calendar.id,
                "resource_id": self.employee_consultant.resource_id.id,
                "company_id": self.company.id,
                "date_from": utc(2026, 11, 3, 8),
                "date_to": utc(2026, 11, 3, 10, 15),
                "time_type": "leave",
            }
        )
        with freeze_time(utc(2026, 11, 4, 10)):
            record = self._current(self.employee_consultant)
        self.assertEqual(record.period_start, self.monday)
        self.assertEqual(record.expected_until, date(2026, 11, 3), "up to yesterday")
        # 8.00 + (8.00 - 2.25) expected; 8.00 + 4.50 + 3.00 logged (today's time counts as logged).
        self.assertEqual(self._figures(record), (13.75, 15.5, 0.0, 0.0, 0.0, "compliant"))

    def test_wednesday_morning_short_of_tuesday_is_missing(self):
        self._log_time(self.employee_consultant, 8.0, date(2026, 11, 2))
        self._log_time(self.employee_consultant, 6.25, date(2026, 11, 3))
        with freeze_time(utc(2026, 11, 4, 10)):
            record = self._current(self.employee_consultant)
        self.assertEqual(self._figures(record), (16.0, 14.25, 0.0, 0.0, 1.75, "missing"))

    def test_week_that_began_this_morning_owes_nothing_yet(self):
        with freeze_time(utc(2026, 11, 2, 8, 30)):
            record = self._current(self.employee_consultant)
        self.assertEqual(record.period_start, self.monday)
        self.assertFalse(record.expected_until)
        self.assertEqual(self._figures(record), (0.0, 0.0, 0.0, 0.0, 0.0, "compliant"))

    def test_period_over_expects_all_of_it(self):
        self._week(self.employee_consultant, days=4)
        with freeze_time(utc(2026, 11, 9, 10)):
            records = self.Compliance._scan_employees(self.employee_consultant)
        last_week = records.filtered(lambda r: r.period_start == self.monday)
        self.assertEqual(last_week.expected_until, date(2026, 11, 8))
        self.assertEqual(self._figures(last_week), (40.0, 32.0, 0.0, 0.0, 8.0, "missing"))

    def test_cron_judges_the_current_period_so_far(self):
        self._log_time(self.employee_consultant, 8.0, date(2026, 11, 2))
        with freeze_time(utc(2026, 11, 4, 10)):
            run_jobs(self.Compliance._cron_scan_compliance)
        record = self.Compliance.search(
            [("employee_id", "=", self.employee_consultant.id), ("period_start", "=", self.monday)]
        )
        self.assertEqual(self._figures(record), (16.0, 8.0, 0.0, 0.0, 8.0, "missing"))

    # ------------------------------------------------------------
    # Who is expected to log time
    # ------------------------------------------------------------

    def test_finance_controller_is_not_expected(self):
        self.assertFalse(self.employee_controller.ps_timesheet_required)
        with freeze_time(utc(2026, 11, 4, 10)):
            run_jobs(self.Compliance._cron_scan_compliance)
            record = self._current(self.employee_controller)
        self.assertFalse(
            self.Compliance.search(
                [("employee_id", "=", self.employee_controller.id), ("state", "!=", "not_expected")]
            ),
            "the daily scan leaves finance out",
        )
        self.assertEqual(self._figures(record), (0.0, 0.0, 0.0, 0.0, 0.0, "not_expected"))
        self.assertEqual(dict(record._fields["state"]._description_selection(self.env))[record.state], "Not Expected")

    def test_expected_by_default_for_consultants_and_project_managers_only(self):
        Employee = self.env["hr.employee"]
        administrator = new_test_user(self.env, login="bc_admin_h2", name="Ada Admin", groups=GROUP_ADMINISTRATOR)
        plain = new_test_user(self.env, login="bc_plain_h2", name="Pat Plain", groups="base.group_user")
        employees = {
            "consultant": self.employee_consultant,
            "project manager": self.employee_manager,
            "finance controller": self.employee_controller,
            "administrator": Employee.create({"name": administrator.name, "user_id": administrator.id}),
            "user of other apps": Employee.create({"name": plain.name, "user_id": plain.id}),
            "no user": Employee.create({"name": "No User"}),
        }
        self.assertEqual(
            {role: employee.ps_timesheet_required for role, employee in employees.items()},
            {
                "consultant": True,
                "project manager": True,
                "finance controller": False,
                "administrator": False,
                "user of other apps": False,
                "no user": False,
            },
        )
        # Linking a consultant's user later decides again.
        employee = employees["no user"]
        late_user = new_test_user(
            self.env, login="bc_late_h2", name="Lee Late", groups="ps_billing_readiness.group_consultant"
        )
        employee.user_id = late_user
        self.assertTrue(employee.ps_timesheet_required)

    def test_hr_officer_sets_the_flag_on_the_employee_form_and_the_records_follow(self):
        hr_officer = new_test_user(self.env, login="bc_hr_h2", name="Hana HR", groups="hr.group_hr_user")
        self._week(self.employee_controller, days=2)
        self._week(self.employee_consultant, days=2)
        with freeze_time(utc(2026, 11, 4, 10)):
            controller = self._current(self.employee_controller)
            consultant = self._current(self.employee_consultant)
            self.assertEqual(controller.state, "not_expected")
            with Form(self.employee_controller.with_user(hr_officer)) as form:
                form.ps_timesheet_required = True
            self.assertEqual(self._figures(controller), (16.0, 16.0, 0.0, 0.0, 0.0, "compliant"))
            with Form(self.employee_consultant.with_user(hr_officer)) as form:
                form.ps_timesheet_required = False
            self.assertEqual(self._figures(consultant), (0.0, 16.0, 0.0, 0.0, 0.0, "not_expected"))

    def test_consultant_cannot_declare_themselves_not_expected(self):
        with self.assertRaises(AccessError):
            self.employee_consultant.with_user(self.consultant).write({"ps_timesheet_required": False})
        self.assertTrue(self.employee_consultant.ps_timesheet_required)
