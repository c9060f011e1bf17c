# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.addons.ps_billing_readiness.ps_db_defaults import set_db_defaults
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, format_datetime

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
    _inherit = ["ps.protected.mixin", "ps.readiness.watch.mixin", "project.milestone", "mail.activity.mixin"]

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

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

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
        for milestone in self:
            reason = milestone._ps_get_cannot_accept_reason()
            milestone.ps_can_accept = not reason
            milestone.ps_cannot_accept_reason = reason

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
        return super().write(vals)

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

    # ------------------------------------------------------------
    # Business: transitions
    # ------------------------------------------------------------

    def _ps_write_acceptance(self, vals):
        milestones = self.sudo()
        milestones.write(vals)
        # The delivered quantities of the sales lines follow the acceptance: recompute
        # them now, as superuser, rather than at a later flush in the (portal) user's env.
        milestones.env.flush_all()

    def _ps_mark_awaiting(self):
        """Ask the client for acceptance of these reached milestones: state, date and the manager's activity."""
        milestones = self.filtered(
            lambda m: m.is_reached and m.ps_acceptance_required and m.ps_acceptance_state in ("pending", "rejected")
        )
        if not milestones:
            return
        milestones._ps_write_acceptance(
            {
                "ps_acceptance_state": "awaiting",
                "ps_awaiting_since": fields.Date.context_today(self),
                "ps_reject_reason": False,
                "ps_escalated_on": False,
            }
        )
        milestones._ps_schedule_evidence_activity()

    def _ps_schedule_evidence_activity(self):
        """Give the project manager one activity per milestone to collect the acceptance and its evidence."""
        activity_type = self.env.ref(ACTIVITY_COLLECT_EVIDENCE)
        runner = self.env["ps.batch.runner"]
        existing = {res_id for res_id, _user_id in runner._get_activity_keys(self, activity_type)}
        today = fields.Date.context_today(self)
        vals_list = []
        for milestone in self:
            user = milestone.project_id.user_id or milestone.sale_line_id.order_id.user_id
            if not user or milestone.id in existing:
                continue
            vals_list.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": milestone.id,
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "user_id": user.id,
                    "summary": _("Collect acceptance evidence"),
                    "note": _(
                        "Milestone %(milestone)s of %(order)s is reached: attach the evidence and collect the "
                        "client's acceptance.",
                        milestone=milestone.name,
                        order=milestone.sale_line_id.order_id.name,
                    ),
                    "date_deadline": today + timedelta(days=activity_type.delay_count or 0),
                }
            )
        if vals_list:
            self.env["mail.activity"].sudo().create(vals_list)

    def _ps_do_accept(self, signatory_name=None, partner=None, comment=None, deemed=False, ip=None):
        """Accept these milestones; ``ip`` is given for a decision the client made in the portal."""
        now = fields.Datetime.now()
        signatory = signatory_name or (partner and partner.name) or self.env.user.name
        self._ps_write_acceptance(
            {
                "ps_acceptance_state": "accepted",
                "ps_accepted_on": now,
                "ps_accepted_by_name": signatory,
                "ps_accepted_by_partner_id": partner.id if partner else False,
                "ps_accepted_by_user_id": False if deemed or ip or self.env.user.share else self.env.user.id,
                "ps_acceptance_comment": comment or False,
                "ps_deemed_accepted": deemed,
                "ps_reject_reason": False,
            }
        )
        self._ps_close_activities(_("Milestone accepted."))
        when = format_datetime(self.env, now)
        if deemed:
            body = _(
                "Deemed accepted on %(when)s: the client neither accepted nor rejected it in time.",
                when=when,
            )
        elif ip:
            body = _(
                "Accepted in the customer portal by %(signatory)s (%(partner)s) on %(when)s from IP address %(ip)s.",
                signatory=signatory,
                partner=partner.display_name,
                when=when,
                ip=ip,
            )
        else:
            body = _(
                "Accepted by %(signatory)s on %(when)s, recorded by %(user)s.",
                signatory=signatory,
                when=when,
                user=self.env.user.name,
            )
        if comment:
            body += " " + _("Comment: %s", comment)
        for milestone in self:
            milestone.sudo().message_post(body=body, author_id=partner.id if partner else None)

    def _ps_do_reject(self, reason, partner=None, ip=None):
        now = fields.Datetime.now()
        self._ps_write_acceptance(
            {
                "ps_acceptance_state": "rejected",
                "ps_reject_reason": reason,
                "ps_accepted_on": False,
                "ps_accepted_by_name": False,
                "ps_accepted_by_partner_id": False,
                "ps_accepted_by_user_id": False,
                "ps_acceptance_comment": False,
                "ps_deemed_accepted": False,
            }
        )
        self._ps_close_activities(_("Milestone rejected."))
        when = format_datetime(self.env, now)
        if ip:
            body = _(
                "Rejected in the customer portal by %(partner)s on %(when)s from IP address %(ip)s: %(reason)s",
                partner=partner.display_name,
                when=when,
                ip=ip,
                reason=reason,
            )
        else:
            body = _(
                "Rejected on %(when)s, recorded by %(user)s: %(reason)s",
                when=when,
                user=self.env.user.name,
                reason=reason,
            )
        for milestone in self:
            milestone.sudo().message_post(body=body, author_id=partner.id if partner else None)

    def _ps_reset_to_pending(self):
        self._ps_write_acceptance(
            {
                "ps_acceptance_state": "pending",
                "ps_awaiting_since": False,
                "ps_accepted_on": False,
                "ps_accepted_by_name": False,
                "ps_accepted_by_partner_id": False,
                "ps_accepted_by_user_id": False,
                "ps_acceptance_comment": False,
                "ps_deemed_accepted": False,
                "ps_escalated_on": False,
            }
        )
        self._ps_close_activities(_("Milestone no longer reached."))

    def _ps_close_activities(self, feedback):
        if self:
            self.sudo().activity_feedback([ACTIVITY_COLLECT_EVIDENCE, ACTIVITY_ESCALATION], feedback=feedback)

    # ------------------------------------------------------------
    # Business: portal
    # ------------------------------------------------------------

    @api.model
    def _ps_get_portal_domain(self, partner):
        """Return the domain of the milestones the client contact ``partner`` decides on in the portal."""
        return [
            (
                "sale_line_id.order_id.partner_id",
                "child_of",
                partner.commercial_partner_id.id,
            ),
            ("sale_line_id.order_id.ps_milestone_acceptance_required", "=", True),
            ("ps_acceptance_state", "in", ("awaiting", "accepted", "rejected")),
        ]

    def _ps_check_portal_decision(self, partner):
        self.ensure_one()
        if not self.sudo().filtered_domain(self._ps_get_portal_domain(partner)):
            raise AccessError(_("This milestone is not one of your engagements."))
        if self.ps_acceptance_state != "awaiting":
            raise UserError(_("Milestone %s is already decided.", self.name))

    def _ps_portal_accept(self, partner, signatory_name, comment=None, ip=None):
        """Record the acceptance the client contact ``partner`` signed in the portal."""
        self._ps_check_portal_decision(partner)
        if not (signatory_name or "").strip():
            raise UserError(_("Type your name to sign the acceptance."))
        self._ps_check_can_accept(check_user=False)
        self._ps_do_accept(
            signatory_name=signatory_name.strip(),
            partner=partner,
            comment=comment,
            ip=ip,
        )

    def _ps_portal_reject(self, partner, reason, ip=None):
        """Record the rejection the client contact ``partner`` gave in the portal."""
        self._ps_check_portal_decision(partner)
        self._ps_check_can_reject(reason, check_user=False)
        self._ps_do_reject(reason.strip(), partner=partner, ip=ip)

    def _ps_get_evidence(self):
        """Return the evidence files of this milestone."""
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "=", self.id)], order="id")
        )

    # ------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------

    @api.model
    def _ps_init_acceptance_state(self):
        """At install, count milestones already reached as accepted: they may be billed already."""
        reached = self.search([("is_reached", "=", True), ("ps_acceptance_state", "=", "pending")])
        for milestone in reached:
            milestone._ps_write_acceptance(
                {
                    "ps_acceptance_state": "accepted",
                    "ps_accepted_on": milestone.reached_date and fields.Datetime.to_datetime(milestone.reached_date),
                    "ps_accepted_by_name": _("Reached before acceptance tracking"),
                }
            )

    def _ps_get_readiness_orders(self):
        return self.sudo().sale_line_id.order_id.with_env(self.env)

    @api.model
    def _cron_ps_deemed_acceptance(self, limit=CRON_BATCH):
        """Accept as deemed the milestones awaiting longer than their engagement's delay, without rejection."""
        domain = [
            ("ps_acceptance_state", "=", "awaiting"),
            ("ps_deemed_acceptance_date", "!=", False),
            ("ps_deemed_acceptance_date", "<=", fields.Date.context_today(self)),
        ]
        # Milestones that cannot be accepted (evidence missing) are passed over, not retried
        # ahead of the others: the batch is taken among the acceptable ones.
        candidates = self.search(domain, order="ps_deemed_acceptance_date, id")
        acceptable = self.browse()
        for milestone in candidates:
            reason = milestone._ps_get_cannot_accept_reason(check_user=False)
            if reason:
                _logger.info("Deemed acceptance skipped for milestone %s: %s", milestone.id, reason)
            else:
                acceptable |= milestone
        batch = acceptable[:limit]
        runner = self.env["ps.batch.runner"]
        failed = runner._run_each(
            batch,
            lambda milestone: milestone._ps_do_accept(signatory_name=_("Deemed acceptance"), deemed=True),
            "deem accepted",
        )
        runner._commit_between_batches()
        if len(acceptable) > limit and len(failed) < len(batch):
            # Deemed acceptance is the first step of the billing run (ps.billing.readiness).
            self.env.ref("ps_billing_readiness.ir_cron_evaluate_readiness")._trigger()
        return len(batch) - len(failed)

    @api.model
    def _cron_ps_escalate_awaiting(self, limit=CRON_BATCH):
        """Escalate to the finance controllers, once, milestones awaiting longer than the company's delay."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search([])
        shortest = min(companies.mapped("ps_milestone_escalation_days") or [0])
        candidates = self.search(
            [
                ("ps_acceptance_state", "=", "awaiting"),
                ("ps_escalated_on", "=", False),
                ("ps_awaiting_since", "<=", today - timedelta(days=shortest)),
            ],
            order="ps_awaiting_since, id",
        )
        due = candidates.filtered(
            lambda m: (
                (today - m.ps_awaiting_since).days
                >= (m.project_id.company_id or self.env.company).ps_milestone_escalation_days
            )
        )
        batch = due[:limit]
        runner = self.env["ps.batch.runner"]
        failed = runner._run_each(batch, lambda milestone: milestone._ps_escalate(), "escalate")
        runner._commit_between_batches()
        if len(due) > limit and len(failed) < len(batch):
            self.env.ref("ps_milestone_billing.ir_cron_escalate_awaiting_acceptance")._trigger()
        return len(batch)

    def _ps_escalate(self):
        """Give each finance controller one activity about this milestone awaiting acceptance."""
        self.ensure_one()
        activity_type = self.env.ref(ACTIVITY_ESCALATION)
        company = self.project_id.company_id or self.env.company
        controllers = self.env["sale.order"].with_company(company)._ps_get_finance_controllers()
        runner = self.env["ps.batch.runner"]
        existing = {user_id for _res_id, user_id in runner._get_activity_keys(self, activity_type)}
        today = fields.Date.context_today(self)
        days = (today - self.ps_awaiting_since).days
        vals_list = [
            {
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": self.id,
                "activity_type_id": activity_type.id,
                "automated": True,
                "user_id": user.id,
                "summary": _("Milestone awaiting acceptance for %s days", days),
                "note": _(
                    "%(milestone)s of %(order)s has waited for the client's acceptance since %(since)s.",
                    milestone=self.name,
                    order=self.sale_line_id.order_id.name,
                    since=self.ps_awaiting_since,
                ),
                "date_deadline": today,
            }
            for user in controllers
            if user.id not in existing
        ]
        if vals_list:
            self.env["mail.activity"].sudo().create(vals_list)
        self._ps_write_acceptance({"ps_escalated_on": today})
        self.sudo().message_post(
            body=_(
                "Awaiting acceptance for %s days: escalated to the finance controllers.",
                days,
            )
        )
