# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsDemoFirm(models.AbstractModel):
    _inherit = "ps.demo.firm"

    @api.model
    def _evaluate_demo_readiness(self, module="ps_billing_readiness"):
        """Once the last suite module being installed evaluated the demo, snapshot its closed months (once):
        before, the findings of the other modules' checks are not there to count."""
        result = super()._evaluate_demo_readiness(module)
        pending = self.env["ir.module.module"].search_count(
            [
                ("state", "in", ("to install", "to upgrade")),
                ("name", "!=", module),
                "|",
                ("name", "=", "ps_billing_readiness"),
                ("dependencies_id.name", "=", "ps_billing_readiness"),
            ]
        )
        Snapshot = self.env["ps.kpi.snapshot"].sudo().with_context(active_test=False)
        if not pending and not Snapshot.search_count([]):
            Snapshot._ps_load_demo_snapshots()
        return result
