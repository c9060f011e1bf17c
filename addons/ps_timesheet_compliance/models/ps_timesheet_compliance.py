# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import float_compare, float_round, format_date

CRON_BATCH = 200
COMPLIANCE_STATES = [("compliant", "Compliant"), ("missing", "Missing"), ("late", "Late")]


class PsTimesheetCompliance(models.Model):
    """How much of the time an employee owes for one period is logged, submitted and approved.

    The scan upserts one record per employee and period (the current one and
    the previous one) in batches; the reminder and escalation scheduled
    actions read them.
    """

    _name = "ps.timesheet.compliance"
    _description = "Timesheet Compliance"
    _inherit = ["ps.protected.mixin", "ps.cron.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, employee_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    employee_id = fields.Many2one(
        "hr.employee", required=True, readonly=True, index=True, ondelete="cascade", check_company=True
    )
    user_id = fields.Many2one(related="employee_id.user_id", store=True, string="User", index=True)
    manager_user_id = fields.Many2one(
        "res.users",
        compute="_compute_manager_user_id",
        store=True,
        string="Manager",
        index=True,
        help="The user of the employee's manager: who gets the escalation.",
    )
    approver_user_id = fields.Many2one(
        related="employee_id.ps_timesheet_approver_id", store=True, string="Timesheet Approver", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    period_start = fields.Date(required=True, readonly=True, index=True)
    period_end = fields.Date(required=True, readonly=True)
    cutoff_date = fields.Date(required=True, readonly=True)
    expected_hours = fields.Float(readonly=True, help="Working calendar hours less leaves and public holidays.")
    logged_hours = fields.Float(readonly=True)
    submitted_hours = fields.Float(readonly=True, help="Logged and waiting for approval.")
    approved_hours = fields.Float(readonly=True)
    missing_hours = fields.Float(readonly=True, help="Expected hours not logged.")
    state = fields.Selection(
        COMPLIANCE_STATES,
        required=True,
        default="compliant",
        readonly=True,
        index=True,
        help="Missing: short of the expected time before the cutoff. Late: still short after it.",
    )
    scanned_on = fields.Datetime(readonly=True)
    reminder_ids = fields.One2many("ps.timesheet.reminder", "compliance_id", readonly=True)

    _sql_constraints = [
        ("employee_period_uniq", "unique(employee_id, period_start)", "One compliance record per employee and period."),
        ("period_check", "check(period_start <= period_end)", "A period cannot end before it starts."),
    ]

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("employee_id.name", "period_start", "period_end")
    def _compute_name(self):
        for record in self:
            record.name = "%s · %s → %s" % (
                record.employee_id.name or "",
                format_date(self.env, record.period_start),
                format_date(self.env, record.period_end),
            )

    @api.depends("employee_id.parent_id.user_id")
    def _compute_manager_user_id(self):
        for record in self:
            record.manager_user_id = record.employee_id.parent_id.user_id

    @api.model
    def _get_ps_protected_fields(self):
        """Return every stored field of the scan: hours and states are computed, never entered."""
        return super()._get_ps_protected_fields() | self._ps_get_stored_fields_of("ps_timesheet_compliance")

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_refresh(self):
        """Recompute these records now."""
        self.check_access_rights("read")
        self.check_access_rule("read")
        self.sudo()._refresh()
        return True

    def action_open_timesheets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ps_timesheet_compliance.account_analytic_line_action_all"
        )
        action["domain"] = [
            ("employee_id", "=", self.employee_id.id),
            ("project_id", "!=", False),
            ("date", ">=", self.period_start),
            ("date", "<=", self.period_end),
        ]
        action["context"] = {}
        return action

    # ------------------------------------------------------------
    # Business: computing and upserting
    # ------------------------------------------------------------

    @api.model
    def _get_employee_periods(self, employee, day):
        """Return the periods (start, end, cutoff) of ``employee`` to scan on ``day``: the previous and the current."""
        company = employee.company_id
        current = company._get_ps_timesheet_period(day)
        previous = company._get_ps_timesheet_period(current[0] - timedelta(days=1))
        return [previous, current]

    @api.model
    def _compute_compliance_values(self, pairs, day):
        """Return {(employee id, period start): values} for ``pairs`` of (employee, start, end, cutoff).

        The number of queries depends on the number of distinct periods,
        time zones and calendars, never on the number of employees.
        """
        if not pairs:
            return {}
        expected = self._read_expected_hours(pairs)
        logged = self._read_logged_hours(pairs)
        result = {}
        companies, tolerances = {}, {}
        for employee, start, end, cutoff in pairs:
            if employee.id not in companies:
                companies[employee.id] = employee.company_id
            company = companies[employee.id]
            if company not in tolerances:
                tolerances[company] = company.ps_timesheet_tolerance
            by_state = logged[(employee.id, start)]
            expected_hours = float_round(expected.get((employee.id, start), 0.0), precision_digits=2)
            logged_hours = sum(by_state.values())
            missing = max(expected_hours - logged_hours, 0.0)
            result[(employee.id, start)] = {
                "employee_id": employee.id,
                "company_id": company.id,
                "period_start": start,
                "period_end": end,
                "cutoff_date": cutoff,
                "expected_hours": expected_hours,
                "logged_hours": logged_hours,
                "submitted_hours": by_state.get("submitted", 0.0),
                "approved_hours": by_state.get("approved", 0.0),
                "missing_hours": missing,
                "state": self._get_compliance_state(company, missing, cutoff, day, tolerances[company]),
            }
        return result

    @api.model
    def _read_logged_hours(self, pairs):
        """Return {(employee id, period start): {approval state: hours}} logged on projects in ``pairs``.

        One sum per employee and state for each distinct period, not one row per day.
        """
        periods = defaultdict(dict)
        for employee, start, end, _cutoff in pairs:
            periods[(start, end)][employee.id] = None
        logged = defaultdict(lambda: defaultdict(float))
        for (start, end), employee_ids in periods.items():
            rows = (
                self.env["account.analytic.line"]
                .sudo()
                ._read_group(
                    [
                        ("employee_id", "in", list(employee_ids)),
                        ("project_id", "!=", False),
                        ("date", ">=", start),
                        ("date", "<=", end),
                    ],
                    ["employee_id", "ps_state"],
                    ["unit_amount:sum"],
                )
            )
            for employee, state, hours in rows:
                logged[(employee.id, start)][state] += hours
        return logged

    @api.model
    def _get_compliance_state(self, company, missing, cutoff, day, tolerance=None):
        """Return the compliance state of ``missing`` hours of a period with ``cutoff``, seen on ``day``
        (``tolerance``: the company's, when the caller read it already)."""
        tolerance = company.ps_timesheet_tolerance if tolerance is None else tolerance
        if float_compare(missing, tolerance, precision_digits=2) <= 0:
            return "compliant"
        return "late" if day > cutoff else "missing"

    @api.model
    def _read_expected_hours(self, pairs):
        """Return {(employee id, period start): working hours less leaves and public holidays}.

        The hours are Odoo's own (``_get_work_days_data_batch``), computed once
        per period, time zone, calendar and company for the employees with no
        leave or attendance of their own in the periods (they all get the same
        hours), and one by one only for the others.
        """
        # Ids first, one recordset per group after: adding records one by one to a recordset is quadratic.
        groups = defaultdict(dict)
        for employee, start, end, _cutoff in pairs:
            # The resource's time zone: the employee's is a related field, recomputed per record.
            groups[(start, end, employee.resource_id.tz or "UTC")][employee.id] = None
        Employee = self.env["hr.employee"].sudo()
        employees = Employee.browse({employee.id for employee, *_period in pairs})
        has_own_time = self._get_own_time(
            employees, min(start for _employee, start, *_rest in pairs), max(end for *_rest, end, _cutoff in pairs)
        )
        # What each employee needs, read once, not once per period.
        info = {employee.id: (employee.resource_id.id, employee.company_id) for employee in employees}
        expected = {}
        for (start, end, tz_name), employee_ids in groups.items():
            tz = pytz.timezone(tz_name)
            date_from = tz.localize(datetime.combine(start, time.min))
            date_to = tz.localize(datetime.combine(end, time.max))
            exact_ids, alike = [], defaultdict(list)
            for employee in Employee.browse(list(employee_ids)):
                resource_id, company = info[employee.id]
                if has_own_time(resource_id, start, end):
                    exact_ids.append(employee.id)
                else:
                    alike[(employee._get_calendar(date_from), company)].append(employee.id)
            # One employee stands for all those of its calendar and company.
            exact_ids += [ids[0] for ids in alike.values()]
            hours = {
                employee_id: data["hours"]
                for employee_id, data in Employee.browse(exact_ids)
                ._get_work_days_data_batch(date_from, date_to)
                .items()
            }
            for ids in alike.values():
                hours.update(dict.fromkeys(ids, hours[ids[0]]))
            expected.update({(employee_id, start): value for employee_id, value in hours.items()})
        return expected

    @api.model
    def _get_own_time(self, employees, first_day, last_day):
        """Return a function ``(resource id, start, end) -> bool``: whether the resource has a leave
        around these days, or hours of its own, so that it cannot share the hours of its calendar."""
        resource_ids = employees.resource_id.ids
        # Two days more on each side cover every time zone.
        margin = timedelta(days=2)
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search_fetch(
                [
                    ("resource_id", "in", resource_ids),
                    ("date_from", "<=", datetime.combine(last_day + margin, time.min)),
                    ("date_to", ">=", datetime.combine(first_day - margin, time.min)),
                ],
                ["resource_id", "date_from", "date_to"],
            )
        )
        spans = defaultdict(list)
        for leave in leaves:
            spans[leave.resource_id.id].append((leave.date_from.date() - margin, leave.date_to.date() + margin))
        always = {
            resource.id
            for (resource,) in self.env["resource.calendar.attendance"]
            .sudo()
            ._read_group([("resource_id", "in", resource_ids)], ["resource_id"])
        }

        def has_own_time(resource_id, start, end):
            return resource_id in always or any(
                first <= end and last >= start for first, last in spans.get(resource_id, ())
            )

        return has_own_time

    @api.model
    def _scan_employees(self, employees, day):
        """Upsert the compliance of ``employees`` for the periods to scan on ``day``; return the records."""
        pairs = [
            (employee, *period) for employee in employees.sudo() for period in self._get_employee_periods(employee, day)
        ]
        return self._upsert(pairs, day)

    def _refresh(self, day=None):
        """Recompute these records on ``day`` (default today)."""
        day = day or fields.Date.context_today(self)
        pairs = [(record.employee_id, record.period_start, record.period_end, record.cutoff_date) for record in self]
        return self._upsert(pairs, day)

    @api.model
    def _upsert(self, pairs, day):
        values = self._compute_compliance_values(pairs, day)
        if not values:
            return self.browse()
        existing = self.sudo().search(
            [
                ("employee_id", "in", list({employee_id for employee_id, _start in values})),
                ("period_start", "in", list({start for _employee_id, start in values})),
            ]
        )
        found = {(record.employee_id.id, record.period_start): record for record in existing}
        now = fields.Datetime.now()
        rows = []
        vals_list = []
        for key, vals in values.items():
            if key in found:
                rows.append(
                    (
                        found[key].id,
                        vals["period_end"],
                        vals["cutoff_date"],
                        vals["expected_hours"],
                        vals["logged_hours"],
                        vals["submitted_hours"],
                        vals["approved_hours"],
                        vals["missing_hours"],
                        vals["state"],
                        now,
                    )
                )
            else:
                vals_list.append({**vals, "scanned_on": now})
        self.env["ps.batch.runner"]._write_rows(
            self._name,
            [
                "period_end",
                "cutoff_date",
                "expected_hours",
                "logged_hours",
                "submitted_hours",
                "approved_hours",
                "missing_hours",
                "state",
                "scanned_on",
            ],
            rows,
        )
        created = (
            self.sudo()
            .with_context(tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(vals_list)
        )
        kept = existing.filtered(lambda record: (record.employee_id.id, record.period_start) in values)
        return (kept | created).with_env(self.env)
