# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import contextvars
import json
import logging
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, _, api, fields, models
from odoo.addons.ps_billing_readiness.models.ps_billing_model import BILLING_MODELS
from odoo.addons.ps_billing_readiness.ps_db_defaults import set_db_defaults
from odoo.exceptions import UserError
from odoo.tools import float_repr
from odoo.tools.translate import _lt

from .ps_approval_request import ACTIVITY_TYPE, ESCALATION_ACTIVITY_TYPE, OPEN_STATES

_logger = logging.getLogger(__name__)

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
# The figures an approval covers: a change of any of them sends the draft back through the matrix.
FIGURE_LABELS = {
    "partner": _lt("Client"),
    "currency": _lt("Currency"),
    "invoice_date": _lt("Invoice date"),
    "amount_untaxed": _lt("Untaxed amount"),
    "amount_tax": _lt("Taxes"),
    "amount_total": _lt("Total"),
}
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
    ps_can_approve = fields.Boolean(compute="_compute_ps_can_approve")
    ps_can_request_approval = fields.Boolean(compute="_compute_ps_can_request_approval")

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("ps_approval_state", "ps_approval_request_ids.state", "ps_approval_request_ids.approver_ids")
    def _compute_ps_approval_awaited(self):
        for move in self:
            move.ps_approval_awaited = move._get_ps_awaited_text() if move.ps_approval_state == "pending" else False

    @api.depends_context("uid")
    @api.depends("ps_approval_state", "ps_approval_request_ids.state", "ps_approval_request_ids.approver_ids")
    def _compute_ps_can_approve(self):
        pending = self.sudo().ps_approval_request_ids.filtered(lambda r: r.state == "pending")
        user = self.env.user
        for move in self:
            move.ps_can_approve = any(request.move_id == move and user in request.approver_ids for request in pending)

    @api.depends("state", "move_type", "ps_approval_state")
    def _compute_ps_can_request_approval(self):
        for move in self:
            move.ps_can_request_approval = (
                move.state == "draft"
                and move.move_type in CUSTOMER_MOVE_TYPES
                and move.ps_approval_state in ("not_required", "rejected")
            )

    def _get_ps_awaited_text(self):
        """Return who this draft waits for, level by level, e.g. "Level 1 (Over 10k): Fiona"."""
        self.ensure_one()
        pending = self.sudo().ps_approval_request_ids.filtered(lambda r: r.state == "pending")
        return "; ".join(
            _(
                "Level %(level)s (%(rule)s): %(approvers)s",
                level=request.level,
                rule=request.rule_name,
                approvers=", ".join(request.approver_ids.mapped("name")) or _("nobody"),
            )
            for request in pending
        )

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
        requests = (
            self.sudo()
            .ps_approval_request_ids.filtered(lambda r: r.state == "pending" and self.env.user in r.approver_ids)
            .with_env(self.env)
        )
        if not requests:
            pending = self.sudo().ps_approval_request_ids.filtered(lambda r: r.state == "pending")
            if not pending:
                raise UserError(_("Nothing on %s waits for an approval.", ", ".join(self.mapped("display_name"))))
            raise UserError(pending[0].with_env(self.env)._get_cannot_approve_reason())
        return requests

    # ------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------

    def _post(self, soft=True):
        self._ps_check_approved_before_post()
        # Posting sets a missing invoice date: that is no edit to send back through the matrix.
        with ps_recheck_scope(self.browse(), skip=True):
            return super()._post(soft)

    def _ps_check_approved_before_post(self):
        """Refuse to post customer drafts whose approval is pending, rejected, or required but not requested."""
        drafts = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES and m.state == "draft")
        if not drafts:
            return
        problems = []
        for move in drafts.filtered(lambda m: m.ps_approval_state in ("pending", "rejected")):
            problems.append(move._get_ps_post_refusal())
        # Defence in depth: an approved draft posts only as it was approved, whatever its stored status says.
        approved = drafts.filtered(lambda m: m.ps_approval_state == "approved")
        figures = approved.sudo()._get_ps_approval_figures()
        for move in approved:
            refusal = move.sudo()._get_ps_approved_mismatch(figures[move.id])
            if refusal:
                problems.append(refusal)
        # A straight-through draft is checked again: rules or figures may have changed since.
        unrouted = drafts.filtered(lambda m: m.ps_approval_state == "not_required")
        facts = unrouted.sudo()._get_ps_approval_facts()
        matches = unrouted.sudo()._get_ps_matching_rules(facts=facts)
        for move in unrouted:
            if matches.get(move.id):
                approvers = self.env["res.users"].union(
                    *(rule._get_rule_approvers(facts[move.id]) for rule, _reasons in matches[move.id])
                )
                problems.append(
                    _(
                        "%(move)s needs approval (%(rules)s) by %(approvers)s: request approval before posting it.",
                        move=move.display_name,
                        rules=", ".join(rule.name for rule, _r in matches[move.id]),
                        approvers=", ".join(approvers.mapped("name")) or _("nobody yet"),
                    )
                )
        if problems:
            raise UserError("\n".join(problems))

    def _get_ps_approved_mismatch(self, figures):
        """Return why this approved draft may not be posted as it is (``figures``: its figures now), or False."""
        self.ensure_one()
        current = self.ps_approval_request_ids.filtered(lambda r: r.round == self.ps_approval_round)
        if not self.ps_approval_snapshot or not current or any(r.state != "approved" for r in current):
            return _(
                "%(move)s is marked approved, but its approvals of round %(round)s are not all given: "
                "request approval again.",
                move=self.display_name,
                round=self.ps_approval_round,
            )
        changes = self._ps_describe_changes(self.ps_approval_snapshot, figures)
        if changes:
            return _(
                "%(move)s changed since it was approved (%(changes)s): request approval again.",
                move=self.display_name,
                changes="; ".join(changes),
            )
        return False

    def _get_ps_post_refusal(self):
        """Return why this draft cannot be posted, naming who is awaited."""
        self.ensure_one()
        if self.ps_approval_state == "rejected":
            rejected = self.sudo().ps_approval_request_ids.filtered(
                lambda r: r.state == "rejected" and r.round == self.ps_approval_round
            )[:1]
            return _(
                "%(move)s was rejected by %(user)s (%(reason)s): correct it and request approval again.",
                move=self.display_name,
                user=rejected.decided_by_id.name or "?",
                reason=rejected.comment or "",
            )
        return _(
            "%(move)s cannot be posted before it is approved. Awaiting: %(awaited)s.",
            move=self.display_name,
            awaited=self._get_ps_awaited_text(),
        )

    # ------------------------------------------------------------
    # Business: facts and matching (batched, constant number of queries)
    # ------------------------------------------------------------

    def _get_ps_approval_facts(self):
        """Return {move id: facts} the approval rules are evaluated on, read for the whole batch at once.

        Every relation is read through the ORM's prefetching, so the queries do
        not grow with the number of drafts: one per model and relation.
        """
        model_names = dict(BILLING_MODELS)
        facts = {}
        for move in self:
            partner = move.commercial_partner_id
            categories = partner.category_id | move.partner_id.category_id
            sale_lines = move.invoice_line_ids.sale_line_ids
            orders = sale_lines.order_id
            projects = sale_lines.project_id | sale_lines.task_id.project_id | orders.project_id
            facts[move.id] = {
                "company_id": move.company_id.id,
                "amount": abs(move.amount_untaxed_signed),
                "has_amount": not move.company_currency_id.is_zero(move.amount_untaxed_signed),
                "margin": move.ps_margin_percent,
                "partner_id": partner.id,
                "partner_name": partner.display_name,
                "category_ids": set(categories.ids),
                "category_names": categories.mapped("name"),
                "billing_models": {
                    code: model_names.get(code, code) for code in orders.mapped("ps_billing_model") if code
                },
                "flag_ids": set(move.ps_exception_flag_ids.ids),
                "flag_names": move.ps_exception_flag_ids.mapped("name"),
                "project_managers": projects.user_id,
                "salespersons": move.invoice_user_id or orders.user_id,
            }
        return facts

    def _get_ps_matching_rules(self, explain=False, facts=None):
        """Return {move id: [(rule, checks)]} of the active rules matching these customer drafts.

        With ``explain``, every rule of the draft's company is returned with
        ``(rule, matches, checks)``. One search for the rules and one read per
        relation: the queries grow neither with the rules nor with the drafts.
        Without ``explain``, each rule is first tested plainly and only the rules
        that match build their explanation. ``facts`` may be given when the
        caller already read them (``_get_ps_approval_facts``).
        """
        moves = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES)
        if not moves:
            return {}
        if facts is None:
            facts = moves._get_ps_approval_facts()
        Rule = self.env["ps.approval.rule"]
        rules = Rule.search([("company_id", "in", moves.company_id.ids)])
        conditions = rules._get_conditions()
        by_company = defaultdict(list)
        for rule in rules:
            rule_conditions = conditions[rule.id]
            by_company[rule_conditions["company_id"]].append((rule, rule_conditions))
        matches = Rule._matches
        result = {}
        for move in moves:
            move_facts = facts[move.id]
            company_rules = by_company.get(move_facts["company_id"], ())
            if explain:
                result[move.id] = [
                    (rule, *rule._explain(rule_conditions, move_facts)) for rule, rule_conditions in company_rules
                ]
                continue
            result[move.id] = [
                (rule, rule._explain(rule_conditions, move_facts)[1])
                for rule, rule_conditions in company_rules
                if matches(rule_conditions, move_facts)
            ]
        return result

    def _get_ps_sod_excluded_users(self):
        """Return {move id: users} who may not approve it: its creator and who approved the work it bills."""
        work_approvers = self._get_ps_work_approvers()
        return {move.id: move.create_uid | work_approvers.get(move.id, self.env["res.users"]) for move in self}

    # ------------------------------------------------------------
    # Business: routing
    # ------------------------------------------------------------

    def _ps_route_approval(self, change_note=False):
        """Route these drafts through the matrix: supersede the running round, create one request per
        matching rule and open the lowest level. Run as superuser after the caller's checks.

        The whole batch is routed at once: one INSERT per table (requests, their
        approvers, activities, chatter notes) and one UPDATE of the drafts, so the
        queries grow neither with the drafts nor with the rules.
        """
        moves = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES and m.state == "draft")
        if not moves:
            return
        Request = self.env["ps.approval.request"]
        moves.ps_approval_request_ids.filtered(lambda r: r.state in (*OPEN_STATES, "approved"))._supersede()
        facts = moves._get_ps_approval_facts()
        matches = moves._get_ps_matching_rules(facts=facts)
        figures = moves._get_ps_approval_figures()
        # One request per matching rule; those of each draft's lowest level open at once (as
        # _ps_advance_approval would open them), with their approvers resolved for the whole batch.
        approvers_cache = {}
        vals_list, to_open = [], []
        for move in moves:
            move_facts = facts[move.id]
            first_level = min((rule.level for rule, _checks in matches[move.id]), default=0)
            for rule, checks in matches[move.id]:
                rule_approvers = rule._get_rule_approvers(move_facts, cache=approvers_cache)
                vals_list.append(
                    {
                        "move_id": move.id,
                        # The related fields, given: no UPDATE of every request after the INSERT.
                        "company_id": move.company_id.id,
                        "partner_id": move.commercial_partner_id.id,
                        "rule_id": rule.id,
                        "rule_name": rule.name,
                        "level": rule.level,
                        "round": move.ps_approval_round + 1,
                        "reason": "; ".join(text for _c, _p, text in checks),
                        "rule_approver_ids": [Command.set(rule_approvers.ids)],
                        "amount_untaxed": move_facts["amount"],
                        "margin_percent": move_facts["margin"],
                    }
                )
                if rule.level == first_level:
                    to_open.append((vals_list[-1], move, rule_approvers))
        activation = Request._get_activation_values([(move, users) for _vals, move, users in to_open])
        for (vals, _move, _users), activation_vals in zip(to_open, activation, strict=True):
            vals.update(activation_vals)
        requests = Request.create(vals_list)
        moves._ps_write_routing(
            [
                (
                    move.id,
                    "pending" if matches[move.id] else "not_required",
                    move.ps_approval_round + 1,
                    figures[move.id],
                    change_note and change_note.get(move.id) or None,
                )
                for move in moves
            ]
        )
        straight = moves.filtered(lambda m: not matches[m.id])
        if straight:
            straight._message_log_batch(
                {
                    move.id: escape(_("No approval rule matches this draft: it can be posted straight through."))
                    for move in straight
                }
            )
        requests.filtered(lambda r: r.state == "pending")._ps_log_awaited()
        moves._ps_sync_approval_activities()

    def _ps_write_routing(self, rows):
        """Write the routing of these drafts in one UPDATE: rows of (move id, approval state, round,
        snapshot of the figures, change note). The ORM would write the drafts one by one (each snapshot
        differs), and every ``account.move`` write is heavy; these fields trigger nothing of it. The
        change of approval state is still tracked in the chatter."""
        if not rows:
            return
        fnames = ["ps_approval_state", "ps_approval_round", "ps_approval_snapshot", "ps_approval_change_note"]
        if not self.env.context.get("tracking_disable") and not self.env.context.get("mail_notrack"):
            self._track_prepare(["ps_approval_state"])
        self.flush_recordset(fnames)
        values = ", ".join(["(%s, %s, %s, %s::jsonb, %s)"] * len(rows))
        self.env.cr.execute(
            f"""
            UPDATE account_move AS m
               SET ps_approval_state = v.state, ps_approval_round = v.round, ps_approval_snapshot = v.snapshot,
                   ps_approval_change_note = v.note, write_uid = %s, write_date = now() at time zone 'UTC'
              FROM (VALUES {values}) AS v(id, state, round, snapshot, note)
             WHERE m.id = v.id
            """,  # noqa: S608 -- only placeholders are interpolated
            [
                self.env.uid,
                *(
                    value
                    for move_id, state, round_, snapshot, note in rows
                    for value in (move_id, state, round_, json.dumps(snapshot), note)
                ),
            ],
        )
        self.invalidate_recordset([*fnames, "write_uid", "write_date"])
        self.modified(fnames)

    def _ps_write_approval(self, vals):
        """Write approval fields, which users cannot write themselves (callers checked the user's right)."""
        return self.sudo().write(vals)

    def _ps_advance_approval(self):
        """Open the next level of these drafts once the current one is approved; approve the finished ones."""
        to_activate = self.env["ps.approval.request"]
        approved = self.browse()
        for move in self:
            current = move.ps_approval_request_ids.filtered(lambda r, m=move: r.round == m.ps_approval_round)
            if not current or any(r.state in ("pending", "rejected") for r in current):
                continue
            waiting = current.filtered(lambda r: r.state == "waiting")
            if waiting:
                level = min(waiting.mapped("level"))
                to_activate |= waiting.filtered(lambda r, lv=level: r.level == lv)
            elif move.ps_approval_state == "pending":
                approved |= move
        to_activate._activate()
        to_activate._ps_log_awaited()
        if approved:
            approved._ps_write_approval({"ps_approval_state": "approved"})
            approved._ps_log_batch(_("Approved at every level: the invoice can be posted."))
            approved._ps_autopost()

    def _ps_autopost(self):
        """Post the approved drafts of companies that post at once; a failure leaves the draft approved."""
        for move in self.filtered(lambda m: m.company_id.ps_approval_autopost and m.state == "draft"):
            try:
                with self.env.cr.savepoint():
                    move.sudo()._post(soft=False)
            except UserError as error:
                move._ps_log(_("Approved, but it could not be posted: %s", error))

    def _ps_sync_approval_activities(self, feedback=None):
        """Give each approver of a pending request one activity on the invoice; close the others.

        The current user's own closed activity is marked done (with the comment);
        those of approvers who no longer have anything to decide are removed.
        """
        if not self:
            return
        types = self.env.ref(ACTIVITY_TYPE) | self.env.ref(ESCALATION_ACTIVITY_TYPE)
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "in", types.ids),
                ]
            )
        )
        wanted = {}
        for request in self.ps_approval_request_ids.filtered(lambda r: r.state == "pending"):
            for user in request.approver_ids:
                wanted.setdefault((request.move_id.id, user.id), request)
        existing = {(activity.res_id, activity.user_id.id) for activity in activities}
        obsolete = activities.filtered(lambda a: (a.res_id, a.user_id.id) not in wanted)
        mine = obsolete.filtered(lambda a: a.user_id == self.env.user)
        if mine:
            mine.action_feedback(feedback=feedback)
        (obsolete - mine).unlink()
        activity_type = self.env.ref(ACTIVITY_TYPE)
        today = fields.Date.context_today(self)
        res_model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = [
            {
                "res_model_id": res_model_id,
                "res_id": move_id,
                # The stored computed fields, given: no UPDATE of every activity after the INSERT.
                "res_name": request.move_id.display_name,
                "date_done": False,
                "activity_type_id": activity_type.id,
                "user_id": user_id,
                "summary": _("Approve %(move)s (%(rule)s)", move=request.move_id.display_name, rule=request.rule_name),
                "note": Markup("<p>%s</p>") % escape(request.reason or ""),
                "date_deadline": today + timedelta(days=request.company_id.ps_approval_reminder_days),
            }
            for (move_id, user_id), request in wanted.items()
            if (move_id, user_id) not in existing
        ]
        if vals_list:
            # No "assigned to you" email per activity (nor the access token it writes on every draft):
            # the chatter already names the approvers and the activity shows in their list.
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

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

    # ------------------------------------------------------------
    # Business: material edits
    # ------------------------------------------------------------

    def _ps_get_routed_drafts(self):
        """Return those of these moves whose figures were routed through the matrix and may change."""
        return self.filtered(
            lambda m: m.state == "draft" and m.move_type in CUSTOMER_MOVE_TYPES and m.ps_approval_snapshot
        )

    def _get_ps_approval_figures(self):
        """Return {move id: the figures an approval covers}: client, currency, date, amounts, lines and taxes."""
        result = {}
        for move in self:
            currency = move.currency_id
            lines = sorted(
                "%s: %s × %s%s [%s]"
                % (
                    line.product_id.display_name or line.name or "",
                    float_repr(line.quantity, 4),
                    float_repr(currency.round(line.price_unit), currency.decimal_places),
                    f" -{float_repr(line.discount, 2)}%" if line.discount else "",
                    ", ".join(sorted(line.tax_ids.mapped("name"))),
                )
                # Not filtered(): it would prefetch the taxes of one draft's lines at a time.
                for line in move.invoice_line_ids
                if line.display_type == "product"
            )
            result[move.id] = {
                "partner_id": move.partner_id.id,
                "partner": move.partner_id.display_name or "",
                "currency": currency.name,
                "invoice_date": fields.Date.to_string(move.invoice_date) if move.invoice_date else "",
                "amount_untaxed": float_repr(move.amount_untaxed, currency.decimal_places),
                "amount_tax": float_repr(move.amount_tax, currency.decimal_places),
                "amount_total": float_repr(move.amount_total, currency.decimal_places),
                "lines": lines,
            }
        return result

    @api.model
    def _ps_describe_changes(self, old, new):
        """Return the lines describing what changed between two figure snapshots (empty: nothing material)."""
        changes = []
        for key, label in FIGURE_LABELS.items():
            compare_key = "partner_id" if key == "partner" else key
            if old.get(compare_key) != new.get(compare_key):
                changes.append(
                    _(
                        "%(label)s: %(old)s → %(new)s",
                        label=str(label),
                        old=old.get(key) or "—",
                        new=new.get(key) or "—",
                    )
                )
        old_lines, new_lines = list(old.get("lines", [])), list(new.get("lines", []))
        for line in list(old_lines):
            if line in new_lines:
                old_lines.remove(line)
                new_lines.remove(line)
        changes += [_("Line removed: %s", line) for line in old_lines]
        changes += [_("Line added: %s", line) for line in new_lines]
        return changes

    def _ps_recheck_material_changes(self):
        """Send back through the matrix the routed drafts whose figures changed since they were routed."""
        moves = self.exists()._ps_get_routed_drafts()
        if not moves:
            return
        figures = moves._get_ps_approval_figures()
        changed, notes = self.browse(), {}
        for move in moves:
            changes = self._ps_describe_changes(move.ps_approval_snapshot, figures[move.id])
            if not changes:
                continue
            changed |= move
            notes[move.id] = "\n".join(changes)
            was = dict(self._fields["ps_approval_state"]._description_selection(self.env))[move.ps_approval_state]
            move._ps_log(
                _("Material change while %s: the draft goes through the approval matrix again.", was), notes[move.id]
            )
        if changed:
            changed.sudo()._ps_route_approval(change_note=notes)
