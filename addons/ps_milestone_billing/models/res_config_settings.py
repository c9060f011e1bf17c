# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ps_milestone_acceptance_required = fields.Boolean(
        related="company_id.ps_milestone_acceptance_required", readonly=False
    )
    ps_milestone_escalation_days = fields.Integer(related="company_id.ps_milestone_escalation_days", readonly=False)
