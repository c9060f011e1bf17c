# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import mute_logger

CRON_BATCH = 200
OPEN_STATES = ("waiting", "pending")
ACTIVITY_TYPE = "ps_billing_approvals.mail_activity_type_ps_approval"
ESCALATION_ACTIVITY_TYPE = "ps_billing_approvals.mail_activity_type_ps_approval_escalation"


class PsApprovalRequest(models.Model):
    """One rule's approval of one invoice draft, in one round of routing.

    Requests are the approval history: never deleted; a new round (restart,
    material edit) marks the open and approved requests of the previous one
    ``superseded``. Approvers are resolved when the request becomes pending and
    stored, so editing the rule afterwards does not change a running approval.
    """

    _name = "ps.approval.request"
    _description = "Invoice Approval Request"
    _inherit = ["ps.protected.mixin"]
    _order = "move_id desc, round desc, level, id"
    _rec_name = "rule_name"

    move_id = fields.Many2one(
        "account.move",
        "Invoice",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", string="Client", store=True)
    move_state = fields.Selection(related="move_id.state", string="Invoice Status")
    company_currency_id = fields.Many2one(related="move_id.company_currency_id")
    amount_untaxed = fields.Monetary(
        "Untaxed (Company Currency)",
        currency_field="company_currency_id",
        readonly=True,
        help="Untaxed amount of the draft, in company currency, when this request was made: "
        "what the rule's thresholds compared.",
    )
    invoice_currency_id = fields.Many2one(related="move_id.currency_id", string="Invoice Currency")
    invoice_amount_untaxed = fields.Monetary(
        related="move_id.amount_untaxed",
        string="Untaxed Amount",
        currency_field="invoice_currency_id",
        help="Untaxed amount of the invoice, in its currency (a draft changed since is routed again).",
    )
    margin_percent = fields.Float(
        "Margin When Requested (%)",
        readonly=True,
        help="Margin of the draft over the cost of what it bills, when this request was made.",
    )
    rule_id = fields.Many2one("ps.approval.rule", "Approval Rule", readonly=True, index=True, ondelete="set null")
    rule_name = fields.Char("Rule", readonly=True, required=True, help="The approval rule, as named when routed.")
    round = fields.Integer(
        readonly=True,
        default=1,
        help="Routing round of the invoice this request belongs to: a new round starts when the draft is "
        "changed or its approval requested again.",
    )
    level = fields.Integer(
        readonly=True, required=True, help="Levels are approved in order: a level opens once the one before it is."
    )
    reason = fields.Text(readonly=True, help="Why the rule applies: the conditions this draft met.")
    rule_approver_ids = fields.Many2many(
        "res.users",
        "ps_approval_request_rule_user_rel",
        "request_id",
        "user_id",
        string="Routed To",
        readonly=True,
        help="Who the rule named when the draft was routed.",
    )
    approver_ids = fields.Many2many(
        "res.users",
        "ps_approval_request_approver_rel",
        "request_id",
        "user_id",
        string="Approvers",
        readonly=True,
        help="Who may approve: the rule's approvers after delegations, segregation of duties and escalation.",
    )
    state = fields.Selection(
        [
            ("waiting", "Waiting"),
            ("pending", "To Approve"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("superseded", "Superseded"),
        ],
        default="waiting",
        required=True,
        readonly=True,
        index=True,
    )
    pending_since = fields.Datetime("Waiting Since", readonly=True)
    decided_by_id = fields.Many2one("res.users", "Decided By", readonly=True)
    decided_on = fields.Datetime(readonly=True)
    comment = fields.Text(readonly=True, help="The approver's comment, or the reason of a rejection.")
    delegation_note = fields.Text("Delegation", readonly=True)
    reminded_on = fields.Datetime(readonly=True, copy=False)
    escalated_on = fields.Datetime(readonly=True, copy=False)
    escalation_note = fields.Text("Escalation", readonly=True)
    superseded_on = fields.Datetime(readonly=True)
    can_approve = fields.Boolean(compute="_compute_can_approve")
    cannot_approve_reason = fields.Char(compute="_compute_can_approve")
    is_awaiting_me = fields.Boolean(
        "Awaiting Me",
        compute="_compute_is_awaiting_me",
        search="_search_is_awaiting_me",
        help="Pending at its invoice's current level and routed to me (directly, by delegation or escalation).",
    )

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends_context("uid")
    @api.depends("state", "approver_ids")
    def _compute_can_approve(self):
        excluded = self.move_id.sudo()._get_ps_sod_excluded_users()
        for request in self:
            reason = request._get_cannot_approve_reason(excluded)
            request.can_approve = not reason
            request.cannot_approve_reason = reason or False

    @api.depends_context("uid")
    @api.depends("state", "approver_ids", "move_id.state")
    def _compute_is_awaiting_me(self):
        user = self.env.user
        for request in self:
            request.is_awaiting_me = (
                request.state == "pending" and request.sudo().move_id.state == "draft" and user in request.approver_ids
            )

    def _search_is_awaiting_me(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search for the approvals awaiting you with “is set” or “is not set”."))
        # Only pending requests exist at a draft's current level: the later levels wait.
        domain = [("state", "=", "pending"), ("move_id.state", "=", "draft"), ("approver_ids", "in", self.env.uid)]
        return domain if (operator == "=") == value else ["!", *expression.normalize_domain(domain)]

    def _get_cannot_approve_reason(self, excluded=None):
        """Return why the current user cannot decide this request now, or False."""
        self.ensure_one()
        if excluded is None:
            excluded = self.move_id.sudo()._get_ps_sod_excluded_users()
        user = self.env.user
        move = self.sudo().move_id
        if self.state != "pending":
            return _(
                "This approval is %s: there is nothing to decide.",
                dict(self._fields["state"]._description_selection(self.env))[self.state],
            )
        if move.state != "draft":
            return _("%s is no longer a draft.", move.display_name)
        if user in excluded.get(move.id, self.env["res.users"]):
            return _(
                "Segregation of duties: you created %s or approved the work it bills, " "so you cannot approve it.",
                move.display_name,
            )
        if user not in self.sudo().approver_ids:
            return _(
                "Only %(approvers)s can approve %(rule)s on %(move)s.",
                approvers=", ".join(self.sudo().approver_ids.mapped("name")) or _("nobody"),
                rule=self.rule_name,
                move=move.display_name,
            )
        return False

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return every stored field: a request changes only by routing, decision, delegation and escalation."""
        return super()._get_ps_protected_fields() | self._ps_get_stored_fields_of("ps_billing_approvals")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        raise UserError(_("Approval requests are the approval history of an invoice: they are never deleted."))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_decision_wizard(self):
        """Open the approve / reject dialog for these requests (decision from the context)."""
        decision = self.env.context.get("ps_approval_decision", "approve")
        return self.env["ps.approval.decision"]._get_wizard_action(decision, requests=self)

    def action_ps_approve(self, comment=None):
        """Approve these requests, each with its own checks; a request that cannot be approved raises."""
        for request in self:
            request._check_can_approve()
            request._do_approve(comment)
        return True

    def action_ps_approve_batch(self, comment=None):
        """Mass approval from the list: approve one by one with the same checks, skip and report the others."""
        done, skipped = self.browse(), []
        for request in self:
            reason = request._lock_for_decision() or request._get_cannot_approve_reason()
            if reason:
                skipped.append(f"{request.sudo().move_id.display_name}: {reason}")
                continue
            request._do_approve(comment)
            done |= request
        return self._notify_batch_result(done, skipped)

    def action_ps_reject(self, reason=None):
        """Reject these requests with a reason: their invoices go back to their authors."""
        if not (reason or "").strip():
            raise UserError(_("Say why you reject: the reason is required."))
        for request in self:
            request._check_can_approve()
        self._do_reject(reason.strip())
        return True

    def action_open_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "views": [(self.env.ref("account.view_move_form").id, "form")],
        }

    def _notify_batch_result(self, done, skipped):
        message = _("%s approval(s) approved.", len(done))
        if skipped:
            message += " " + _("Skipped: %s", " | ".join(skipped))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "warning" if skipped else "success",
                "sticky": bool(skipped),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------
    # Business: decisions
    # ------------------------------------------------------------

    def _check_can_approve(self):
        self.ensure_one()
        reason = self._lock_for_decision() or self._get_cannot_approve_reason()
        if reason:
            raise UserError(reason)

    def _lock_for_decision(self):
        """Lock this request for the decision being made; return why not when another approver
        holds it or decided it meanwhile (two approvers at once: exactly one decision counts)."""
        self.ensure_one()
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                self.env.cr.execute("SELECT id FROM ps_approval_request WHERE id = %s FOR UPDATE NOWAIT", [self.id])
        except (errors.LockNotAvailable, errors.SerializationFailure):
            return _("Another approver is deciding this approval right now: reload it and check its state.")
        self.invalidate_recordset(["state", "decided_by_id", "decided_on"])
        return False

    def _do_approve(self, comment=None):
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "state": "approved",
                "decided_by_id": self.env.uid,
                "decided_on": now,
                "comment": comment or False,
            }
        )
        for request in self:
            body = _(
                "%(user)s approved %(rule)s (level %(level)s).",
                user=self.env.user.name,
                rule=request.rule_name,
                level=request.level,
            )
            request.sudo().move_id._ps_log(body, comment)
        moves = self.sudo().move_id
        moves._ps_advance_approval()
        moves._ps_sync_approval_activities(feedback=comment)

    def _do_reject(self, reason):
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "state": "rejected",
                "decided_by_id": self.env.uid,
                "decided_on": now,
                "comment": reason,
            }
        )
        moves = self.sudo().move_id
        others = moves._ps_get_approval_requests().filtered(
            lambda r: r.state in OPEN_STATES and r.round == r.move_id.ps_approval_round
        )
        others._supersede()
        moves._ps_write_approval({"ps_approval_state": "rejected"})
        self.env["ps.billing.event.hook"]._ps_emit_event("invoice.rejected", moves)
        for request in self:
            body = _(
                "%(user)s rejected %(rule)s (level %(level)s).",
                user=self.env.user.name,
                rule=request.rule_name,
                level=request.level,
            )
            request.sudo().move_id._ps_log(body, reason)
        moves._ps_sync_approval_activities(feedback=reason)

    def _supersede(self):
        """Close these requests for a new round of routing; their decisions stay as history."""
        if self:
            self.sudo().write({"state": "superseded", "superseded_on": fields.Datetime.now()})
