# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    ps_dispute_reason_id = fields.Many2one(
        "ps.dispute.reason", "Credit Reason", help="Why the credit note is issued; required for customer invoices."
    )
    ps_dispute_id = fields.Many2one(
        "ps.billing.dispute",
        "Dispute",
        domain="[('state', '=', 'open'), ('invoice_id', 'in', move_ids)]",
        help="The open dispute this credit note settles.",
    )
    ps_needs_reason = fields.Boolean(compute="_compute_ps_needs_reason")

    @api.depends("move_ids")
    def _compute_ps_needs_reason(self):
        for wizard in self:
            wizard.ps_needs_reason = any(move.move_type == "out_invoice" for move in wizard.move_ids)

    def _prepare_default_reversal(self, move):
        values = super()._prepare_default_reversal(move)
        if move.move_type == "out_invoice":
            values["ps_dispute_reason_id"] = self.ps_dispute_reason_id.id
        return values

    def reverse_moves(self, is_modify=False):
        self._ps_check_dispute()
        action = super().reverse_moves(is_modify=is_modify)
        if self.ps_dispute_id:
            credit_notes = self.new_move_ids.filtered(lambda move: move.move_type == "out_refund")
            # The link is protected on account.move: only this checked path sets it.
            credit_notes.sudo().write({"ps_dispute_id": self.ps_dispute_id.id})
        return action

    def _ps_check_dispute(self):
        """Refuse a reason-less credit of a customer invoice, and a dispute that is not this invoice's
        open dispute or that the user may not decide."""
        for wizard in self:
            if wizard.ps_needs_reason and not wizard.ps_dispute_reason_id:
                raise UserError(_("Give the reason of the credit note."))
            dispute = wizard.ps_dispute_id
            if not dispute:
                continue
            dispute._check_can_create_credit_note()
            if wizard.move_ids != dispute.invoice_id:
                raise UserError(_("A credit note of dispute %s credits its invoice only.", dispute.name))
