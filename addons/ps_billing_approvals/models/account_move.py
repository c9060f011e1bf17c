# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import contextvars
from contextlib import contextmanager

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.addons.ps_billing_readiness.ps_db_defaults import set_db_defaults
from odoo.exceptions import UserError

CUSTOMER_MOVE_TYPES = ("out_invoice", "out_refund")
# Writing any of these on a routed draft compares its figures with the approved ones.
MATERIAL_FIELDS = frozenset(
    {
        "partner_id",
        "commercial_partner_id",
        "currency_id",
        "invoice_date",
        "date",
        "move_type",
        "invoice_line_ids",
        "line_ids",
        "fiscal_position_id",
        "invoice_payment_term_id",
    }
)
# Odoo writes an invoice's lines inside the invoice's own write: the drafts touched are rechecked
# once, when the outermost write of the request ends (or not at all while posting). The scope
# lives in a context variable, which no caller of the external API can set, where a context key
# would be a way around the matrix for anyone.
_RECHECK_SCOPE = contextvars.ContextVar("ps_approval_recheck_scope", default=None)


@contextmanager
def ps_recheck_scope(moves, skip=False):
    """Recheck ``moves`` and every draft written inside this scope once it ends; with ``skip``, none.
    Yields a function that adds more drafts to recheck."""
    scope = _RECHECK_SCOPE.get()

    def add(more):
        scope["moves"] |= more

    if scope is not None:
        add(moves)
        yield add
        return
    scope = {"moves": moves, "skip": skip}
    token = _RECHECK_SCOPE.set(scope)
    try:
        yield add
    finally:
        _RECHECK_SCOPE.reset(token)
    if not skip:
        scope["moves"]._ps_recheck_material_changes()


