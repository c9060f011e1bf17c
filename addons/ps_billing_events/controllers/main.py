# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request


class BillingEventsBoard(http.Controller):
    @http.route("/ps_billing_events/board_health", type="json", auth="user")
    def board_health(self, context=None):
        """The readiness board's banner (its ``banner_route``): the integration's health, for administrators."""
        return request.env["ps.webhook.health"]._ps_get_banner()
