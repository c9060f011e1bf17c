# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, models


class PsKpiHook(models.AbstractModel):
    _inherit = "ps.kpi.hook"

    @api.model
    def _ps_kpi_timesheet_compliance(self, company, date_from, date_to):
        """Add one entry per employee expected to log time for a period ending from ``date_from`` to
        ``date_to``: on time when the period's record is compliant (everything expected logged)."""
        result = super()._ps_kpi_timesheet_compliance(company, date_from, date_to)
        records = (
            self.env["ps.timesheet.compliance"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("period_end", ">=", date_from),
                    ("period_end", "<=", date_to),
                    ("state", "!=", "not_expected"),
                ]
            )
        )
        for record in records:
            result.append(
                {
                    "employee_id": record.employee_id.id,
                    "department_id": record.employee_id.department_id.id,
                    "on_time": record.state == "compliant",
                }
            )
        return result

    @api.model
    def _ps_kpi_time_recovered(self, company, date_from, date_to):
        """Add the billable value of the time logged after a consultant reminder sent from ``date_from`` to
        ``date_to``, for the period it reminded of, at its sales line's price in the line's unit (per
        engagement); time on fixed-fee or milestone lines has no value of its own."""
        result = super()._ps_kpi_time_recovered(company, date_from, date_to)
        reminders = (
            self.env["ps.timesheet.reminder"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("kind", "=", "consultant"),
                    ("sent_on", ">=", date_from),
                    ("sent_on", "<", date_to + timedelta(days=1)),
                ]
            )
        )
        if not reminders:
            return result
        lines = (
            self.env["account.analytic.line"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", reminders.employee_id.ids),
                    ("date", ">=", min(reminders.mapped("period_start"))),
                    ("date", "<=", max(reminders.mapped("period_end"))),
                    # Time that bills by itself: on a sales line invoiced on timesheets (a fee's time is the fee's).
                    ("so_line.qty_delivered_method", "=", "timesheet"),
                ]
            )
        )
        lines_by_employee = lines.grouped("employee_id")
        by_order = defaultdict(float)
        counted = set()
        for reminder in reminders.sorted("sent_on"):
            for line in lines_by_employee.get(reminder.employee_id, lines.browse()):
                # Two reminders of one period recover its late time once.
                if (
                    line.id not in counted
                    and reminder.period_start <= line.date <= reminder.period_end
                    and line.create_date >= reminder.sent_on
                ):
                    counted.add(line.id)
                    sale_line = line.so_line
                    quantity = line.product_uom_id._compute_quantity(line.unit_amount, sale_line.product_uom)
                    by_order[sale_line.order_id.id] += quantity * sale_line.price_unit
        result += [{"sale_order_id": order_id, "amount": amount} for order_id, amount in by_order.items()]
        return result

    @api.model
    def _ps_kpi_held_back_check_codes(self):
        """Add the check that holds back time not approved yet."""
        return super()._ps_kpi_held_back_check_codes() | {"timesheets_approved"}
