# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    ps_approval_autopost = fields.Boolean(
        "Post Invoices Once Approved",
        help="Post an invoice draft as soon as its last approval level approves it.",
    )
    ps_approval_reminder_days = fields.Integer(
        "Remind Approvers After (days)",
        default=2,
        help="Days an approval may wait before its approvers are reminded, once.",
    )
    ps_approval_escalation_days = fields.Integer(
        "Escalate Approvals After (days)",
        default=5,
        help="Days an approval may wait before it is escalated, once, to the approvers' managers "
        "(else the finance controllers).",
    )

    @api.constrains("ps_approval_reminder_days", "ps_approval_escalation_days")
    def _check_ps_approval_delays(self):
        for company in self:
            if company.ps_approval_reminder_days < 0:
                raise ValidationError(_("The approval reminder delay cannot be negative."))
            if company.ps_approval_escalation_days <= company.ps_approval_reminder_days:
                raise ValidationError(
                    _(
                        "Approvals are escalated after their approvers were reminded: "
                        "the escalation delay must be longer than the reminder delay."
                    )
                )
