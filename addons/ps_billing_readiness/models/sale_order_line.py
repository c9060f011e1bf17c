# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


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
