# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PsApprovalDecision(models.TransientModel):
    """Approve with an optional comment, or reject with a required reason."""

    _name = "ps.approval.decision"
    _description = "Approve or Reject an Invoice"

    decision = fields.Selection([("approve", "Approve"), ("reject", "Reject")], required=True, default="approve")
    request_ids = fields.Many2many("ps.approval.request", string="Approvals")
    move_ids = fields.Many2many("account.move", string="Invoices")
    comment = fields.Text()

    @api.model
    def _get_wizard_action(self, decision, requests=None, moves=None):
        """Return the action opening this dialog for ``requests`` or ``moves``."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Approve") if decision == "approve" else _("Reject"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_decision": decision,
                "default_request_ids": requests.ids if requests else [],
                "default_move_ids": moves.ids if moves else [],
            },
        }

    def action_confirm(self):
        self.ensure_one()
        if self.decision == "reject" and not (self.comment or "").strip():
            raise UserError(_("Say why you reject: the reason is required."))
        targets = self.request_ids or self.move_ids
        if not targets:
            raise UserError(_("Nothing to decide."))
        if self.decision == "approve":
            result = targets.action_ps_approve(self.comment)
        else:
            result = targets.action_ps_reject(self.comment)
        return result if isinstance(result, dict) else {"type": "ir.actions.act_window_close"}
