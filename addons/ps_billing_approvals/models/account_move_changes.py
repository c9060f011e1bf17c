# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.tools import float_repr
from odoo.tools.translate import _lt

from .account_move import CUSTOMER_MOVE_TYPES

# The figures an approval covers: a change of any of them sends the draft back through the matrix.
FIGURE_LABELS = {
    "partner": _lt("Client"),
    "currency": _lt("Currency"),
    "invoice_date": _lt("Invoice date"),
    "amount_untaxed": _lt("Untaxed amount"),
    "amount_tax": _lt("Taxes"),
    "amount_total": _lt("Total"),
}


class AccountMove(models.Model):
    """Material edits: what an approval covers, and sending a changed draft back through the matrix."""

    # The model is split by concern across files (house style), on purpose.
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Business: material edits
    # ------------------------------------------------------------

    def _ps_get_routed_drafts(self):
        """Return those of these moves whose figures were routed through the matrix and may change."""
        return self.filtered(
            lambda m: m.state == "draft" and m.move_type in CUSTOMER_MOVE_TYPES and m.ps_approval_snapshot
        )

    def _get_ps_approval_figures(self):
        """Return {move id: the figures an approval covers}: client, currency, date, amounts, lines and taxes."""
        result = {}
        for move in self:
            currency = move.currency_id
            lines = sorted(
                "%s: %s × %s%s [%s]"
                % (
                    line.product_id.display_name or line.name or "",
                    float_repr(line.quantity, 4),
                    float_repr(currency.round(line.price_unit), currency.decimal_places),
                    f" -{float_repr(line.discount, 2)}%" if line.discount else "",
                    ", ".join(sorted(line.tax_ids.mapped("name"))),
                )
                # Not filtered(): it would prefetch the taxes of one draft's lines at a time.
                for line in move.invoice_line_ids
                if line.display_type == "product"
            )
            result[move.id] = {
                "partner_id": move.partner_id.id,
                "partner": move.partner_id.display_name or "",
                "currency": currency.name,
                "invoice_date": fields.Date.to_string(move.invoice_date) if move.invoice_date else "",
                "amount_untaxed": float_repr(move.amount_untaxed, currency.decimal_places),
                "amount_tax": float_repr(move.amount_tax, currency.decimal_places),
                "amount_total": float_repr(move.amount_total, currency.decimal_places),
                "lines": lines,
            }
        return result

    @api.model
    def _ps_describe_changes(self, old, new):
        """Return the lines describing what changed between two figure snapshots (empty: nothing material)."""
        changes = []
        for key, label in FIGURE_LABELS.items():
            compare_key = "partner_id" if key == "partner" else key
            if old.get(compare_key) != new.get(compare_key):
                changes.append(
                    _(
                        "%(label)s: %(old)s → %(new)s",
                        label=str(label),
                        old=old.get(key) or "—",
                        new=new.get(key) or "—",
                    )
                )
        old_lines, new_lines = list(old.get("lines", [])), list(new.get("lines", []))
        for line in list(old_lines):
            if line in new_lines:
                old_lines.remove(line)
                new_lines.remove(line)
        changes += [_("Line removed: %s", line) for line in old_lines]
        changes += [_("Line added: %s", line) for line in new_lines]
        return changes

    def _ps_recheck_material_changes(self):
        """Send back through the matrix the routed drafts whose figures changed since they were routed."""
        moves = self.exists()._ps_get_routed_drafts()
        if not moves:
            return
        figures = moves._get_ps_approval_figures()
        changed, notes = self.browse(), {}
        for move in moves:
            changes = self._ps_describe_changes(move.ps_approval_snapshot, figures[move.id])
            if not changes:
                continue
            changed |= move
            notes[move.id] = "\n".join(changes)
            was = dict(self._fields["ps_approval_state"]._description_selection(self.env))[move.ps_approval_state]
            move._ps_log(
                _("Material change while %s: the draft goes through the approval matrix again.", was), notes[move.id]
            )
        if changed:
            changed.sudo()._ps_route_approval(change_note=notes)
