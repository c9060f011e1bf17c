# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    ps_milestone_acceptance_required = fields.Boolean(
        "Milestones Need the Client's Acceptance",
        default=True,
        help="New milestone engagements require the client's acceptance of each milestone before it counts as "
        "delivered and is billed (each engagement can say otherwise). Off, milestones deliver when reached, "
        "as in Odoo.",
    )
    ps_milestone_escalation_days = fields.Integer(
        "Escalate Milestone Acceptance After (days)",
        default=7,
        help="A milestone awaiting the client's acceptance longer than this is escalated to the finance controllers.",
    )

    @api.constrains("ps_milestone_escalation_days")
    def _check_ps_milestone_escalation_days(self):
        if any(company.ps_milestone_escalation_days < 0 for company in self):
            raise ValidationError(_("The milestone escalation delay cannot be negative."))
