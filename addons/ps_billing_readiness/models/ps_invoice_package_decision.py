# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PsInvoicePackageDecision(models.Model):
    """A controller's decision to send an invoice without a file its backup package cannot carry."""

    _name = "ps.invoice.package.decision"
    _description = "Invoice Backup Package: File Left Out"
    _order = "move_id, id"
    _rec_name = "document_name"

    move_id = fields.Many2one("account.move", "Invoice", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    document_key = fields.Char(required=True, readonly=True)
    document_name = fields.Char("File", required=True, readonly=True)
    problem = fields.Char(readonly=True)
    reason = fields.Text(required=True, readonly=True)
    decided_by_id = fields.Many2one("res.users", "Decided By", required=True, readonly=True)
    decided_on = fields.Datetime(required=True, readonly=True)

    def write(self, vals):
        if self:
            raise UserError(_("A decision to leave a file out of a backup package is history: it never changes."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A decision to leave a file out of a backup package is history: it is never deleted."))
