# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ps_approval_autopost = fields.Boolean(related="company_id.ps_approval_autopost", readonly=False)
    ps_approval_reminder_days = fields.Integer(related="company_id.ps_approval_reminder_days", readonly=False)
    ps_approval_escalation_days = fields.Integer(related="company_id.ps_approval_escalation_days", readonly=False)
