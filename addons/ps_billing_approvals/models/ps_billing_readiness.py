# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class PsBillingReadiness(models.Model):
    _inherit = "ps.billing.readiness"

    def _on_invoice_drafted(self, move):
        res = super()._on_invoice_drafted(move)
        # Drafts of the engine go through the approval matrix at once: routine ones come out straight-through.
        move.sudo()._ps_route_approval()
        return res
