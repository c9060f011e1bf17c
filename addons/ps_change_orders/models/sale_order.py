# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ps_change_order_ids = fields.One2many("ps.change.order", "sale_order_id", string="Change Orders")
    ps_change_order_count = fields.Integer(compute="_compute_ps_change_order_count")

    def _compute_ps_change_order_count(self):
        counts = dict(
            self.env["ps.change.order"]._read_group([("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"])
        )
        for order in self:
            order.ps_change_order_count = counts.get(order, 0)

    @api.model
    def _get_ps_protected_fields(self):
        """Return the change orders too: they are made from their own form, never through the engagement."""
        return super()._get_ps_protected_fields() | {"ps_change_order_ids"}

    @api.model
    def _get_ps_readiness_watched_fields(self):
        """Add what the change-order check reads: a change order's state and tasks."""
        res = super()._get_ps_readiness_watched_fields()
        res["ps.change.order"] = {"state", "task_ids", "sale_order_id"}
        return res

    def action_ps_view_change_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ps_change_orders.ps_change_order_action")
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"default_sale_order_id": self.id}
        return action
