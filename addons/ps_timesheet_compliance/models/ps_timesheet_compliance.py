# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.ps_billing_readiness.models.ps_gc import fewer_gc_passes
from odoo.tools import float_compare, float_round, format_date

CRON_BATCH = 200
COMPLIANCE_STATES = [
    ("compliant", "Compliant"),
    ("missing", "Missing"),
    ("late", "Late"),
    ("not_expected", "Not Expected"),
]


class PsTimesheetCompliance(models.Model):
    """How much of the time an employee owes for one period is logged, submitted and approved.

    The scan upserts one record per employee and period (the current one and
    the previous one) in batches; the reminder and escalation scheduled
    actions read them. Submitting, approving, rejecting, editing or deleting
    timesheet lines refreshes the records of their employees and periods at
    once (``_refresh_for_lines``).

    A period is judged against the hours expected *so far*: the working days
    before today in the company's time zone (``res.company._ps_today``), the
    whole period once it is over. Today's hours count from tomorrow: people
    log a day's time at its end, and a period that began this morning owes
    nothing yet.
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
    expected_hours = fields.Float(
        readonly=True,
        help="Working calendar hours less leaves and public holidays, of the period's days up to "
        "'Expected Up To': the days before today while the period runs, the whole period once it is over.",
    )
    expected_until = fields.Date(
        "Expected Up To",
        readonly=True,
        help="The last day whose hours are expected: yesterday (company time) while the period runs, "
        "its last day once it is over; empty on the first day of the period, which owes nothing yet.",
    )
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
        help="Missing: short of the time expected so far, before the cutoff. Late: still short after it. "
        "Not expected: the employee is not expected to log time (employee form, HR Settings).",
    )
    scanned_on = fields.Datetime(
        "Last Scan",
        readonly=True,
        help="When the daily scan last computed this record; lines changed since " "update its hours at once.",
    )
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
    def _get_expected_until(self, start, end, today):
        """Return the last day of the period ``start``-``end`` whose hours are expected on ``today``
        (the day before today, or the period's end once it is over), or None when none is yet."""
        last = min(end, today - timedelta(days=1))
        return last if last >= start else None

    @api.model
    def _compute_compliance_values(self, pairs, day=None):
        """Return {(employee id, period start): values} for ``pairs`` of (employee, start, end, cutoff),
        judged on ``day`` (default: today in each employee's company's time zone).

        The number of queries depends on the number of distinct periods (the
        logged hours are summed per period), never on the number of employees,
        time zones or calendars.
        """
        if not pairs:
            return {}
        pairs = [(employee.sudo(), start, end, cutoff) for employee, start, end, cutoff in pairs]
        companies, days, tolerances, required = {}, {}, {}, {}
        for employee, *_period in pairs:
            if employee.id in companies:
                continue
            company = companies[employee.id] = employee.company_id
            required[employee.id] = employee.ps_timesheet_required
            if company not in days:
                days[company] = day or company._ps_today()
                tolerances[company] = company.ps_timesheet_tolerance
        # Expected so far: the hours of the days before today, or of the whole period once it is over.
        until = {}
        for employee, start, end, _cutoff in pairs:
            if required[employee.id]:
                until[(employee.id, start)] = self._get_expected_until(start, end, days[companies[employee.id]])
        expected = self._read_expected_hours(
            [
                (employee, start, until[(employee.id, start)], cutoff)
                for employee, start, _end, cutoff in pairs
                if until.get((employee.id, start))
            ]
        )
        logged = self._read_logged_hours(pairs)
        result = {}
        for employee, start, end, cutoff in pairs:
            company = companies[employee.id]
            by_state = logged[(employee.id, start)]
            logged_hours = float_round(sum(by_state.values()), precision_digits=2)
            values = {
                "employee_id": employee.id,
                "company_id": company.id,
                "period_start": start,
                "period_end": end,
                "cutoff_date": cutoff,
                # None, not False: _write_rows casts it to a date in SQL.
                "expected_until": until.get((employee.id, start)),
                "logged_hours": logged_hours,
                "submitted_hours": float_round(by_state.get("submitted", 0.0), precision_digits=2),
                "approved_hours": float_round(by_state.get("approved", 0.0), precision_digits=2),
            }
            if not required[employee.id]:
                values.update(expected_hours=0.0, missing_hours=0.0, state="not_expected")
            else:
                expected_hours = float_round(expected.get((employee.id, start), 0.0), precision_digits=2)
                missing = float_round(max(expected_hours - logged_hours, 0.0), precision_digits=2)
                values.update(
                    expected_hours=expected_hours,
                    missing_hours=missing,
                    state=self._get_compliance_state(company, missing, cutoff, days[company], tolerances[company]),
                )
            result[(employee.id, start)] = values
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
                self.env["ps.batch.runner"]
                .sudo()
                ._read_group_ids(
                    "account.analytic.line",
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
            for employee_id, state, hours in rows:
                logged[(employee_id, start)][state] += hours
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
    @fewer_gc_passes
    def _scan_employees(self, employees, day=None):
        """Upsert the compliance of ``employees`` for the periods to scan on ``day`` (default: today in
        each employee's company's time zone); return the records."""
        days = {}
        pairs = []
        for employee in employees.sudo():
            company = employee.company_id
            if company not in days:
                days[company] = day or company._ps_today()
            pairs += [(employee, *period) for period in self._get_employee_periods(employee, days[company])]
        return self._upsert(pairs, day)

    def _refresh(self, day=None):
        """Recompute these records as seen on ``day`` (default: today in their company's time zone);
        the time of the last scan stays (the daily scan still passes by)."""
        pairs = [
            (record.employee_id, record.period_start, record.period_end, record.cutoff_date) for record in self.sudo()
        ]
        return self._upsert(pairs, day, scan=False)

    @api.model
    def _refresh_for_lines(self, keys):
        """Recompute, in one go, the existing records of ``keys`` {(employee id, date)}: the employees and
        days of timesheet lines just logged, submitted, approved, rejected, edited or deleted."""
        keys = {(employee_id, day) for employee_id, day in keys if employee_id and day}
        if not keys:
            return self.browse()
        employees = self.env["hr.employee"].sudo().browse({employee_id for employee_id, _day in keys})
        # Read through the whole recordset (one query), not browse(id) by id (one query each).
        companies = {employee.id: employee.company_id for employee in employees}
        periods = {}
        wanted = set()
        for employee_id, day in keys:
            company = companies[employee_id]
            if (company, day) not in periods:
                periods[(company, day)] = company._get_ps_timesheet_period(day)[0]
            wanted.add((employee_id, periods[(company, day)]))
        records = (
            self.sudo()
            .search(
                [
                    ("employee_id", "in", employees.ids),
                    ("period_start", "in", list({start for _employee_id, start in wanted})),
                ]
            )
            .filtered(lambda record: (record.employee_id.id, record.period_start) in wanted)
        )
        return records._refresh() if records else records

    @api.model
    def _refresh_employees(self, employees):
        """Recompute every record of ``employees`` (whether they are expected to log time changed)."""
        records = self.sudo().search([("employee_id", "in", employees.ids)])
        return records._refresh() if records else records

    @api.model
    def _upsert(self, pairs, day=None, scan=True):
        """Write the values of ``pairs`` seen on ``day`` into their records, creating the missing ones;
        ``scan``: this is the daily scan (it records when it passed)."""
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
        fnames = [
            "period_end",
            "cutoff_date",
            "expected_until",
            "expected_hours",
            "logged_hours",
            "submitted_hours",
            "approved_hours",
            "missing_hours",
            "state",
        ]
        if scan:
            fnames.append("scanned_on")
        rows = []
        vals_list = []
        for key, vals in values.items():
            vals = {**vals, "scanned_on": now}
            if key in found:
                rows.append((found[key].id, *(vals[fname] for fname in fnames)))
            else:
                vals_list.append(vals)
        self.env["ps.batch.runner"]._write_rows(self._name, fnames, rows)
        created = (
            self.sudo()
            .with_context(tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(vals_list)
        )
        kept = existing.filtered(lambda record: (record.employee_id.id, record.period_start) in values)
        return (kept | created).with_env(self.env)
