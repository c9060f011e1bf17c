# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the backup package holds, rendered for real by wkhtmltopdf, and that it is the same bytes every time."""

import hashlib
import io

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .package_common import InvoicePackageCase


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def pdf_pages_text(pdf):
    """Return the text of each page of ``pdf`` (bytes), its blanks as single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfFileReader(io.BytesIO(pdf), strict=False).pages]


@tagged("post_install", "-at_install")
class TestInvoicePackageContent(InvoicePackageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.move = cls._invoice()
        cls._send(cls.move)
        cls.package = cls.move.ps_package_id

    def test_package_holds_cover_invoice_timesheet_and_receipts_in_order(self):
        package, move = self.package, self.move
        self.assertEqual(package.part_ids.mapped("code"), ["invoice", "timesheet", "receipts"])
        self.assertEqual(package.part_ids.mapped("page_count"), [1, 1, 1])
        self.assertEqual(package.page_count, 4, "a cover page, then the three parts")
        raw = package.attachment_id.raw
        self.assertEqual(package.sha256, sha256(raw))
        self.assertEqual(package.attachment_id.res_model, "account.move")
        self.assertEqual(package.attachment_id.res_id, move.id)
        self.assertEqual(package.name, move._get_invoice_report_filename().removesuffix(".pdf") + "_backup.pdf")
        invoice_part, timesheet_part, receipts_part = package.part_ids
        # The files are listed with the SHA-256 of the originals the client can check: the invoice PDF it
        # gets beside the package, the scanned receipt.
        self.assertEqual(
            invoice_part.documents, f"{move.invoice_pdf_report_id.name}  {sha256(move.invoice_pdf_report_id.raw)}"
        )
        self.assertEqual(
            receipts_part.documents, f"ticket.png — Train to client (2026-10-07)  {sha256(self.receipt.raw)}"
        )
        self.assertFalse(timesheet_part.documents)
        for part in package.part_ids:
            self.assertRegex(part.sha256, r"^[0-9a-f]{64}$")

    def test_pages_rendered_by_wkhtmltopdf_read_as_the_parts(self):
        """A real render (wkhtmltopdf): a missing wkhtmltopdf fails this test, it never skips it.

        The hashes are printed in a monospace system font, which reads back from the PDF whether or not
        wkhtmltopdf reached the server for the report's web fonts; the words are checked in the HTML the
        same template renders."""
        raw = self.package.attachment_id.raw
        self.assertTrue(raw.startswith(b"%PDF"))
        cover = pdf_pages_text(raw)[0]
        self.assertEqual(len(pdf_pages_text(raw)), 4)
        for part in self.package.part_ids:
            self.assertIn(part.sha256, cover)
        self.assertIn(sha256(self.receipt.raw), cover)
        self.assertIn(sha256(self.move.invoice_pdf_report_id.raw), cover)

        Report = self.env["ir.actions.report"]
        parts = self.move._ps_prepare_package_parts(self.move._ps_get_package_terms())
        _pdf, rendered = self.env["ps.invoice.package"]._ps_render(self.move, parts)
        cover_html, _format = Report._render_qweb_html(
            "ps_billing_readiness.action_report_ps_package_cover",
            self.move.ids,
            self.env["ps.invoice.package"]._ps_get_cover_values(rendered),
        )
        cover_html = cover_html.decode()
        for text in ("Invoice Backup Package", "Northwind Industries", self.move.name, "Timesheet detail"):
            self.assertIn(text, cover_html)
        timesheet_html, _format = Report._render_qweb_html(
            "ps_billing_readiness.action_report_ps_package_timesheet", self.move.ids, {"ps_roles": False}
        )
        timesheet_html = timesheet_html.decode()
        for text in ("Carla Consultant", "Workshop", "06:00", "Paul Manager", "Steering", "02:00", "08:00"):
            self.assertIn(text, timesheet_html)

    def test_package_is_the_same_bytes_when_built_again(self):
        move = self.move
        parts = move._ps_prepare_package_parts(move._ps_get_package_terms())
        with freeze_time("2026-12-24 18:00:00"):
            rebuilt, _rendered = self.env["ps.invoice.package"]._ps_render(move, parts)
        self.assertEqual(rebuilt, self.package.attachment_id.raw, "no date, no id, same order: same bytes")
        self.assertNotIn(b"/CreationDate", rebuilt)

    def test_sending_again_sends_the_same_package(self):
        first_mail = self._package_mail()
        self._send(self.move)
        self.assertEqual(self.env["ps.invoice.package"].search_count([("move_id", "=", self.move.id)]), 1)
        second_mail = self._package_mail() - first_mail
        self.assertEqual(len(second_mail), 1)
        for mail in first_mail | second_mail:
            backup = mail.attachment_ids.filtered(lambda a: a.name == self.package.name)
            self.assertEqual(backup.raw, self.package.attachment_id.raw)

    def test_client_email_carries_the_invoice_and_the_package(self):
        mail = self._package_mail()
        self.assertEqual(len(mail), 1)
        self.assertEqual(
            sorted(mail.attachment_ids.mapped("name")), [self.move.invoice_pdf_report_id.name, self.package.name]
        )
        self.assertEqual(
            mail.attachment_ids.filtered(lambda a: a.name == self.package.name).raw, self.package.attachment_id.raw
        )
        self.assertIn(self.client, mail.recipient_ids)
        self.assertEqual(mail.mail_message_id, self.move.ps_sent_message_id)

    def _package_mail(self):
        return self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "=", self.move.id), ("attachment_ids", "!=", False)]
        )

    def test_reset_to_draft_keeps_the_sent_package_and_the_next_send_builds_a_new_one(self):
        sent = self.package
        sent_raw = sent.attachment_id.raw
        self.move.with_user(self.controller).button_draft()
        self.assertFalse(self.move.ps_package_id)
        self.assertFalse(sent.is_current)
        self.move.invoice_line_ids[0].quantity = 5.0
        with freeze_time("2026-11-12"):
            self.move.action_post()
        self.move.invoice_pdf_report_id.unlink()  # Odoo keeps its former invoice PDF too: it is deleted by hand
        self._send(self.move)
        self.assertTrue(self.move.ps_package_id)
        self.assertNotEqual(self.move.ps_package_id, sent)
        self.assertTrue(self.move.ps_package_id.is_current)
        self.assertNotEqual(self.move.ps_package_id.attachment_id.raw, sent_raw)
        self.assertEqual(sent.attachment_id.raw, sent_raw, "what the client got first stays as it was")
