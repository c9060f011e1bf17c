# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import float_compare


class AccountAnalyticLine(models.Model):
    _name = "account.analytic.line"
    _inherit = ["ps.readiness.watch.mixin", "account.analytic.line"]

    def _ps_get_readiness_orders(self):
        """The engagements of these timesheet lines: their sales line's and their project's."""
        timesheets = self.sudo().filtered("project_id")
        return (timesheets.so_line.order_id | timesheets.project_id.sale_order_id).with_env(self.env)

    @api.model
    def _ps_get_approved_time_domain(self):
        """Return the domain of the time that counts as approved (a retainer draws down approved time only).

        All time in the core alone; the timesheet compliance module narrows it to approved timesheets.
        """
        return []

    def _ps_get_sync_locked_lines(self):
        """Hook: return those of these lines that a synchronisation from another system may not change
        (none in the core; the timesheet compliance module returns the approved ones)."""
        return self.browse()

    def _ps_sync_submit(self):
        """Hook: submit these lines for approval on behalf of their employees, as the system they were
        synchronised from says; return the lines submitted (none in the core, which has no approval)."""
        return self.browse()

    def _timesheet_postprocess_values(self, values):
        """Leave out the cost a new or changed timesheet line already has.

        Odoo writes each line's cost in a write of its own after ``create``, one line at a time; when
        the creator already gave the cost Odoo would compute (the API computes a batch's costs at
        once), that write changes nothing and costs most of the batch. Any other value, and a cost that
        differs, is still written: Odoo's figure always wins.
        """
        result = super()._timesheet_postprocess_values(values)
        for line in self:
            todo = result.get(line.id)
            rounding = line.currency_id.rounding or 0.01
            if (
                todo
                and "amount" in todo
                and float_compare(todo["amount"], line.amount, precision_rounding=rounding) == 0
            ):
                del todo["amount"]
        return result
