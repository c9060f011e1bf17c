# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The test firm's posted invoices, and the disputes a controller opens on them."""

from contextlib import contextmanager
from datetime import date
from email.utils import make_msgid
from unittest.mock import patch

from odoo import Command
from odoo.addons.ps_billing_readiness.tests.common import BillingControlCase
from odoo.tests import Form

CLIENT_REPLY = """From: Nora North <nora@northwind.example.com>
To: invoices@example.com
Subject: Re: {name}
Message-ID: {message_id}
In-Reply-To: {parent}
References: {parent}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


class DisputeCase(BillingControlCase):
    """A posted invoice of the engagement: 10 hours at 150.00, no tax (1,500.00), invoiced on 5 November
    2026; the reason codes by code."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reasons = {reason.code: reason for reason in cls.env["ps.dispute.reason"].search([])}
        cls.invoice = cls._post_invoice(10, engagement=True)

    @classmethod
    def _post_invoice(cls, hours, engagement=False, price=150.0):
        """Return a posted invoice of the client for ``hours`` at ``price``, without tax; of the
        engagement's time and materials line when ``engagement``."""
        line = {
            "product_id": cls.product_time_materials.id,
            "quantity": hours,
            "price_unit": price,
            "tax_ids": [Command.clear()],
        }
        if engagement:
            line["sale_line_ids"] = [Command.set(cls.line_time_materials.ids)]
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.client.id,
                "invoice_date": date(2026, 11, 5),
                "invoice_line_ids": [Command.create(line)],
            }
        )
        invoice.action_post()
        return invoice

    @classmethod
    def _dispute(cls, amount, code="rate", invoice=None, user=None, **values):
        """Return a dispute of ``invoice`` (the invoice) opened by ``user`` (the controller)."""
        return (
            cls.env["ps.billing.dispute"]
            .with_user(user or cls.controller)
            .create(
                {
                    "invoice_id": (invoice or cls.invoice).id,
                    "reason_id": cls.reasons[code].id,
                    "amount_disputed": amount,
                    **values,
                }
            )
        )

    def _credit_note(self, dispute, amount, post=True):
        """Credit ``amount`` (one line, no tax) of the dispute's invoice through the dispute's credit note
        button and Odoo's reversal wizard, as the controller; post it unless ``post`` is False."""
        action = dispute.with_user(self.controller).action_create_credit_note()
        wizard = Form(self.env["account.move.reversal"].with_user(self.controller).with_context(**action["context"]))
        wizard = wizard.save()
        wizard.refund_moves()
        credit_note = wizard.new_move_ids
        line = credit_note.invoice_line_ids
        credit_note.with_user(self.controller).write(
            {"invoice_line_ids": [Command.update(line.id, {"quantity": 1, "price_unit": amount})]}
        )
        if post:
            credit_note.with_user(self.controller).action_post()
        return credit_note

    def _decide(self, dispute, decision, note, user=None):
        """Decide ``dispute`` through its button and the decision wizard, as ``user`` (the controller)."""
        dispute = dispute.with_user(user or self.controller)
        method = {
            "credit_note": "action_resolve_credit_note",
            "no_change": "action_resolve_no_change",
            "reject": "action_reject",
        }[decision]
        action = getattr(dispute, method)()
        wizard = Form(
            self.env["ps.dispute.decision"].with_user(user or self.controller).with_context(**action["context"])
        )
        wizard.note = note
        wizard.save().action_confirm()

    @contextmanager
    def _capture_events(self):
        """Yield the list of (event type, record ids, payload) the dispute emits through the core's hook."""
        hook_class = type(self.env["ps.billing.event.hook"])
        original = hook_class._ps_emit_event
        events = []

        def record(hook, event_type, records, payload_fn=None, one_event=False):
            events.append((event_type, records.ids, payload_fn(records) if payload_fn else {}))
            return original(hook, event_type, records, payload_fn=payload_fn, one_event=one_event)

        with patch.object(hook_class, "_ps_emit_event", record):
            yield events

    def _client_reply(self, invoice, body, sender="Nora North <nora@northwind.example.com>"):
        """Send the invoice e-mail (a note: no mail leaves the test), then let Odoo's mail gateway
        receive the client's ``body`` replying to it, as a raw RFC 822 message; return the message."""
        sent = invoice.message_post(
            body=f"Invoice {invoice.name}", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        raw = CLIENT_REPLY.format(
            name=invoice.name, message_id=make_msgid(domain="northwind.example.com"), parent=sent.message_id, body=body
        ).replace("From: Nora North <nora@northwind.example.com>", f"From: {sender}")
        self.env["mail.thread"].sudo().message_process(None, raw.encode())
        return self.env["mail.message"].search(
            [("model", "=", "account.move"), ("res_id", "=", invoice.id), ("message_type", "=", "email")],
            order="id desc",
            limit=1,
        )
