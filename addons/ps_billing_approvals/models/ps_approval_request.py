# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from markupsafe import Markup, escape
from psycopg2 import errors

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import format_date, mute_logger

_logger = logging.getLogger(__name__)

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
        "Untaxed When Requested",
        currency_field="company_currency_id",
        readonly=True,
        help="Untaxed amount of the draft, in company currency, when this request was made.",
    )
    margin_percent = fields.Float("Margin When Requested (%)", readonly=True)
    rule_id = fields.Many2one("ps.approval.rule", "Rule", readonly=True, index=True, ondelete="set null")
    rule_name = fields.Char("Approval", readonly=True, required=True)
    round = fields.Integer(readonly=True, default=1, help="Routing round of the invoice this request belongs to.")
    level = fields.Integer(readonly=True, required=True)
    reason = fields.Text("Why", readonly=True, help="The rule's conditions this draft met.")
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
    pending_since = fields.Datetime(readonly=True)
    decided_by_id = fields.Many2one("res.users", "Decided By", readonly=True)
    decided_on = fields.Datetime(readonly=True)
    comment = fields.Text(readonly=True)
    delegation_note = fields.Text(readonly=True)
    reminded_on = fields.Datetime(readonly=True, copy=False)
    escalated_on = fields.Datetime(readonly=True, copy=False)
    escalation_note = fields.Text(readonly=True)
    superseded_on = fields.Datetime(readonly=True)
    can_approve = fields.Boolean(compute="_compute_can_approve")
    cannot_approve_reason = fields.Char(compute="_compute_can_approve")

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
        others = moves.ps_approval_request_ids.filtered(
            lambda r: r.state in OPEN_STATES and r.round == r.move_id.ps_approval_round
        )
        others._supersede()
        moves._ps_write_approval({"ps_approval_state": "rejected"})
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

    # ------------------------------------------------------------
    # Business: routing
    # ------------------------------------------------------------

    def _activate(self):
        """Make these waiting requests pending: resolve delegations and segregation of duties,
        escalate the requests that have no eligible approver left."""
        if not self:
            return
        vals_list = self._get_activation_values([(request.move_id, request.rule_approver_ids) for request in self])
        for request, vals in zip(self, vals_list, strict=True):
            request.write(vals)

    def _ps_log_awaited(self):
        """Log on their invoices, in one batch, who these just opened requests wait for and why."""
        if not self:
            return
        details = defaultdict(list)
        for request in self:
            details[request.move_id.id].append(
                _(
                    "Level %(level)s, %(rule)s (%(why)s): awaiting %(approvers)s.",
                    level=request.level,
                    rule=request.rule_name,
                    why=request.reason,
                    approvers=", ".join(request.approver_ids.mapped("name")) or _("nobody"),
                )
                + "".join(f" {note}" for note in (request.delegation_note, request.escalation_note) if note)
            )
        self.move_id._ps_log_batch(
            _("Approval required."), {move_id: "\n".join(lines) for move_id, lines in details.items()}
        )

    @api.model
    def _get_activation_values(self, entries, now=None):
        """Return the values making requests pending, one dict per ``(move, rule approvers)`` of ``entries``.

        Delegations and segregation of duties are resolved for the whole batch at
        once; a request left with no eligible approver is escalated. The queries
        do not grow with the number of entries.
        """
        if not entries:
            return []
        now = now or fields.Datetime.now()
        today = fields.Date.context_today(self)
        Users = self.env["res.users"]
        moves = self.env["account.move"].union(*(move for move, _users in entries))
        delegates = self.env["ps.approval.delegation"]._get_delegates(
            Users.union(*(users for _move, users in entries)), today
        )
        excluded = moves._get_ps_sod_excluded_users()
        resolved, to_escalate = [], []
        for move, rule_approvers in entries:
            approvers, notes = self._resolve_delegates(rule_approvers, delegates)
            barred = excluded.get(move.id, Users)
            resolved.append((approvers, notes, barred))
            if not approvers - barred:
                to_escalate.append((move.company_id, rule_approvers | approvers, barred))
        targets = iter(self._get_escalation_targets_batch(to_escalate))
        vals_list = []
        for approvers, notes, barred in resolved:
            vals = {"state": "pending", "pending_since": now, "delegation_note": "\n".join(notes) or False}
            eligible = approvers - barred
            if eligible:
                vals["approver_ids"] = [Command.set(eligible.ids)]
            else:
                escalated_to = next(targets)
                vals.update(
                    {
                        "approver_ids": [Command.set(escalated_to.ids)],
                        "escalated_on": now,
                        "escalation_note": _(
                            "No eligible approver left (%(why)s): escalated to %(targets)s.",
                            why=_("segregation of duties excludes %s", ", ".join((approvers & barred).mapped("name")))
                            if approvers
                            else _("the rule names nobody for this draft"),
                            targets=", ".join(escalated_to.mapped("name")) or _("nobody"),
                        ),
                    }
                )
            vals_list.append(vals)
        return vals_list

    @api.model
    def _resolve_delegates(self, users, delegates):
        """Return (approvers, notes) of ``users`` after the delegations in ``delegates``."""
        approvers, notes = self.env["res.users"], []
        for user in users:
            if user.id in delegates:
                delegate, delegation = delegates[user.id]
                approvers |= delegate
                notes.append(
                    _(
                        "%(delegate)s approves for %(user)s (delegation until %(end)s).",
                        delegate=delegate.name,
                        user=user.name,
                        end=format_date(self.env, delegation.date_to),
                    )
                )
            else:
                approvers |= user
        return approvers, notes

    def _apply_delegations(self):
        """Route these pending requests to the delegates of their approvers who delegate today."""
        today = fields.Date.context_today(self)
        delegates = self.env["ps.approval.delegation"]._get_delegates(self.approver_ids, today)
        changed = self.browse()
        excluded = self.move_id._get_ps_sod_excluded_users()
        for request in self.filtered(lambda r: r.state == "pending"):
            approvers, notes = self._resolve_delegates(request.approver_ids, delegates)
            approvers -= excluded.get(request.move_id.id, self.env["res.users"])
            if not notes or not approvers:
                continue
            request.write(
                {
                    "approver_ids": [Command.set(approvers.ids)],
                    "delegation_note": "\n".join(filter(None, [request.delegation_note, *notes])),
                }
            )
            request.move_id._ps_log(
                _("Approval %(rule)s routed to the delegates: %(notes)s", rule=request.rule_name, notes=" ".join(notes))
            )
            changed |= request
        changed.move_id._ps_sync_approval_activities()

    def _get_escalation_targets(self, users, barred):
        """Return who an approval of ``users`` escalates to: their managers, else the finance controllers."""
        self.ensure_one()
        return self._get_escalation_targets_batch([(self.move_id.company_id, users, barred)])[0]

    @api.model
    def _get_escalation_targets_batch(self, entries):
        """Return, for each ``(company, users, barred)`` of ``entries``, who an approval of ``users`` escalates
        to: their managers, else the finance controllers. One search of employees per company."""
        employees_by_company = {}
        for company in {company for company, _users, _barred in entries}:
            users = self.env["res.users"].union(*(u for c, u, _b in entries if c == company))
            employees_by_company[company] = (
                self.env["hr.employee"]
                .sudo()
                .search(
                    [
                        ("user_id", "in", users.ids),
                        ("company_id", "=", company.id),
                    ]
                )
            )
        controllers = {}
        result = []
        for company, users, barred in entries:
            employees = employees_by_company[company].filtered(lambda employee, u=users: employee.user_id in u)
            managers = employees.parent_id.user_id.filtered(lambda u: u.active and not u.share) - users - barred
            if managers:
                result.append(managers)
                continue
            if company not in controllers:
                controllers[company] = self.env["sale.order"].with_company(company)._ps_get_finance_controllers()
            result.append(controllers[company] - barred)
        return result

    # ------------------------------------------------------------
    # Scheduled action: reminders and escalation
    # ------------------------------------------------------------

    def _get_days_pending(self, now):
        self.ensure_one()
        return (now.date() - self.pending_since.date()).days

    @api.model
    def _get_due_domain(self, field, delay_field, now):
        """Return the domain of pending requests whose ``delay_field`` delay has passed and ``field`` is unset."""
        per_company = []
        for company in self.env["res.company"].sudo().search([]):
            # A request pending since any time on day D is due on day D + delay.
            limit = datetime.combine(now.date() - timedelta(days=company[delay_field]), time.max)
            per_company.append([("company_id", "=", company.id), ("pending_since", "<=", limit)])
        return expression.AND([[("state", "=", "pending"), (field, "=", False)], expression.OR(per_company)])

    @api.model
    def _cron_remind_and_escalate(self, limit=CRON_BATCH):
        """Remind the approvers of stalled approvals, then escalate them; once each, whatever the runs."""
        now = fields.Datetime.now()
        to_remind = self.search(
            self._get_due_domain("reminded_on", "ps_approval_reminder_days", now),
            order="pending_since, id",
            limit=limit,
        )
        runner = self.env["ps.batch.runner"]
        failed = runner._run_each(to_remind, lambda request: request._remind(), "remind the approvers of")
        to_escalate = self.search(
            self._get_due_domain("escalated_on", "ps_approval_escalation_days", now),
            order="pending_since, id",
            limit=limit,
        )
        failed += runner._run_each(to_escalate, lambda request: request._escalate(), "escalate")
        runner._commit_between_batches()
        # A full batch leaves more to do; a batch where everything failed makes no progress.
        if (len(to_remind) == limit or len(to_escalate) == limit) and len(failed) < len(to_remind) + len(to_escalate):
            self.env.ref("ps_billing_approvals.ir_cron_ps_approval_remind_escalate")._trigger()
        return len(to_remind) + len(to_escalate)

    def _remind(self):
        """Remind the approvers of this pending request, once."""
        self.ensure_one()
        now = fields.Datetime.now()
        self.write({"reminded_on": now})
        days = self._get_days_pending(now)
        self.move_id.message_post(
            body=_(
                "Reminder: %(rule)s has waited %(days)s days for %(approvers)s.",
                rule=self.rule_name,
                days=days,
                approvers=", ".join(self.approver_ids.mapped("name")),
            ),
            partner_ids=self.approver_ids.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _escalate(self):
        """Give this pending request to the approvers' managers (else the finance controllers), once."""
        self.ensure_one()
        now = fields.Datetime.now()
        barred = self.move_id._get_ps_sod_excluded_users().get(self.move_id.id, self.env["res.users"])
        targets = self._get_escalation_targets(self.approver_ids, barred) - self.approver_ids
        note = _(
            "%(rule)s waited %(days)s days: escalated to %(targets)s.",
            rule=self.rule_name,
            days=self._get_days_pending(now),
            targets=", ".join(targets.mapped("name")) or _("nobody"),
        )
        self.write(
            {
                "escalated_on": now,
                "approver_ids": [Command.link(user.id) for user in targets],
                "escalation_note": "\n".join(filter(None, [self.escalation_note, note])),
            }
        )
        self.move_id._ps_log(note)
        activity_type = self.env.ref(ESCALATION_ACTIVITY_TYPE)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("account.move"),
                    "res_id": self.move_id.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "summary": _("Escalated: approve %s", self.move_id.display_name),
                    "note": Markup("<p>%s</p>") % escape(note),
                    "date_deadline": fields.Date.context_today(self),
                }
                for user in targets
            ]
        )
