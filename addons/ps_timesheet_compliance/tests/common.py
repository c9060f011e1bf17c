# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, time

import pytz

from odoo.addons.ps_billing_readiness.tests.common import (
    GROUP_CONSULTANT,
    GROUP_PROJECT_MANAGER,
    BillingControlCase,
)
from odoo.tests.common import new_test_user


class TimesheetComplianceCase(BillingControlCase):
    """The firm of the core plus a second consultant on another team and a second project manager.

    - ``consultant`` (Carla) reports to ``project_manager`` (Paul), who manages ``project``;
    - ``other_consultant`` (Oscar) reports to ``other_manager`` (Olga), who manages nothing here;
    - the week of ``monday`` (2 to 8 November 2026) is a full week of 40 hours.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_manager = new_test_user(
            cls.env,
            login="bc_other_manager",
            name="Olga Other",
            groups=GROUP_PROJECT_MANAGER,
            email="olga@example.com",
        )
        cls.other_consultant = new_test_user(
            cls.env,
            login="bc_other_consultant",
            name="Oscar Other",
            groups=GROUP_CONSULTANT,
            email="oscar@example.com",
        )
        Employee = cls.env["hr.employee"]
        cls.employee_other_manager = Employee.create(
            {
                "name": cls.other_manager.name,
                "user_id": cls.other_manager.id,
                "hourly_cost": 60.0,
            }
        )
        cls.employee_other_consultant = Employee.create(
            {
                "name": cls.other_consultant.name,
                "user_id": cls.other_consultant.id,
                "hourly_cost": 40.0,
                "parent_id": cls.employee_other_manager.id,
            }
        )
        cls.calendar = cls.company.resource_calendar_id
        cls.monday = date(2026, 11, 2)
        cls.Line = cls.env["account.analytic.line"]

    @classmethod
    def _week(cls, employee, hours=8.0, monday=None, days=5, **values):
        """Log ``hours`` a day on the engagement's task for ``days`` days from ``monday``."""
        monday = monday or cls.monday
        return cls.Line.concat(
            *[
                cls._log_time(employee, hours, date.fromordinal(monday.toordinal() + offset), **values)
                for offset in range(days)
            ]
        )

    def _submit(self, lines, user=None):
        lines.with_user(user or self.consultant).action_ps_submit()

    def _approve(self, lines, user=None):
        lines.with_user(user or self.project_manager).action_ps_approve()

    def _reject(self, lines, reason="Wrong task", user=None):
        action = lines.with_user(user or self.project_manager).action_ps_reject()
        wizard = (
            self.env["ps.timesheet.reject.wizard"]
            .with_user(user or self.project_manager)
            .with_context(**action["context"])
            .create({"reason": reason})
        )
        wizard.action_reject()

    @classmethod
    def _day_leave(cls, day, employee=None, name="Leave"):
        """Create a full-day leave of ``employee`` on ``day``, or a public holiday without employee."""
        tz = pytz.timezone((employee.tz if employee else cls.calendar.tz) or "UTC")
        start = tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        end = tz.localize(datetime.combine(day, time(23, 59, 59))).astimezone(pytz.utc).replace(tzinfo=None)
        return cls.env["resource.calendar.leaves"].create(
            {
                "name": name,
                "calendar_id": cls.calendar.id,
                "resource_id": employee.resource_id.id if employee else False,
                "company_id": cls.company.id,
                "date_from": start,
                "date_to": end,
                "time_type": "leave",
            }
        )


class ShortWeekCase(TimesheetComplianceCase):
    """Carla logs three days of five in the week of 2 November (cutoff Monday 9); Oscar all five."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carla_lines = cls._week(cls.employee_consultant, days=3)
        cls._week(cls.employee_other_consultant, days=5)
        cls.Compliance = cls.env["ps.timesheet.compliance"]
        cls.Reminder = cls.env["ps.timesheet.reminder"]
