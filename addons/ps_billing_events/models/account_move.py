# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    """invoice.posted and invoice.sent: Odoo's own steps, so the outer ring hooks them itself (the core has
    no step of its own there); customer invoices and credit notes only."""

    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        self.env["ps.billing.event.hook"]._ps_emit_event(
            "invoice.posted", posted.filtered(lambda m: m.is_sale_document(include_receipts=False))
        )
        return posted

    def write(self, vals):
        sent = self.browse()
        if vals.get("is_move_sent"):
            sent = self.filtered(lambda m: not m.is_move_sent and m.is_sale_document(include_receipts=False))
        res = super().write(vals)
        self.env["ps.billing.event.hook"]._ps_emit_event("invoice.sent", sent)
        return res
