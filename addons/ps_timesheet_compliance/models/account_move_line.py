# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.osv import expression


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model
    def _timesheet_domain_get_invoiced_lines(self, sale_line_delivery):
        # Without this, drafting links unapproved time to the invoice: it would be shown as billed
        # and never billed once approved.
        return expression.AND(
            [
                super()._timesheet_domain_get_invoiced_lines(sale_line_delivery),
                self.env["sale.order.line"]._get_ps_approved_only_domain(),
            ]
        )
