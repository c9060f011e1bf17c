# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models

from ..problems import ApiProblem

PERIODS_SHOWN = 24
AMOUNTS = ("deliverable", "ready", "blocked", "at_risk")


class PsApiReadiness(models.AbstractModel):
    """``GET /engagements/{reference}/readiness``: an engagement's billing periods and their findings."""

    _name = "ps.api.readiness"
    _description = "API Engagement Readiness"

    @api.model
    def _ps_get_engagement_readiness(self, reference):
        """Return the readiness document of the engagement named ``reference`` (its sales order number)
        in the client's companies; raise ApiProblem 404 when there is none."""
        order = (
            self.env["sale.order"]
            .sudo()
            .search([("name", "=", reference), ("company_id", "in", self.env.user.company_ids.ids)], limit=1)
        )
        if not order:
            raise ApiProblem(404, "not-found", _("No such engagement"), _("No engagement %s.", reference))
        periods = (
            self.env["ps.billing.readiness"]
            .sudo()
            .search([("sale_order_id", "=", order.id)], order="period_start desc", limit=PERIODS_SHOWN)
        )
        return {
            "reference": order.name,
            "client": order.partner_id.commercial_partner_id.name,
            "billing_model": order.ps_billing_model or None,
            "terms_confirmed": bool(order.ps_terms_confirmed),
            "currency": order.currency_id.name,
            "company_currency": order.company_id.currency_id.name,
            "periods": [self._ps_prepare_period(period) for period in periods],
        }

    @api.model
    def _ps_prepare_period(self, period):
        return {
            "period_start": period.period_start,
            "period_end": period.period_end,
            "cutoff_date": period.cutoff_date,
            "state": period.state,
            "blocked_since": period.blocked_since or None,
            "evaluated_on": period.evaluated_on or None,
            "amounts": {name: period[f"amount_{name}"] for name in AMOUNTS},
            "amounts_company": {name: period[f"amount_{name}_company"] for name in AMOUNTS},
            "findings": [
                {
                    "code": finding.check_code,
                    "name": finding.name or finding.check_code,
                    "severity": finding.severity,
                    "message": finding.message,
                    "amount_at_risk": finding.amount_at_risk,
                }
                for finding in period.finding_ids
            ],
        }
