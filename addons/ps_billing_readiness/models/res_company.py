# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    ps_billing_cutoff_day = fields.Integer(
        "Billing Cutoff Day",
        default=3,
        help="Day of the following month by which a monthly period must be complete; "
        "after it, ready engagements are drafted.",
    )
    ps_stale_draft_days = fields.Integer("Stale Draft After (days)", default=10)
    ps_escalation_days = fields.Integer("Escalate Blocked After (days)", default=3)
    ps_discount_threshold = fields.Float("Discount Threshold (%)", default=10.0)
    ps_margin_target = fields.Float("Margin Target (%)", default=30.0)

    def _ps_get_tz(self):
        """Return the time zone of the firm's calendar: its working calendar's, else its address's, else UTC."""
        self.ensure_one()
        return self.resource_calendar_id.tz or self.partner_id.tz or "UTC"

    def _ps_today(self):
        """Return today's date in the company's time zone (``_ps_get_tz``), whoever asks: the dates
        of readiness, cutoffs, ages and compliance periods follow the firm's calendar, not the
        viewer's or the scheduled action's user's time zone. The current company if empty."""
        company = self[:1] or self.env.company
        return fields.Date.context_today(company.with_context(tz=company._ps_get_tz()))

    @api.constrains("ps_billing_cutoff_day", "ps_stale_draft_days", "ps_escalation_days")
    def _check_ps_billing_days(self):
        for company in self:
            if not 1 <= company.ps_billing_cutoff_day <= 28:
                raise ValidationError(_("The billing cutoff day must be between 1 and 28."))
            if company.ps_stale_draft_days < 1 or company.ps_escalation_days < 0:
                raise ValidationError(_("Stale-draft and escalation delays cannot be negative."))

    @api.constrains("ps_discount_threshold", "ps_margin_target")
    def _check_ps_billing_percentages(self):
        for company in self:
            if not 0 <= company.ps_discount_threshold <= 100 or not -100 <= company.ps_margin_target <= 100:
                raise ValidationError(_("Discount threshold and margin target are percentages."))
