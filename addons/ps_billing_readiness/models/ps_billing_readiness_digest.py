# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Readiness records: the digests of their owners and of the finance controllers."""

from odoo import api, models


class PsBillingReadiness(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.billing.readiness"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _ps_refresh_digests(self):
        """Refresh every owner's and controller's digest from the blocked periods; returns nothing."""
        result = super()._ps_refresh_digests()
        self.env["ps.billing.digest"]._ps_refresh()
        return result

    def _ps_refresh_digests_of(self, escalated=False):
        """Refresh the digests of the owners of these records, and the controllers' when one of them is,
        or was (``escalated``), escalated: what a person did shows in them at once; returns nothing."""
        records = self.sudo()
        escalations = escalated or any(records.mapped("escalated_on"))
        if records.owner_id or escalations:
            self.env["ps.billing.digest"]._ps_refresh(owners=records.owner_id, escalations=escalations)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_evaluate(self):
        escalated = any(self.sudo().mapped("escalated_on"))
        result = super().action_evaluate()
        self._ps_refresh_digests_of(escalated)
        return result


class SaleOrder(models.Model):
    # The engagements' side: evaluating one now refreshes the digests its periods are in.
    _inherit = "sale.order"

    def action_ps_evaluate_readiness(self):
        periods = self.sudo().ps_readiness_ids
        escalated = any(periods.mapped("escalated_on"))
        result = super().action_ps_evaluate_readiness()
        (periods | self.sudo().ps_readiness_ids)._ps_refresh_digests_of(escalated)
        return result
