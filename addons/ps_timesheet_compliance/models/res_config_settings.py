# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ps_timesheet_approved_only = fields.Boolean(related="company_id.ps_timesheet_approved_only", readonly=False)
    ps_timesheet_period = fields.Selection(related="company_id.ps_timesheet_period", readonly=False)
    ps_timesheet_cutoff_days = fields.Integer(related="company_id.ps_timesheet_cutoff_days", readonly=False)
    ps_timesheet_reminder_days = fields.Integer(related="company_id.ps_timesheet_reminder_days", readonly=False)
    ps_timesheet_escalation_days = fields.Integer(related="company_id.ps_timesheet_escalation_days", readonly=False)
    ps_timesheet_tolerance = fields.Float(related="company_id.ps_timesheet_tolerance", readonly=False)
    ps_timesheet_approval_days = fields.Integer(related="company_id.ps_timesheet_approval_days", readonly=False)
    ps_timesheet_daily_max = fields.Float(related="company_id.ps_timesheet_daily_max", readonly=False)
    ps_timesheet_deviation_factor = fields.Float(related="company_id.ps_timesheet_deviation_factor", readonly=False)
    ps_timesheet_missing_periods = fields.Integer(related="company_id.ps_timesheet_missing_periods", readonly=False)
