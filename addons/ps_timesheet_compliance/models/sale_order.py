# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model
    def _get_ps_readiness_watched_fields(self):
        """Time approval states feed the approval check; who must log time feeds the missing-time check."""
        watched = super()._get_ps_readiness_watched_fields()
        watched["account.analytic.line"] = watched.get("account.analytic.line", set()) | {"ps_state"}
        watched["hr.employee"] = {"ps_timesheet_required", "active", "company_id", "resource_calendar_id"}
        return watched
