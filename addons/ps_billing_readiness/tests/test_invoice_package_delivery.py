# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delivery tracking of a sent invoice: on, by, to whom, and whether it bounced (Odoo's mail tracking)."""

from odoo.tests import tagged

from .package_common import InvoicePackageCase


@tagged("post_install", "-at_install")
class TestInvoicePackageDelivery(InvoicePackageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.move = cls._invoice()

    def test_not_sent_before_the_send(self):
        self.assertEqual(self.move.ps_delivery_state, "not_sent")
        self.assertFalse(self.move.ps_sent_on)

    def test_sent_on_by_to_then_delivered(self):
        self._send(self.move)
        move = self.move
        self.assertEqual(str(move.ps_sent_on), "2026-11-10 09:00:00")
        self.assertEqual(move.ps_sent_by_id, self.controller.partner_id)
        self.assertEqual(move.ps_sent_partner_ids, self.client)
        self.assertEqual(move.ps_delivery_state, "pending", "the e-mail waits in the queue")
        mail = self.env["mail.mail"].search([("mail_message_id", "=", move.ps_sent_message_id.id)])
        mail.send()
        move.invalidate_recordset(["ps_delivery_state"])
        self.assertEqual(move.ps_delivery_state, "sent")

    def test_bounce_shows_on_the_invoice(self):
        self._send(self.move)
        message = self.move.ps_sent_message_id
        self.env["mail.mail"].search([("mail_message_id", "=", message.id)]).send()
        self.env["mail.thread"]._routing_handle_bounce(
            None,
            {
                "bounced_email": "ap@northwind.example.com",
                "bounced_partner": self.client,
                "bounced_msg_ids": [message.message_id],
                "bounced_message": message,
                "email_from": "mailer-daemon@example.com",
                "to": "bounce@example.com",
                "message_id": "<bounce-1@example.com>",
                "body": "550 mailbox unavailable",
            },
        )
        self.move.invalidate_recordset(["ps_delivery_state"])
        self.assertEqual(self.move.ps_delivery_state, "bounced")

    def test_the_last_send_is_the_one_tracked(self):
        self._send(self.move)
        first = self.move.ps_sent_message_id
        self._send(self.move)
        self.assertGreater(self.move.ps_sent_message_id.id, first.id)
        self.assertEqual(
            self.move.ps_sent_message_id.attachment_ids.mapped("name"), first.attachment_ids.mapped("name")
        )
