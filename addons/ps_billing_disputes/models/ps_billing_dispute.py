# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, format_amount

GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"
STATES = [
    ("open", "Open"),
    ("resolved_credit_note", "Resolved by Credit Note"),
    ("resolved_no_change", "Resolved without Change"),
    ("rejected", "Rejected"),
]
DECISIONS = {
    "credit_note": "resolved_credit_note",
    "no_change": "resolved_no_change",
    "reject": "rejected",
}
# What the dispute is about: frozen once it is decided.
CONTENT_FIELDS = ("invoice_id", "amount_disputed", "reason_id")


class PsBillingDispute(models.Model):
    """A client's dispute of a posted customer invoice: why (a reason code), how much, who owns it,
    and how it ended (a credit note, no change, or rejected)."""

    _name = "ps.billing.dispute"
    _description = "Invoice Dispute"
    _inherit = ["ps.protected.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default="/")
    invoice_id = fields.Many2one(
        "account.move",
        "Invoice",
        required=True,
        index=True,
        check_company=True,
        domain=[("move_type", "=", "out_invoice"), ("state", "=", "posted")],
        tracking=True,
    )
    company_id = fields.Many2one(related="invoice_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="invoice_id.commercial_partner_id", store=True, string="Client")
    currency_id = fields.Many2one(related="invoice_id.currency_id", store=True)
    invoice_amount_total = fields.Monetary(related="invoice_id.amount_total", string="Invoice Total")
    invoice_amount_residual = fields.Monetary(related="invoice_id.amount_residual", string="Invoice Amount Due")
    sale_order_id = fields.Many2one(
        "sale.order",
        "Engagement",
        compute="_compute_sale_order_id",
        store=True,
        index=True,
        help="The engagement the invoice bills (its first sales order).",
    )
    amount_disputed = fields.Monetary(required=True, tracking=True)
    reason_id = fields.Many2one("ps.dispute.reason", "Reason", required=True, ondelete="restrict", tracking=True)
    reason_code = fields.Char(related="reason_id.code")
    description = fields.Text("What the Client Says")
    client_message = fields.Text(
        "Client Reply",
        readonly=True,
        help="The reply the dispute was opened from; once the dispute is decided, the classifier learns from it.",
    )
    suggestion_id = fields.Many2one("ps.dispute.suggestion", readonly=True, copy=False, index="btree_not_null")
    owner_id = fields.Many2one(
        "res.users", "Owner", tracking=True, index=True, help="Who follows the dispute up until it is decided."
    )
    state = fields.Selection(STATES, default="open", required=True, readonly=True, copy=False, tracking=True)
    credit_note_ids = fields.One2many("account.move", "ps_dispute_id", "Credit Notes", readonly=True)
    amount_credited = fields.Monetary(
        compute="_compute_amount_credited", help="Total of the posted credit notes of this dispute."
    )
    decided_by_id = fields.Many2one("res.users", "Decided by", readonly=True, copy=False, tracking=True)
    decided_on = fields.Datetime(readonly=True, copy=False)
    decision_note = fields.Text("Why", readonly=True, copy=False)
    can_create_credit_note = fields.Boolean(compute="_compute_can_decide")
    can_resolve_credit_note = fields.Boolean(compute="_compute_can_decide")
    can_resolve_no_change = fields.Boolean(compute="_compute_can_decide")
    can_reject = fields.Boolean(compute="_compute_can_decide")
    cannot_decide_reason = fields.Char(compute="_compute_can_decide")

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return the state, the decision and the links that only the dispute's actions set."""
        return super()._get_ps_protected_fields() | {
            "state",
            "decided_by_id",
            "decided_on",
            "decision_note",
            "suggestion_id",
            "client_message",
        }

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("invoice_id")
    def _compute_sale_order_id(self):
        for dispute in self:
            dispute.sale_order_id = dispute.invoice_id.sudo().line_ids.sale_line_ids.order_id[:1]

    @api.depends("credit_note_ids.state", "credit_note_ids.amount_total")
    def _compute_amount_credited(self):
        for dispute in self:
            posted = dispute.credit_note_ids.filtered(lambda move: move.state == "posted")
            dispute.amount_credited = sum(posted.mapped("amount_total"))

    @api.depends("state", "credit_note_ids.state")
    @api.depends_context("uid")
    def _compute_can_decide(self):
        checks = {
            "can_create_credit_note": lambda dispute: dispute._check_can_create_credit_note(),
            "can_resolve_credit_note": lambda dispute: dispute._check_can_decide("credit_note"),
            "can_resolve_no_change": lambda dispute: dispute._check_can_decide("no_change"),
            "can_reject": lambda dispute: dispute._check_can_decide("reject"),
        }
        for dispute in self:
            reasons = []
            for field_name, check in checks.items():
                try:
                    check(dispute)
                    dispute[field_name] = True
                except (UserError, AccessError) as error:
                    dispute[field_name] = False
                    reasons.append(str(error))
            dispute.cannot_decide_reason = reasons[0] if len(reasons) == len(checks) else False

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("invoice_id")
    def _check_invoice(self):
        for dispute in self:
            invoice = dispute.invoice_id
            if invoice.move_type != "out_invoice" or invoice.state != "posted":
                raise ValidationError(_("A dispute is about a posted customer invoice, not %s.", invoice.display_name))

    @api.constrains("amount_disputed", "invoice_id", "state")
    def _check_amount_disputed(self):
        """The open disputes of an invoice never claim more than its total."""
        open_totals = {
            invoice.id: amount
            for invoice, amount in self.sudo()._read_group(
                [("invoice_id", "in", self.invoice_id.ids), ("state", "=", "open")],
                ["invoice_id"],
                ["amount_disputed:sum"],
            )
        }
        for dispute in self:
            invoice = dispute.invoice_id.sudo()
            currency = invoice.currency_id
            if float_compare(dispute.amount_disputed, 0.0, precision_rounding=currency.rounding) <= 0:
                raise ValidationError(_("The amount disputed must be positive."))
            if (
                float_compare(
                    open_totals.get(invoice.id, 0.0), invoice.amount_total, precision_rounding=currency.rounding
                )
                > 0
            ):
                raise ValidationError(
                    _(
                        "The open disputes of %(invoice)s would claim %(amount)s, more than its total of %(total)s.",
                        invoice=invoice.name,
                        amount=format_amount(self.env, open_totals[invoice.id], currency),
                        total=format_amount(self.env, invoice.amount_total, currency),
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        invoices = self.env["account.move"].browse([vals["invoice_id"] for vals in vals_list if vals.get("invoice_id")])
        owners = self._ps_default_owners(invoices)
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if not vals.get("owner_id"):
                vals["owner_id"] = owners.get(vals.get("invoice_id"), self.env.user).id
            vals["name"] = sequence.next_by_code("ps.billing.dispute") or "/"
        disputes = super().create(vals_list)
        self.env["ps.billing.event.hook"]._ps_emit_event("dispute.opened", disputes, disputes._ps_event_payload)
        return disputes

    def write(self, vals):
        if set(vals) & set(CONTENT_FIELDS) and any(dispute.state != "open" for dispute in self):
            raise UserError(_("A decided dispute is not changed: its invoice, amount and reason are kept."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Disputes are kept: they are what the dispute rate and its reasons are counted from."))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_create_credit_note(self):
        """Open Odoo's credit note wizard on the invoice, with the dispute and its reason filled in."""
        self.ensure_one()
        self._check_can_create_credit_note()
        action = self.env["ir.actions.actions"]._for_xml_id("account.action_view_account_move_reversal")
        action["context"] = {
            "active_model": "account.move",
            "active_ids": self.invoice_id.ids,
            "active_id": self.invoice_id.id,
            "default_ps_dispute_id": self.id,
            "default_ps_dispute_reason_id": self.reason_id.id,
            "default_reason": self.reason_id.name,
        }
        return action

    def action_resolve_credit_note(self):
        return self._ps_open_decision("credit_note")

    def action_resolve_no_change(self):
        return self._ps_open_decision("no_change")

    def action_reject(self):
        return self._ps_open_decision("reject")

    def _ps_open_decision(self, decision):
        """Return the action asking why, for the decision ``decision`` on this dispute."""
        self.ensure_one()
        self._check_can_decide(decision)
        return {
            "type": "ir.actions.act_window",
            "name": dict(self.env["ps.dispute.decision"]._fields["decision"].selection)[decision],
            "res_model": "ps.dispute.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_dispute_id": self.id, "default_decision": decision},
        }

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _check_can_create_credit_note(self):
        self._check_can_decide("reject")

    def _check_can_decide(self, decision):
        """Raise unless the current user may take ``decision`` on these disputes now."""
        if decision not in DECISIONS:
            raise UserError(_("Unknown decision: %s.", decision))
        if not self.env.user.has_group(GROUP_FINANCE_CONTROLLER):
            raise AccessError(_("Only a finance controller decides a dispute."))
        for dispute in self:
            if dispute.state != "open":
                raise UserError(_("%s is already decided.", dispute.name))
            posted = dispute.sudo().credit_note_ids.filtered(lambda move: move.state == "posted")
            if decision == "credit_note" and not posted:
                raise UserError(_("Post a credit note for %s first: it resolves the dispute.", dispute.name))
            if decision != "credit_note" and posted:
                raise UserError(_("%s has a posted credit note: it is resolved by that credit note.", dispute.name))

    def _ps_decide(self, decision, note):
        """Take ``decision`` on these disputes, for the reason ``note`` (required)."""
        if not (note or "").strip():
            raise UserError(_("Say why: a decision on a dispute is traced with its reason."))
        self._check_can_decide(decision)
        self._do_decide(decision, note.strip())

    def _do_decide(self, decision, note):
        disputes = self.sudo()
        disputes.env["ps.billing.dispute"].flush_model()
        self.env.cr.execute("SELECT id FROM ps_billing_dispute WHERE id IN %s FOR UPDATE", [tuple(self.ids)])
        disputes.invalidate_recordset(["state"])
        if any(dispute.state != "open" for dispute in disputes):
            raise UserError(_("The dispute was decided meanwhile."))
        disputes.write(
            {
                "state": DECISIONS[decision],
                "decided_by_id": self.env.user.id,
                "decided_on": fields.Datetime.now(),
                "decision_note": note,
            }
        )
        label = dict(STATES)[DECISIONS[decision]]
        for dispute in disputes:
            credit_notes = dispute.credit_note_ids.filtered(lambda move: move.state == "posted")
            body = Markup("<p><b>%s</b> — %s</p>") % (label, escape(note))
            if credit_notes:
                body += Markup("<p>%s</p>") % _(
                    "Credit notes: %(names)s (%(amount)s).",
                    names=", ".join(credit_notes.mapped("name")),
                    amount=format_amount(self.env, dispute.amount_credited, dispute.currency_id),
                )
            dispute.with_user(self.env.user).message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )
        self.env["ps.billing.event.hook"]._ps_emit_event("dispute.resolved", self, self._ps_event_payload)

    @api.model
    def _ps_default_owners(self, invoices):
        """Return {invoice id: user} who owns a dispute of the invoice by default: the project manager
        of the engagement it bills; invoices without one are left out (the current user owns those)."""
        owners = {}
        for invoice in invoices.sudo():
            managers = invoice.line_ids.sale_line_ids.order_id.order_line.project_id.user_id
            if managers:
                owners[invoice.id] = managers[:1]
        return owners

    def _ps_event_payload(self, disputes):
        """Return {dispute id: figures of the dispute} for the business events."""
        return {
            dispute.id: {
                "dispute": dispute.name,
                "invoice": dispute.invoice_id.name,
                "reason": dispute.reason_id.code,
                "amount_disputed": dispute.amount_disputed,
                "amount_credited": dispute.amount_credited,
                "currency": dispute.currency_id.name,
                "state": dispute.state,
            }
            for dispute in disputes.sudo()
        }
