# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.osv import expression


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.depends("analytic_line_ids.ps_state", "company_id.ps_timesheet_approved_only")
    def _compute_qty_delivered(self):
        return super()._compute_qty_delivered()

    def _timesheet_compute_delivered_quantity_domain(self):
        # Delivered quantities, what is to invoice (sale_timesheet) and the readiness deliverable
        # (ps_billing_readiness) all read this domain: approved time only closes every path.
        return expression.AND(
            [super()._timesheet_compute_delivered_quantity_domain(), self._get_ps_approved_only_domain()]
        )

    @api.model
    def _get_ps_approved_only_domain(self):
        """Return the domain of the timesheet lines billable under the companies' approved-only setting."""
        return ["|", ("ps_state", "=", "approved"), ("so_line.company_id.ps_timesheet_approved_only", "=", False)]
