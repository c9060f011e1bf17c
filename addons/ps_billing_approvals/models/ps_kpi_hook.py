# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, models


class PsKpiHook(models.AbstractModel):
    _inherit = "ps.kpi.hook"

    @api.model
    def _ps_kpi_approval_latencies(self, company, date_from, date_to):
        """Add the decisions on approval requests taken from ``date_from`` to ``date_to`` (UTC days): hours
        from the request's turn (waiting since) to its decision, with its level and who decided."""
        result = super()._ps_kpi_approval_latencies(company, date_from, date_to)
        requests = (
            self.env["ps.approval.request"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("decided_on", ">=", date_from),
                    ("decided_on", "<", date_to + timedelta(days=1)),
                    ("pending_since", "!=", False),
                    ("decided_by_id", "!=", False),
                ]
            )
        )
        for request in requests:
            result.append(
                {
                    "move_id": request.move_id.id,
                    "level": request.level,
                    "approver_id": request.decided_by_id.id,
                    "hours": (request.decided_on - request.pending_since).total_seconds() / 3600.0,
                }
            )
        return result

    @api.model
    def _ps_kpi_changed_after_approval(self, invoices):
        """Add those of ``invoices`` sent back through the matrix after a decision: a decided request was
        superseded by a new round (the draft changed after it was reviewed)."""
        result = super()._ps_kpi_changed_after_approval(invoices)
        requests = (
            self.env["ps.approval.request"]
            .sudo()
            .search([("move_id", "in", invoices.ids), ("state", "=", "superseded"), ("decided_on", "!=", False)])
        )
        return result | invoices.browse(requests.move_id.ids)
