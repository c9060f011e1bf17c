# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ps_billing_cutoff_day = fields.Integer(related="company_id.ps_billing_cutoff_day", readonly=False)
    ps_stale_draft_days = fields.Integer(related="company_id.ps_stale_draft_days", readonly=False)
    ps_escalation_days = fields.Integer(related="company_id.ps_escalation_days", readonly=False)
    ps_discount_threshold = fields.Float(related="company_id.ps_discount_threshold", readonly=False)
    ps_margin_target = fields.Float(related="company_id.ps_margin_target", readonly=False)
