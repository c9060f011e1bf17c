# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountMoveSend(models.TransientModel):
    """Odoo's Send & Print sends the backup package with the invoice.

    The package's files are checked before Odoo renders anything (a missing or corrupt file is an error
    of the invoice, reported the way Odoo reports its own); the package is built once the invoice PDF
    exists, and then joins the e-mail as one of the invoice's documents.
    """

    _inherit = "account.move.send"

    @api.model
    def _get_invoice_extra_attachments(self, move):
        return super()._get_invoice_extra_attachments(move) | move.ps_package_attachment_id

    @api.model
    def _get_placeholder_mail_attachments_data(self, move):
        placeholders = super()._get_placeholder_mail_attachments_data(move)
        if move.ps_package_id or not move._ps_package_wanted():
            return placeholders
        name = move._ps_get_package_filename()
        return placeholders + [
            {"id": f"placeholder_{name}", "name": name, "mimetype": "application/pdf", "placeholder": True}
        ]

    @api.model
    def _generate_invoice_documents(self, invoices_data, allow_fallback_pdf=False):
        to_package = {
            invoice: invoice_data
            for invoice, invoice_data in invoices_data.items()
            if not invoice.ps_package_id and invoice._ps_package_wanted()
        }
        for invoice, invoice_data in to_package.items():
            parts = invoice._ps_prepare_package_parts(invoice._ps_get_package_terms())
            problems = invoice._ps_get_package_problems(parts)
            if problems:
                invoice_data["error"] = invoice._ps_format_package_problems(problems)
            else:
                invoice_data["ps_package_parts"] = parts
        res = super()._generate_invoice_documents(invoices_data, allow_fallback_pdf=allow_fallback_pdf)
        for invoice, invoice_data in to_package.items():
            if not invoice_data.get("error"):
                invoice._ps_get_or_build_package(parts=invoice_data["ps_package_parts"])
        return res

    @api.model
    def _send_mail(self, move, mail_template, **kwargs):
        messages_before = move.sudo().message_ids
        res = super()._send_mail(move, mail_template, **kwargs)
        sent = (move.sudo().message_ids - messages_before).filtered(lambda m: m.message_type == "comment")
        if sent:
            move._ps_record_sent_message(sent.sorted("id")[-1])
        return res
