# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsMilestoneDecision(models.TransientModel):
    """Record the client's acceptance or rejection of milestones from the backend."""

    _name = "ps.milestone.decision"
    _description = "Milestone Acceptance Decision"

    milestone_ids = fields.Many2many("project.milestone", string="Milestones", required=True)
    decision = fields.Selection([("accept", "Accept"), ("reject", "Reject")], required=True, default="accept")
    partner_id = fields.Many2one(
        "res.partner",
        "Client Contact",
        help="The client's contact who signed, if known.",
    )
    signatory_name = fields.Char("Signatory", help="Who accepted for the client.")
    comment = fields.Text()
    reason = fields.Text("Rejection Reason")
    client_partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_client_partner_id",
        help="The engagement's client, to pick its contacts.",
    )

    def _compute_client_partner_id(self):
        for wizard in self:
            wizard.client_partner_id = wizard.milestone_ids.sale_line_id.order_id.partner_id.commercial_partner_id[:1]

    def action_confirm(self):
        self.ensure_one()
        # Reading the many2many drops the milestones the user may not read: deciding on the rest would
        # report success for a decision never made. Refuse the wizard instead.
        self.sudo().milestone_ids.with_env(self.env).check_access_rule("read")
        if self.decision == "accept":
            self.milestone_ids.action_ps_accept(
                signatory_name=self.signatory_name or self.partner_id.name,
                partner=self.partner_id or None,
                comment=self.comment,
            )
        else:
            self.milestone_ids.action_ps_reject(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
