# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.addons.ps_billing_readiness.ps_db_defaults import set_db_defaults
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

_logger = logging.getLogger(__name__)

GROUP_PROJECT_MANAGER = "ps_billing_readiness.group_project_manager"
GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"
ACTIVITY_COLLECT_EVIDENCE = "ps_milestone_billing.mail_activity_type_collect_evidence"
ACTIVITY_ESCALATION = "ps_milestone_billing.mail_activity_type_acceptance_escalation"
CRON_BATCH = 200
ACCEPTANCE_STATES = [
    ("pending", "Not Reached"),
    ("awaiting", "Awaiting Acceptance"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
]


class ProjectMilestone(models.Model):
    _name = "project.milestone"
    _inherit = [
        "ps.protected.mixin",
        "ps.readiness.watch.mixin",
        "ps.cron.mixin",
        "project.milestone",
        "mail.activity.mixin",
    ]

    def init(self):
        # The required column gets its default in PostgreSQL too (see ps_db_defaults).
        res = super().init()
        set_db_defaults(self, {"ps_acceptance_state": "pending"})
        return res

    ps_acceptance_required = fields.Boolean(
        related="sale_line_id.order_id.ps_milestone_acceptance_required",
        string="Acceptance Required",
    )
    ps_evidence_required = fields.Boolean(
        related="sale_line_id.order_id.ps_milestone_evidence_required",
        string="Evidence Required",
    )
    ps_acceptance_state = fields.Selection(
        ACCEPTANCE_STATES,
        string="Acceptance",
        default="pending",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Reaching the milestone asks the client for acceptance; where the engagement requires it, "
        "only accepted milestones are delivered and billed.",
    )
    ps_awaiting_since = fields.Date("Awaiting Since", readonly=True, copy=False, tracking=True)
    ps_accepted_on = fields.Datetime("Accepted On", readonly=True, copy=False, tracking=True)
    ps_accepted_by_name = fields.Char(
        "Signatory",
        readonly=True,
        copy=False,
        tracking=True,
        help="Who accepted the milestone for the client.",
    )
    ps_accepted_by_partner_id = fields.Many2one(
        "res.partner", "Accepted By (Contact)", readonly=True, copy=False, tracking=True
    )
    ps_accepted_by_user_id = fields.Many2one(
        "res.users",
        "Recorded By",
        readonly=True,
        copy=False,
        help="The user who recorded the acceptance.",
    )
    ps_acceptance_comment = fields.Text("Acceptance Comment", readonly=True, copy=False)
    ps_deemed_accepted = fields.Boolean(
        "Deemed Accepted",
        readonly=True,
        copy=False,
        tracking=True,
        help="Accepted because the client did not answer within the engagement's deemed-acceptance delay.",
    )
    ps_deemed_acceptance_date = fields.Date(
        "Deemed Accepted On",
        compute="_compute_ps_deemed_acceptance_date",
        store=True,
        help="If the client neither accepts nor rejects by this day, the milestone is deemed accepted.",
    )
    ps_reject_reason = fields.Text("Rejection Reason", readonly=True, copy=False, tracking=True)
    ps_escalated_on = fields.Date("Escalated On", readonly=True, copy=False)
    ps_evidence_count = fields.Integer("Evidence", compute="_compute_ps_evidence_count")
    ps_can_open = fields.Boolean(
        "Can Open",
        compute="_compute_ps_can_open",
        search="_search_ps_can_open",
        help="The current user may read the sales line (and so the engagement) this milestone bills.",
    )
    ps_can_accept = fields.Boolean(compute="_compute_ps_can_decide")
    ps_cannot_accept_reason = fields.Char(compute="_compute_ps_can_decide")
    ps_can_decide = fields.Boolean(
        compute="_compute_ps_can_decide",
        help="The current user may record the client's decision on this milestone.",
    )
    ps_can_reject = fields.Boolean(compute="_compute_ps_can_decide")

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("is_reached")
    def _compute_reached_date(self):
        # The day a milestone is reached dates the billing period it delivers in: the firm's
        # calendar day, not the day of whoever ticks it (Odoo takes the user's time zone).
        for milestone in self:
            milestone.reached_date = milestone.is_reached and milestone._ps_get_company()._ps_today()

    @api.depends(
        "ps_acceptance_state",
        "ps_awaiting_since",
        "sale_line_id.order_id.ps_deemed_acceptance_days",
    )
    def _compute_ps_deemed_acceptance_date(self):
        for milestone in self:
            days = milestone.sale_line_id.order_id.ps_deemed_acceptance_days
            if milestone.ps_acceptance_state == "awaiting" and milestone.ps_awaiting_since and days > 0:
                milestone.ps_deemed_acceptance_date = milestone.ps_awaiting_since + timedelta(days=days)
            else:
                milestone.ps_deemed_acceptance_date = False

    def _compute_ps_evidence_count(self):
        counts = dict(
            self.env["ir.attachment"]
            .sudo()
            ._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)],
                ["res_id"],
                ["__count"],
            )
        )
        for milestone in self:
            milestone.ps_evidence_count = counts.get(milestone.id, 0)

    @api.depends_context("uid")
    def _compute_ps_can_open(self):
        readable = self.env["sale.order.line"].search([("id", "in", self.sale_line_id.ids)])
        for milestone in self:
            milestone.ps_can_open = bool(milestone.sale_line_id) and milestone.sale_line_id in readable

    def _search_ps_can_open(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on whether you can open a milestone."))
        # The sales lines the user may read, with their record rules: what opening the milestone reads.
        readable_lines = self.env["sale.order.line"]._search([])
        domain = [("sale_line_id", "in", readable_lines)]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends_context("uid")
    @api.depends("ps_acceptance_state", "project_id.user_id")
    def _compute_ps_can_decide(self):
        managed = self.filtered(lambda m: m._ps_is_manager())
        # An accepted milestone already invoiced cannot be rejected: one query for the batch.
        invoiced = managed.filtered(lambda m: m.ps_acceptance_state == "accepted")._ps_get_invoiced()
        for milestone in self:
            reason = milestone._ps_get_cannot_accept_reason()
            is_manager = milestone in managed
            milestone.ps_can_decide = is_manager
            milestone.ps_can_accept = not reason
            milestone.ps_cannot_accept_reason = reason
            milestone.ps_can_reject = (
                is_manager and milestone.ps_acceptance_state in ("awaiting", "accepted") and milestone not in invoiced
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if "is_reached" in vals and not vals["is_reached"]:
            unreached = self.filtered(lambda m: m.is_reached and m.ps_acceptance_state != "pending")
            unreached._ps_check_acceptance_undoable()
            res = super().write(vals)
            unreached._ps_reset_to_pending()
            return res
        reached = self.filtered(lambda m: not m.is_reached) if vals.get("is_reached") else self.browse()
        res = super().write(vals)
        self.env["ps.billing.event.hook"]._ps_emit_event("milestone.reached", reached)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced_acceptance(self):
        self._ps_check_acceptance_undoable()

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_ps_accept(self, signatory_name=None, partner=None, comment=None):
        """Record the client's acceptance (project manager of the project or finance controller)."""
        self._ps_check_can_accept()
        self._ps_do_accept(signatory_name=signatory_name, partner=partner, comment=comment)
        return True

    def action_ps_reject(self, reason=None):
        """Record the client's rejection of these milestones; a reason is required."""
        self._ps_check_can_reject(reason)
        self._ps_do_reject(reason)
        return True

    def action_ps_resubmit(self):
        """Submit rejected milestones to the client again, once the issue is fixed."""
        self._ps_check_is_manager()
        for milestone in self:
            if milestone.ps_acceptance_state != "rejected":
                raise UserError(
                    _(
                        "Only a rejected milestone can be resubmitted (%s is not).",
                        milestone.name,
                    )
                )
        self._ps_mark_awaiting()
        return True

    def action_ps_open_decision(self):
        """Open the wizard recording the client's acceptance or rejection."""
        decision = self.env.context.get("ps_decision", "accept")
        if decision == "accept":
            self._ps_check_can_accept()
        else:
            self._ps_check_is_manager()
        return {
            "type": "ir.actions.act_window",
            "name": _("Accept Milestone") if decision == "accept" else _("Reject Milestone"),
            "res_model": "ps.milestone.decision",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_milestone_ids": self.ids,
                "default_decision": decision,
            },
        }

    def action_ps_view_evidence(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("base.action_attachment")
        action.update(
            name=_("Evidence of %s", self.name),
            domain=[("res_model", "=", self._name), ("res_id", "=", self.id)],
            context={"default_res_model": self._name, "default_res_id": self.id},
        )
        return action

    # ------------------------------------------------------------
    # Business: rights and refusals
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return the fields that only the acceptance transitions (Accept, Reject, Resubmit) write."""
        return super()._get_ps_protected_fields() | {
            "ps_acceptance_state",
            "ps_awaiting_since",
            "ps_accepted_on",
            "ps_accepted_by_name",
            "ps_accepted_by_partner_id",
            "ps_accepted_by_user_id",
            "ps_acceptance_comment",
            "ps_deemed_accepted",
            "ps_reject_reason",
            "ps_escalated_on",
            "ps_deemed_acceptance_date",
        }

    def _ps_get_company(self):
        """Return the company whose calendar dates this milestone: its project's, else the current one."""
        self.ensure_one()
        return self.project_id.company_id or self.env.company

    def _ps_get_today_by_company(self, companies=None):
        """Return {company: today in its time zone} for ``companies`` (default: those of these milestones)."""
        companies = (self.project_id.company_id if companies is None else companies) | self.env.company
        return {company: company._ps_today() for company in companies}

    @api.model
    def _ps_get_day_start(self, company, day):
        """Return when ``day`` of ``company``'s calendar begins, as a naive UTC datetime (how Odoo stores them)."""
        tz = pytz.timezone(company._ps_get_tz())
        start = tz.localize(datetime.combine(fields.Date.to_date(day), time.min))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    def _ps_is_manager(self):
        """Return whether the current user may record a decision on this milestone."""
        self.ensure_one()
        user = self.env.user
        if user.has_group(GROUP_FINANCE_CONTROLLER):
            return True
        return user.has_group(GROUP_PROJECT_MANAGER) and self.project_id.user_id == user

    def _ps_check_is_manager(self):
        for milestone in self:
            if not milestone._ps_is_manager():
                raise AccessError(
                    _(
                        "Only the project manager of %(project)s or a finance controller can record the client's "
                        "decision on milestone %(milestone)s.",
                        project=milestone.project_id.display_name,
                        milestone=milestone.name,
                    )
                )

    def _ps_get_cannot_accept_reason(self, check_user=True):
        """Return why this milestone cannot be accepted now, or False."""
        self.ensure_one()
        if check_user and not self._ps_is_manager():
            return _("Only the project manager of the project or a finance controller can accept a milestone.")
        if self.ps_acceptance_state != "awaiting":
            return _(
                "Only a milestone awaiting acceptance can be accepted (%(milestone)s is %(state)s).",
                milestone=self.name,
                state=dict(ACCEPTANCE_STATES)[self.ps_acceptance_state].lower(),
            )
        if self.ps_evidence_required and not self.sudo().ps_evidence_count:
            return _(
                "The engagement requires evidence: attach it to milestone %s before accepting it.",
                self.name,
            )
        return False

    def _ps_check_can_accept(self, check_user=True):
        if check_user:
            self._ps_check_is_manager()
        for milestone in self:
            reason = milestone._ps_get_cannot_accept_reason(check_user=False)
            if reason:
                raise UserError(reason)

    def _ps_check_can_reject(self, reason, check_user=True):
        if not (reason or "").strip():
            raise UserError(_("Say why the milestone is rejected: a reason is required."))
        if check_user:
            self._ps_check_is_manager()
        for milestone in self:
            if milestone.ps_acceptance_state not in ("awaiting", "accepted"):
                raise UserError(
                    _(
                        "Only a milestone awaiting acceptance or accepted can be rejected (%s is not).",
                        milestone.name,
                    )
                )
        self.filtered(lambda m: m.ps_acceptance_state == "accepted")._ps_check_acceptance_undoable()

    def _ps_check_acceptance_undoable(self):
        invoiced = self._ps_get_invoiced()
        if invoiced:
            raise UserError(
                _(
                    "Milestone %s is accepted and already invoiced: its acceptance cannot be undone. "
                    "Issue a credit note first.",
                    ", ".join(invoiced.mapped("name")),
                )
            )

    def _ps_get_invoiced(self):
        """Return those of these milestones whose accepted quantity is already invoiced.

        A sale line knows how much of it is invoiced, not which milestones: the
        invoiced quantity covers the accepted milestones in the order they were accepted.
        """
        accepted = self.filtered(lambda m: m.ps_acceptance_state == "accepted" and m.sale_line_id)
        if not accepted:
            return self.browse()
        lines = accepted.sale_line_id
        all_accepted = self.sudo().search(
            [
                ("sale_line_id", "in", lines.ids),
                ("ps_acceptance_state", "=", "accepted"),
            ],
            order="ps_accepted_on, id",
        )
        by_line = defaultdict(lambda: self.browse())
        for milestone in all_accepted:
            by_line[milestone.sale_line_id] |= milestone
        invoiced = self.browse()
        for line, milestones in by_line.items():
            covered = 0.0
            for milestone in milestones:
                covered += milestone.quantity_percentage * line.product_uom_qty
                if (
                    float_compare(
                        covered,
                        line.qty_invoiced,
                        precision_rounding=line.product_uom.rounding,
                    )
                    <= 0
                ):
                    invoiced |= milestone
        return invoiced.with_env(self.env) & accepted
