# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class PsReadinessDraftAnyway(models.TransientModel):
    _name = "ps.readiness.draft.anyway"
    _description = "Draft a Blocked Period Anyway"

    readiness_id = fields.Many2one("ps.billing.readiness", required=True, ondelete="cascade")
    blocking_summary = fields.Text(compute="_compute_blocking_summary")
    reason = fields.Text(required=True, help="Why this period is invoiced despite its blocking findings.")

    def _compute_blocking_summary(self):
        for wizard in self:
            wizard.blocking_summary = "\n".join(
                wizard.readiness_id.finding_ids.filtered(lambda f: f.severity == "blocking").mapped("message")
            )

    def action_confirm(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason for drafting a blocked period anyway."))
        readiness = self.readiness_id
        readiness._check_can_draft_anyway()
        move = readiness.sudo()._create_invoice_drafts(override_reason=self.reason.strip())
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": move.id,
            "views": [(False, "form")],
        }
