# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Readiness records: the digests of their owners and of the finance controllers."""

from odoo import api, models

# The activity types of the one-activity-per-blocked-period design of 17.0.1.0.0 (noupdate data:
# an upgrade keeps them, and their open activities, unless the migration retires them).
PER_PERIOD_ACTIVITY_TYPES = (
    "ps_billing_readiness.mail_activity_type_readiness_blocked",
    "ps_billing_readiness.mail_activity_type_readiness_escalation",
)


class PsBillingReadiness(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.billing.readiness"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _ps_retire_per_period_activities(self):
        """Replace the activities of the per-period design by the digests; return how many were removed.

        The open activities of the old types are removed without a message each (a digest now lists
        what they asked for), the types themselves are deleted, and every digest is refreshed.
        """
        types = self.env["mail.activity.type"]
        for xmlid in PER_PERIOD_ACTIVITY_TYPES:
            types |= self.env.ref(xmlid, raise_if_not_found=False) or types
        if not types:
            return 0
        Activity = self.env["mail.activity"].sudo().with_context(active_test=False)
        activities = Activity.search([("activity_type_id", "in", types.ids)])
        count = len(activities)
        activities.unlink()
        types.sudo().unlink()
        self._ps_refresh_digests()
        return count

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
