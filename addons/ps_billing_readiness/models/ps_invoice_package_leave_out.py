# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsInvoicePackageLeaveOut(models.TransientModel):
    """Ask a controller why the invoice goes without the files its backup package cannot carry."""

    _name = "ps.invoice.package.leave.out"
    _description = "Send an Invoice Without Part of Its Backup"

    move_id = fields.Many2one("account.move", required=True, readonly=True, ondelete="cascade")
    problems = fields.Text(related="move_id.ps_package_problems")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.move_id._ps_leave_out_of_package(self.reason)
        return {"type": "ir.actions.act_window_close"}
