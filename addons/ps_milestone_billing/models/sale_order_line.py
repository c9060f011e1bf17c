# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.depends(
        "reached_milestones_ids.ps_acceptance_state",
        "order_id.ps_milestone_acceptance_required",
    )
    def _compute_qty_delivered(self):
        # Where the client must accept, reaching a milestone delivers nothing: accepting it does.
        lines = self.filtered(
            lambda line: line.qty_delivered_method == "milestones" and line.order_id.ps_milestone_acceptance_required
        )
        super(SaleOrderLine, self - lines)._compute_qty_delivered()
        if not lines:
            return
        accepted = dict(
            self.env["project.milestone"]
            .sudo()
            ._read_group(
                [
                    ("sale_line_id", "in", lines.ids),
                    ("is_reached", "=", True),
                    ("ps_acceptance_state", "=", "accepted"),
                ],
                ["sale_line_id"],
                ["quantity_percentage:sum"],
            )
        )
        accepted = {line.id: share for line, share in accepted.items()}
        for line in lines:
            line.qty_delivered = accepted.get(line.id or line._origin.id, 0.0) * line.product_uom_qty
