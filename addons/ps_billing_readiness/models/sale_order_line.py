# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _prepare_invoice_line(self, **optional_values):
        vals = super()._prepare_invoice_line(**optional_values)
        if not self.display_type:
            # Remembered so that billing less than proposed shows as a write-off.
            vals.setdefault("ps_expected_quantity", vals.get("quantity", 0.0))
        return vals
