# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheet compliance: reminders, escalations and the scheduled actions."""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.osv import expression
from odoo.tools import format_date

from .ps_timesheet_compliance import CRON_BATCH


class PsTimesheetCompliance(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.timesheet.compliance"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Business: reminders
    # ------------------------------------------------------------

    def _send_consultant_reminder(self):
        """Mail the consultant of this record, once for its period; return the reminder record."""
        self.ensure_one()
        reminder = (
            self.env["ps.timesheet.reminder"]
            .sudo()
            .create(self._prepare_reminder_vals("consultant", self.user_id, self.missing_hours))
        )
        template = self.env.ref("ps_timesheet_compliance.mail_template_consultant_reminder")
        mail = self.env["mail.mail"].sudo().browse(template.sudo().send_mail(self.id))
        reminder.mail_message_id = mail.mail_message_id
        self.sudo().message_post(
            body=_(
                "Reminder sent to %(user)s: %(hours).2f hours missing.",
                user=self.user_id.name,
                hours=self.missing_hours,
            )
        )
        return reminder

    def _prepare_reminder_vals(self, kind, user, hours):
        """Return the values of the reminder record of ``kind`` sent to ``user`` about this record."""
        self.ensure_one()
        return {
            "kind": kind,
            "employee_id": self.employee_id.id,
            "user_id": user.id,
            "company_id": self.company_id.id,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "compliance_id": self.id,
            "hours": hours,
        }

    def _escalate_to_manager(self, manager):
        """Mail ``manager`` once about these late records of their team and give them one activity."""
        records = self.sorted(lambda r: r.employee_id.name or "")
        Reminder = self.env["ps.timesheet.reminder"].sudo()
        reminders = Reminder.create(
            [record._prepare_reminder_vals("escalation", manager, record.missing_hours) for record in records]
        )
        rows = records._get_escalation_rows()
        template = self.env.ref("ps_timesheet_compliance.mail_template_manager_escalation")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .browse(template.sudo().with_context(ps_compliance_rows=rows).send_mail(manager.id))
        )
        first = records[0]
        note = Markup("<ul>%s</ul>") % Markup().join(
            Markup("<li>%s</li>")
            % _(
                "%(employee)s: %(missing).2f of %(expected).2f hours missing",
                employee=row["employee"],
                missing=row["missing"],
                expected=row["expected"],
            )
            for row in rows
        )
        # The manager is mailed above: the activity shows in their list without a second email.
        activity = self.env["ps.batch.runner"]._schedule_activities(
            self.env.ref("ps_timesheet_compliance.mail_activity_type_timesheet_missing"),
            [
                {
                    "record": first,
                    "user": manager,
                    "summary": _(
                        "Timesheets missing for %(period)s: %(count)s people",
                        period=first.name.split(" · ")[-1],
                        count=len(records),
                    ),
                    "note": note,
                    "date_deadline": first.company_id._ps_today(),
                }
            ],
        )
        reminders.write({"mail_message_id": mail.mail_message_id.id, "activity_id": activity.id})
        for record in records:
            record.sudo().message_post(
                body=_(
                    "Escalated to %(manager)s: %(hours).2f hours missing after the cutoff.",
                    manager=manager.name,
                    hours=record.missing_hours,
                )
            )
        return reminders

    def _get_escalation_rows(self):
        """Return the plain rows (employee, expected, logged, missing, period) the escalation email lists."""
        return [
            {
                "employee": record.employee_id.name,
                "expected": record.expected_hours,
                "logged": record.logged_hours,
                "missing": record.missing_hours,
                "period": "%s → %s"
                % (format_date(self.env, record.period_start), format_date(self.env, record.period_end)),
            }
            for record in self
        ]

    # ------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------

    @api.model
    def _get_companies_today(self):
        """Return {company: today in its time zone} for every company (a few), read once per run."""
        return {company: company._ps_today() for company in self.env["res.company"].sudo().search([])}

    @api.model
    def _get_scan_employee_domain(self):
        """Return the domain of the employees whose compliance is scanned."""
        return [("ps_timesheet_required", "=", True), ("active", "=", True)]

    @api.model
    def _get_scan_todo_domain(self):
        """Return the domain of the employees whose compliance is still to scan today (their company's day)."""
        # Employees scanned today are done: a repeated or requeued job, or another dispatch, skips them.
        done_domains = []
        for company in self.env["res.company"].sudo().search([]):
            today = company._ps_today()
            tz = pytz.timezone(company._ps_get_tz())
            midnight = tz.localize(datetime.combine(today, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            done_domains.append(
                [
                    ("company_id", "=", company.id),
                    ("scanned_on", ">=", midnight),
                    ("period_start", "<=", today),
                    ("period_end", ">=", today),
                ]
            )
        done = self.sudo().search(expression.OR(done_domains)).employee_id if done_domains else self.env["hr.employee"]
        return expression.AND([self._get_scan_employee_domain(), [("id", "not in", done.ids)]])

    @api.model
    def _cron_scan_compliance(self, limit=CRON_BATCH):
        """Dispatcher: enqueue one job per batch of ``limit`` employees not scanned today, on the billing
        channel (the scan is the heavy one: its batches spread over the nodes); return the number of jobs."""
        employees = self.env["hr.employee"].sudo().search(self._get_scan_todo_domain(), order="id")
        return employees._ps_enqueue_batches(
            "_job_scan_compliance_batch", limit, description=_("Timesheet compliance: scan")
        )

    @api.model
    def _get_consultant_reminder_due(self, today, domain=None):
        """Return the records (within ``domain``) whose consultant is still short and to be reminded now, and
        was not reminded for the period, the earliest cutoff first; ``today``: {company: its today}."""
        domain = expression.AND(
            [
                [("state", "=", "missing"), ("cutoff_date", ">=", min(today.values())), ("user_id", "!=", False)],
                domain or [],
            ]
        )
        candidates = self.sudo().search(domain, order="cutoff_date, id")
        due = candidates.filtered(
            lambda r: r.cutoff_date >= today[r.company_id]
            and r.cutoff_date - timedelta(days=r.company_id.ps_timesheet_reminder_days) <= today[r.company_id]
        )
        return self.env["ps.timesheet.reminder"]._filter_not_sent("consultant", due, lambda r: r.user_id)

    @api.model
    def _cron_remind_consultants(self, limit=CRON_BATCH):
        """Dispatcher: enqueue one job per batch of ``limit`` consultants still short the configured days before
        the cutoff and not reminded for the period yet; return the number of jobs."""
        # Each company's day: the cutoffs are dates of the firm's calendar.
        due = self._get_consultant_reminder_due(self._get_companies_today())
        return due._ps_enqueue_batches(
            "_job_remind_consultants_batch", limit, description=_("Timesheet compliance: remind consultants")
        )

    def _job_remind_consultants_batch(self):
        """Job: mail the consultant of each of these records still short and not reminded for its period, once;
        return {"reminded": count}."""
        due = self._get_consultant_reminder_due(self._get_companies_today(), [("id", "in", self.ids)])
        # Fresh numbers before mailing: time logged since the last scan counts.
        due._refresh()
        due = due.filtered(lambda r: r.state == "missing")
        failed = self._ps_run_each(due, lambda record: record._send_consultant_reminder(), "remind")
        self.env["ps.billing.event.hook"]._ps_emit_event(
            "timesheets.missing", due - self.browse([r.id for r in failed]), payload_fn=self._ps_get_event_payloads
        )
        return {"reminded": len(due) - len(failed)}

    def _ps_get_event_payloads(self, records):
        """Return {record id: the figures of its business event timesheets.missing} (ps.billing.event.hook)."""
        return {
            record.id: {
                "employee_id": record.employee_id.id,
                "employee_name": record.employee_id.name,
                "period_start": str(record.period_start),
                "period_end": str(record.period_end),
                "cutoff_date": str(record.cutoff_date),
                "expected_hours": record.expected_hours,
                "logged_hours": record.logged_hours,
                "missing_hours": record.missing_hours,
            }
            for record in records
        }

    @api.model
    def _get_manager_escalation_due(self, today, domain=None):
        """Return the records (within ``domain``) late past the escalation delay whose manager was not told
        for the period, by manager; ``today``: {company: its today}."""
        domain = expression.AND([[("state", "=", "late"), ("manager_user_id", "!=", False)], domain or []])
        candidates = self.sudo().search(domain, order="manager_user_id, period_start, id")
        due = candidates.filtered(
            lambda r: r.cutoff_date + timedelta(days=r.company_id.ps_timesheet_escalation_days) <= today[r.company_id]
        )
        return self.env["ps.timesheet.reminder"]._filter_not_sent("escalation", due, lambda r: r.manager_user_id)

    @api.model
    def _cron_escalate_to_managers(self, limit=CRON_BATCH):
        """Dispatcher: after the cutoff, enqueue one job per batch of managers (about ``limit`` late records, a
        manager's people in one batch: one email each) to tell them of their late people; return the number of
        jobs."""
        due = self._get_manager_escalation_due(self._get_companies_today())
        batches = []
        for _manager, records in due.grouped("manager_user_id").items():
            if batches and len(batches[-1]) < limit:
                batches[-1] |= records
            else:
                batches.append(records)
        description = _("Timesheet compliance: escalate to managers")
        return self._ps_delay_each(
            [batch._ps_delayable(description)._job_escalate_to_managers_batch() for batch in batches]
        )

    def _job_escalate_to_managers_batch(self):
        """Job: mail each manager once per period about those of these records still late and not escalated,
        with an activity; return {"escalated": number of managers and periods}."""
        due = self._get_manager_escalation_due(self._get_companies_today(), [("id", "in", self.ids)])
        due._refresh()
        due = due.filtered(lambda r: r.state == "late")
        groups = defaultdict(lambda: self.browse())
        for record in due:
            groups[(record.manager_user_id, record.period_start)] |= record
        failed = self._ps_run_each(
            list(groups.items()), lambda item: item[1]._escalate_to_manager(item[0][0]), "escalate"
        )
        return {"escalated": len(groups) - len(failed)}

    # ------------------------------------------------------------
    # Demo
    # ------------------------------------------------------------

    @api.model
    def _load_demo_approvals(self):
        """Give the demo firm's time its approval states, then scan compliance.

        Time before last week is approved by the project managers, last week's
        is submitted (part of it long enough ago to remind the approvers), this
        week's is draft.
        """
        today = self.env.company._ps_today()
        this_week = today - timedelta(days=today.weekday())
        last_week = this_week - timedelta(days=7)
        Line = self.env["account.analytic.line"].sudo().with_context(tracking_disable=True)
        lines = Line.search([("project_id", "!=", False), ("ps_state", "=", "draft"), ("date", "<", this_week)])
        if not lines:
            return
        now = fields.Datetime.now()
        older = lines.filtered(lambda line: line.date < last_week)
        for approver, group in older.grouped(
            lambda line: line.project_id.user_id or line.employee_id.ps_timesheet_approver_id
        ).items():
            group.write(
                {
                    "ps_state": "approved",
                    "ps_submitted_on": now - timedelta(days=8),
                    "ps_approved_by_id": approver.id,
                    "ps_approved_on": now - timedelta(days=7),
                }
            )
        recent = lines - older
        employees = recent.employee_id.sorted("id")
        waiting_long = set(employees[: len(employees) // 2].ids)
        # One pass over the lines (not employees × lines): half the people's time waits longer.
        by_days = recent.filtered("employee_id").grouped(lambda line: 5 if line.employee_id.id in waiting_long else 1)
        for days, group in sorted(by_days.items()):
            group.write(
                {
                    "ps_state": "submitted",
                    "ps_submitted_on": now - timedelta(days=days),
                }
            )
        self._scan_employees(self.env["hr.employee"].sudo().search(self._get_scan_employee_domain()))
