# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import DisputeCase


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10 10:00:00")
class TestDisputeLifecycle(DisputeCase):
    def test_dispute_resolved_by_partial_credit_note_to_the_cent(self):
        with self._capture_events() as events:
            dispute = self._dispute(250.0, "rate")
        self.assertEqual(dispute.state, "open")
        self.assertRegex(dispute.name, r"^DSP/2026/\d{4}$")
        self.assertEqual(dispute.owner_id, self.project_manager, "the engagement's project manager owns it")
        self.assertEqual(dispute.partner_id, self.client)
        self.assertEqual(dispute.sale_order_id, self.engagement)
        self.assertEqual([(kind, ids) for kind, ids, _payload in events], [("dispute.opened", dispute.ids)])
        self.assertEqual(events[0][2][dispute.id]["amount_disputed"], 250.0)

        credit_note = self._credit_note(dispute, 249.99)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.ps_dispute_id, dispute)
        self.assertEqual(credit_note.ps_dispute_reason_id, self.reasons["rate"], "the dispute's reason")
        self.assertEqual(credit_note.reversed_entry_id, self.invoice)
        self.assertEqual(credit_note.amount_total, 249.99)
        self.assertEqual(dispute.amount_credited, 249.99)
        self.assertEqual(self.invoice.amount_residual, 1250.01)
        dispute = dispute.with_user(self.controller)
        self.assertTrue(dispute.can_resolve_credit_note)
        self.assertFalse(dispute.can_resolve_no_change, "a credited dispute is not resolved without change")

        with self._capture_events() as events:
            self._decide(dispute, "credit_note", "Junior rate agreed for Carla in October.")
        self.assertEqual(dispute.state, "resolved_credit_note")
        self.assertEqual(dispute.decided_by_id, self.controller)
        self.assertEqual(str(dispute.decided_on), "2026-11-10 10:00:00")
        self.assertEqual(dispute.decision_note, "Junior rate agreed for Carla in October.")
        note = dispute.message_ids.filtered(lambda message: "Junior rate agreed" in (message.body or ""))
        self.assertEqual(note.author_id, self.controller.partner_id, "who decided, and why, in the chatter")
        self.assertIn(credit_note.name, note.body)
        self.assertIn("249.99", note.body)
        self.assertEqual(events[0][0], "dispute.resolved")
        self.assertEqual(events[0][2][dispute.id]["state"], "resolved_credit_note")
        self.assertEqual(events[0][2][dispute.id]["amount_credited"], 249.99)

    def test_resolving_by_credit_note_needs_a_posted_credit_note(self):
        dispute = self._dispute(100.0).with_user(self.controller)
        self.assertFalse(dispute.can_resolve_credit_note)
        with self.assertRaisesRegex(UserError, "Post a credit note"):
            dispute.action_resolve_credit_note()
        self._credit_note(dispute, 100.0, post=False)
        with self.assertRaisesRegex(UserError, "Post a credit note"):
            dispute._ps_decide("credit_note", "Draft only")
        self.assertEqual(dispute.state, "open")

    def test_amount_disputed_is_positive_and_within_the_invoice_total(self):
        Dispute = self.env["ps.billing.dispute"]
        for amount in (0.0, -10.0, 1500.01):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self._dispute(amount)
        self._dispute(1000.0)
        with self.assertRaisesRegex(ValidationError, "more than its total"), self.cr.savepoint():
            self._dispute(500.01, "hours")
        self._dispute(500.0, "hours")
        self.assertEqual(
            sorted(Dispute.search([("invoice_id", "=", self.invoice.id)]).mapped("amount_disputed")), [500.0, 1000.0]
        )

    def test_only_posted_customer_invoices_are_disputed(self):
        draft = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.client.id,
                "invoice_line_ids": [(0, 0, {"name": "Work", "price_unit": 100.0, "quantity": 1})],
            }
        )
        with self.assertRaisesRegex(ValidationError, "posted customer invoice"), self.cr.savepoint():
            self._dispute(50.0, invoice=draft)
        dispute = self._dispute(100.0)
        credit_note = self._credit_note(dispute, 100.0)
        with self.assertRaisesRegex(ValidationError, "posted customer invoice"), self.cr.savepoint():
            self._dispute(50.0, invoice=credit_note)

    def test_decided_dispute_is_kept_as_decided(self):
        dispute = self._dispute(300.0, "scope")
        with self.assertRaisesRegex(UserError, "Say why"):
            dispute.with_user(self.controller)._ps_decide("reject", "   ")
        self._decide(dispute, "reject", "The interfaces were in the signed change order.")
        self.assertEqual(dispute.state, "rejected")
        with self.assertRaisesRegex(UserError, "already decided"):
            dispute.with_user(self.controller).action_resolve_no_change()
        with self.assertRaisesRegex(UserError, "decided dispute is not changed"):
            dispute.with_user(self.controller).amount_disputed = 10.0
        with self.assertRaises(UserError):
            dispute.unlink()
        self.assertEqual((dispute.state, dispute.amount_disputed), ("rejected", 300.0))

    def test_resolved_without_change_is_traced(self):
        dispute = self._dispute(150.0, "evidence")
        self._decide(dispute, "no_change", "Timesheets sent; the client accepted them.")
        self.assertEqual(dispute.state, "resolved_no_change")
        self.assertEqual(dispute.decided_by_id, self.controller)
        self.assertFalse(dispute.credit_note_ids)

    def test_credit_note_of_a_dispute_credits_its_own_invoice_only(self):
        dispute = self._dispute(100.0)
        other = self._post_invoice(2)
        wizard = Form(
            self.env["account.move.reversal"]
            .with_user(self.controller)
            .with_context(active_model="account.move", active_ids=other.ids)
        )
        wizard.ps_dispute_reason_id = self.reasons["rate"]
        wizard = wizard.save()
        wizard.ps_dispute_id = dispute
        with self.assertRaisesRegex(UserError, "credits its invoice only"):
            wizard.refund_moves()
        self.assertFalse(self.env["account.move"].search([("reversed_entry_id", "=", other.id)]))

    def test_controller_opens_a_dispute_from_the_invoice(self):
        action = self.invoice.with_user(self.controller).action_ps_new_dispute()
        with Form(self.env["ps.billing.dispute"].with_user(self.controller).with_context(**action["context"])) as form:
            self.assertEqual(form.invoice_id, self.invoice)
            form.reason_id = self.reasons["po_reference"]
            form.amount_disputed = 1500.0
            form.description = "Our PO number is missing."
        dispute = form.record
        self.assertEqual((dispute.state, dispute.amount_disputed, dispute.currency_id), ("open", 1500.0, self.currency))
        self.assertEqual(self.invoice.with_user(self.controller).ps_dispute_count, 1)
        self.assertEqual(
            self.invoice.with_user(self.controller).action_ps_open_disputes()["domain"],
            [("invoice_id", "=", self.invoice.id)],
        )
