# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsReadinessWatchMixin(models.AbstractModel):
    """What a readiness check reads: a change to it marks the engagements it bears on.

    A model whose records feed a check inherits this mixin and says which
    engagements a record bears on (``_ps_get_readiness_orders``). Which of its
    fields the checks read is declared, per model, by
    ``sale.order._get_ps_readiness_watched_fields()``, which each module extends.

    A creation or a deletion always marks; a write or a recomputation (stored
    computed fields, such as an expense's state) marks when it touches a watched
    field, both the engagements the record bore on before and after.
    """

    _name = "ps.readiness.watch.mixin"
    _description = "Billing Readiness: Watched Records"

    def _ps_get_readiness_orders(self):
        """Return the engagements (sale.order) whose readiness these records feed."""
        return self.env["sale.order"]

    def _ps_get_readiness_watched(self):
        return self.env["sale.order"]._ps_get_readiness_watched_map().get(self._name, frozenset())

    def _ps_mark_readiness_orders(self):
        self._ps_get_readiness_orders()._ps_mark_readiness_dirty()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._ps_mark_readiness_orders()
        return records

    def write(self, vals):
        if not self._ps_get_readiness_watched().intersection(vals):
            return super().write(vals)
        before = self._ps_get_readiness_orders()
        res = super().write(vals)
        (before | self._ps_get_readiness_orders())._ps_mark_readiness_dirty()
        return res

    def unlink(self):
        orders = self._ps_get_readiness_orders()
        res = super().unlink()
        orders.exists()._ps_mark_readiness_dirty()
        return res

    def _compute_field_value(self, field):
        res = super()._compute_field_value(field)
        if field.store and field.name in self._ps_get_readiness_watched():
            self.filtered("id")._ps_mark_readiness_orders()
        return res
