# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsKpiHook(models.AbstractModel):
    _inherit = "ps.kpi.hook"

    @api.model
    def _ps_kpi_held_back_check_codes(self):
        """Add the check that holds back milestones the client has not accepted."""
        return super()._ps_kpi_held_back_check_codes() | {"milestones_accepted"}
