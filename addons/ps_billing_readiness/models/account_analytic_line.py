# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountAnalyticLine(models.Model):
    _name = "account.analytic.line"
    _inherit = ["ps.readiness.watch.mixin", "account.analytic.line"]

    def _ps_get_readiness_orders(self):
        """The engagements of these timesheet lines: their sales line's and their project's."""
        timesheets = self.sudo().filtered("project_id")
        return (timesheets.so_line.order_id | timesheets.project_id.sale_order_id).with_env(self.env)
