# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

_logger = logging.getLogger(__name__)

GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"
# A reply is classified on its first characters: a long thread adds quoted history, not reasons.
MAX_TEXT = 4000


class PsDisputeSuggestion(models.Model):
    """The classifier's reading of one client reply to a customer invoice: the reason it most likely
    gives, and how sure it is. Advisory only: a controller confirms or changes it, and opens a
    dispute from it or not."""

    _name = "ps.dispute.suggestion"
    _description = "Dispute Reason Suggestion"
    _inherit = ["ps.protected.mixin"]
    _order = "id desc"
    _rec_name = "reason_id"

    message_id = fields.Many2one("mail.message", "Reply", required=True, ondelete="cascade", index=True, readonly=True)
    invoice_id = fields.Many2one(
        "account.move", "Invoice", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="invoice_id.company_id", store=True, index=True)
    author_id = fields.Many2one("res.partner", "From", readonly=True)
    received_on = fields.Datetime(readonly=True)
    text = fields.Text("Reply Text", readonly=True)
    classifier_id = fields.Many2one("ps.dispute.classifier", readonly=True, ondelete="set null")
    reason_id = fields.Many2one("ps.dispute.reason", "Suggested Reason", readonly=True, ondelete="set null")
    confidence = fields.Float(readonly=True, digits=(3, 2), help="The classifier's probability of its reason (0–1).")
    confirmed_reason_id = fields.Many2one(
        "ps.dispute.reason",
        "Reason",
        ondelete="restrict",
        help="The reason a controller reads in the reply; empty until one confirms or changes the suggestion.",
    )
    decided_by_id = fields.Many2one("res.users", "Confirmed by", readonly=True)
    decided_on = fields.Datetime("Confirmed on", readonly=True)
    dispute_id = fields.Many2one("ps.billing.dispute", readonly=True, ondelete="set null")
    state = fields.Selection(
        [
            ("suggested", "Suggested"),
            ("confirmed", "Confirmed"),
            ("changed", "Changed"),
            ("disputed", "Dispute Opened"),
        ],
        compute="_compute_state",
        store=True,
    )

    _sql_constraints = [("message_unique", "unique(message_id)", "A reply is classified once.")]

    @api.model
    def _get_ps_protected_fields(self):
        """Return everything but the reason a controller confirms."""
        return super()._get_ps_protected_fields() | {
            "message_id",
            "invoice_id",
            "author_id",
            "received_on",
            "text",
            "classifier_id",
            "reason_id",
            "confidence",
            "decided_by_id",
            "decided_on",
            "dispute_id",
        }

    @api.depends("reason_id", "confirmed_reason_id", "dispute_id")
    def _compute_state(self):
        for suggestion in self:
            if suggestion.dispute_id:
                suggestion.state = "disputed"
            elif not suggestion.confirmed_reason_id:
                suggestion.state = "suggested"
            elif suggestion.confirmed_reason_id == suggestion.reason_id:
                suggestion.state = "confirmed"
            else:
                suggestion.state = "changed"

    def write(self, vals):
        if "confirmed_reason_id" in vals:
            self._check_can_confirm()
            result = super().write(vals)
            self.sudo().write({"decided_by_id": self.env.user.id, "decided_on": fields.Datetime.now()})
            return result
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_confirm(self):
        """The controller agrees with the classifier."""
        self._check_can_confirm()
        for suggestion in self:
            suggestion.confirmed_reason_id = suggestion.reason_id

    def action_change_reason(self):
        """Open the suggestion, where the controller picks the reason they read in the reply."""
        self.ensure_one()
        self._check_can_confirm()
        return {
            "type": "ir.actions.act_window",
            "name": _("Reason of the Reply"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_dispute(self):
        """Open a dispute of the invoice for the reason confirmed (else suggested), with the reply."""
        self.ensure_one()
        self._check_can_open_dispute()
        dispute = self._do_open_dispute()
        return {
            "type": "ir.actions.act_window",
            "res_model": "ps.billing.dispute",
            "res_id": dispute.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _check_can_confirm(self):
        if not self.env.user.has_group(GROUP_FINANCE_CONTROLLER):
            raise AccessError(_("Only a finance controller confirms the reason of a client's reply."))
        if self.filtered("dispute_id"):
            raise UserError(_("A dispute was opened from this reply: change the dispute instead."))

    def _check_can_open_dispute(self):
        self._check_can_confirm()
        for suggestion in self:
            if not (suggestion.confirmed_reason_id or suggestion.reason_id):
                raise UserError(_("Choose the reason of the reply first."))
            if suggestion.invoice_id.state != "posted":
                raise UserError(_("%s is not posted: it cannot be disputed.", suggestion.invoice_id.display_name))

    def _do_open_dispute(self):
        """Create the dispute (as the controller, so its creation is theirs) and link the reply to it."""
        reason = self.confirmed_reason_id or self.reason_id
        invoice = self.invoice_id
        open_amount = sum(
            self.env["ps.billing.dispute"]
            .search([("invoice_id", "=", invoice.id), ("state", "=", "open")])
            .mapped("amount_disputed")
        )
        amount = invoice.amount_total - open_amount
        if invoice.currency_id.compare_amounts(amount, 0.0) <= 0:
            raise UserError(_("The open disputes of %s already cover its total.", invoice.name))
        dispute = self.env["ps.billing.dispute"].create(
            {
                "invoice_id": invoice.id,
                "reason_id": reason.id,
                "amount_disputed": amount,
                "description": self.text,
            }
        )
        dispute.sudo().write({"suggestion_id": self.id, "client_message": self.text})
        values = {"dispute_id": dispute.id, "decided_by_id": self.env.user.id, "decided_on": fields.Datetime.now()}
        if not self.confirmed_reason_id:
            values["confirmed_reason_id"] = reason.id
        self.sudo().write(values)
        suggested = self.reason_id.name or "—"
        dispute.message_post(
            body=_(
                "Opened from the reply of %(author)s; the classifier suggested %(suggested)s (%(confidence)s %%), "
                "%(user)s chose %(reason)s.",
                author=self.author_id.display_name or "—",
                suggested=suggested,
                confidence=round(self.confidence * 100),
                user=self.env.user.name,
                reason=reason.name,
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return dispute

    @api.model
    def _ps_suggest_for_messages(self, invoice, messages):
        """Classify the client replies ``messages`` on the customer invoice ``invoice`` and store the
        suggestions, quietly; return them. A failure of the classifier is logged, never raised: the
        mail gateway must not bounce a client's reply because of an advisory feature."""
        suggestions = self.browse()
        texts = [html2plaintext(message.body or "")[:MAX_TEXT] for message in messages]
        try:
            with self.env.cr.savepoint():
                classifier = self.env["ps.dispute.classifier"]._ps_get_active()
                predictions = classifier._ps_classify(texts)
                suggestions = self.sudo().create(
                    [
                        {
                            "message_id": message.id,
                            "invoice_id": invoice.id,
                            "author_id": message.author_id.id,
                            "received_on": message.date,
                            "text": text,
                            "classifier_id": classifier.id,
                            "reason_id": reason.id,
                            "confidence": confidence,
                        }
                        for message, text, (reason, confidence) in zip(messages, texts, predictions, strict=True)
                    ]
                )
        except Exception:
            _logger.exception("The reply %s to %s could not be classified.", messages.ids, invoice.display_name)
        return suggestions
