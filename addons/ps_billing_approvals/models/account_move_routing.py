# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, _, api, models
from odoo.addons.ps_billing_readiness.models.ps_cron_mixin import BILLING_CHANNEL
from odoo.addons.ps_billing_readiness.models.ps_gc import fewer_gc_passes
from odoo.addons.queue_job.job import identity_exact
from odoo.tools import format_amount

from .account_move import CUSTOMER_MOVE_TYPES
from .ps_approval_request import ACTIVITY_TYPE, ESCALATION_ACTIVITY_TYPE, OPEN_STATES


class AccountMove(models.Model):
    """Routing: requests per matching rule, level by level, and the approvers' activities."""

    # The model is split by concern across files (house style), on purpose.
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Business: routing
    # ------------------------------------------------------------

    @fewer_gc_passes
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
        moves._ps_get_approval_requests().filtered(lambda r: r.state in (*OPEN_STATES, "approved"))._supersede()
        facts = moves._get_ps_approval_facts()
        matches = moves._get_ps_matching_rules(facts=facts)
        figures = moves._get_ps_approval_figures()
        # One request per matching rule; those of each draft's lowest level open at once (as
        # _ps_advance_approval would open them), with their approvers resolved for the whole batch.
        # The project managers and salespersons of each draft are a recordset of their own, which
        # prefetches only its users: read what _get_rule_approvers checks of them for the whole batch.
        self.env["res.users"].union(
            *(move_facts["project_managers"] | move_facts["salespersons"] for move_facts in facts.values())
        ).fetch(["active", "share", "company_ids"])
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
                        "reason": self._ps_get_reason_text(checks),
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
        self.env["ps.billing.event.hook"]._ps_emit_event("invoice.approval_requested", moves - straight)

    def _ps_enqueue_routing(self):
        """Enqueue the routing of these new drafts as one job on the billing channel; return the job."""
        delayable = self.with_delay(
            channel=BILLING_CHANNEL,
            identity_key=identity_exact,
            description=_("Billing Control: route %s invoice drafts through the approval matrix", len(self)),
        )
        return delayable._job_route_approval()

    def _job_route_approval(self):
        """Job: route those of these drafts never routed yet (a repeated job routes nothing twice);
        return {"routed": count}."""
        moves = self.exists().filtered(lambda m: m.state == "draft" and not m.ps_approval_round)
        moves.sudo()._ps_route_approval()
        return {"routed": len(moves)}

    def _ps_write_routing(self, rows):
        """Write the routing of these drafts in one UPDATE: rows of (move id, approval state, round,
        snapshot of the figures, change note). The change of approval state is tracked in the chatter.

        Not ``write``: each draft's snapshot differs, so the ORM would write the drafts one by one,
        each a heavy ``account.move`` write (the routing query-count test forbids it). The core's
        bulk helper tells the ORM as ``write`` does (cache invalidated, ``modified()`` called).
        """
        if not rows:
            return
        # Always tracked: the approval trail is the auditor's, and the context comes from the client.
        self._track_prepare(["ps_approval_state"])
        self.env["ps.batch.runner"]._write_rows(
            self._name,
            ["ps_approval_state", "ps_approval_round", "ps_approval_snapshot", "ps_approval_change_note"],
            [
                # A JSON field's value as its text: the helper casts it to jsonb.
                (move_id, state, round_, json.dumps(snapshot), note)
                for move_id, state, round_, snapshot, note in rows
            ],
        )

    def _ps_write_approval(self, vals):
        """Write approval fields, which users cannot write themselves (callers checked the user's right)."""
        return self.sudo().write(vals)

    def _ps_advance_approval(self):
        """Open the next level of these drafts once the current one is approved; approve the finished ones."""
        to_activate = self.env["ps.approval.request"]
        approved = self.browse()
        requests = self._ps_get_approval_requests()
        for move in self:
            current = requests.filtered(lambda r, m=move: r.move_id == m and r.round == m.ps_approval_round)
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
            self.env["ps.billing.event.hook"]._ps_emit_event("invoice.approved", approved)
            approved._ps_log_batch(_("Approved at every level: the invoice can be posted."))
            approved._ps_autopost()

    @api.model
    def _ps_get_reason_text(self, checks):
        """Return why a rule catches a draft, as one sentence: its conditions met, with the draft's figures
        (``checks``: the rule's (label, passed, text) of ``_get_ps_matching_rules``). The rule's name is
        not repeated: the request shows it beside."""
        texts = [text for _label, _passed, text in checks if text]
        if not texts:
            return _("The rule has no condition: every customer invoice of the company needs this approval.")
        sentence = "; ".join(texts)
        return f"{sentence[:1].upper()}{sentence[1:]}."

    # ------------------------------------------------------------
    # Business: the approvers' activities
    # ------------------------------------------------------------

    def _ps_get_awaited_requests(self, users=None):
        """Return {(move id, user id): pending requests of that draft the user decides} for these drafts
        (only for ``users`` when given): what each awaited approver has to decide now."""
        awaited = defaultdict(lambda: self.env["ps.approval.request"])
        for request in self._ps_get_approval_requests():
            if request.state != "pending" or request.move_id.state != "draft":
                continue
            for user in request.approver_ids:
                if users is None or user in users:
                    awaited[(request.move_id.id, user.id)] |= request
        return dict(awaited)

    def _ps_prepare_approval_activities(self, awaited, date_deadline=None, note=None):
        """Return {(move id, user id): activity values} telling each awaited approver of ``awaited`` (as
        ``_ps_get_awaited_requests`` returns) what they approve: the invoice, its client and amount in its
        currency, and each rule (its level and why it applies), in the approver's language. The deadline is
        the company's today plus its reminder delay unless given; ``note`` (text) opens the note."""
        result = {}
        by_lang = defaultdict(list)
        # The approvers' languages read at once (a browse per key prefetches one user: a query per approver).
        lang_of = {user.id: user.lang or "en_US" for user in self.env["res.users"].browse({key[1] for key in awaited})}
        for key in awaited:
            by_lang[lang_of[key[1]]].append(key)
        for lang, keys in by_lang.items():
            moves = self.with_context(lang=lang)
            for key in keys:
                move = moves.browse(key[0])
                requests = awaited[key].with_env(moves.env)
                company = move.company_id
                amount = format_amount(moves.env, move.amount_untaxed, move.currency_id)
                summary = _(
                    "Approve %(move)s, %(client)s, %(amount)s (%(rules)s)",
                    rules=", ".join(requests.mapped("rule_name")),
                    move=move.display_name,
                    client=move.commercial_partner_id.display_name,
                    amount=amount,
                )
                lines = [
                    _(
                        "Level %(level)s (%(rule)s): %(why)s",
                        level=request.level,
                        rule=request.rule_name,
                        why=request.reason or "",
                    )
                    for request in requests
                ]
                body = Markup("<p>%s</p>") % _(
                    "%(move)s, %(client)s: %(amount)s untaxed.",
                    move=move.display_name,
                    client=move.commercial_partner_id.display_name,
                    amount=amount,
                )
                body += Markup("<ul>%s</ul>") % Markup().join(Markup("<li>%s</li>") % line for line in lines)
                if note:
                    body = Markup("<p>%s</p>") % note + body
                result[key] = {
                    "record": move.with_env(self.env),
                    "user": self.env["res.users"].browse(key[1]),
                    "summary": summary,
                    "note": body,
                    "date_deadline": date_deadline
                    or company._ps_today() + timedelta(days=company.ps_approval_reminder_days),
                }
        return result

    def _ps_sync_approval_activities(self, feedback=None):
        """Give each approver awaited on these drafts one activity naming what they approve now; close the others.

        An activity names the requests its approver decides at the draft's current level: once they are
        decided (a level approved, the next one opened, a rejection, a delegation), it no longer matches
        and goes. The current user's own is marked done (with the comment), the others' are removed; the
        approvers of the level just opened get a new one naming their rule.
        """
        if not self:
            return
        approval_type = self.env.ref(ACTIVITY_TYPE)
        types = approval_type | self.env.ref(ESCALATION_ACTIVITY_TYPE)
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
        wanted = self._ps_prepare_approval_activities(self._ps_get_awaited_requests())
        current = activities.filtered(
            lambda a: (a.res_id, a.user_id.id) in wanted and a.summary == wanted[(a.res_id, a.user_id.id)]["summary"]
        )
        obsolete = activities - current
        mine = obsolete.filtered(lambda a: a.user_id == self.env.user)
        if mine:
            mine.action_feedback(feedback=feedback)
        (obsolete - mine).unlink()
        kept = {(activity.res_id, activity.user_id.id) for activity in current}
        # No "assigned to you" email per activity (nor the access token it writes on every draft):
        # the chatter already names the approvers and the activity shows in their list.
        self.env["ps.batch.runner"]._schedule_activities(
            approval_type, [item for key, item in wanted.items() if key not in kept]
        )
