# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsDisputeDecision(models.TransientModel):
    """Asks why, before a controller decides a dispute."""

    _name = "ps.dispute.decision"
    _description = "Decide a Dispute"

    dispute_id = fields.Many2one("ps.billing.dispute", required=True, ondelete="cascade")
    decision = fields.Selection(
        [
            ("credit_note", "Resolve by Credit Note"),
            ("no_change", "Resolve without Change"),
            ("reject", "Reject"),
        ],
        required=True,
    )
    note = fields.Text("Why", required=True)

    def action_confirm(self):
        self.ensure_one()
        self.dispute_id._ps_decide(self.decision, self.note)
        return {"type": "ir.actions.act_window_close"}
