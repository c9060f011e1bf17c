# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The month-end's jobs (OCA queue_job) where the controller looks: a failed or stuck one is an exception."""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .ps_billing_readiness import GROUP_FINANCE_CONTROLLER
from .ps_cron_mixin import BILLING_CHANNEL

# A month-end job enqueued or started for longer than this is stuck: the runner requeues a dead one
# within seconds, and Odoo stops a request after limit_time_real (20 minutes in odoo.conf).
STUCK_AFTER = timedelta(hours=1)
CHECK_CODE = "month_end_jobs"

_logger = logging.getLogger(__name__)


class QueueJob(models.Model):
    _inherit = "queue.job"

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") == "failed":
            # queue_job marks a job failed once its retries are spent: its periods show it now.
            self.env["queue.job"]._ps_surface_failures(self)
            self.env["ps.billing.event.hook"]._ps_emit_event(
                "job.failed", self.filtered_domain(self._ps_get_failed_domain())
            )
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_queue_job_manager(self):
        # queue_job's own actions write through its Job class whoever calls them: they were only ever
        # reachable by job queue managers. Finance controllers read the month-end's jobs now, so the
        # actions check it themselves; controllers retry through action_ps_requeue.
        if not (self.env.su or self.env.user.has_group("queue_job.group_queue_job_manager")):
            raise AccessError(_("Only a Job Queue Manager can change the state of a job."))

    def requeue(self):
        self._check_queue_job_manager()
        return super().requeue()

    def button_done(self):
        self._check_queue_job_manager()
        return super().button_done()

    def button_cancelled(self):
        self._check_queue_job_manager()
        return super().button_cancelled()

    def autovacuum(self):
        self._check_queue_job_manager()
        return super().autovacuum()

    def _check_can_ps_requeue(self):
        if not self.env.user.has_group(GROUP_FINANCE_CONTROLLER):
            raise AccessError(_("Only a Finance Controller can retry a month-end job."))
        stuck = self.sudo().filtered_domain(self._ps_get_failed_domain())
        for job in self.sudo():
            if job not in stuck:
                raise UserError(_("%s is neither failed nor stuck: there is nothing to retry.", job.display_name))

    def action_ps_requeue(self):
        """Retry these failed or stuck month-end jobs: requeue them and re-evaluate their engagements now
        (their periods no longer wait for them), leaving who did it on each period."""
        self._check_can_ps_requeue()
        jobs = self.sudo()
        orders = jobs._ps_get_orders()
        jobs.requeue()
        Readiness = self.env["ps.billing.readiness"]
        records = Readiness.sudo().search([("sale_order_id", "in", orders.ids), ("state", "!=", "invoiced")])
        records._message_log_batch(
            {
                record.id: _(
                    "Month-end job retried by %(user)s: %(jobs)s",
                    user=self.env.user.name,
                    jobs=", ".join(jobs.mapped("name")),
                )
                for record in records
            }
        )
        if orders:
            orders._ps_mark_readiness_dirty()
            try:
                with self.env.cr.savepoint():
                    Readiness._evaluate_orders(orders.filtered(lambda o: o.state == "sale"))
            except Exception as error:  # noqa: BLE001 -- the requeued job or the next run evaluates them
                _logger.info("Billing Control: re-evaluation after a retry deferred to the job: %s", error)
        return True

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    @api.model
    def _ps_get_failed_domain(self):
        """Return the domain of the month-end jobs that failed or are stuck (enqueued or started too long)."""
        stuck_before = fields.Datetime.now() - STUCK_AFTER
        return [
            "|",
            ("channel", "=", BILLING_CHANNEL),
            ("channel", "=like", f"{BILLING_CHANNEL}.%"),
            "|",
            ("state", "=", "failed"),
            "&",
            ("state", "in", ("enqueued", "started")),
            ("date_enqueued", "<", stuck_before),
        ]

    def _ps_get_orders(self):
        """Return the engagements these jobs are about (their records, or the engagements of their periods)."""
        orders = self.env["sale.order"].sudo()
        for job in self.sudo():
            if job.model_name == "sale.order":
                orders |= orders.browse(job.record_ids)
            elif job.model_name == "ps.billing.readiness":
                orders |= self.env["ps.billing.readiness"].sudo().browse(job.record_ids).exists().sale_order_id
        return orders.exists()

    @api.model
    def _ps_get_failed_by_order(self):
        """Return {engagement id: its failed or stuck month-end jobs}, read in one search (they are few)."""
        result = {}
        for job in self.sudo().search(self._ps_get_failed_domain()):
            for order in job._ps_get_orders():
                result.setdefault(order.id, self.browse())
                result[order.id] |= job
        return result

    @api.model
    def _ps_get_failure_message(self, job):
        """Return the sentence a period's exception says about a failed or stuck month-end ``job``."""
        if job.state == "failed":
            return _(
                "Month-end job failed: %(job)s: %(error)s",
                job=job.name,
                error=job.exc_message or job.exc_name or _("no error recorded"),
            )
        return _(
            "Month-end job stuck since %(date)s: %(job)s",
            date=fields.Datetime.to_string(job.date_enqueued),
            job=job.name,
        )

    @api.model
    def _ps_surface_failures(self, jobs=None):
        """Block the open periods of the engagements of failed or stuck month-end ``jobs`` (all of them by
        default) with a finding of the check ``month_end_jobs`` that names the error, unless they have it
        already; return the periods blocked. Later evaluations keep it while the job stays failed."""
        jobs = (jobs.sudo() if jobs is not None else self.sudo().search([])).filtered_domain(
            self._ps_get_failed_domain()
        )
        check = self.env.ref("ps_billing_readiness.check_month_end_jobs", raise_if_not_found=False)
        Readiness = self.env["ps.billing.readiness"].sudo()
        if not jobs or not check or not check.active:
            return Readiness
        existing = {
            (finding.readiness_id.id, finding.res_id)
            for finding in self.env["ps.readiness.finding"]
            .sudo()
            .search([("check_code", "=", CHECK_CODE), ("res_model", "=", "queue.job"), ("res_id", "in", jobs.ids)])
        }
        todo = {}  # {period: the job it waits for}
        for job in jobs:
            records = Readiness.search([("sale_order_id", "in", job._ps_get_orders().ids), ("state", "!=", "invoiced")])
            for record in records.filtered(lambda r, job=job: (r.id, job.id) not in existing):
                todo.setdefault(record, job)
        blocked = Readiness.browse([record.id for record in todo])
        if not blocked:
            return blocked
        try:
            # The evaluation's check finds the job: the period's figures stay counted once.
            with self.env.cr.savepoint():
                blocked._evaluate()
        except Exception as error:  # noqa: BLE001 -- the job may be failing on that very evaluation
            _logger.info("Billing Control: a failed job's periods could not be re-evaluated: %s", error)
            self._ps_block_without_evaluation(todo, check)
        return blocked

    @api.model
    def _ps_block_without_evaluation(self, todo, check):
        """Block each period of ``todo`` {period: job} with the job's finding, which holds back what was ready."""
        self.env["ps.readiness.finding"].sudo().create(
            [
                {
                    "readiness_id": record.id,
                    "check_id": check.id,
                    "check_code": CHECK_CODE,
                    "severity": check.severity,
                    "message": self._ps_get_failure_message(job),
                    "amount_at_risk": record.amount_ready,
                    "res_model": "queue.job",
                    "res_id": job.id,
                }
                for record, job in todo.items()
            ]
        )
        if check.severity != "blocking":
            return
        self.env["ps.billing.event.hook"]._ps_emit_event(
            "readiness.blocked", self.env["ps.billing.readiness"].browse([r.id for r in todo if r.state != "blocked"])
        )
        for record in todo:
            today = record.company_id._ps_today()
            record.write(
                {
                    "state": "blocked",
                    "blocked_since": record.blocked_since if record.state == "blocked" else today,
                    "amount_blocked": record.amount_blocked + record.amount_ready,
                    "amount_at_risk": record.amount_at_risk + record.amount_ready,
                    "amount_ready": 0.0,
                    "amount_blocked_company": record.amount_blocked_company + record.amount_ready_company,
                    "amount_at_risk_company": record.amount_at_risk_company + record.amount_ready_company,
                    "amount_ready_company": 0.0,
                }
            )
