# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models
from odoo.exceptions import AccessError

from .ps_billing_event import GROUP_ADMINISTRATOR


class PsBillingReadiness(models.Model):
    _inherit = "ps.billing.readiness"

    @api.model
    def action_ps_open_integration_health(self):
        """Open the integration's health panel from the board (administrators)."""
        if not self.env.user.has_group(GROUP_ADMINISTRATOR):
            raise AccessError(_("Only a Billing Control administrator sees the integration's health."))
        return self.env["ps.webhook.health"]._ps_get_action()
