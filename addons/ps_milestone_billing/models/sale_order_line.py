# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # Not on order_id.ps_milestone_acceptance_required: that flag follows the billing model, which
    # follows the order's lines, so every new line would recompute every delivered quantity of the
    # order (and undo one Odoo set by hand, as when an expense sheet is reset). The order recomputes
    # its milestone lines itself when the flag changes (sale.order.write).
    @api.depends("reached_milestones_ids.ps_acceptance_state")
    def _compute_qty_delivered(self):
        # Where the client must accept, reaching a milestone delivers nothing: accepting it does.
        lines = self.filtered(lambda line: line.qty_delivered_method == "milestones")
        if lines:
            lines = lines.filtered(lambda line: line.order_id.ps_milestone_acceptance_required)
        if not lines:
            return super()._compute_qty_delivered()
        super(SaleOrderLine, self - lines)._compute_qty_delivered()
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

    def _ps_get_milestone_shares(self, period_end):
        # Where the client must accept, a milestone delivers on the day it was accepted: a day of
        # the firm's calendar, so the period ends at midnight in the company's time zone.
        lines = self.filtered(lambda line: line.order_id.ps_milestone_acceptance_required)
        result = super(SaleOrderLine, self - lines)._ps_get_milestone_shares(period_end)
        Milestone = self.env["project.milestone"].sudo()
        next_day = fields.Date.to_date(period_end) + timedelta(days=1)
        for company in lines.company_id:
            rows = Milestone._read_group(
                [
                    ("sale_line_id", "in", lines.filtered(lambda line, c=company: line.company_id == c).ids),
                    ("ps_acceptance_state", "=", "accepted"),
                    ("ps_accepted_on", "<", Milestone._ps_get_day_start(company, next_day)),
                ],
                ["sale_line_id"],
                ["quantity_percentage:sum"],
            )
            result.update({line.id: share for line, share in rows})
        return result
