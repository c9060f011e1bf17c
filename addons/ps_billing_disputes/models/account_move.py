# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

GROUP_DISPUTES = "ps_billing_readiness.group_finance_controller"


class AccountMove(models.Model):
    _inherit = "account.move"

    ps_dispute_reason_id = fields.Many2one(
        "ps.dispute.reason",
        "Credit Reason",
        ondelete="restrict",
        copy=False,
        tracking=True,
        help="Why this credit note is issued. A customer credit note is not posted without one.",
    )
    ps_dispute_id = fields.Many2one(
        "ps.billing.dispute", "Dispute", readonly=True, copy=False, index="btree_not_null", ondelete="restrict"
    )
    ps_dispute_ids = fields.One2many("ps.billing.dispute", "invoice_id", "Disputes", groups=GROUP_DISPUTES)
    ps_dispute_count = fields.Integer(compute="_compute_ps_dispute_count", groups=GROUP_DISPUTES)
    ps_dispute_suggestion_ids = fields.One2many(
        "ps.dispute.suggestion", "invoice_id", "Client Replies", groups=GROUP_DISPUTES
    )

    @api.model
    def _get_ps_protected_fields(self):
        """Return the dispute a credit note settles: only the credit note wizard of a dispute links it."""
        return super()._get_ps_protected_fields() | {"ps_dispute_id"}

    @api.depends("ps_dispute_ids")
    def _compute_ps_dispute_count(self):
        counts = {
            invoice.id: count
            for invoice, count in self.env["ps.billing.dispute"]._read_group(
                [("invoice_id", "in", self.ids)], ["invoice_id"], ["__count"]
            )
        }
        for move in self:
            move.ps_dispute_count = counts.get(move.id, 0)

    def _post(self, soft=True):
        missing = self.filtered(lambda move: move.move_type == "out_refund" and not move.ps_dispute_reason_id)
        if missing:
            raise UserError(
                _(
                    "Give the reason of each customer credit note before posting it: %s.",
                    ", ".join(missing.mapped("display_name")),
                )
            )
        return super()._post(soft=soft)

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        if self._ps_is_client_reply(message, msg_vals):
            self.env["ps.dispute.suggestion"]._ps_suggest_for_messages(self, message)
        return result

    def _ps_is_client_reply(self, message, msg_vals):
        """Return whether ``message`` is an e-mail from outside the firm on this posted customer invoice."""
        if len(self) != 1 or self.move_type != "out_invoice" or self.state != "posted":
            return False
        if msg_vals.get("message_type", message.message_type) != "email":
            return False
        author = message.author_id
        return not author.user_ids.filtered(lambda user: not user.share)

    def action_ps_new_dispute(self):
        """Open a new dispute of this posted customer invoice (a form: nothing is saved until the controller does)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "ps.billing.dispute",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_invoice_id": self.id},
        }

    def action_ps_open_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("ps_billing_disputes.ps_billing_dispute_action")
        action["domain"] = [("invoice_id", "=", self.id)]
        action["context"] = {"default_invoice_id": self.id}
        return action
