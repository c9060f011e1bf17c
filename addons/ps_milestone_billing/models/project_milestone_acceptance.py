# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Milestones: acceptance transitions, the client portal and the scheduled actions."""

import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

from .project_milestone import ACTIVITY_COLLECT_EVIDENCE, ACTIVITY_ESCALATION, CRON_BATCH

_logger = logging.getLogger(__name__)


class ProjectMilestone(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "project.milestone"  # pylint: disable=consider-merging-classes-inherited

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
        # The client is asked on the firm's calendar day: escalation and deemed acceptance count from it.
        today = milestones._ps_get_today_by_company()
        by_day = defaultdict(lambda: self.browse())
        for milestone in milestones:
            by_day[today[milestone._ps_get_company()]] |= milestone
        for day, asked in by_day.items():
            asked._ps_write_acceptance(
                {
                    "ps_acceptance_state": "awaiting",
                    "ps_awaiting_since": day,
                    "ps_reject_reason": False,
                    "ps_escalated_on": False,
                }
            )
        milestones._ps_schedule_evidence_activity()

    def _ps_schedule_evidence_activity(self):
        """Give the project manager one activity per milestone to collect the acceptance and its evidence."""
        activity_type = self.env.ref(ACTIVITY_COLLECT_EVIDENCE)
        today = self._ps_get_today_by_company()
        self.env["ps.batch.runner"]._schedule_activities(
            activity_type,
            [
                {
                    "record": milestone,
                    "user": milestone.project_id.user_id or milestone.sale_line_id.order_id.user_id,
                    "summary": _("Collect acceptance evidence"),
                    "note": escape(
                        _(
                            "Milestone %(milestone)s of %(order)s is reached: attach the evidence and collect the "
                            "client's acceptance.",
                            milestone=milestone.name,
                            order=milestone.sale_line_id.order_id.name,
                        )
                    ),
                    "date_deadline": today[milestone._ps_get_company()]
                    + timedelta(days=activity_type.delay_count or 0),
                }
                for milestone in self
            ],
        )

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
        self.env["ps.billing.event.hook"]._ps_emit_event("milestone.accepted", self)
        self._ps_close_activities(_("Milestone accepted."))
        for milestone in self:
            when = milestone._ps_format_firm_datetime(now)
            if deemed:
                body = _(
                    "Deemed accepted on %(when)s: the client neither accepted nor rejected it in time.",
                    when=when,
                )
            elif ip:
                body = _(
                    "Accepted in the customer portal by %(signatory)s (%(partner)s) on %(when)s "
                    "from IP address %(ip)s.",
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
        self.env["ps.billing.event.hook"]._ps_emit_event("milestone.rejected", self)
        self._ps_close_activities(_("Milestone rejected."))
        for milestone in self:
            when = milestone._ps_format_firm_datetime(now)
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

    def _ps_format_firm_datetime(self, value):
        """Return ``value`` (UTC) as the firm's clock shows it: the chatter's trace reads the same
        for the client in the portal, the project manager abroad and the auditor."""
        self.ensure_one()
        tz = self._ps_get_company()._ps_get_tz()
        return f"{format_datetime(self.env, value, tz=tz)} ({tz})"

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
                    # Accepted as the reached day began on the firm's calendar: the same billing period.
                    "ps_accepted_on": milestone.reached_date
                    and self._ps_get_day_start(milestone._ps_get_company(), milestone.reached_date),
                    "ps_accepted_by_name": _("Reached before acceptance tracking"),
                }
            )

    def _ps_get_readiness_orders(self):
        return self.sudo().sale_line_id.order_id.with_env(self.env)

    @api.model
    def _ps_get_deemed_acceptance_due(self, domain=None):
        """Return the milestones (within ``domain``) awaiting longer than their engagement's delay, without
        rejection, that can be accepted, the earliest deemed date first."""
        # The deemed day is a day of the firm's calendar: each company's today, whoever runs this.
        today = self._ps_get_today_by_company(self.env["res.company"].sudo().search([]))
        domain = [
            ("ps_acceptance_state", "=", "awaiting"),
            ("ps_deemed_acceptance_date", "!=", False),
            ("ps_deemed_acceptance_date", "<=", max(today.values())),
            *(domain or []),
        ]
        candidates = self.search(domain, order="ps_deemed_acceptance_date, id").filtered(
            lambda m: m.ps_deemed_acceptance_date <= today[m._ps_get_company()]
        )
        # Milestones that cannot be accepted (evidence missing) are passed over, not retried
        # ahead of the others: the batches are made of the acceptable ones.
        acceptable = self.browse()
        for milestone in candidates:
            reason = milestone._ps_get_cannot_accept_reason(check_user=False)
            if reason:
                _logger.info("Deemed acceptance skipped for milestone %s: %s", milestone.id, reason)
            else:
                acceptable |= milestone
        return acceptable

    @api.model
    def _cron_ps_deemed_acceptance(self, limit=CRON_BATCH):
        """Dispatcher: enqueue one job per batch of ``limit`` milestones to deem accepted, on the billing
        channel; return the number of jobs. The billing run deems them in its first step itself
        (``_ps_deem_accepted_now``)."""
        return self._ps_get_deemed_acceptance_due()._ps_enqueue_batches(
            "_job_ps_deemed_acceptance_batch", limit, description=_("Milestones: deemed acceptance")
        )

    @api.model
    def _ps_deem_accepted_now(self, limit=CRON_BATCH):
        """Deem accepted, in this transaction, every milestone due, ``limit`` at a time; return how many.

        The billing run's first step calls it, so that its evaluation reads the acceptances.
        """
        due = self._ps_get_deemed_acceptance_due()
        return sum(
            due[index : index + limit]._job_ps_deemed_acceptance_batch()["accepted"]
            for index in range(0, len(due), limit)
        )

    def _job_ps_deemed_acceptance_batch(self):
        """Job: accept as deemed those of these milestones still due; return {"accepted": count}."""
        due = self._ps_get_deemed_acceptance_due([("id", "in", self.ids)])
        failed = self._ps_run_each(
            due,
            lambda milestone: milestone._ps_do_accept(signatory_name=_("Deemed acceptance"), deemed=True),
            "deem accepted",
        )
        return {"accepted": len(due) - len(failed)}

    @api.model
    def _ps_get_escalation_due(self, domain=None):
        """Return the milestones (within ``domain``) awaiting longer than their company's delay and not escalated
        yet, the longest waiting first."""
        # Days awaiting are counted on each company's calendar, whoever runs this.
        today = self._ps_get_today_by_company(self.env["res.company"].sudo().search([]))
        shortest = min(company.ps_milestone_escalation_days for company in today)
        candidates = self.search(
            [
                ("ps_acceptance_state", "=", "awaiting"),
                ("ps_escalated_on", "=", False),
                ("ps_awaiting_since", "<=", max(today.values()) - timedelta(days=shortest)),
                *(domain or []),
            ],
            order="ps_awaiting_since, id",
        )

        def is_due(milestone):
            company = milestone._ps_get_company()
            waited = today[company] - milestone.ps_awaiting_since
            return waited.days >= company.ps_milestone_escalation_days

        return candidates.filtered(is_due)

    @api.model
    def _cron_ps_escalate_awaiting(self, limit=CRON_BATCH):
        """Dispatcher: enqueue one job per batch of ``limit`` milestones awaiting acceptance longer than the
        company's delay, to escalate to the finance controllers; return the number of jobs."""
        return self._ps_get_escalation_due()._ps_enqueue_batches(
            "_job_ps_escalate_awaiting_batch", limit, description=_("Milestones: escalate awaiting acceptance")
        )

    @api.model
    def _ps_escalate_awaiting_now(self):
        """Escalate, in this transaction, every milestone due (the demo firm at its installation, when no job
        runner runs); return how many."""
        return self._ps_get_escalation_due()._job_ps_escalate_awaiting_batch()["escalated"]

    def _job_ps_escalate_awaiting_batch(self):
        """Job: escalate to the finance controllers, once, those of these milestones still awaiting past the
        delay and not escalated; return {"escalated": count}."""
        due = self._ps_get_escalation_due([("id", "in", self.ids)])
        failed = self._ps_run_each(due, lambda milestone: milestone._ps_escalate(), "escalate")
        return {"escalated": len(due) - len(failed)}

    def _ps_escalate(self):
        """Give each finance controller one activity about this milestone awaiting acceptance."""
        self.ensure_one()
        company = self._ps_get_company()
        controllers = self.env["sale.order"].with_company(company)._ps_get_finance_controllers()
        today = company._ps_today()
        days = (today - self.ps_awaiting_since).days
        note = escape(
            _(
                "%(milestone)s of %(order)s has waited for the client's acceptance since %(since)s.",
                milestone=self.name,
                order=self.sale_line_id.order_id.name,
                since=self.ps_awaiting_since,
            )
        )
        self.env["ps.batch.runner"]._schedule_activities(
            self.env.ref(ACTIVITY_ESCALATION),
            [
                {
                    "record": self,
                    "user": user,
                    "summary": _("Milestone awaiting acceptance for %s days", days),
                    "note": note,
                    "date_deadline": today,
                }
                for user in controllers
            ],
        )
        self._ps_write_acceptance({"ps_escalated_on": today})
        self.sudo().message_post(
            body=_(
                "Awaiting acceptance for %s days: escalated to the finance controllers.",
                days,
            )
        )

    # ------------------------------------------------------------
    # E-signature platforms (core hook, used by the REST API)
    # ------------------------------------------------------------

    def _ps_record_client_acceptance(self, signatory_name, signed_on, document_name, document_data, source=None):
        """Attach the signed document as evidence and accept the milestone as signed (core hook)."""
        super()._ps_record_client_acceptance(signatory_name, signed_on, document_name, document_data, source)
        self.ensure_one()
        if self.ps_acceptance_state != "awaiting":
            raise UserError(_("Milestone %(milestone)s is not awaiting acceptance.", milestone=self.name))
        evidence = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": document_name,
                    "raw": document_data,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        self.invalidate_recordset(["ps_evidence_count"])
        self._ps_check_can_accept(check_user=False)
        comment = _(
            "Signed on %(platform)s (evidence: %(document)s).",
            platform=source or _("an e-signature platform"),
            document=document_name,
        )
        self.sudo()._ps_do_accept(signatory_name=signatory_name, comment=comment)
        # The acceptance dates from the signature, not from its notification: it decides the billing period.
        self._ps_write_acceptance({"ps_accepted_on": signed_on})
        return evidence
