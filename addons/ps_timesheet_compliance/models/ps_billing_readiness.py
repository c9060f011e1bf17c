# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, models
from odoo.tools import float_compare, float_is_zero, float_round

# What the missing-time check reads of the consultants, and the expected hours of their calendars.
EMPLOYEE_FIELDS = ["name", "active", "company_id", "ps_timesheet_required", "resource_id", "resource_calendar_id"]


class PsBillingReadiness(models.Model):
    _inherit = "ps.billing.readiness"

    @api.model
    def _ps_check_timesheets_approved(self, evaluation):
        """Time logged on the engagement up to the period's end that is not approved yet."""
        records = evaluation.targets
        order_ids = set(records.sale_order_id.ids)
        sale_lines = evaluation.timesheet_lines.filtered(lambda line: line.order_id.id in order_ids)
        if not sale_lines:
            return []
        # By month for the engagements whose periods are whole months, by day for the others.
        rows = evaluation.read_timesheet_rows(
            sale_lines,
            [
                ("project_id", "!=", False),
                ("ps_state", "in", ("draft", "submitted")),
                "|",
                ("timesheet_invoice_id", "=", False),
                ("timesheet_invoice_id.state", "=", "cancel"),
            ],
            ["so_line", "employee_id", "ps_state"],
            ["unit_amount:sum"],
        )
        # Each sale line's order and net price, once (a line has many rows).
        line_info = {
            line.id: (line.order_id.id, line.price_unit * (1.0 - (line.discount or 0.0) / 100.0)) for line in sale_lines
        }
        # The rows of each engagement, once: each record then reads its own only (not records × rows).
        rows_by_order = defaultdict(list)
        employees = {employee.id: employee for employee in self._ps_fetch_employees({row[1] for row in rows}, ["name"])}
        employees[0] = self.env["hr.employee"].sudo()
        for sale_line_id, employee_id, state, day, quantity in rows:
            order_id, price = line_info[sale_line_id]
            rows_by_order[order_id].append((employees[employee_id], state, day, quantity, price))
        message = _(
            "%(employee)s has %(submitted).2f hours waiting for approval and %(draft).2f hours not "
            "submitted on %(order)s up to %(end)s: %(amount)s cannot be billed until approved."
        )
        findings = []
        for record in records:
            # Like the deliverable: the earliest open period takes everything before it too.
            hours = defaultdict(lambda: defaultdict(float))
            amounts = defaultdict(float)
            lower, upper = evaluation.lower_bound(record), record.period_end
            for employee, state, day, quantity, price in rows_by_order.get(record.sale_order_id.id, ()):
                if day > upper or (lower is not None and day < lower):
                    continue
                hours[employee][state] += quantity
                amounts[employee] += quantity * price
            for employee, by_state in sorted(hours.items(), key=lambda item: item[0].name or ""):
                if float_is_zero(sum(by_state.values()), precision_digits=2):
                    continue
                text = message % {
                    "employee": employee.name,
                    "submitted": by_state.get("submitted", 0.0),
                    "draft": by_state.get("draft", 0.0),
                    "order": record.sale_order_id.name,
                    "end": evaluation.format_date(record.period_end),
                    "amount": evaluation.format_amount(amounts[employee], record.currency_id),
                }
                # Unless only approved time is invoiced, this time is in the deliverable already.
                findings.append(
                    evaluation.finding(
                        record,
                        text,
                        amounts[employee],
                        record.project_id or record.sale_order_id,
                        within_deliverable=not record.company_id.ps_timesheet_approved_only,
                    )
                )
        return findings

    @api.model
    def _ps_check_timesheets_missing(self, evaluation):
        """Consultants who logged on the engagement's project lately but are short in this period.

        One finding per consultant and billing period when one of its timesheet
        periods that are over by now is short beyond the tolerance; it adds up
        the hours of all those periods.
        """
        records = evaluation.targets.filtered("project_id")
        if not records:
            return []
        today = evaluation.day
        # Who logged on each project within each record's look-back: one aggregate per
        # distinct window (a few: the open periods of each billing cycle), not per record.
        windows, lookbacks = defaultdict(list), {}
        for record in records:
            key = (record.company_id, record.period_start)
            if key not in lookbacks:  # a few distinct periods for thousands of records
                lookbacks[key] = record._get_timesheet_lookback_start()
            windows[(lookbacks[key], record.period_start)].append(record.id)
        regulars = defaultdict(set)
        for (first_day, period_start), record_ids in windows.items():
            window_records = records.browse(record_ids)
            rows = (
                self.env["ps.batch.runner"]
                .sudo()
                ._read_group_ids(
                    "account.analytic.line",
                    [
                        ("project_id", "in", window_records.project_id.ids),
                        ("employee_id", "!=", False),
                        ("date", ">=", first_day),
                        ("date", "<", period_start),
                    ],
                    ["project_id", "employee_id"],
                    ["__count"],
                )
            )
            people = defaultdict(set)
            for project_id, employee_id, _count in rows:
                people[project_id].add(employee_id)
            for record in window_records:
                regulars[record.id] = people[record.project_id.id]
        # The employees read once, with only what this check and the expected hours read; the loops
        # below work on ids, a record is built once per employee.
        everyone = self._ps_fetch_employees(set().union(*regulars.values()), EMPLOYEE_FIELDS)
        by_id, names, required = {}, {}, {}  # required: {employee id: their company}
        for employee in everyone:
            by_id[employee.id] = employee
            names[employee.id] = employee.name or ""
            if employee.active and employee.ps_timesheet_required:
                required[employee.id] = employee.company_id
        pairs, wanted, periods = set(), defaultdict(list), {}
        for record in records:
            dates = (record.period_start, record.period_end)
            for employee_id in regulars[record.id]:
                company = required.get(employee_id)
                if company is None:
                    continue
                key = (*dates, company.id)
                if key not in periods:
                    # The compliance periods of this billing period that are over by now.
                    periods[key] = [period for period in record._get_timesheet_periods(company) if period[1] < today]
                for period in periods[key]:
                    pairs.add((employee_id, *period))
                    wanted[(record.id, employee_id)].append(period[0])
        # The hours the compliance scan computes, without its states and records: expected and missing.
        Compliance = self.env["ps.timesheet.compliance"]
        employee_pairs = [(by_id[employee_id], *period) for employee_id, *period in pairs]
        expected = Compliance._read_expected_hours(employee_pairs) if pairs else {}
        logged = Compliance._read_logged_hours(employee_pairs) if pairs else {}
        values, rounded = {}, {}
        for employee_id, start, end, _cutoff in pairs:
            key = (employee_id, start)
            hours = expected.get(key, 0.0)
            if hours not in rounded:  # employees share a few values: each is rounded once
                rounded[hours] = float_round(hours, precision_digits=2)
            hours = rounded[hours]
            values[key] = (start, end, hours, max(hours - sum(logged[key].values()), 0.0))
        message = _(
            "%(employee)s logged on %(project)s lately but is missing %(missing).2f of %(expected).2f hours "
            "from %(start)s to %(end)s: time may be unlogged."
        )
        projects = {project.id: project.display_name for project in records.project_id}
        short = {}  # (missing hours, tolerance): beyond the tolerance; a few distinct values, each compared once
        findings = []
        for record in records:
            tolerance = record.company_id.ps_timesheet_tolerance
            for employee_id in sorted(regulars[record.id], key=names.__getitem__):
                starts = wanted.get((record.id, employee_id), ())
                over = [values[(employee_id, start)] for start in starts]
                for _start, _end, _expected, missing in over:
                    if (missing, tolerance) not in short:
                        short[(missing, tolerance)] = float_compare(missing, tolerance, precision_digits=2) > 0
                if not any(short[(missing, tolerance)] for _start, _end, _expected, missing in over):
                    continue
                text = message % {
                    "employee": names[employee_id],
                    "project": projects[record.project_id.id],
                    "missing": sum(missing for _start, _end, _expected, missing in over),
                    "expected": sum(expected_hours for _start, _end, expected_hours, _missing in over),
                    "start": evaluation.format_date(min(start for start, _end, _expected, _missing in over)),
                    "end": evaluation.format_date(max(end for _start, end, _expected, _missing in over)),
                }
                findings.append(evaluation.finding(record, text, 0.0, record.project_id))
        return findings

    @api.model
    def _ps_fetch_employees(self, ids, fnames):
        """Return the employees ``ids`` (archived ones too), as superuser, with only the columns ``fnames``
        read (an employee has some eighty: the timesheet checks read a few, of thousands of employees)."""
        Employee = self.env["hr.employee"].sudo()
        fetched = Employee.with_context(active_test=False).search_fetch([("id", "in", list(ids))], fnames)
        return fetched.with_env(Employee.env)

    def _get_timesheet_periods(self, company):
        """Return the timesheet periods (start, end, cutoff) of ``company`` overlapping this billing period."""
        self.ensure_one()
        return self._ps_get_periods_between(
            company.ps_timesheet_period, self.period_start, self.period_end, company.ps_timesheet_cutoff_days
        )

    def _get_timesheet_lookback_start(self):
        """Return the first day of the look-back before this billing period (the company's last periods)."""
        self.ensure_one()
        company = self.company_id
        start = self.period_start
        for _index in range(company.ps_timesheet_missing_periods):
            start = company._get_ps_timesheet_period(start - timedelta(days=1))[0]
        return start

    @api.model
    def _ps_get_landing_action(self):
        """A project manager lands on the timesheets waiting for their approval, a consultant on their own."""
        res = super()._ps_get_landing_action()
        user = self.env.user
        if user.has_group("ps_billing_readiness.group_finance_controller"):
            return res
        if user.has_group("ps_billing_readiness.group_project_manager"):
            xmlid = "ps_timesheet_compliance.account_analytic_line_action_to_approve"
        else:
            xmlid = "ps_timesheet_compliance.account_analytic_line_action_my"
        return self.env["ir.actions.act_window"]._for_xml_id(xmlid)
