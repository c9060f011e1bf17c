# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import DisputeCase


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10 10:00:00")
class TestCreditNoteReason(DisputeCase):
    def _reason_less_credit_note(self):
        return (
            self.env["account.move"]
            .with_user(self.controller)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.client.id,
                    "invoice_date": "2026-11-10",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goodwill", "quantity": 1, "price_unit": 80.0, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
        )

    def test_customer_credit_note_is_not_posted_without_a_reason(self):
        credit_note = self._reason_less_credit_note()
        with self.assertRaisesRegex(UserError, "Give the reason"):
            credit_note.action_post()
        self.assertEqual(credit_note.state, "draft")
        credit_note.ps_dispute_reason_id = self.reasons["other"]
        credit_note.action_post()
        self.assertEqual((credit_note.state, credit_note.amount_total), ("posted", 80.0))

    def test_reversal_wizard_asks_the_reason_and_gives_it_to_the_credit_note(self):
        context = {"active_model": "account.move", "active_ids": self.invoice.ids}
        Wizard = self.env["account.move.reversal"].with_user(self.controller).with_context(**context)
        self.assertTrue(Form(Wizard).ps_needs_reason, "the form asks the reason")
        # An API caller skips the form: the server refuses all the same.
        wizard = Wizard.create({"journal_id": self.invoice.journal_id.id})
        with self.assertRaisesRegex(UserError, "Give the reason"):
            wizard.refund_moves()
        self.assertFalse(self.env["account.move"].search([("reversed_entry_id", "=", self.invoice.id)]))
        # Full refund and new draft: Odoo posts the credit note at once, with the reason given.
        wizard.ps_dispute_reason_id = self.reasons["duplicate"]
        wizard.modify_moves()
        credit_note = self.env["account.move"].search([("reversed_entry_id", "=", self.invoice.id)])
        self.assertEqual(
            (credit_note.state, credit_note.amount_total, credit_note.ps_dispute_reason_id),
            ("posted", 1500.0, self.reasons["duplicate"]),
        )
        self.assertFalse(credit_note.ps_dispute_id, "no dispute: a credit note with a reason alone")

    def test_vendor_refunds_need_no_reason(self):
        refund = self.env["account.move"].create(
            {
                "move_type": "in_refund",
                "partner_id": self.client.id,
                "invoice_date": "2026-11-10",
                "invoice_line_ids": [Command.create({"name": "Returned", "quantity": 1, "price_unit": 40.0})],
            }
        )
        refund.action_post()
        self.assertEqual(refund.state, "posted")
