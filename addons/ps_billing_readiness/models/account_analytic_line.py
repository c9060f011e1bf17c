# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    def _ps_mark_readiness_dirty(self):
        """Flag the engagements of these timesheet lines for re-evaluation (automation rule)."""
        timesheets = self.sudo().filtered("project_id")
        orders = timesheets.so_line.order_id | timesheets.project_id.sale_order_id
        orders._ps_mark_readiness_dirty()
