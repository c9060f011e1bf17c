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

    @api.model
    def _ps_kpi_approval_latencies(self, company, date_from, date_to):
        """Hook: return a list of {"move_id", "level", "approver_id", "hours"} for the approval decisions
        taken in [date_from, date_to] in ``company``; the core knows no approvals and returns []."""
        return []

    @api.model
    def _ps_kpi_changed_after_approval(self, invoices):
        """Hook: return those of ``invoices`` changed after they were approved; the core knows no
        approvals and returns an empty recordset."""
        return invoices.browse()

    @api.model
    def _ps_kpi_timesheet_compliance(self, company, date_from, date_to):
        """Hook: return a list of {"employee_id", "department_id", "on_time"} for the people expected to
        submit their time for the period [date_from, date_to]; the core knows no timesheet
        submission and returns []."""
        return []

    @api.model
    def _ps_kpi_time_recovered(self, company, date_from, date_to):
        """Hook: return a list of {"sale_order_id", "amount"} (company currency) of time submitted after a
        reminder in [date_from, date_to]; the core sends no reminders and returns []."""
        return []

    @api.model
    def _ps_kpi_held_back_check_codes(self):
        """Hook: return the set of readiness check codes whose blocking findings hold back unapproved or
        unaccepted value; the core owns no such check and returns an empty set."""
        return set()
