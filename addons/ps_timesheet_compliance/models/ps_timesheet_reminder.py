# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import format_date, split_every

_logger = logging.getLogger(__name__)

CRON_BATCH = 200
REMINDER_KINDS = [
    ("consultant", "Consultant Reminder"),
    ("escalation", "Manager Escalation"),
    ("approval", "Approver Reminder"),
]


class PsTimesheetReminder(models.Model):
    """What was sent, to whom, about whose time of which period.

    The unique key makes every reminder at most once per kind, employee,
    recipient and period, however often the scheduled actions run.
    """

    _name = "ps.timesheet.reminder"
    _inherit = ["ps.protected.mixin", "ps.cron.mixin"]
    _description = "Timesheet Reminder Sent"
    _order = "sent_on desc, id desc"

    kind = fields.Selection(REMINDER_KINDS, required=True, readonly=True, index=True)
    employee_id = fields.Many2one(
        "hr.employee",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        help="Whose time the reminder is about.",
    )
    user_id = fields.Many2one("res.users", "Recipient", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    period_start = fields.Date(required=True, readonly=True)
    period_end = fields.Date(required=True, readonly=True)
    compliance_id = fields.Many2one("ps.timesheet.compliance", readonly=True, ondelete="set null", index=True)
    hours = fields.Float(readonly=True, help="Missing hours, or hours waiting for approval.")
    sent_on = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    mail_message_id = fields.Many2one("mail.message", "Email", readonly=True, ondelete="set null")
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")

    _sql_constraints = [
        (
            "kind_employee_user_period_uniq",
            "unique(kind, employee_id, user_id, period_start)",
            "This reminder was already sent for this employee and period.",
        ),
    ]

    @api.model
    def _get_ps_protected_fields(self):
        """Return every stored field: a reminder is the record that it was sent, never edited."""
        return super()._get_ps_protected_fields() | self._ps_get_stored_fields_of("ps_timesheet_compliance")

    @api.model
    def _filter_not_sent(self, kind, records, recipient):
        """Return those of ``records`` (with employee_id and period_start) not yet reminded of ``kind``.

        ``recipient`` maps a record to the user the reminder goes to.
        """
        if not records:
            return records
        sent = {
            (reminder.employee_id.id, reminder.user_id.id, reminder.period_start)
            for reminder in self.sudo().search(
                [
                    ("kind", "=", kind),
                    ("employee_id", "in", records.employee_id.ids),
                    ("period_start", "in", list(set(records.mapped("period_start")))),
                ]
            )
        }
        return records.filtered(lambda r: (r.employee_id.id, recipient(r).id, r.period_start) not in sent)

    # ------------------------------------------------------------
    # Approver reminders
    # ------------------------------------------------------------

    @api.model
    def _get_line_approver(self, line):
        """Return the user reminded of the submitted ``line``: its project's manager, else the employee's approver."""
        employee_user = line.employee_id.user_id
        for user in (line.project_id.user_id, line.employee_id.ps_timesheet_approver_id):
            if user and user != employee_user and line._ps_is_approver(user):
                return user
        return self.env["res.users"]

    @api.model
    def _get_approver_waiting(self, approvers=None):
        """Return {approver: {(employee, period start, period end): submitted lines}} of the time waiting
        longer than its company's limit that ``approvers`` (default: anyone) were not reminded of yet."""
        Line = self.env["account.analytic.line"].sudo()
        companies = self.env["res.company"].sudo().search([])
        now = fields.Datetime.now()
        shortest = min(companies.mapped("ps_timesheet_approval_days") or [0])
        domain = [
            ("ps_state", "=", "submitted"),
            ("project_id", "!=", False),
            ("ps_submitted_on", "<=", now - timedelta(days=shortest)),
        ]
        if approvers is not None:
            domain += [
                "|",
                ("project_id.user_id", "in", approvers.ids),
                ("employee_id.ps_timesheet_approver_id", "in", approvers.ids),
            ]
        lines = Line.search(domain, order="ps_submitted_on, id").filtered(
            lambda line: line.ps_submitted_on <= now - timedelta(days=line.company_id.ps_timesheet_approval_days)
        )
        waiting = defaultdict(lambda: Line.browse())
        for line in lines:
            approver = self._get_line_approver(line)
            if not approver or (approvers is not None and approver not in approvers):
                continue
            start, end, _cutoff = line.company_id._get_ps_timesheet_period(line.date)
            waiting[(approver, line.employee_id, start, end)] |= line
        sent = {
            (reminder.user_id.id, reminder.employee_id.id, reminder.period_start)
            for reminder in self.sudo().search(
                [
                    ("kind", "=", "approval"),
                    ("employee_id", "in", lines.employee_id.ids),
                ]
            )
        }
        by_approver = defaultdict(dict)
        for (approver, employee, start, end), group in waiting.items():
            if (approver.id, employee.id, start) not in sent:
                by_approver[approver][(employee, start, end)] = group
        return by_approver

    @api.model
    def _cron_remind_approvers(self, limit=CRON_BATCH):
        """Dispatcher: enqueue one job per batch of ``limit`` approvers with time waiting longer than the
        company's limit that they were not reminded of; return the number of jobs."""
        approvers = self.env["res.users"].union(*self._get_approver_waiting())
        description = _("Timesheet compliance: remind approvers")
        batches = [
            self.browse()._ps_delayable(description)._job_remind_approvers_batch(ids)
            for ids in split_every(limit, approvers.ids, list)
        ]
        for batch in batches:
            batch.delay()
        return len(batches)

    @api.model
    def _job_remind_approvers_batch(self, approver_ids):
        """Job: mail each of these approvers once per employee and period about the time still waiting for
        them that they were not reminded of; return {"reminded": number of approvers mailed}."""
        approvers = self.env["res.users"].sudo().browse(approver_ids).exists()
        by_approver = self._get_approver_waiting(approvers)
        failed = self._ps_run_each(
            list(by_approver),
            lambda approver: self._send_approver_reminder(approver, by_approver[approver]),
            "remind approver",
        )
        return {"reminded": len(by_approver) - len(failed)}

    @api.model
    def _send_approver_reminder(self, approver, groups):
        """Mail ``approver`` about ``groups`` {(employee, start, end): waiting lines}; return the reminders."""
        ordered = sorted(groups.items(), key=lambda item: (item[0][0].name or "", item[0][1]))
        reminders = self.sudo().create(
            [
                {
                    "kind": "approval",
                    "employee_id": employee.id,
                    "user_id": approver.id,
                    "company_id": employee.company_id.id,
                    "period_start": start,
                    "period_end": end,
                    "hours": sum(lines.mapped("unit_amount")),
                }
                for (employee, start, end), lines in ordered
            ]
        )
        rows = [
            {
                "employee": employee.name,
                "period": "%s → %s" % (format_date(self.env, start), format_date(self.env, end)),
                "hours": sum(lines.mapped("unit_amount")),
                "count": len(lines),
                "oldest": format_date(self.env, min(lines.mapped("ps_submitted_on")).date()),
            }
            for (employee, start, end), lines in ordered
        ]
        template = self.env.ref("ps_timesheet_compliance.mail_template_approver_reminder")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .browse(template.sudo().with_context(ps_waiting_rows=rows).send_mail(approver.id))
        )
        reminders.write({"mail_message_id": mail.mail_message_id.id})
        _logger.info("Timesheet compliance: reminded %s of %s waiting periods.", approver.login, len(rows))
        return reminders

    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for reminder in self:
            reminder.display_name = _(
                "%(kind)s · %(employee)s · %(start)s",
                kind=labels.get(reminder.kind, ""),
                employee=reminder.employee_id.name or "",
                start=format_date(self.env, reminder.period_start),
            )
