# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PsInvoicePackagePart(models.Model):
    """One part of a backup package (the invoice, the timesheet detail, the receipts...) and its SHA-256."""

    _name = "ps.invoice.package.part"
    _description = "Invoice Backup Package Part"
    _order = "package_id, sequence, id"

    package_id = fields.Many2one("ps.invoice.package", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="package_id.company_id", store=True)
    sequence = fields.Integer(readonly=True)
    code = fields.Char(required=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    sha256 = fields.Char("SHA-256", readonly=True, help="Of the part's pages as a PDF of their own.")
    page_count = fields.Integer("Pages", readonly=True)
    documents = fields.Text(readonly=True, help="The files the part carries, each with the SHA-256 of the original.")
    left_out = fields.Text(readonly=True, help="The files a controller decided to send without, and why.")

    def write(self, vals):
        if self:
            raise UserError(_("A backup package that went out with an invoice never changes."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A backup package that went out with an invoice is never deleted."))
