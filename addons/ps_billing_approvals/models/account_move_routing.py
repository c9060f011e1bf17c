# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, _, fields, models
from odoo.tools.sql import SQL

from .account_move import CUSTOMER_MOVE_TYPES
from .ps_approval_request import ACTIVITY_TYPE, ESCALATION_ACTIVITY_TYPE, OPEN_STATES


class AccountMove(models.Model):
    """Routing: requests per matching rule, level by level, and the approvers' activities."""

    # The model is split by concern across files (house style), on purpose.
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

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
                # The helper casts dates only: a JSON value in a VALUES list would be text.
                (move_id, state, round_, SQL("%s::jsonb", json.dumps(snapshot)), note)
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
        today = fields.Date.context_today(self)
        # No "assigned to you" email per activity (nor the access token it writes on every draft):
        # the chatter already names the approvers and the activity shows in their list.
        self.env["ps.batch.runner"]._schedule_activities(
            self.env.ref(ACTIVITY_TYPE),
            [
                {
                    "record": request.move_id,
                    "user": request.approver_ids.browse(user_id),
                    "summary": _(
                        "Approve %(move)s (%(rule)s)", move=request.move_id.display_name, rule=request.rule_name
                    ),
                    "note": Markup("<p>%s</p>") % escape(request.reason or ""),
                    "date_deadline": today + timedelta(days=request.company_id.ps_approval_reminder_days),
                }
                for (_move_id, user_id), request in wanted.items()
                if (_move_id, user_id) not in existing
            ],
        )
