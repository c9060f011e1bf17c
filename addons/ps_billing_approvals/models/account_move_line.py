# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from .account_move import ps_recheck_scope

# Line fields whose change alters what an approval covers.
MATERIAL_LINE_FIELDS = frozenset(
    {
        "product_id",
        "quantity",
        "price_unit",
        "discount",
        "tax_ids",
        "currency_id",
        "display_type",
        "move_id",
    }
)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Lines edited directly (not through their invoice) are checked here; edits made
    # through the invoice are checked once by account.move.write.

    @api.model_create_multi
    def create(self, vals_list):
        with ps_recheck_scope(self.env["account.move"]) as recheck_later:
            lines = super().create(vals_list)
            recheck_later(lines.move_id)
        return lines

    def write(self, vals):
        if not MATERIAL_LINE_FIELDS & set(vals):
            return super().write(vals)
        moves = self.move_id
        if vals.get("move_id"):
            moves |= moves.browse(vals["move_id"])
        with ps_recheck_scope(moves):
            return super().write(vals)

    def unlink(self):
        with ps_recheck_scope(self.move_id):
            return super().unlink()
