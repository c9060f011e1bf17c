# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A corrupt or missing file stops the send, by name; a controller decides to send without it."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .package_common import InvoicePackageCase


@tagged("post_install", "-at_install")
class TestInvoicePackageProblems(InvoicePackageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(cls.env, login="bc_accountant_pkg", groups="account.group_account_invoice")

    def _assert_not_sent(self, move):
        self.assertFalse(move.ps_package_id)
        self.assertFalse(move.invoice_pdf_report_id)
        self.assertFalse(move.is_move_sent)
        self.assertFalse(move.ps_sent_message_id)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", move.id)]))

    def test_corrupt_receipt_stops_the_send_and_is_named(self):
        self._reinvoiced_expense("Taxi", 30.0, b"this is not an image", receipt_name="taxi_scan.png")
        move = self._invoice()
        with self.assertRaisesRegex(UserError, r"taxi_scan\.png — Taxi \(2026-10-07\) is neither a PDF nor an image"):
            self._send(move)
        self._assert_not_sent(move)
        self.assertIn("taxi_scan.png", move.ps_package_problems)

    def test_unreadable_pdf_receipt_stops_the_send(self):
        self._reinvoiced_expense("Hotel", 120.0, b"%PDF-1.4 truncated", receipt_name="hotel.pdf")
        move = self._invoice()
        with self.assertRaisesRegex(UserError, r"hotel\.pdf — Hotel \(2026-10-07\) is not a readable PDF"):
            self._send(move)
        self._assert_not_sent(move)

    def test_missing_receipt_goes_out_only_on_a_controllers_decision(self):
        expense, _receipt = self._reinvoiced_expense("Parking", 12.0, None)
        move = self._invoice()
        with self.assertRaisesRegex(UserError, r"The expense Parking \(2026-10-07\) has no receipt attached"):
            self._send(move)
        self._assert_not_sent(move)

        with self.assertRaises(AccessError):
            move.with_user(self.accountant)._ps_leave_out_of_package("Not needed")
        with self.assertRaises(UserError):
            move.with_user(self.controller)._ps_leave_out_of_package("  ")
        self.assertFalse(move.ps_package_decision_ids)

        wizard = (
            self.env["ps.invoice.package.leave.out"]
            .with_user(self.controller)
            .create({"move_id": move.id, "reason": "The client holds the parking ticket"})
        )
        self.assertIn("Parking", wizard.problems)
        wizard.action_confirm()
        decision = move.ps_package_decision_ids
        self.assertEqual(decision.document_key, f"hr.expense,{expense.id}")
        self.assertEqual(decision.decided_by_id, self.controller)
        self.assertEqual(decision.reason, "The client holds the parking ticket")
        note = move.message_ids[0]
        self.assertEqual(note.author_id, self.controller.partner_id)
        self.assertIn("Fiona Controller decided to send the invoice without", note.body)
        self.assertIn("The client holds the parking ticket", note.body)
        self.assertFalse(move.ps_package_problems)

        self._send(move)
        receipts = move.ps_package_id.part_ids.filtered(lambda part: part.code == "receipts")
        self.assertIn("ticket.png", receipts.documents, "the other receipt still goes")
        self.assertEqual(
            receipts.left_out,
            "The expense Parking (2026-10-07) has no receipt attached. The client holds the parking ticket",
        )
        with self.assertRaisesRegex(UserError, "already sent"):
            move.with_user(self.controller)._ps_leave_out_of_package("Too late")

    def test_a_fixed_file_needs_no_decision(self):
        expense, receipt = self._reinvoiced_expense("Taxi", 30.0, b"garbage", receipt_name="taxi.png")
        move = self._invoice()
        self.assertTrue(move.ps_package_problems)
        receipt.raw = b"%PDF-1.4\n" + self.receipt.raw  # still not a readable PDF
        move.invalidate_recordset(["ps_package_problems"])
        self.assertIn("not a readable PDF", move.ps_package_problems)
        receipt.unlink()
        self.env["ir.attachment"].create(
            {"name": "taxi.png", "res_model": "hr.expense", "res_id": expense.id, "raw": self.receipt.raw}
        )
        move.invalidate_recordset(["ps_package_problems"])
        self.assertFalse(move.ps_package_problems)

    def test_background_send_sends_the_complete_invoice_and_reports_the_other_on_it(self):
        """Several invoices go through Odoo's background Send & Print (its cron): one stopped invoice does
        not stop the others, and its problem is written on it."""
        complete = self._invoice()
        self._reinvoiced_expense("Taxi", 30.0, b"this is not an image", receipt_name="taxi_scan.png")
        stopped = self._invoice()
        moves = complete | stopped
        action = complete.with_user(self.controller).action_invoice_sent()
        wizard = (
            self.env["account.move.send"]
            .with_user(self.controller)
            .with_context(**{**action["context"], "active_ids": moves.ids}, active_model="account.move")
            .create({"checkbox_download": False})
        )
        self.assertEqual(wizard.mode, "invoice_multi")
        wizard.action_send_and_print()
        self.env["account.move"].with_context(
            force_report_rendering=True, mail_notify_force_send=False
        )._cron_account_move_send()
        self.assertTrue(complete.ps_package_id)
        self.assertTrue(complete.ps_sent_message_id)
        self._assert_not_sent(stopped)
        self.assertIn("taxi_scan.png", stopped.message_ids[0].body)
        self.assertIn("cannot be built", stopped.message_ids[0].body)
