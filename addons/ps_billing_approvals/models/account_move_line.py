# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from .account_move import NO_RECHECK

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
        if self.env.context.get(NO_RECHECK):
            return super().create(vals_list)
        lines = super(AccountMoveLine, self.with_context(**{NO_RECHECK: True})).create(vals_list)
        lines.move_id._ps_recheck_material_changes()
        return lines.with_env(self.env)

    def write(self, vals):
        if self.env.context.get(NO_RECHECK) or not MATERIAL_LINE_FIELDS & set(vals):
            return super().write(vals)
        moves = self.move_id._ps_get_routed_drafts()
        res = super(AccountMoveLine, self.with_context(**{NO_RECHECK: True})).write(vals)
        moves._ps_recheck_material_changes()
        return res

    def unlink(self):
        if self.env.context.get(NO_RECHECK):
            return super().unlink()
        moves = self.move_id._ps_get_routed_drafts()
        res = super(AccountMoveLine, self.with_context(**{NO_RECHECK: True})).unlink()
        moves._ps_recheck_material_changes()
        return res
