# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsTimesheetRejectWizard(models.TransientModel):
    _name = "ps.timesheet.reject.wizard"
    _description = "Reject Timesheets"

    line_ids = fields.Many2many("account.analytic.line", string="Timesheet Lines", required=True)
    reason = fields.Text(required=True, help="The consultant reads it in the notification and on each line.")

    def action_reject(self):
        """Reject the lines with the reason; the consultants are notified."""
        self.ensure_one()
        self.line_ids._ps_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
