# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.tools import format_date


class PsApprovalRequest(models.Model):
    """Opening requests: delegations, segregation of duties and who is awaited."""

    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.approval.request"  # pylint: disable=consider-merging-classes-inherited

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
                    "Level %(level)s (%(rule)s): awaiting %(approvers)s. %(why)s",
                    level=request.level,
                    rule=request.rule_name,
                    why=request.reason or "",
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
        Users = self.env["res.users"]
        moves = self.env["account.move"].union(*(move for move, _users in entries))
        # Delegations run on the days of each company's calendar.
        delegates_by_company = {
            company: self.env["ps.approval.delegation"]._get_delegates(
                Users.union(*(users for move, users in entries if move.company_id == company)),
                company._ps_today(),
            )
            for company in moves.company_id
        }
        excluded = moves._get_ps_sod_excluded_users()
        resolved, to_escalate = [], []
        for move, rule_approvers in entries:
            approvers, notes = self._resolve_delegates(rule_approvers, delegates_by_company[move.company_id])
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
        """Route these pending requests to the delegates of their approvers who delegate today
        (each company's today)."""
        changed = self.browse()
        pending = self.filtered(lambda r: r.state == "pending")
        excluded = pending.move_id._get_ps_sod_excluded_users()
        for company in pending.company_id:
            requests = pending.filtered(lambda r, c=company: r.company_id == c)
            delegates = self.env["ps.approval.delegation"]._get_delegates(requests.approver_ids, company._ps_today())
            for request in requests:
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
                    _(
                        "Approval %(rule)s routed to the delegates: %(notes)s",
                        rule=request.rule_name,
                        notes=" ".join(notes),
                    )
                )
                changed |= request
        changed.move_id._ps_sync_approval_activities()
