# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class HrExpense(models.Model):
    _name = "hr.expense"
    _inherit = ["ps.readiness.watch.mixin", "hr.expense"]

    def _ps_get_readiness_orders(self):
        """The engagements of these expenses: the one they re-invoice, and those of the projects they are charged to."""
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
        return orders.with_env(self.env)
