# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import fields, models


class PsKpiRecompute(models.TransientModel):
    """An administrator's decision to recompute the KPI history of a closed month, with its reason."""

    _name = "ps.kpi.recompute"
    _description = "Recompute the KPIs of a Month"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    month = fields.Date(
        required=True,
        default=lambda self: self.env.company._ps_today().replace(day=1) - relativedelta(months=1),
        help="Any day of the month to recompute; only a closed month can be.",
    )
    reason = fields.Text(required=True, help="Why the month's history is replaced: kept on the new rows.")

    def action_recompute(self):
        """Recompute the month and open its new figures."""
        self.ensure_one()
        self.env["ps.kpi.snapshot"].action_ps_recompute(self.month, self.reason, company_id=self.company_id.id)
        action = self.env["ir.actions.act_window"]._for_xml_id("ps_billing_analytics.ps_kpi_snapshot_action")
        action["domain"] = [("month", "=", self.month.replace(day=1)), ("company_id", "=", self.company_id.id)]
        return action
