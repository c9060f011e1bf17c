# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheet compliance: the hours expected of an employee over a period."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytz

from odoo import api, models

# The class of Odoo's attendance intervals (continuous intervals stay apart), where Odoo's calendar takes it from.
from odoo.addons.resource.models.resource_calendar import WorkIntervals
from odoo.addons.resource.models.resource_mixin import ResourceMixin
from odoo.addons.resource.models.utils import Intervals, float_to_time

# Two days on each side of a period cover every time zone when leaves are read in UTC.
TZ_MARGIN = timedelta(days=2)


class PsTimesheetCompliance(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.timesheet.compliance"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _read_expected_hours(self, pairs):
        """Return {(employee id, period start): working hours less leaves and public holidays}.

        The hours are Odoo's (``hr.employee._get_work_days_data_batch``): the
        attendance intervals of the employee's calendar in the resource's time
        zone, less the leaves of that calendar (or of none) in the resource's
        company and the resource's own leaves. Odoo searches attendances and
        leaves once per calendar and per call (period and time zone); here both
        are read once for all ``pairs`` (``_read_working_time``), so the number
        of queries grows with neither employees, periods, time zones nor
        calendars. Employees without an attendance or a leave of their own in a
        period share the hours of their calendar, company, time zone and period,
        computed once.
        """
        if not pairs:
            return {}
        employees = self.env["hr.employee"].sudo().browse({employee.id for employee, *_period in pairs})
        # What each employee needs, read once through the whole recordset, not once per period.
        info = {}
        for employee in employees:
            resource = employee.resource_id
            info[employee.id] = (employee, resource.id, resource.company_id.id, resource.tz)
        # Odoo's own _get_calendar does not depend on the date: asked once per employee, not once per
        # period (thousands of pairs). A module's override may (hr_contract: the calendar of the
        # contract running then): it is then asked for each period, as Odoo does.
        dated = type(employees)._get_calendar is not ResourceMixin._get_calendar
        calendars = {}
        # {(employee id, period start): (resource id, company id, calendar, (tz name, start, end))}
        bounds, periods = {}, {}
        for employee, start, end, _cutoff in pairs:
            employee, resource_id, company_id, tz_name = info[employee.id]
            key = (tz_name, start, end)
            if key not in bounds:
                bounds[key] = self._get_period_bounds(*key)
            if dated:
                calendar = employee._get_calendar(bounds[key][1])
            elif employee.id in calendars:
                calendar = calendars[employee.id]
            else:
                calendar = calendars[employee.id] = employee._get_calendar()
            periods[(employee.id, start)] = (resource_id, company_id, calendar, key)
        working_time = self._read_working_time(
            self.env["resource.calendar"].union(*(calendar for *_ids, calendar, _key in periods.values())),
            employees.resource_id,
            min(start for _tz_name, start, _end in bounds),
            max(end for _tz_name, _start, end in bounds),
        )
        expected, shared = {}, {}
        for key, (resource_id, company_id, calendar, bounds_key) in periods.items():
            if not calendar:
                expected[key] = 0.0
            elif working_time.has_own_time(resource_id, calendar.id, bounds[bounds_key]):
                expected[key] = working_time.get_hours(calendar, company_id, bounds[bounds_key], resource_id)
            else:
                # The others share the hours of their calendar, company, time zone and period.
                common = (calendar.id, company_id, bounds_key)
                if common not in shared:
                    shared[common] = working_time.get_hours(calendar, company_id, bounds[bounds_key])
                expected[key] = shared[common]
        return expected

    @api.model
    def _get_period_bounds(self, tz_name, start, end):
        """Return (time zone, first instant, last instant) of the days ``start`` to ``end`` in ``tz_name``."""
        tz = pytz.timezone(tz_name or "UTC")
        return tz, tz.localize(datetime.combine(start, time.min)), tz.localize(datetime.combine(end, time.max))

    @api.model
    def _read_working_time(self, calendars, resources, first_day, last_day):
        """Return the ``WorkingTime`` of ``calendars`` and ``resources`` from ``first_day`` to ``last_day``:
        the attendances and leaves ``_get_work_days_data_batch`` would read, in two queries."""
        resource_ids = [False, *resources.ids]
        attendances = (
            self.env["resource.calendar.attendance"]
            .sudo()
            .search_fetch(
                # What _attendance_intervals_batch reads, of every calendar at once.
                [
                    ("calendar_id", "in", calendars.ids),
                    ("resource_id", "in", resource_ids),
                    ("display_type", "=", False),
                    ("day_period", "!=", "lunch"),
                ],
                [
                    "calendar_id",
                    "resource_id",
                    "dayofweek",
                    "week_type",
                    "date_from",
                    "date_to",
                    "hour_from",
                    "hour_to",
                    "day_period",
                    "duration_days",
                ],
            )
        )
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search_fetch(
                # What _leave_intervals_batch reads (its default domain), of every calendar at once.
                [
                    ("time_type", "=", "leave"),
                    ("calendar_id", "in", [False, *calendars.ids]),
                    ("resource_id", "in", resource_ids),
                    ("date_from", "<=", datetime.combine(last_day + TZ_MARGIN, time.min)),
                    ("date_to", ">=", datetime.combine(first_day - TZ_MARGIN, time.min)),
                ],
                ["calendar_id", "resource_id", "company_id", "date_from", "date_to"],
            )
        )
        calendars.fetch(["two_weeks_calendar"])
        return WorkingTime(attendances, leaves)


