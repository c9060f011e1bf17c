# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsKpiHook(models.AbstractModel):
    """Where the modules that own the data contribute to the revenue-operations KPIs.

    ``ps_billing_analytics`` (outer ring) computes and stores the KPIs; what only a feature module
    knows (approval latency, timesheet compliance, disputes) it asks here, and the owning module
    extends the method with ``super()``. The core answers empty.
    """

    _name = "ps.kpi.hook"
    _description = "Billing Control KPI Hook"

    @api.model
    def _ps_kpi_disputed_invoices(self, invoices):
        """Hook: return those of ``invoices`` (posted customer invoices) that have a dispute or a
        credit note with a reason; the core knows no disputes and returns an empty recordset."""
        return invoices.browse()

    @api.model
    def _ps_kpi_dispute_reasons(self, invoices):
        """Hook: return {reason code: number of ``invoices`` disputed or credited for it}; the core
        knows no reasons and returns an empty dict."""
        return {}
