# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models


class PsKpiHook(models.AbstractModel):
    _inherit = "ps.kpi.hook"

    @api.model
    def _ps_kpi_disputed_invoices(self, invoices):
        """Return those of ``invoices`` with a dispute or a posted credit note with a reason."""
        result = super()._ps_kpi_disputed_invoices(invoices)
        reasons = self._ps_kpi_reasons_by_invoice(invoices)
        return result | invoices.browse(list(reasons))

    @api.model
    def _ps_kpi_dispute_reasons(self, invoices):
        """Return {reason code: number of ``invoices`` disputed or credited for it}, added to super()'s."""
        counts = dict(super()._ps_kpi_dispute_reasons(invoices))
        for codes in self._ps_kpi_reasons_by_invoice(invoices).values():
            for code in codes:
                counts[code] = counts.get(code, 0) + 1
        return counts

    @api.model
    def _ps_kpi_reasons_by_invoice(self, invoices):
        """Return {invoice id: {reason codes}} of ``invoices``: their disputes (any state) and their posted
        credit notes with a reason. Two queries whatever the number of invoices."""
        reasons = defaultdict(set)
        if not invoices:
            return reasons
        disputes = (
            self.env["ps.billing.dispute"]
            .sudo()
            ._read_group([("invoice_id", "in", invoices.ids)], ["invoice_id", "reason_id"])
        )
        credits = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("move_type", "=", "out_refund"),
                    ("state", "=", "posted"),
                    ("reversed_entry_id", "in", invoices.ids),
                    ("ps_dispute_reason_id", "!=", False),
                ],
                ["reversed_entry_id", "ps_dispute_reason_id"],
            )
        )
        for invoice, reason in disputes + credits:
            reasons[invoice.id].add(reason.code)
        return reasons
