# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

VENDOR_MOVE_TYPES = ("in_invoice", "in_refund")


class AccountMove(models.Model):
    _inherit = "account.move"

    def _ps_get_readiness_orders(self):
        """Vendor bills charged to an engagement's project feed its subcontractor check."""
        bills = self.sudo().filtered(lambda move: move.move_type in VENDOR_MOVE_TYPES)
        return super()._ps_get_readiness_orders() | bills.line_ids._ps_get_readiness_orders()


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = ["ps.readiness.watch.mixin", "account.move.line"]

    def _ps_get_readiness_orders(self):
        """The engagements of the projects that these vendor bill lines charge."""
        lines = self.sudo().filtered(
            lambda line: line.move_id.move_type in VENDOR_MOVE_TYPES and line.analytic_distribution
        )
        accounts = {
            int(account_id) for line in lines for key in line.analytic_distribution for account_id in key.split(",")
        }
        if not accounts:
            return self.env["sale.order"]
        projects = self.env["project.project"].sudo().search([("analytic_account_id", "in", list(accounts))])
        return projects.sale_order_id.with_env(self.env)
