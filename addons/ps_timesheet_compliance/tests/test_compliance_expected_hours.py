# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, time, timedelta

import pytz

from odoo import Command
from odoo.tests import tagged

from .common import TimesheetComplianceCase

TIME_ZONES = ("UTC", "Europe/Brussels", "America/New_York", "Asia/Kolkata")
# Two weeks and two months around both daylight saving changes of 2026: Europe on Sunday 25 October,
# New York on Sunday 1 November.
PERIODS = (
    (date(2026, 10, 19), date(2026, 10, 25)),
    (date(2026, 10, 26), date(2026, 11, 1)),
    (date(2026, 10, 1), date(2026, 10, 31)),
    (date(2026, 11, 1), date(2026, 11, 30)),
)


def naive_utc(tz_name, *args):
    """Return the naive UTC datetime of this wall-clock time in ``tz_name`` (how leaves are stored)."""
    return pytz.timezone(tz_name).localize(datetime(*args)).astimezone(pytz.utc).replace(tzinfo=None)


@tagged("post_install", "-at_install")
class TestExpectedHoursAreOdoos(TimesheetComplianceCase):
    """The expected hours are Odoo's own (``hr.employee._get_work_days_data_batch``), read in a number of
    queries that does not grow with the calendars, periods and time zones met."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Firm"})
        weekdays = range(5)
        cls.standard = cls._calendar(
            "Standard 40h",
            [(day, 8, 12, "morning") for day in weekdays]
            + [(day, 12, 13, "lunch") for day in weekdays]
            + [(day, 13, 17, "afternoon") for day in weekdays],
        )
        cls.four_days = cls._calendar("Four days", [(day, 9, 17, "morning") for day in range(4)])
        cls.odd = cls._calendar(
            "Odd hours",
            [
                (1, 7.5, 12.75, "morning"),
                (5, 10, 14, "morning"),
                (6, 1, 4, "morning"),  # the night the clocks change
                (6, 22, 24, "afternoon"),
                (2, 8, 12, "morning", {"date_from": date(2026, 10, 14), "date_to": date(2026, 11, 18)}),
            ],
        )
        cls.fortnight = cls._calendar(
            "Every other Friday",
            [(day, 9, 17, "morning", {"week_type": "0"}) for day in weekdays]
            + [(day, 9, 17, "morning", {"week_type": "1"}) for day in range(4)],
            two_weeks_calendar=True,
        )
        Employee = cls.env["hr.employee"]
        cls.employees = Employee.create(
            [
                {"name": f"{calendar.name} in {tz}", "resource_calendar_id": calendar.id, "tz": tz}
                for calendar in (cls.standard, cls.four_days, cls.odd, cls.fortnight)
                for tz in TIME_ZONES
            ]
        )
        cls.company_calendar = Employee.create(
            {"name": "Company calendar", "resource_calendar_id": False, "tz": "Europe/Brussels"}
        )
        cls.elsewhere = Employee.create(
            {
                "name": "Elsewhere",
                "company_id": cls.other_company.id,
                "resource_calendar_id": cls.standard.id,
                "tz": "Europe/Brussels",
            }
        )
        cls.half_day_off = Employee.create(
            {"name": "Half day off", "resource_calendar_id": cls.standard.id, "tz": "America/New_York"}
        )
        cls.week_off = Employee.create(
            {"name": "Week off", "resource_calendar_id": cls.four_days.id, "tz": "Europe/Brussels"}
        )
        cls.own_hours = Employee.create(
            {"name": "Own hours", "resource_calendar_id": cls.four_days.id, "tz": "Asia/Kolkata"}
        )
        cls.env["resource.calendar.attendance"].create(
            {
                "name": "Friday morning",
                "calendar_id": cls.four_days.id,
                "resource_id": cls.own_hours.resource_id.id,
                "dayofweek": "4",
                "hour_from": 9.0,
                "hour_to": 13.5,
            }
        )
        Leave = cls.env["resource.calendar.leaves"]
        Leave.create(
            [
                # The standard calendar's holiday only, a whole day in Brussels.
                cls._leave("Standard's day", naive_utc("Europe/Brussels", 2026, 11, 2), cls.standard, hours=24),
                # Everyone's, on every calendar: a whole UTC day, and a half day in Brussels.
                cls._leave("Armistice", datetime(2026, 11, 11), hours=24),
                cls._leave("Friday afternoon", naive_utc("Europe/Brussels", 2026, 10, 30, 12), hours=6),
                # Part of the night the clocks change, on the odd calendar only.
                cls._leave("Short night", datetime(2026, 10, 25), cls.odd, hours=3),
                # The employee's own: half a day in New York, a week across the change in Brussels.
                cls._leave(
                    "Dentist",
                    naive_utc("America/New_York", 2026, 10, 22, 9),
                    hours=4,
                    resource_id=cls.half_day_off.resource_id.id,
                ),
                cls._leave(
                    "Holidays",
                    naive_utc("Europe/Brussels", 2026, 10, 23),
                    hours=5 * 24,
                    resource_id=cls.week_off.resource_id.id,
                ),
            ]
        )
        # The other firm's holiday, a whole UTC Tuesday: its people only.
        cls.other_holiday = Leave.create(cls._leave("Other firm's day", datetime(2026, 10, 27), hours=24))
        # The company of a leave without calendar is the one it was created in.
        cls.other_holiday.company_id = cls.other_company
        cls.Compliance = cls.env["ps.timesheet.compliance"]

    @classmethod
    def _calendar(cls, name, attendances, **values):
        """Create a calendar of ``attendances`` (weekday, from, to, day period[, more values])."""
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{name} {day} {hour_from}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": day_period,
                            **(more[0] if more else {}),
                        }
                    )
                    for day, hour_from, hour_to, day_period, *more in attendances
                ],
                **values,
            }
        )

    @classmethod
    def _leave(cls, name, date_from, calendar=None, hours=24, **values):
        """Return the values of a leave of ``hours`` from the naive UTC ``date_from``, on ``calendar``
        (default: on none, that is every calendar of the company)."""
        return {
            "name": name,
            "calendar_id": calendar.id if calendar else False,
            "date_from": date_from,
            "date_to": date_from + timedelta(hours=hours),
            "time_type": "leave",
            **values,
        }

    def _pairs(self, employees, periods=PERIODS):
        return [(employee, start, end, end) for employee in employees for start, end in periods]

    def _odoo_hours(self, employee, start, end):
        """Return the hours Odoo computes for ``employee`` from ``start`` to ``end`` in the resource's time zone."""
        tz = pytz.timezone(employee.resource_id.tz)
        return employee._get_work_days_data_batch(
            tz.localize(datetime.combine(start, time.min)), tz.localize(datetime.combine(end, time.max))
        )[employee.id]["hours"]

    def test_expected_hours_equal_odoos_for_every_calendar_time_zone_and_leave(self):
        self.assertEqual(self.other_holiday.company_id, self.other_company)
        employees = self.employees | self.company_calendar | self.elsewhere | self.half_day_off
        employees |= self.week_off | self.own_hours
        expected = self.Compliance._read_expected_hours(self._pairs(employees))
        for employee in employees:
            for start, end in PERIODS:
                self.assertEqual(
                    expected[(employee.id, start)],
                    self._odoo_hours(employee, start, end),
                    f"{employee.name} from {start} to {end}",
                )
        # A few by hand, to the cent.
        by_name = {employee.name: employee for employee in employees}

        def hours(name, start):
            return round(expected[(by_name[name].id, start)], 2)

        november, last_week = date(2026, 11, 1), date(2026, 10, 26)
        self.assertEqual(hours("Standard 40h in UTC", november), 21 * 8 - 8 - 8, "less its own day and Armistice")
        self.assertEqual(hours("Four days in UTC", november), 17 * 8 - 8, "less Armistice only")
        self.assertEqual(hours("Standard 40h in UTC", last_week), 40 - 5, "Friday from 11:00 UTC")
        self.assertEqual(hours("Elsewhere", last_week), 40 - 8, "its own firm's Tuesday, not the other's Friday")
        self.assertEqual(hours("Half day off", date(2026, 10, 19)), 40 - 3, "9:00 to 13:00 less the lunch")
        self.assertEqual(hours("Own hours", date(2026, 10, 19)), 32 + 4.5, "a Friday morning of its own")
        self.assertEqual(hours("Every other Friday in UTC", date(2026, 10, 19)), 32, "a week without Friday")
        self.assertEqual(hours("Every other Friday in UTC", last_week), 40 - 6, "with Friday, off from 11:00 UTC")

    def test_expected_hours_queries_do_not_grow_with_calendars(self):
        extra = [self.standard.copy({"name": f"Standard {index}"}) for index in range(2)]
        two = (self.standard, self.four_days)
        six = (self.standard, self.four_days, self.odd, self.fortnight, *extra)
        Employee = self.env["hr.employee"]

        def employees_on(calendars, label):
            employees = Employee.create(
                [
                    {
                        "name": f"{label} {index}",
                        "resource_calendar_id": calendars[index % len(calendars)].id,
                        "tz": TIME_ZONES[index % len(TIME_ZONES)],
                    }
                    for index in range(12)
                ]
            )
            # One of them with a leave of their own: computed apart from the others.
            self.env["resource.calendar.leaves"].create(
                self._leave("Own", datetime(2026, 10, 20, 9), hours=2, resource_id=employees[1].resource_id.id)
            )
            return employees

        on_two, on_six = employees_on(two, "Two"), employees_on(six, "Six")

        def count(employees):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Compliance._read_expected_hours(self._pairs(employees))
            return self.env.cr.sql_log_count - before

        count(self.employees[:1])  # warm the caches of the ORM
        queries = count(on_two), count(on_six)
        self.assertEqual(queries[0], queries[1], f"2 calendars: {queries[0]} queries, 6: {queries[1]}")

    def test_calendar_of_each_period_when_a_module_makes_it_depend_on_the_date(self):
        """Odoo's calendar of an employee does not depend on the date, so it is asked once per employee;
        a module whose calendar does (hr_contract: the contract's) is asked for each period, as Odoo asks."""
        employee = self.employees.filtered(lambda e: e.resource_calendar_id == self.standard)[:1]
        self.assertTrue(employee)
        employee_class = type(self.env["hr.employee"])
        asked = []

        def calendar_of_the_month(record, date_from=None):
            asked.append(date_from)
            if date_from and date_from.month == 11:
                return self.four_days
            return record.resource_calendar_id

        october, november = date(2026, 10, 1), date(2026, 11, 1)
        periods = ((october, date(2026, 10, 31)), (november, date(2026, 11, 30)))
        # Odoo's own: one call for the two periods, the employee's calendar in both.
        plain = self.Compliance._read_expected_hours(self._pairs(employee, periods))
        self.assertEqual(plain[(employee.id, november)], self._odoo_hours(employee, november, date(2026, 11, 30)))
        # A module's override, as hr_contract would add it to the class of hr.employee: asked per period.
        setattr(employee_class, "_get_calendar", calendar_of_the_month)  # noqa: B010
        try:
            dated = self.Compliance._read_expected_hours(self._pairs(employee, periods))
        finally:
            delattr(employee_class, "_get_calendar")
        self.assertEqual(len(asked), 2, f"asked once per period: {asked}")
        self.assertEqual(dated[(employee.id, october)], plain[(employee.id, october)])
        # November on the four-day calendar: its hours, not the employee's standard week.
        self.assertNotEqual(dated[(employee.id, november)], plain[(employee.id, november)])
        self.assertEqual(
            dated[(employee.id, november)],
            employee._get_work_days_data_batch(
                *self.Compliance._get_period_bounds(employee.resource_id.tz, november, date(2026, 11, 30))[1:],
                calendar=self.four_days,
            )[employee.id]["hours"],
        )
