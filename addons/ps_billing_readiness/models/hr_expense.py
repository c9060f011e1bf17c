# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class HrExpense(models.Model):
    _inherit = "hr.expense"

    def _ps_mark_readiness_dirty(self):
        """Flag the engagements of these expenses for re-evaluation (automation rule)."""
        expenses = self.sudo()
        orders = expenses.sale_order_id
        accounts = {
            int(account_id)
            for expense in expenses
            for key in (expense.analytic_distribution or {})
            for account_id in key.split(",")
        }
        if accounts:
            orders |= (
                self.env["project.project"].sudo().search([("analytic_account_id", "in", list(accounts))]).sale_order_id
            )
        orders._ps_mark_readiness_dirty()
