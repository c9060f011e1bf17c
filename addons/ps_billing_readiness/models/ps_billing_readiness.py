# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"


class PsBillingReadiness(models.Model):
    """Whether an engagement can be invoiced for one billing period, and why not.

    The model is written in files by concern: this one holds its state and the
    users' actions; ``_evaluation`` the periods and the evaluation (the
    ``ReadinessEvaluation`` every check reads), ``_checks`` the core's checks,
    ``_drafting`` the invoice drafts and activities, ``_run`` the billing run.
    """

    _name = "ps.billing.readiness"
    _description = "Billing Readiness"
    _inherit = [
        "ps.protected.mixin",
        "ps.period.mixin",
        "ps.cron.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "period_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True, precompute=True)
    sale_order_id = fields.Many2one(
        "sale.order", "Engagement", required=True, ondelete="cascade", index=True, check_company=True, readonly=True
    )
    project_id = fields.Many2one("project.project", readonly=True, index=True, check_company=True)
    # Computed before the INSERT of a batch of new records, not written back one UPDATE per record.
    partner_id = fields.Many2one(related="sale_order_id.partner_id", store=True, precompute=True, string="Client")
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True, precompute=True, index=True)
    currency_id = fields.Many2one(related="sale_order_id.currency_id", store=True, precompute=True)
    billing_model = fields.Selection(related="sale_order_id.ps_billing_model", store=True, precompute=True)
    period_start = fields.Date(required=True, readonly=True)
    period_end = fields.Date(required=True, readonly=True)
    cutoff_date = fields.Date(required=True, readonly=True, help="After this date the period is drafted if ready.")
    state = fields.Selection(
        [("not_ready", "Not Ready"), ("blocked", "Blocked"), ("ready", "Ready"), ("invoiced", "Invoiced")],
        default="not_ready",
        required=True,
        readonly=True,
        index=True,
        group_expand="_group_expand_states",
        help="Set by the evaluation, which writes no note for it: each owner's digest activity lists "
        "the blocked periods. A person's decisions (draft anyway, overrides) are traced in the chatter.",
    )
    finding_ids = fields.One2many("ps.readiness.finding", "readiness_id", readonly=True)
    blocking_count = fields.Integer(compute="_compute_finding_counts")
    warning_count = fields.Integer(compute="_compute_finding_counts")
    owner_id = fields.Many2one(
        "res.users",
        "Owner",
        tracking=True,
        index=True,
        help="Who resolves the findings: the project manager by default.",
    )
    blocked_since = fields.Date(readonly=True)
    blocked_days = fields.Integer("Days Blocked", compute="_compute_blocked_days")
    escalated_on = fields.Date(readonly=True, copy=False)
    evaluated_on = fields.Datetime(readonly=True)
    invoice_id = fields.Many2one("account.move", "Invoice Draft", readonly=True, copy=False, check_company=True)
    amount_deliverable = fields.Monetary(
        readonly=True, help="Delivered value not yet invoiced, up to the end of the period."
    )
    amount_ready = fields.Monetary(readonly=True, help="Deliverable value that no blocking finding holds back.")
    amount_blocked = fields.Monetary(readonly=True, help="Deliverable value held back by blocking findings.")
    amount_at_risk = fields.Monetary(readonly=True, help="Sum of the findings' amounts at risk.")
    # The same amounts in the company's currency (at the rate of the day of the evaluation): the
    # ones to add up across engagements priced in different currencies.
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    amount_deliverable_company = fields.Monetary(
        "Deliverable (Company Currency)", currency_field="company_currency_id", readonly=True
    )
    amount_ready_company = fields.Monetary(
        "Ready (Company Currency)", currency_field="company_currency_id", readonly=True
    )
    amount_blocked_company = fields.Monetary(
        "Blocked (Company Currency)", currency_field="company_currency_id", readonly=True
    )
    amount_at_risk_company = fields.Monetary(
        "At Risk (Company Currency)", currency_field="company_currency_id", readonly=True
    )
    cutoff_passed = fields.Boolean(compute="_compute_cutoff_passed")
    can_draft = fields.Boolean(compute="_compute_can_draft")
    cannot_draft_reason = fields.Char(compute="_compute_can_draft")

    _sql_constraints = [
        ("order_period_uniq", "unique(sale_order_id, period_start)", "One readiness record per engagement and period."),
        ("period_check", "check(period_start <= period_end)", "A period cannot end before it starts."),
    ]

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("sale_order_id.name", "period_start", "period_end")
    def _compute_name(self):
        names = self._ps_get_period_names([(r.sale_order_id.name, r.period_start, r.period_end) for r in self])
        for record, name in zip(self, names, strict=True):
            record.name = name

    @api.model
    def _ps_get_period_names(self, periods):
        """Return the name of each (engagement name, start, end) of ``periods``: "<engagement> · <start> → <end>"."""
        # A batch shares a few dates: each is written once (the language lookup costs more than the writing).
        labels = {day: format_date(self.env, day) for day in {day for _name, *days in periods for day in days}}
        return [
            "%s · %s → %s" % (name or "", labels.get(start, ""), labels.get(end, "")) for name, start, end in periods
        ]

    def _compute_finding_counts(self):
        counts = {
            (readiness.id, severity): count
            for readiness, severity, count in self.env["ps.readiness.finding"]._read_group(
                [("readiness_id", "in", self.ids)], ["readiness_id", "severity"], ["__count"]
            )
        }
        for record in self:
            record.blocking_count = counts.get((record.id, "blocking"), 0)
            record.warning_count = counts.get((record.id, "warning"), 0)

    def _ps_get_today_by_company(self):
        """Return {company: today in its time zone} for the companies of these records."""
        return {company: company._ps_today() for company in self.company_id}

    def _compute_blocked_days(self):
        today = self._ps_get_today_by_company()
        for record in self:
            blocked_since = record.blocked_since
            record.blocked_days = max(0, (today[record.company_id] - blocked_since).days) if blocked_since else 0

    def _compute_cutoff_passed(self):
        today = self._ps_get_today_by_company()
        for record in self:
            record.cutoff_passed = bool(record.cutoff_date) and record.cutoff_date < today[record.company_id]

    @api.depends_context("uid")
    @api.depends("state", "invoice_id", "cutoff_date")
    def _compute_can_draft(self):
        is_controller = self.env.user.has_group(GROUP_FINANCE_CONTROLLER)
        for record in self:
            reason = record._get_cannot_draft_reason(is_controller)
            record.can_draft = not reason
            record.cannot_draft_reason = reason

    def _get_cannot_draft_reason(self, is_controller):
        """Return why the current user cannot draft this record now, or False."""
        self.ensure_one()
        if not is_controller:
            return _("Only a Finance Controller can create invoice drafts.")
        if self.invoice_id:
            return _("This period already has its invoice draft %s.", self.invoice_id.display_name)
        if self.state != "ready":
            return _(
                "Only a ready period can be drafted (this one is %s).",
                dict(self._fields["state"]._description_selection(self.env))[self.state],
            )
        if self.cutoff_date >= self.company_id._ps_today():
            return _(
                "The cutoff of this period is %s: draft it after that date.", format_date(self.env, self.cutoff_date)
            )
        return False

    @api.model
    def _group_expand_states(self, states, domain, order):
        return [key for key, _label in self._fields["state"].selection]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return every stored field the engine sets: only the owner is assigned by people."""
        return super()._get_ps_protected_fields() | {
            "name",
            "sale_order_id",
            "project_id",
            "partner_id",
            "company_id",
            "currency_id",
            "billing_model",
            "period_start",
            "period_end",
            "cutoff_date",
            "state",
            "finding_ids",
            "blocked_since",
            "escalated_on",
            "evaluated_on",
            "invoice_id",
            "amount_deliverable",
            "amount_ready",
            "amount_blocked",
            "amount_at_risk",
            "amount_deliverable_company",
            "amount_ready_company",
            "amount_blocked_company",
            "amount_at_risk_company",
        }

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        if any(record.invoice_id for record in self):
            raise UserError(_("A period that has its invoice draft cannot be deleted."))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_evaluate(self):
        """Re-evaluate these periods now."""
        self.check_access_rights("read")
        self.check_access_rule("read")
        self.sudo()._evaluate()
        return True

    def action_create_invoice_draft(self):
        """Create the invoice draft of ready periods whose cutoff has passed."""
        is_controller = self.env.user.has_group(GROUP_FINANCE_CONTROLLER)
        # The earlier ready periods of the same engagements go with them: their draft bills them too.
        last_end = self._get_last_period_end_by_order()
        records = self | self.search(
            [("sale_order_id", "in", self.sale_order_id.ids), ("state", "=", "ready"), ("invoice_id", "=", False)]
        ).filtered(lambda r: r.period_end < last_end[r.sale_order_id])
        for record in records:
            reason = record._get_cannot_draft_reason(is_controller)
            if reason:
                raise UserError(reason)
        moves = records.sudo()._create_invoice_drafts()
        if len(moves) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "account.move",
                "res_id": moves.id,
                "views": [(False, "form")],
            }
        return True

    def action_draft_anyway(self):
        """Open the wizard that drafts a blocked period with a reason."""
        self._check_can_draft_anyway()
        return {
            "type": "ir.actions.act_window",
            "name": _("Draft Anyway"),
            "res_model": "ps.readiness.draft.anyway",
            "view_mode": "form",
            "target": "new",
            "context": {"default_readiness_id": self.id},
        }

    def action_open_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "views": [(False, "form")],
        }

    def action_open_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "views": [(False, "form")],
        }

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
        }

    @api.model
    def _get_list_action(self, records):
        action = self.env["ir.actions.act_window"]._for_xml_id("ps_billing_readiness.ps_billing_readiness_action")
        action["domain"] = [("id", "in", records.ids)]
        action["context"] = {}
        return action

    @api.model
    def _ps_get_landing_action(self):
        """Return the action the app opens on for the current user: each role lands on its own work.

        A finance controller: the readiness board; a project manager: the exceptions of their
        engagements; a consultant: their timesheets. Modules extend it with ``super()`` to send a
        role to what they own (the compliance module: the timesheets waiting for a manager).
        """
        user = self.env.user
        if user.has_group(GROUP_FINANCE_CONTROLLER):
            xmlid = "ps_billing_readiness.ps_billing_readiness_action"
        elif user.has_group("ps_billing_readiness.group_project_manager"):
            xmlid = "ps_billing_readiness.ps_billing_readiness_action_exceptions"
        else:
            xmlid = "hr_timesheet.act_hr_timesheet_line"
        return self.env["ir.actions.act_window"]._for_xml_id(xmlid)
