# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, _, api, fields, models
from odoo.osv import expression

from .ps_approval_request import CRON_BATCH, ESCALATION_ACTIVITY_TYPE


class PsApprovalRequest(models.Model):
    """Escalation: who a stalled or unroutable approval goes to, and the scheduled reminders."""

    # The model is split by concern across files (house style), on purpose. Its scheduled action
    # works through its batches as every scheduled action of the suite does (ps.cron.mixin); with
    # two parents, Odoo 17 needs the name too, or it would define a new model.
    _name = "ps.approval.request"
    _inherit = ["ps.approval.request", "ps.cron.mixin"]

    # ------------------------------------------------------------
    # Business: escalation
    # ------------------------------------------------------------

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
        """Return the days this request has waited at ``now``, counted on the company's calendar."""
        self.ensure_one()
        tz = pytz.timezone(self.company_id._ps_get_tz())
        return (self._ps_local_date(now, tz) - self._ps_local_date(self.pending_since, tz)).days

    @api.model
    def _ps_local_date(self, moment, tz):
        """Return the date of the UTC datetime ``moment`` in the time zone ``tz``."""
        return pytz.utc.localize(moment).astimezone(tz).date()

    @api.model
    def _get_due_domain(self, field, delay_field, now):
        """Return the domain of pending requests whose ``delay_field`` delay has passed and ``field`` is unset."""
        per_company = []
        for company in self.env["res.company"].sudo().search([]):
            # A request pending since any time on day D of the firm's calendar is due on day D + delay.
            tz = pytz.timezone(company._ps_get_tz())
            last_day = self._ps_local_date(now, tz) - timedelta(days=company[delay_field])
            limit = tz.localize(datetime.combine(last_day, time.max)).astimezone(pytz.utc).replace(tzinfo=None)
            per_company.append([("company_id", "=", company.id), ("pending_since", "<=", limit)])
        return expression.AND([[("state", "=", "pending"), (field, "=", False)], expression.OR(per_company)])

    @api.model
    def _get_started_delegation_domain(self):
        """Return the domain of the pending requests of approvers whose delegation has begun: one made ahead
        of its dates takes over on its first day."""
        companies = self.env["res.company"].sudo().search([])
        days = [company._ps_today() for company in companies]
        delegations = (
            self.env["ps.approval.delegation"]
            .sudo()
            .search([("date_from", "<=", max(days)), ("date_to", ">=", min(days))])
        )
        if not delegations:
            return expression.FALSE_DOMAIN
        return [("state", "=", "pending"), ("approver_ids", "in", delegations.user_id.ids)]

    @api.model
    def _cron_remind_and_escalate(self, limit=CRON_BATCH):
        """Dispatcher: enqueue one job per batch of ``limit`` pending requests to route to a started delegation,
        to remind or to escalate, the longest waiting first, on the billing channel; return the number of jobs."""
        now = fields.Datetime.now()
        requests = self.search(
            expression.OR(
                [
                    self._get_started_delegation_domain(),
                    self._get_due_domain("reminded_on", "ps_approval_reminder_days", now),
                    self._get_due_domain("escalated_on", "ps_approval_escalation_days", now),
                ]
            ),
            order="pending_since, id",
        )
        return requests._ps_enqueue_batches(
            "_job_remind_and_escalate_batch", limit, description=_("Approvals: remind and escalate")
        )

    def _job_remind_and_escalate_batch(self):
        """Job: route those of these requests whose approver's delegation has begun to the delegate, then remind
        the approvers of those stalled and not reminded, then escalate those stalled and not escalated; once
        each, however often it runs. Return {"delegated": count, "reminded": count, "escalated": count}."""
        now = fields.Datetime.now()
        mine = [("id", "in", self.ids)]
        delegation_domain = expression.AND([self._get_started_delegation_domain(), mine])
        to_route = self.search(delegation_domain)
        self._ps_run_batch(to_route, lambda batch: batch._apply_delegations(), "route to the delegates")
        # A routed request no longer waits for the approver who delegates.
        delegated = to_route - self.search(delegation_domain)
        to_remind = self.search(
            expression.AND([self._get_due_domain("reminded_on", "ps_approval_reminder_days", now), mine]),
            order="pending_since, id",
        )
        failed_reminders = self._ps_run_each(to_remind, lambda request: request._remind(), "remind the approvers of")
        to_escalate = self.search(
            expression.AND([self._get_due_domain("escalated_on", "ps_approval_escalation_days", now), mine]),
            order="pending_since, id",
        )
        failed_escalations = self._ps_run_each(to_escalate, lambda request: request._escalate(), "escalate")
        return {
            "delegated": len(delegated),
            "reminded": len(to_remind) - len(failed_reminders),
            "escalated": len(to_escalate) - len(failed_escalations),
        }

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
        # The same activity as any awaited approver's (what they approve, the rule and why), of the
        # escalation type, due today, opening with why it came to them.
        move = self.move_id
        self.env["ps.batch.runner"]._schedule_activities(
            self.env.ref(ESCALATION_ACTIVITY_TYPE),
            list(
                move._ps_prepare_approval_activities(
                    move._ps_get_awaited_requests(users=targets),
                    date_deadline=move.company_id._ps_today(),
                    note=note,
                ).values()
            ),
        )
