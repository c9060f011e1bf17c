# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


from odoo import _, api, fields, models
from odoo.addons.ps_billing_readiness.ps_db_defaults import set_db_defaults
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    def init(self):
        # The required column gets its default in PostgreSQL too (see ps_db_defaults).
        res = super().init()
        set_db_defaults(self, {"ps_timesheet_period": "weekly"})
        return res

    ps_timesheet_approved_only = fields.Boolean(
        "Invoice Approved Time Only",
        default=True,
        help="Delivered quantities and invoices of timesheet-based services count approved time only.",
    )
    ps_timesheet_period = fields.Selection(
        [("weekly", "Weekly"), ("monthly", "Monthly")],
        string="Timesheet Period",
        default="weekly",
        required=True,
    )
    ps_timesheet_cutoff_days = fields.Integer(
        "Timesheet Cutoff (days after the period)",
        default=1,
        help="Time of a period must be logged and submitted this many days after its last day.",
    )
    ps_timesheet_reminder_days = fields.Integer("Remind Consultants (days before the cutoff)", default=2)
    ps_timesheet_escalation_days = fields.Integer("Escalate to Managers (days after the cutoff)", default=1)
    ps_timesheet_tolerance = fields.Float(
        "Timesheet Tolerance (hours)", default=0.5, help="Missing time up to this many hours is still compliant."
    )
    ps_timesheet_approval_days = fields.Integer(
        "Remind Timesheet Approvers After (days)",
        default=3,
        help="Remind approvers of time submitted longer ago than this.",
    )
    ps_timesheet_daily_max = fields.Float(
        "Daily Maximum (hours)", default=10.0, help="Flag days on which an employee logs more than this."
    )
    ps_timesheet_deviation_factor = fields.Float(
        "Unusual Hours Factor",
        default=2.0,
        help="Flag days with more than this many times, or less than this fraction of, "
        "the employee's average day of the last four weeks.",
    )
    ps_timesheet_missing_periods = fields.Integer(
        "Missing Time Look-back (periods)",
        default=2,
        help="The readiness check on missing time looks at consultants who logged on the engagement "
        "in this many periods before.",
    )

    @api.constrains(
        "ps_timesheet_cutoff_days",
        "ps_timesheet_reminder_days",
        "ps_timesheet_escalation_days",
        "ps_timesheet_approval_days",
        "ps_timesheet_missing_periods",
    )
    def _check_ps_timesheet_days(self):
        for company in self:
            days = (
                company.ps_timesheet_cutoff_days,
                company.ps_timesheet_reminder_days,
                company.ps_timesheet_escalation_days,
                company.ps_timesheet_approval_days,
            )
            if any(value < 0 for value in days) or company.ps_timesheet_missing_periods < 1:
                raise ValidationError(_("Timesheet delays cannot be negative and the look-back is one period or more."))

    @api.constrains("ps_timesheet_tolerance", "ps_timesheet_daily_max", "ps_timesheet_deviation_factor")
    def _check_ps_timesheet_hours(self):
        for company in self:
            if company.ps_timesheet_tolerance < 0 or company.ps_timesheet_daily_max < 0:
                raise ValidationError(_("The timesheet tolerance and daily maximum cannot be negative."))
            if company.ps_timesheet_deviation_factor and company.ps_timesheet_deviation_factor <= 1:
                raise ValidationError(_("The unusual hours factor is above 1 (or 0 to switch the flag off)."))

    def _get_ps_timesheet_period(self, day):
        """Return (start, end, cutoff) of this company's timesheet period containing ``day``."""
        self.ensure_one()
        cycle = "monthly" if self.ps_timesheet_period == "monthly" else "weekly"
        return self.env["ps.period.mixin"]._ps_get_period(cycle, day, self.ps_timesheet_cutoff_days)
