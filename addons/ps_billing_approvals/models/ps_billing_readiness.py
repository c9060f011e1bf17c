# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class PsBillingReadiness(models.Model):
    _inherit = "ps.billing.readiness"

    def _on_invoice_drafted(self, moves, in_job=False):
        res = super()._on_invoice_drafted(moves, in_job=in_job)
        # Drafts of the engine go through the approval matrix: routine ones come out straight-through.
        # The month-end's drafts are routed by a job of their own (the next on the billing channel);
        # until then posting one checks the matrix again (_ps_check_approved_before_post).
        if in_job:
            moves._ps_enqueue_routing()
        else:
            moves.sudo()._ps_route_approval()
        return res
