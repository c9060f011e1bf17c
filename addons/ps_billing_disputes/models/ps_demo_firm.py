# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from email.utils import make_msgid

from odoo import _, api, models

_logger = logging.getLogger(__name__)

DEMO_REPLY = """From: {author} <{email}>
To: invoices@example.com
Subject: Re: {name}
Message-ID: {message_id}
In-Reply-To: {parent}
References: {parent}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Hello,

Our accounts payable system rejected invoice {name}: it does not quote our purchase order
number. Please reissue it with PO 4500183921 on it, otherwise we cannot book it.

Kind regards,
{author}
Accounts Payable
"""


class PsDemoFirm(models.AbstractModel):
    _inherit = "ps.demo.firm"

    @api.model
    def _load_demo_disputes(self):
        """Give the demo firm's invoices disputes: one open, one resolved by a credit note, and a client
        reply (through Odoo's mail gateway) that the classifier read. Posts up to two of the firm's
        invoice drafts when none is posted; leaves the database alone when the firm has no invoice."""
        if self.env["ps.billing.dispute"].search_count([]):
            _logger.info("The demo disputes are already loaded.")
            return
        invoices = self._ps_demo_invoices_to_dispute()
        if not invoices:
            _logger.info("No invoice of the demo firm: no demo dispute.")
            return
        controller = self.env["res.users"].search([("login", "=", "demo.fiona")], limit=1) or self.env.user
        env = self.with_user(controller).with_context(mail_notrack=False, tracking_disable=False).env
        reasons = {reason.code: reason for reason in env["ps.dispute.reason"].search([])}
        first, second = invoices[0], invoices[-1]
        env["ps.billing.dispute"].create(
            {
                "invoice_id": first.id,
                "reason_id": reasons["hours"].id,
                "amount_disputed": first.currency_id.round(first.amount_total / 10),
                "description": "The client counts fewer approved hours than the invoice bills.",
            }
        )
        self._ps_demo_resolved_dispute(env, second, reasons["rate"])
        self._ps_demo_client_reply(env, first)

    @api.model
    def _ps_demo_invoices_to_dispute(self):
        """Return two posted customer invoices of the demo firm (its engagements'), posting its drafts if
        needed; else (its drafts are not there yet, or another module holds them) Odoo's demo invoices."""
        domain = [("move_type", "=", "out_invoice"), ("amount_total", ">", 0)]
        Move = self.env["account.move"]
        firm_domain = domain + [("ps_readiness_id", "!=", False)]
        posted = Move.search(firm_domain + [("state", "=", "posted")], limit=2, order="id")
        for draft in Move.search(firm_domain + [("state", "=", "draft")], limit=2 - len(posted), order="id"):
            try:
                with self.env.cr.savepoint():
                    draft.action_post()
                    posted |= draft
            except Exception as error:  # another module may hold the draft (an approval): it stays a draft
                _logger.info("Demo disputes: %s left as a draft (%s).", draft.display_name, error)
        if not posted:
            posted = Move.search(domain + [("state", "=", "posted")], limit=2, order="id")
        return posted

    @api.model
    def _ps_demo_resolved_dispute(self, env, invoice, reason):
        """A rate dispute of 5 % of ``invoice``, credited by a credit note of 5 % of its lines (with their
        taxes), then resolved."""
        amount = invoice.currency_id.round(invoice.amount_total / 20)
        dispute = env["ps.billing.dispute"].create(
            {
                "invoice_id": invoice.id,
                "reason_id": reason.id,
                "amount_disputed": amount,
                "description": "Senior rates were billed for a consultant staffed as junior.",
            }
        )
        try:
            with self.env.cr.savepoint():
                action = dispute.action_create_credit_note()
                wizard = (
                    env["account.move.reversal"]
                    .with_context(**action["context"])
                    .create({"journal_id": invoice.journal_id.id, "date": invoice.invoice_date})
                )
                wizard.refund_moves()
                credit_note = wizard.new_move_ids
                line = credit_note.invoice_line_ids.filtered(lambda item: item.display_type == "product")[:1]
                credit_note.write(
                    {
                        "invoice_line_ids": [(2, other.id) for other in credit_note.invoice_line_ids - line]
                        + [
                            (
                                1,
                                line.id,
                                {"name": "Rate correction", "quantity": 1, "price_unit": invoice.amount_untaxed / 20},
                            )
                        ]
                    }
                )
                credit_note.action_post()
                dispute._ps_decide(
                    "credit_note", "The consultant was staffed as junior: the rate difference is credited."
                )
        except Exception as error:
            _logger.info("Demo disputes: the rate dispute stays open (%s).", error)

    @api.model
    def _ps_demo_client_reply(self, env, invoice):
        """The firm e-mails ``invoice`` (a note here: the demo sends no mail); the client's reply comes
        back through the mail gateway and is classified."""
        sent = invoice.with_env(env).message_post(
            body=_("Please find attached invoice %s.", invoice.name),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        partner = invoice.partner_id
        raw = DEMO_REPLY.format(
            author=partner.name,
            email=partner.email or "accounts.payable@client.example.com",
            name=invoice.name,
            message_id=make_msgid(domain="client.example.com"),
            parent=sent.message_id,
        )
        self.env["mail.thread"].sudo().message_process(None, raw.encode())
