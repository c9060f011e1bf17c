# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import DisputeCase

RATE_REPLY = """Hello Fiona,

The hourly rate on invoice {name} is 165 but our contract says 150.
We will not pay until this is fixed.

Kind regards,
Nora North
Accounts Payable | Northwind Industries"""


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10 10:00:00")
class TestDisputeMailGateway(DisputeCase):
    def test_client_reply_lands_in_the_chatter_and_gets_a_quiet_suggestion(self):
        messages_before = self.invoice.message_ids
        reply = self._client_reply(self.invoice, RATE_REPLY.format(name=self.invoice.name))
        self.assertEqual(reply.author_id, self.client_contact, "Odoo's gateway found the client's contact")
        self.assertIn("hourly rate", reply.body)
        suggestion = self.env["ps.dispute.suggestion"].search([("invoice_id", "=", self.invoice.id)])
        self.assertEqual(len(suggestion), 1)
        self.assertEqual(suggestion.message_id, reply)
        self.assertEqual(suggestion.reason_id, self.reasons["rate"])
        classifier = self.env["ps.dispute.classifier"]._ps_get_active()
        self.assertEqual(suggestion.classifier_id, classifier)
        reason, confidence = classifier._ps_classify([suggestion.text])[0]
        self.assertEqual(suggestion.reason_id, reason)
        self.assertAlmostEqual(suggestion.confidence, confidence, places=2, msg="stored to the hundredth")
        self.assertGreater(suggestion.confidence, 1 / 8, "above chance among the eight reasons")
        self.assertEqual(suggestion.state, "suggested")
        # Advisory only and quiet: no dispute, no note, the invoice unchanged.
        self.assertFalse(self.env["ps.billing.dispute"].search([("invoice_id", "=", self.invoice.id)]))
        self.assertEqual(len(self.invoice.message_ids - messages_before), 2, "our e-mail and the reply, nothing more")
        self.assertEqual((self.invoice.state, self.invoice.amount_residual), ("posted", 1500.0))

    def test_internal_replies_and_draft_invoices_are_not_classified(self):
        self._client_reply(self.invoice, "Noted, I will check the rate.", sender="Fiona Controller <fiona@example.com>")
        self.assertFalse(self.env["ps.dispute.suggestion"].search([("invoice_id", "=", self.invoice.id)]))
        draft = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.client.id,
                "invoice_line_ids": [(0, 0, {"name": "Work", "quantity": 1, "price_unit": 100.0})],
            }
        )
        reply = self._client_reply(draft, RATE_REPLY.format(name="the draft"))
        self.assertEqual(reply.author_id, self.client_contact, "the reply reached the draft")
        self.assertFalse(self.env["ps.dispute.suggestion"].search([("invoice_id", "=", draft.id)]))

    def test_controller_changes_the_reason_and_opens_the_dispute(self):
        self._client_reply(self.invoice, RATE_REPLY.format(name=self.invoice.name))
        suggestion = self.env["ps.dispute.suggestion"].search([("invoice_id", "=", self.invoice.id)])
        with self.assertRaises(AccessError):
            suggestion.with_user(self.project_manager).action_open_dispute()
        with Form(suggestion.with_user(self.controller)) as form:
            form.confirmed_reason_id = self.reasons["hours"]
        self.assertEqual(suggestion.state, "changed")
        self.assertEqual(suggestion.decided_by_id, self.controller)
        self.assertEqual(suggestion.reason_id, self.reasons["rate"], "the suggestion itself is kept")
        action = suggestion.with_user(self.controller).action_open_dispute()
        dispute = self.env["ps.billing.dispute"].browse(action["res_id"])
        self.assertEqual(dispute.reason_id, self.reasons["hours"])
        self.assertEqual(dispute.amount_disputed, 1500.0, "the whole invoice until the controller narrows it")
        self.assertEqual(dispute.create_uid, self.controller)
        self.assertIn("hourly rate", dispute.client_message)
        self.assertEqual((suggestion.state, suggestion.dispute_id), ("disputed", dispute))
        self.assertTrue(dispute.message_ids.filtered(lambda message: "classifier suggested" in (message.body or "")))
