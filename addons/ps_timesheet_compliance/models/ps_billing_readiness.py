# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import _, fields, models
from odoo.tools import float_compare, float_is_zero, format_date


class PsBillingReadiness(models.Model):
    _inherit = "ps.billing.readiness"

    def _check_timesheets_approved(self, check):
        """Time logged on the engagement up to the period's end that is not approved yet."""
        sale_lines = self.sale_order_id.order_line.filtered(lambda line: line.qty_delivered_method == "timesheet")
        if not sale_lines:
            return []
        rows = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [
                    ("so_line", "in", sale_lines.ids),
                    ("project_id", "!=", False),
                    ("ps_state", "in", ("draft", "submitted")),
                    ("date", "<=", max(self.mapped("period_end"))),
                    "|",
                    ("timesheet_invoice_id", "=", False),
                    ("timesheet_invoice_id.state", "=", "cancel"),
                ],
                ["so_line", "employee_id", "ps_state", "date:day"],
                ["unit_amount:sum"],
            )
        )
        # The rows of each engagement, once: each record then reads its own only (not records × rows).
        rows_by_order = defaultdict(list)
        for sale_line, employee, state, day, quantity in rows:
            price = sale_line.price_unit * (1.0 - (sale_line.discount or 0.0) / 100.0)
            rows_by_order[sale_line.order_id.id].append((employee, state, fields.Date.to_date(day), quantity, price))
        earliest_ids = set(self._get_earliest_open().ids)
        findings = []
        for record in self:
            # Like the deliverable: the earliest open period takes everything before it too.
            lower = None if record.id in earliest_ids else record.period_start
            hours = defaultdict(lambda: defaultdict(float))
            amounts = defaultdict(float)
            for employee, state, day, quantity, price in rows_by_order.get(record.sale_order_id.id, ()):
                if day > record.period_end:
                    continue
                if lower and day < lower:
                    continue
                hours[employee][state] += quantity
                amounts[employee] += quantity * price
            for employee, by_state in sorted(hours.items(), key=lambda item: item[0].name or ""):
                if float_is_zero(sum(by_state.values()), precision_digits=2):
                    continue
                findings.append(
                    record._finding(
                        _(
                            "%(employee)s has %(submitted).2f hours waiting for approval and %(draft).2f hours not "
                            "submitted on %(order)s up to %(end)s: %(amount)s cannot be billed until approved.",
                            employee=employee.name,
                            submitted=by_state.get("submitted", 0.0),
                            draft=by_state.get("draft", 0.0),
                            order=record.sale_order_id.name,
                            end=format_date(self.env, record.period_end),
                            amount=record._format(amounts[employee]),
                        ),
                        amounts[employee],
                        record.project_id or record.sale_order_id,
                    )
                )
        return findings

    def _check_timesheets_missing(self, check):
        """Consultants who logged on the engagement's project lately but are short in this period."""
        records = self.filtered("project_id")
        if not records:
            return []
        today = fields.Date.context_today(self)
        lookback = {record.id: record._get_timesheet_lookback_start() for record in records}
        rows = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [
                    ("project_id", "in", records.project_id.ids),
                    ("employee_id", "!=", False),
                    ("date", ">=", min(lookback.values())),
                    ("date", "<=", max(records.mapped("period_end"))),
                ],
                ["project_id", "employee_id", "date:day"],
                ["unit_amount:sum"],
            )
        )
        # The rows of each project, once: each record then reads its own only (not records × rows).
        days_by_project = defaultdict(list)
        for project, employee, day, _hours in rows:
            days_by_project[project.id].append((employee, fields.Date.to_date(day)))
        Compliance = self.env["ps.timesheet.compliance"]
        pairs, wanted = [], defaultdict(list)
        for record in records:
            people = {
                employee
                for employee, day in days_by_project.get(record.project_id.id, ())
                if lookback[record.id] <= day < record.period_start
            }
            for employee in people:
                employee = employee.sudo()
                if not employee.active or not employee.ps_timesheet_required:
                    continue
                # The compliance periods of this billing period that are over by now.
                for start, end, cutoff in record._get_timesheet_periods(employee.company_id):
                    if end < today:
                        pairs.append((employee, start, end, cutoff))
                        wanted[record.id].append((employee.id, start))
        values = Compliance._compute_compliance_values(list(set(pairs)), today)
        # Many findings share their period: each date is formatted once (the language lookup is not free).
        labels = {}

        def label(day):
            if day not in labels:
                labels[day] = format_date(self.env, day)
            return labels[day]

        findings = []
        for record in records:
            for key in wanted[record.id]:
                vals = values[key]
                company = record.company_id
                if float_compare(vals["missing_hours"], company.ps_timesheet_tolerance, precision_digits=2) <= 0:
                    continue
                employee = self.env["hr.employee"].sudo().browse(key[0])
                findings.append(
                    record._finding(
                        _(
                            "%(employee)s logged on %(project)s lately but is missing %(missing).2f of %(expected).2f "
                            "hours from %(start)s to %(end)s: time may be unlogged.",
                            employee=employee.name,
                            project=record.project_id.display_name,
                            missing=vals["missing_hours"],
                            expected=vals["expected_hours"],
                            start=label(vals["period_start"]),
                            end=label(vals["period_end"]),
                        ),
                        0.0,
                        record.project_id,
                    )
                )
        return findings

    def _get_timesheet_periods(self, company):
        """Return the timesheet periods (start, end, cutoff) of ``company`` overlapping this billing period."""
        self.ensure_one()
        periods = []
        day = self.period_start
        while day <= self.period_end:
            period = company._get_ps_timesheet_period(day)
            periods.append(period)
            day = period[1] + timedelta(days=1)
        return periods

    def _get_timesheet_lookback_start(self):
        """Return the first day of the look-back before this billing period (the company's last periods)."""
        self.ensure_one()
        company = self.company_id
        start = self.period_start
        for _index in range(company.ps_timesheet_missing_periods):
            start = company._get_ps_timesheet_period(start - timedelta(days=1))[0]
        return start
