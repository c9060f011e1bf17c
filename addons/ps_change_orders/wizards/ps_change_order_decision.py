# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsChangeOrderDecision(models.TransientModel):
    """Record the client's decision on a change order given outside the portal (signed PDF, e-mail)."""

    _name = "ps.change.order.decision"
    _description = "Record a Client Decision on a Change Order"

    change_order_id = fields.Many2one("ps.change.order", required=True, ondelete="cascade")
    decision = fields.Selection([("approve", "Approved"), ("reject", "Rejected")], required=True, default="approve")
    signatory_name = fields.Char("Client Signatory", required=True)
    reason = fields.Text("Rejection Reason")
    evidence_count = fields.Integer(related="change_order_id.evidence_count")

    def action_confirm(self):
        self.ensure_one()
        self.change_order_id._ps_record_decision(self.decision == "approve", self.signatory_name, reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
