# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import float_round


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _prepare_invoice_line(self, **optional_values):
        vals = super()._prepare_invoice_line(**optional_values)
        if not self.display_type:
            # Remembered so that billing less than proposed shows as a write-off.
            vals.setdefault("ps_expected_quantity", vals.get("quantity", 0.0))
        return vals

    def _ps_filter_billed_on_timesheets(self):
        """Return the lines that bill the hours logged on them: delivered by timesheets and invoiced
        on delivery. A fixed fee or a retainer sold with timesheets on it ("prepaid") bills its
        fee, whatever the hours: its time has no billable value of its own."""
        return self.filtered(
            lambda line: line.qty_delivered_method == "timesheet" and line.product_id.invoice_policy == "delivery"
        )

    def _ps_get_deliverable_quantities(self, period_end):
        """Return {line id: quantity delivered by ``period_end`` and not invoiced yet} for lines
        not billed on timesheets (extend with super()).

        Milestone lines count the milestones reached by the end of the period, so a
        milestone reached later is billed with its own period; other lines have no
        delivery date and deliver what Odoo would invoice now.
        """
        result = {line.id: line.qty_to_invoice for line in self}
        milestone_lines = self.filtered(lambda line: line.qty_delivered_method == "milestones")
        if milestone_lines:
            shares = milestone_lines._ps_get_milestone_shares(period_end)
            for line in milestone_lines:
                delivered = shares.get(line.id, 0.0) * line.product_uom_qty
                result[line.id] = max(0.0, min(line.qty_to_invoice, delivered - line.qty_invoiced))
        result.update(self._ps_get_retainer_deliverable_quantities(period_end))
        return result

    def _ps_get_retainer_deliverable_quantities(self, period_end):
        """Return {line id: quantity} for the retainer lines among these: a fee line delivers one unit per
        period begun by ``period_end``, the overage line the overage of those periods: its hours, or for an
        amount retainer the value beyond its amount (the line's price is 1.00)."""
        orders = self.order_id.filtered("ps_is_retainer")
        fee_lines = self & orders._ps_get_retainer_fee_lines()
        overage_lines = self & orders._ps_get_retainer_overage_lines()
        if not fee_lines and not overage_lines:
            return {}
        day = fields.Date.to_date(period_end)
        periods = (
            self.env["ps.retainer.period"]
            .sudo()
            ._read_group(
                [("sale_order_id", "in", orders.ids), ("period_start", "<=", day)],
                ["sale_order_id"],
                ["hours_overage:sum", "amount_overage:sum"],
            )
        )
        overage = {
            order: float_round(amount, precision_digits=2) if order.ps_retainer_unit == "amount" else hours
            for order, hours, amount in periods
        }
        result = {}
        for line in fee_lines:
            begun = len(line.order_id._ps_get_retainer_periods_until(day))
            result[line.id] = max(0.0, min(line.qty_to_invoice, begun - line.qty_invoiced))
        for line in overage_lines:
            result[line.id] = max(0.0, min(line.qty_to_invoice, overage.get(line.order_id, 0.0) - line.qty_invoiced))
        return result

    def _ps_get_milestone_shares(self, period_end):
        """Return {line id: share of the line delivered by milestones by ``period_end``}."""
        rows = (
            self.env["project.milestone"]
            .sudo()
            ._read_group(
                [
                    ("sale_line_id", "in", self.ids),
                    ("is_reached", "=", True),
                    ("reached_date", "<=", fields.Date.to_date(period_end)),
                ],
                ["sale_line_id"],
                ["quantity_percentage:sum"],
            )
        )
        return {line.id: share for line, share in rows}


class SaleOrderLineWatch(models.Model):
    _name = "sale.order.line"
    _inherit = ["ps.readiness.watch.mixin", "sale.order.line"]

    def _ps_get_readiness_orders(self):
        return self.order_id
