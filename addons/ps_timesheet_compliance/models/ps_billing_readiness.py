# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import _, fields, models
from odoo.tools import float_compare, float_is_zero, float_round


class PsBillingReadiness(models.Model):
    _inherit = "ps.billing.readiness"

    def _check_timesheets_approved(self, check):
        """Time logged on the engagement up to the period's end that is not approved yet."""
        sale_lines = self.sale_order_id.order_line.filtered(lambda line: line.qty_delivered_method == "timesheet")
        if not sale_lines:
            return []
        # By month for the engagements whose periods are whole months, by day for the others.
        rows = self._read_timesheet_rows(
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
        for sale_line, employee, state, day, quantity in rows:
            order_id, price = line_info[sale_line.id]
            rows_by_order[order_id].append((employee, state, day, quantity, price))
        earliest_ids = set(self._get_earliest_open().ids)
        message = _(
            "%(employee)s has %(submitted).2f hours waiting for approval and %(draft).2f hours not "
            "submitted on %(order)s up to %(end)s: %(amount)s cannot be billed until approved."
        )
        label = self._get_date_label()
        findings = []
        for record in self:
            # Like the deliverable: the earliest open period takes everything before it too.
            lower = None if record.id in earliest_ids else record.period_start
            upper = record.period_end
            hours = defaultdict(lambda: defaultdict(float))
            amounts = defaultdict(float)
            for employee, state, day, quantity, price in rows_by_order.get(record.sale_order_id.id, ()):
                if day > upper:
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
                        message
                        % {
                            "employee": employee.name,
                            "submitted": by_state.get("submitted", 0.0),
                            "draft": by_state.get("draft", 0.0),
                            "order": record.sale_order_id.name,
                            "end": label(record.period_end),
                            "amount": record._format(amounts[employee]),
                        },
                        amounts[employee],
                        record.project_id or record.sale_order_id,
                    )
                )
        return findings

    def _check_timesheets_missing(self, check):
        """Consultants who logged on the engagement's project lately but are short in this period.

        One finding per consultant and billing period when one of its timesheet
        periods that are over by now is short beyond the tolerance; it adds up
        the hours of all those periods.
        """
        records = self.filtered("project_id")
        if not records:
            return []
        today = fields.Date.context_today(self)
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
                self.env["account.analytic.line"]
                .sudo()
                ._read_group(
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
            for project, employee, _count in rows:
                people[project.id].add(employee)
            for record in window_records:
                regulars[record.id] = people[record.project_id.id]
        everyone = self.env["hr.employee"].sudo().browse({e.id for people in regulars.values() for e in people})
        required = {
            employee.id: employee.company_id
            for employee in everyone.filtered(lambda e: e.active and e.ps_timesheet_required)
        }
        pairs, wanted, periods = set(), defaultdict(list), {}
        for record in records:
            dates = (record.period_start, record.period_end)
            for employee in regulars[record.id]:
                if employee.id not in required:
                    continue
                key = (*dates, required[employee.id].id)
                if key not in periods:
                    # The compliance periods of this billing period that are over by now.
                    periods[key] = [
                        period for period in record._get_timesheet_periods(required[employee.id]) if period[1] < today
                    ]
                for start, end, cutoff in periods[key]:
                    pairs.add((employee, start, end, cutoff))
                    wanted[(record.id, employee.id)].append(start)
        # The hours the compliance scan computes, without its states and records: expected and missing.
        Compliance = self.env["ps.timesheet.compliance"]
        expected = Compliance._read_expected_hours(list(pairs)) if pairs else {}
        logged = Compliance._read_logged_hours(list(pairs)) if pairs else {}
        values, rounded = {}, {}
        for employee, start, end, _cutoff in pairs:
            key = (employee.id, start)
            hours = expected.get(key, 0.0)
            if hours not in rounded:  # employees share a few values: each is rounded once
                rounded[hours] = float_round(hours, precision_digits=2)
            hours = rounded[hours]
            values[key] = {
                "period_start": start,
                "period_end": end,
                "expected_hours": hours,
                "missing_hours": max(hours - sum(logged[key].values()), 0.0),
            }
        label = self._get_date_label()
        message = _(
            "%(employee)s logged on %(project)s lately but is missing %(missing).2f of %(expected).2f hours "
            "from %(start)s to %(end)s: time may be unlogged."
        )
        names = {employee.id: employee.name or "" for employee in everyone}
        projects = {project.id: project.display_name for project in records.project_id}
        short = {}  # (missing hours, tolerance): beyond the tolerance; a few distinct values, each compared once
        findings = []
        for record in records:
            tolerance = record.company_id.ps_timesheet_tolerance
            for employee in sorted(regulars[record.id], key=lambda employee: names[employee.id]):
                starts = wanted.get((record.id, employee.id), ())
                for start in starts:
                    key = (values[(employee.id, start)]["missing_hours"], tolerance)
                    if key not in short:
                        short[key] = float_compare(key[0], tolerance, precision_digits=2) > 0
                if not any(short[(values[(employee.id, start)]["missing_hours"], tolerance)] for start in starts):
                    continue
                over = [values[(employee.id, start)] for start in starts]
                findings.append(
                    record._finding(
                        message
                        % {
                            "employee": names[employee.id],
                            "project": projects[record.project_id.id],
                            "missing": sum(vals["missing_hours"] for vals in over),
                            "expected": sum(vals["expected_hours"] for vals in over),
                            "start": label(min(vals["period_start"] for vals in over)),
                            "end": label(max(vals["period_end"] for vals in over)),
                        },
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
