# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.addons.ps_billing_readiness.ps_db_defaults import set_db_defaults
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import float_compare, format_date

GROUP_CONSULTANT = "ps_billing_readiness.group_consultant"
GROUP_PROJECT_MANAGER = "ps_billing_readiness.group_project_manager"
GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"

PS_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
# Written only by the approval methods (as superuser), never by a form or an import.
STATE_FIELDS = ("ps_state", "ps_submitted_on", "ps_approved_by_id", "ps_approved_on", "ps_reject_reason")
ANOMALY_CODES = ("over_daily_max", "weekend_holiday", "no_description", "unusual_hours")
# What the hours of a compliance record are made of: changing one refreshes the record at once.
COMPLIANCE_FIELDS = ("ps_state", "unit_amount", "date", "employee_id", "project_id")
# The employee's "own recent average": the days they logged in the last four weeks, at least five of them.
HISTORY_DAYS = 28
MIN_HISTORY_DAYS = 5


class AccountAnalyticLine(models.Model):
    _name = "account.analytic.line"
    _inherit = ["ps.protected.mixin", "account.analytic.line", "mail.thread"]

    def init(self):
        # The required column gets its default in PostgreSQL too (see ps_db_defaults).
        res = super().init()
        set_db_defaults(self, {"ps_state": "draft"})
        return res

    ps_state = fields.Selection(
        PS_STATES,
        string="Approval",
        default="draft",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        help="Draft and rejected time is the consultant's; submitted time waits for an approver; "
        "approved time is locked and, when the company invoices approved time only, billable.",
    )
    ps_submitted_on = fields.Datetime("Submitted On", readonly=True, copy=False, tracking=True)
    ps_approved_by_id = fields.Many2one("res.users", "Approved By", readonly=True, copy=False, tracking=True)
    ps_approved_on = fields.Datetime("Approved On", readonly=True, copy=False, tracking=True)
    ps_reject_reason = fields.Text("Reject Reason", readonly=True, copy=False, tracking=True)
    ps_can_approve = fields.Boolean("Can Approve", compute="_compute_ps_can_approve", search="_search_ps_can_approve")
    ps_cannot_approve_reason = fields.Char(compute="_compute_ps_can_approve")

    # Advisory anomaly flags: shown to the approver, never blocking.
    ps_flag_over_daily_max = fields.Boolean(
        "Over Daily Maximum", compute="_compute_ps_anomaly_flags", search="_search_ps_flag_over_daily_max"
    )
    ps_flag_weekend_holiday = fields.Boolean(
        "Weekend or Holiday", compute="_compute_ps_anomaly_flags", search="_search_ps_flag_weekend_holiday"
    )
    ps_flag_no_description = fields.Boolean(
        "No Description", compute="_compute_ps_anomaly_flags", search="_search_ps_flag_no_description"
    )
    ps_flag_unusual_hours = fields.Boolean(
        "Unusual Hours", compute="_compute_ps_anomaly_flags", search="_search_ps_flag_unusual_hours"
    )
    ps_anomaly_count = fields.Integer("Anomalies", compute="_compute_ps_anomaly_flags")
    ps_anomaly_summary = fields.Char("Anomaly Flags", compute="_compute_ps_anomaly_flags")

    # ------------------------------------------------------------
    # Compute / search
    # ------------------------------------------------------------

    @api.depends_context("uid")
    @api.depends("ps_state", "project_id.user_id", "employee_id")
    def _compute_ps_can_approve(self):
        user = self.env.user
        for line in self:
            reason = line._get_ps_cannot_review_reason(user, ("submitted",))
            line.ps_can_approve = not reason
            line.ps_cannot_approve_reason = reason or False

    def _search_ps_can_approve(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on whether you can approve a timesheet."))
        domain = [("ps_state", "=", "submitted"), ("project_id", "!=", False)] + self._get_ps_approvable_domain(
            self.env.user
        )
        if (operator == "=") == value:
            return domain
        return ["!", *expression.AND([domain])]

    @api.model
    def _ps_get_approved_time_domain(self):
        """Return the approved timesheets only: a retainer draws down approved time (core hook)."""
        return expression.AND([super()._ps_get_approved_time_domain(), [("ps_state", "=", "approved")]])

    @api.model
    def _get_ps_approvable_domain(self, user):
        """Return the domain of the timesheet lines ``user`` may review (approve, reject, reset)."""
        domain = [("user_id", "!=", user.id)]
        if user.has_group(GROUP_FINANCE_CONTROLLER):
            return domain
        if not user.has_group(GROUP_PROJECT_MANAGER):
            return [("id", "=", 0)]
        # Employees are read through hr.employee.public by non-HR users: the approver is searched as superuser.
        approved_employees = self.env["hr.employee"].sudo()._search([("ps_timesheet_approver_id", "=", user.id)])
        return domain + ["|", ("project_id.user_id", "=", user.id), ("employee_id", "in", approved_employees)]

    def _compute_ps_anomaly_flags(self):
        lines = self.filtered(lambda line: line.id and line.project_id)
        found = lines._read_ps_anomalies() if lines else {}
        labels = dict(self._get_ps_anomaly_labels())
        for line in self:
            codes = found.get(line.id, set()) if line.id else set()
            line.ps_flag_over_daily_max = "over_daily_max" in codes
            line.ps_flag_weekend_holiday = "weekend_holiday" in codes
            line.ps_flag_no_description = "no_description" in codes
            line.ps_flag_unusual_hours = "unusual_hours" in codes
            line.ps_anomaly_count = len(codes)
            line.ps_anomaly_summary = ", ".join(labels[code] for code in ANOMALY_CODES if code in codes) or False

    def _search_ps_flag_over_daily_max(self, operator, value):
        return self._search_ps_anomaly("over_daily_max", operator, value)

    def _search_ps_flag_weekend_holiday(self, operator, value):
        return self._search_ps_anomaly("weekend_holiday", operator, value)

    def _search_ps_flag_no_description(self, operator, value):
        return self._search_ps_anomaly("no_description", operator, value)

    def _search_ps_flag_unusual_hours(self, operator, value):
        return self._search_ps_anomaly("unusual_hours", operator, value)

    def _search_ps_anomaly(self, code, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on an anomaly flag."))
        self._flush_ps_anomaly_sources()
        query, params = self._get_ps_anomaly_query(code)
        positive = (operator == "=") == value
        return [("id", "inselect" if positive else "not inselect", (query, params))]

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("unit_amount", "project_id")
    def _check_ps_hours_not_negative(self):
        for line in self:
            if line.project_id and float_compare(line.unit_amount, 0.0, precision_digits=2) < 0:
                raise ValidationError(
                    _(
                        "Time cannot be negative (%(hours).2f hours on %(date)s).",
                        hours=line.unit_amount,
                        date=format_date(self.env, line.date),
                    )
                )

    @api.constrains("project_id")
    def _check_ps_project_active(self):
        for line in self:
            if line.project_id and not line.project_id.sudo().active:
                raise ValidationError(
                    _("The project %s is archived: time cannot be logged on it.", line.project_id.sudo().display_name)
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return the approval fields: set by Submit, Approve, Reject and Reset only."""
        return super()._get_ps_protected_fields() | set(STATE_FIELDS)

    @api.model_create_multi
    def create(self, vals_list):
        # A timesheet is no discussion thread: logging it must not cost a message and a follower.
        lines = super(
            AccountAnalyticLine, self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        ).create(vals_list)
        self.env["ps.timesheet.compliance"]._refresh_for_lines(lines._get_ps_compliance_keys())
        return lines.with_env(self.env)

    def write(self, vals):
        # The employees and days before the change too: time moved away leaves its period short.
        keys = self._get_ps_compliance_keys() if set(vals) & set(COMPLIANCE_FIELDS) else None
        locked_fields = set(vals) & set(self._get_ps_locked_fields())
        back_to_draft = self.browse()
        if locked_fields and not self._ps_unlocked():
            changed = self.filtered(lambda line: line._ps_changes(vals, locked_fields))
            changed._check_ps_not_locked(locked_fields)
            back_to_draft = changed.filtered(lambda line: line.ps_state == "submitted")
        res = super().write(vals)
        if back_to_draft:
            # What the approver would approve is no longer what was submitted.
            back_to_draft.sudo().write({"ps_state": "draft", "ps_submitted_on": False})
            for line in back_to_draft:
                line.sudo().message_post(
                    body=_("Changed after submission by %s: back to draft, submit it again.", self.env.user.name)
                )
        if keys is not None:
            self.env["ps.timesheet.compliance"]._refresh_for_lines(keys | self._get_ps_compliance_keys())
        return res

    def unlink(self):
        keys = self._get_ps_compliance_keys()
        res = super().unlink()
        self.env["ps.timesheet.compliance"]._refresh_for_lines(keys)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if not self._ps_unlocked() and any(line.ps_state == "approved" for line in self):
            raise UserError(
                _("An approved timesheet line cannot be deleted: an approver must reset it to draft first.")
            )

    def _compute_so_line(self):
        # Approved time keeps the sales order item it was approved on.
        locked = self.filtered(lambda line: line.ps_state == "approved") if not self._ps_unlocked() else self.browse()
        return super(AccountAnalyticLine, self - locked)._compute_so_line()

    def _compute_project_id(self):
        locked = self.filtered(lambda line: line.ps_state == "approved") if not self._ps_unlocked() else self.browse()
        return super(AccountAnalyticLine, self - locked)._compute_project_id()

    def _is_readonly(self):
        return super()._is_readonly() or self.ps_state in self._get_ps_readonly_states()

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_ps_submit(self):
        """The consultant submits their own draft or rejected lines for approval."""
        self._check_can_ps_submit()
        self._do_ps_submit()
        return True

    def action_ps_approve(self):
        """An approver approves submitted lines of others."""
        self._check_can_ps_review(("submitted",), _("approve"))
        self._do_ps_approve()
        return True

    def action_ps_reject(self):
        """Open the wizard that rejects submitted lines with a reason."""
        self._check_can_ps_review(("submitted",), _("reject"))
        return {
            "type": "ir.actions.act_window",
            "name": _("Reject Timesheets"),
            "res_model": "ps.timesheet.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_ids": [fields.Command.set(self.ids)]},
        }

    def action_ps_reset_to_draft(self):
        """An approver sends submitted, approved or rejected lines back to draft (traced)."""
        self._check_can_ps_review(("submitted", "approved", "rejected"), _("reset"))
        self._check_ps_not_invoiced()
        self._do_ps_reset_to_draft()
        return True

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _get_ps_compliance_keys(self):
        """Return {(employee id, date)} of these timesheet lines (with a project): the compliance they count in."""
        return {(line.employee_id.id, line.date) for line in self.sudo() if line.project_id and line.employee_id}

    def _get_ps_locked_fields(self):
        """Return the fields that cannot change on approved lines (and send submitted lines back to draft)."""
        return ("date", "unit_amount", "employee_id", "project_id", "task_id", "so_line", "name")

    def _get_ps_readonly_states(self):
        """Return the approval states in which the timesheet views show a line read-only."""
        return ("approved",)

    def _ps_unlocked(self):
        # The escape hatch for data fixes: an explicit context key, honoured for the superuser only.
        return self.env.su and self.env.context.get("ps_timesheet_unlock")

    def _ps_changes(self, vals, field_names):
        """Return whether ``vals`` change any of ``field_names`` on this line."""
        self.ensure_one()
        for name in field_names:
            field = self._fields[name]
            current, new = self[name], vals[name]
            if field.type == "many2one":
                if current.id != (new.id if isinstance(new, models.BaseModel) else (new or False)):
                    return True
            elif field.type == "date":
                if current != fields.Date.to_date(new):
                    return True
            elif field.type == "float":
                if float_compare(current or 0.0, new or 0.0, precision_digits=6):
                    return True
            elif (current or False) != (new or False):
                return True
        return False

    def _check_ps_not_locked(self, field_names):
        approved = self.filtered(lambda line: line.ps_state == "approved")
        if approved:
            labels = ", ".join(sorted(self._fields[name]._description_string(self.env) for name in field_names))
            line = approved[0]
            raise UserError(
                _(
                    "The timesheet line of %(employee)s on %(date)s is approved: %(fields)s cannot change. "
                    "Ask an approver to reset it to draft first.",
                    employee=line.sudo().employee_id.name,
                    date=format_date(self.env, line.date),
                    fields=labels,
                )
            )

    def _check_can_ps_submit(self):
        user = self.env.user
        for line in self:
            line_sudo = line.sudo()
            if not line_sudo.project_id:
                raise UserError(_("Only timesheet lines (with a project) are submitted for approval."))
            if line_sudo.employee_id.user_id != user:
                raise AccessError(
                    _(
                        "You can only submit your own timesheets (%(employee)s, %(date)s is not yours).",
                        employee=line_sudo.employee_id.name,
                        date=format_date(self.env, line.date),
                    )
                )
            if line.ps_state not in ("draft", "rejected"):
                raise UserError(
                    _(
                        "Only draft or rejected time can be submitted; the line of %(date)s is %(state)s.",
                        date=format_date(self.env, line.date),
                        state=line._ps_state_label(),
                    )
                )
            if not line_sudo.project_id.active:
                raise UserError(
                    _("The project %s is archived: its time cannot be submitted.", line_sudo.project_id.display_name)
                )

    def _check_can_ps_review(self, states, verb):
        if not self:
            raise UserError(_("Select the timesheet lines to %s.", verb))
        user = self.env.user
        for line in self:
            reason = line._get_ps_cannot_review_reason(user, states, verb)
            if reason:
                raise (AccessError if line._ps_reason_is_access(user) else UserError)(reason)

    def _ps_reason_is_access(self, user):
        self.ensure_one()
        line = self.sudo()
        return line.employee_id.user_id == user or not line._ps_is_approver(user)

    def _get_ps_cannot_review_reason(self, user, states, verb=None):
        """Return why ``user`` cannot approve, reject or reset this line from ``states``, or False."""
        self.ensure_one()
        verb = verb or _("approve")
        line = self.sudo()
        if not line.project_id:
            return _("Only timesheet lines (with a project) go through approval.")
        if line.employee_id.user_id and line.employee_id.user_id == user:
            return _("Nobody can %s their own timesheets, even as manager of the project.", verb)
        if not line._ps_is_approver(user):
            return _(
                "You cannot %(verb)s the time of %(employee)s on %(project)s: only the project's manager, "
                "the employee's timesheet approver or a finance controller can.",
                verb=verb,
                employee=line.employee_id.name,
                project=line.project_id.display_name,
            )
        if line.ps_state not in states:
            if line.ps_state == "approved" and "approved" not in states:
                return _(
                    "The line of %(employee)s on %(date)s is already approved.",
                    employee=line.employee_id.name,
                    date=format_date(self.env, line.date),
                )
            return _(
                "The line of %(employee)s on %(date)s is %(state)s: it cannot be %(verb)s now.",
                employee=line.employee_id.name,
                date=format_date(self.env, line.date),
                state=line._ps_state_label(),
                verb=verb,
            )
        return False

    def _ps_is_approver(self, user):
        """Return whether ``user`` approves the time of this line (leaving aside that it may be their own)."""
        self.ensure_one()
        if user.has_group(GROUP_FINANCE_CONTROLLER):
            return True
        if not user.has_group(GROUP_PROJECT_MANAGER):
            return False
        line = self.sudo()
        return line.project_id.user_id == user or line.employee_id.ps_timesheet_approver_id == user

    def _ps_state_label(self):
        self.ensure_one()
        return dict(self._fields["ps_state"]._description_selection(self.env))[self.ps_state]

    def _check_ps_not_invoiced(self):
        for line in self.sudo():
            if line.timesheet_invoice_id and line.timesheet_invoice_id.state != "cancel":
                raise UserError(
                    _(
                        "The line of %(employee)s on %(date)s is billed on %(invoice)s: it cannot go back to draft.",
                        employee=line.employee_id.name,
                        date=format_date(self.env, line.date),
                        invoice=line.timesheet_invoice_id.display_name,
                    )
                )

    def _do_ps_submit(self):
        self.sudo().write(
            {"ps_state": "submitted", "ps_submitted_on": fields.Datetime.now(), "ps_reject_reason": False}
        )

    def _do_ps_approve(self):
        self.sudo().write(
            {
                "ps_state": "approved",
                "ps_approved_by_id": self.env.uid,
                "ps_approved_on": fields.Datetime.now(),
                "ps_reject_reason": False,
            }
        )
        self.env["ps.billing.event.hook"]._ps_emit_event("timesheets.approved", self, one_event=True)

    def _ps_reject(self, reason):
        """Reject these submitted lines for ``reason`` and notify each consultant once."""
        if not (reason or "").strip():
            raise UserError(_("Say why the time is rejected: the consultant reads it."))
        self._check_can_ps_review(("submitted",), _("reject"))
        self.sudo().write(
            {
                "ps_state": "rejected",
                "ps_reject_reason": reason.strip(),
                "ps_approved_by_id": False,
                "ps_approved_on": False,
            }
        )
        self._notify_ps_rejection(reason.strip())
        return True

    def _notify_ps_rejection(self, reason):
        by_user = defaultdict(lambda: self.browse())
        for line in self.sudo():
            by_user[line.employee_id.user_id] |= line
        for user, lines in by_user.items():
            items = "".join(
                "<li>%s</li>"
                % _(
                    "%(date)s · %(project)s · %(hours).2f h · %(description)s",
                    date=format_date(self.env, line.date),
                    project=line.project_id.display_name,
                    hours=line.unit_amount,
                    description=line.name or "",
                )
                for line in lines
            )
            body = _("%(approver)s rejected your time: %(reason)s", approver=self.env.user.name, reason=reason)
            for line in lines:
                line.sudo().message_post(body=body)
            if user.partner_id:
                lines[0].sudo().message_notify(
                    partner_ids=user.partner_id.ids,
                    subject=_("Timesheets rejected by %s", self.env.user.name),
                    body=f"<p>{body}</p><ul>{items}</ul>",
                )

    def _do_ps_reset_to_draft(self):
        self.sudo().write(
            {
                "ps_state": "draft",
                "ps_submitted_on": False,
                "ps_approved_by_id": False,
                "ps_approved_on": False,
            }
        )
        for line in self.sudo():
            line.message_post(body=_("Reset to draft by %s.", self.env.user.name))

    # ------------------------------------------------------------
    # Synchronisation from other systems (core hooks, used by the REST API)
    # ------------------------------------------------------------

    def _ps_get_sync_locked_lines(self):
        """Return the approved lines: a synchronisation cannot change them (core hook)."""
        return super()._ps_get_sync_locked_lines() | self.filtered(lambda line: line.ps_state == "approved")

    def _ps_sync_submit(self):
        """Submit the draft or rejected lines (with a project) on behalf of their employees (core hook)."""
        lines = self.filtered(lambda line: line.project_id and line.ps_state in ("draft", "rejected"))
        lines._do_ps_submit()
        return super()._ps_sync_submit() | lines