class WorkingTime:
    """The attendances and leaves of some calendars and resources, read beforehand, and the hours
    ``_get_work_days_data_batch`` makes of them, with no query.

    It does what ``resource.calendar._work_intervals_batch`` does with the records it
    searches: the attendance intervals of ``_attendance_intervals_batch`` less the
    leave intervals of ``_leave_intervals_batch``, counted by
    ``_get_attendance_intervals_days_data``. What resources share is computed once:
    a calendar's attendances in a time zone over a period, its public holidays in a
    company.
    """

    def __init__(self, attendances, leaves):
        self._get_week_type = attendances.get_week_type
        # {(calendar id, resource id or False): {weekday: [(week type or None, first day, last day, from, to,
        #  attendance)]}}, the times converted once.
        self._attendances = defaultdict(lambda: defaultdict(list))
        for attendance in attendances:
            self._attendances[(attendance.calendar_id.id, attendance.resource_id.id)][int(attendance.dayofweek)].append(
                (
                    int(attendance.week_type) if attendance.calendar_id.two_weeks_calendar else None,
                    attendance.date_from,
                    attendance.date_to,
                    float_to_time(attendance.hour_from),
                    float_to_time(attendance.hour_to),
                    attendance,
                )
            )
        self._public_leaves = defaultdict(list)  # {(calendar id or False, company id): leaves}
        self._own_leaves = defaultdict(list)  # {resource id: leaves}
        for leave in leaves:
            if leave.resource_id:
                self._own_leaves[leave.resource_id.id].append(leave)
            else:
                self._public_leaves[(leave.calendar_id.id, leave.company_id.id)].append(leave)
        self._shared = {}

    def has_own_time(self, resource_id, calendar_id, bounds):
        """Return whether the resource has attendances of its own in the calendar, or leaves of its own
        within ``bounds`` (time zone, first instant, last instant): then its hours are its own."""
        return (calendar_id, resource_id) in self._attendances or bool(
            self._get_own_leave_intervals(resource_id, calendar_id, bounds)
        )

    def get_hours(self, calendar, company_id, bounds, resource_id=False):
        """Return ``_get_work_days_data_batch``'s hours of ``calendar`` within ``bounds`` in the company,
        with the resource's own attendances and leaves if given."""
        attendances = self._cached(self._get_attendances, calendar.id, bounds)
        leaves = self._cached(self._get_public_leave_intervals, calendar.id, company_id, bounds)
        if resource_id:
            attendances = attendances + self._get_attendances(calendar.id, bounds, resource_id)
            leaves = leaves | self._get_own_leave_intervals(resource_id, calendar.id, bounds)
        return calendar._get_attendance_intervals_days_data(WorkIntervals(attendances) - leaves)["hours"]

    def _cached(self, method, *args):
        """Return ``method(*args)``, computed once for all the resources that share it."""
        key = (method.__name__, *args)
        if key not in self._shared:
            self._shared[key] = method(*args)
        return self._shared[key]

    def _get_attendances(self, calendar_id, bounds, resource_id=False):
        """Return the attendance intervals ``_attendance_intervals_batch`` makes of the attendances of the
        calendar (of the resource alone if given, else of everyone) within ``bounds``, as a list."""
        tz, date_from, date_to = bounds
        start, end = date_from.astimezone(tz), date_to.astimezone(tz)
        by_weekday = self._attendances.get((calendar_id, resource_id), {})
        intervals = []
        # A day's attendances lie within that day, in the time zone: the days of the bounds are enough.
        for ordinal in range(start.date().toordinal(), end.date().toordinal() + 1):
            day = date.fromordinal(ordinal)
            week_type = self._get_week_type(day)
            for attendance_week_type, first_day, last_day, hour_from, hour_to, attendance in by_weekday.get(
                day.weekday(), ()
            ):
                if attendance_week_type not in (None, week_type):
                    continue
                if (first_day and day < first_day) or (last_day and last_day < day):
                    continue
                intervals.append(
                    (
                        max(start, tz.localize(datetime.combine(day, hour_from))),
                        min(end, tz.localize(datetime.combine(day, hour_to))),
                        attendance,
                    )
                )
        return intervals

    def _get_public_leave_intervals(self, calendar_id, company_id, bounds):
        """Return the leave intervals within ``bounds`` of the public holidays of the calendar (its own and
        those of no calendar) in the company: a resource's company must be the leave's."""
        leaves = self._public_leaves.get((calendar_id, company_id), []) + self._public_leaves.get(
            (False, company_id), []
        )
        return self._get_leave_intervals(leaves, *bounds)

    def _get_own_leave_intervals(self, resource_id, calendar_id, bounds):
        """Return the leave intervals within ``bounds`` of the leaves of the resource alone, in the calendar
        or in none."""
        leaves = self._own_leaves.get(resource_id)
        if not leaves:
            return Intervals()
        return self._get_leave_intervals(
            [leave for leave in leaves if leave.calendar_id.id in (False, calendar_id)], *bounds
        )

    def _get_leave_intervals(self, leaves, tz, date_from, date_to):
        """Return the leave intervals ``_leave_intervals_batch`` makes of ``leaves`` between the aware
        datetimes ``date_from`` and ``date_to`` in ``tz`` (leaves out of bounds give empty intervals, dropped)."""
        start, end = date_from.astimezone(tz), date_to.astimezone(tz)
        return Intervals(
            [
                (
                    max(start, pytz.utc.localize(leave.date_from).astimezone(tz)),
                    min(end, pytz.utc.localize(leave.date_to).astimezone(tz)),
                    leave,
                )
                for leave in leaves
            ]
        )
