# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class PsBillingReadiness(models.Model):
    _inherit = "ps.billing.readiness"

    ps_peak_blocked_amount_company = fields.Monetary(
        "Peak Blocked Value",
        currency_field="company_currency_id",
        readonly=True,
        copy=False,
        help="The most this period ever had held back by blocking findings (company currency): once the "
        "period is invoiced, the value the controls kept from leaving unfixed (leakage prevented).",
    )

    def _apply_findings(self, findings_vals, deliverable, day):
        """Remember the peak of the blocked value, which the engine clears once the period unblocks."""
        result = super()._apply_findings(findings_vals, deliverable, day)
        rows = [
            (record.id, record.amount_blocked_company)
            for record in self
            if record.state == "blocked" and record.amount_blocked_company > record.ps_peak_blocked_amount_company
        ]
        self.env["ps.batch.runner"]._write_rows(self._name, ["ps_peak_blocked_amount_company"], rows)
        return result

    @api.model
    def _get_ps_protected_fields(self):
        """Return the core's protected fields and the peak blocked value, which only the engine sets."""
        return super()._get_ps_protected_fields() | {"ps_peak_blocked_amount_company"}

    def _on_invoice_drafted(self, moves, in_job=False):
        """Triage the new drafts against their engagement's and client's history (advisory flags)."""
        result = super()._on_invoice_drafted(moves, in_job=in_job)
        moves._ps_triage_anomalies()
        return result