class AccountMove(models.Model):
    """Customer drafts go through the approval matrix before posting: their approval state and rounds,
    the users' actions and the chatter notes. Matching, routing, posting and material edits each have
    a file of their own (account_move_<concern>.py)."""

    _inherit = "account.move"

    def init(self):
        # The required column gets its default in PostgreSQL too (see ps_db_defaults).
        res = super().init()
        set_db_defaults(self, {"ps_approval_state": "not_required"})
        return res

    ps_approval_state = fields.Selection(
        [
            ("not_required", "Not Required"),
            ("pending", "Pending Approval"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        string="Approval",
        default="not_required",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        help="Customer invoices and credit notes matching the approval matrix cannot be posted until approved.",
    )
    ps_approval_request_ids = fields.One2many(
        "ps.approval.request",
        "move_id",
        string="Approval Requests",
        readonly=True,
        copy=False,
    )
    ps_approval_round = fields.Integer("Approval Round", readonly=True, copy=False)
    ps_approval_snapshot = fields.Json(
        "Approved Figures",
        readonly=True,
        copy=False,
        help="The figures of the draft when it was last routed: what its approvals cover.",
    )
    ps_approval_change_note = fields.Text(
        "Changed Since Approval",
        readonly=True,
        copy=False,
        help="What a material edit changed against the figures of the previous approval round.",
    )
    ps_approval_awaited = fields.Char("Awaiting", compute="_compute_ps_approval_awaited")
    # What the form offers the current user (hiding is for the eyes only: the actions check again).
    ps_can_approve = fields.Boolean(
        "Can Approve",
        compute="_compute_ps_approval_buttons",
        help="The draft waits for the current user's approval (at its current level, delegations included).",
    )
    ps_can_post = fields.Boolean(
        "Can Be Confirmed",
        compute="_compute_ps_approval_buttons",
        help="Posting is not held by the approval matrix: no approval is required, or it was given.",
    )
    ps_needs_request = fields.Boolean(
        "Needs an Approval Request",
        compute="_compute_ps_approval_buttons",
        help="The draft matches the approval matrix (or was rejected) and no approval is running.",
    )

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("ps_approval_state", "ps_approval_request_ids.state", "ps_approval_request_ids.approver_ids")
    def _compute_ps_approval_awaited(self):
        requests = self._origin._ps_get_approval_requests()
        for move in self:
            move.ps_approval_awaited = (
                move._origin._get_ps_awaited_text(requests) if move.ps_approval_state == "pending" else False
            )

    @api.depends_context("uid")
    @api.depends(
        "state",
        "move_type",
        "ps_approval_state",
        "ps_approval_request_ids.state",
        "ps_approval_request_ids.approver_ids",
    )
    def _compute_ps_approval_buttons(self):
        drafts = self.filtered(
            lambda m: m._origin.id and m._origin.state == "draft" and m._origin.move_type in CUSTOMER_MOVE_TYPES
        )
        for move in self - drafts:
            # Not the matrix's to hold: Odoo's own conditions decide (a new draft is checked when posted).
            move.ps_can_approve = move.ps_needs_request = False
            move.ps_can_post = True
        if not drafts:
            return
        # As saved, whoever looks: the approvers of a draft are not all allowed to read its requests.
        saved = drafts._origin.sudo()
        pending = saved._ps_get_approval_requests().filtered(lambda r: r.state == "pending")
        user = self.env.user
        excluded = saved._get_ps_sod_excluded_users()
        # A straight-through draft is matched again, as posting does: rules or figures may have changed.
        unrouted = saved.filtered(lambda m: m.ps_approval_state == "not_required")
        matches = unrouted._get_ps_matching_rules() if unrouted else {}
        approved = saved.filtered(lambda m: m.ps_approval_state == "approved")
        figures = approved._get_ps_approval_figures() if approved else {}
        for move, as_saved in zip(drafts, saved, strict=True):
            state = as_saved.ps_approval_state
            awaited = pending.filtered(lambda r, m=as_saved: r.move_id == m).approver_ids
            move.ps_can_approve = user in awaited and user not in excluded.get(as_saved.id, user.browse())
            if state == "approved":
                held = bool(as_saved._get_ps_approved_mismatch(figures[as_saved.id]))
            elif state == "not_required":
                held = bool(matches.get(as_saved.id))
            else:
                held = True
            move.ps_can_post = not held
            move.ps_needs_request = held and state != "pending"

    def _get_ps_awaited_text(self, requests=None):
        """Return who this draft waits for, level by level, e.g. "Level 1 (Over 10k): Fiona" (``requests``:
        those of ``_ps_get_approval_requests``, when already fetched for a batch)."""
        self.ensure_one()
        if requests is None:
            requests = self._ps_get_approval_requests()
        pending = requests.filtered(lambda r: r.move_id.id == self.id and r.state == "pending")
        return "; ".join(
            _(
                "Level %(level)s (%(rule)s): %(approvers)s",
                level=request.level,
                rule=request.rule_name,
                approvers=", ".join(request.approver_ids.mapped("name")) or _("nobody"),
            )
            for request in pending
        )

    def _ps_get_approval_requests(self):
        """Return every approval request of these invoices, as superuser.

        Searched, not read through ``ps_approval_request_ids``: a user's read of that field caches the
        requests *they* may see, and Odoo shares that cache with the superuser, so an approver's form
        read earlier in the transaction would hide the other levels from the matrix.
        """
        Request = self.env["ps.approval.request"].sudo()
        ids = [move_id for move_id in self.ids if move_id]
        return Request.search([("move_id", "in", ids)]) if ids else Request

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return the approval status, its rounds, snapshot and requests: set by the matrix only."""
        return super()._get_ps_protected_fields() | {
            "ps_approval_state",
            "ps_approval_request_ids",
            "ps_approval_round",
            "ps_approval_snapshot",
            "ps_approval_change_note",
        }

    def write(self, vals):
        if "state" in vals or not MATERIAL_FIELDS & set(vals):
            return super().write(vals)
        with ps_recheck_scope(self._ps_get_routed_drafts()):
            return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_ps_request_approval(self):
        """Route these drafts through the approval matrix (restarting any running approval)."""
        moves = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES and m.state == "draft")
        if not moves:
            raise UserError(_("Only customer invoice and credit note drafts go through approval."))
        moves.check_access_rights("write")
        moves.check_access_rule("write")
        moves.sudo()._ps_route_approval()
        return True

    def action_ps_approve(self, comment=None):
        """Approve, on these invoices, the pending approvals the current user may give."""
        requests = self._ps_get_my_pending_requests()
        for request in requests:
            request._check_can_approve()
        requests._do_approve(comment)
        return True

    def action_ps_reject(self, reason=None):
        """Reject, on these invoices, the pending approvals the current user may give (reason required)."""
        requests = self._ps_get_my_pending_requests()
        return requests.action_ps_reject(reason)

    def action_ps_open_decision_wizard(self):
        """Open the approve / reject dialog for these invoices (decision from the context)."""
        decision = self.env.context.get("ps_approval_decision", "approve")
        self._ps_get_my_pending_requests()
        return self.env["ps.approval.decision"]._get_wizard_action(decision, moves=self)

    def _ps_get_my_pending_requests(self):
        """Return the pending requests of these invoices routed to the current user; raise if there are none."""
        pending = self._ps_get_approval_requests().filtered(lambda r: r.state == "pending")
        requests = pending.filtered(lambda r: self.env.user in r.approver_ids).with_env(self.env)
        if not requests:
            if not pending:
                raise UserError(_("Nothing on %s waits for an approval.", ", ".join(self.mapped("display_name"))))
            raise UserError(pending[0].with_env(self.env)._get_cannot_approve_reason())
        return requests

    # ------------------------------------------------------------
    # Business: chatter
    # ------------------------------------------------------------

    def _ps_log(self, body, detail=None):
        """Post a note in the chatter of this invoice as the current user."""
        self.ensure_one()
        message = self._ps_log_body(body, detail)
        self.sudo().message_post(body=message, author_id=self.env.user.partner_id.id, subtype_xmlid="mail.mt_note")

    def _ps_log_batch(self, body, details=None):
        """Log a note in the chatter of each of these invoices as the current user, in one INSERT
        (a note notifies nobody: logging is what ``_ps_log`` does, without a query per invoice).
        ``details``: {move id: detail text}, optional."""
        if not self:
            return
        details = details or {}
        self.sudo()._message_log_batch(
            {move.id: self._ps_log_body(body, details.get(move.id)) for move in self},
            author_id=self.env.user.partner_id.id,
        )

    @api.model
    def _ps_log_body(self, body, detail=None):
        message = Markup("<p>%s</p>") % escape(body)
        if detail:
            message += Markup("<p>%s</p>") % Markup("<br/>").join(escape(line) for line in detail.splitlines())
        return message
