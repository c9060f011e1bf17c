# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The billing run: the one scheduled action of the readiness engine."""

import logging
from datetime import timedelta

from psycopg2 import errors

from odoo import _, api, models
from odoo.addons.queue_job.delay import chain, group
from odoo.exceptions import UserError
from odoo.osv import expression

CRON_BATCH = 200
# The steps of the billing run, each with the one that follows it (None: the last).
BILLING_STEPS = (("evaluate", "draft"), ("draft", "escalate"), ("escalate", "digest"), ("digest", None))

_logger = logging.getLogger(__name__)


class PsBillingReadiness(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.billing.readiness"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------

    @api.model
    def _cron_billing_run(self, limit=CRON_BATCH):
        """The billing run's dispatcher: enqueue today's run as jobs on the billing channel; return the job.

        The run's steps are jobs chained in this order, whichever node runs them:

        1. ``evaluate``: ``_ps_before_billing_run`` (modules bring what the checks read
           up to date: the milestones' deemed acceptance), then one job per batch of
           ``limit`` engagements marked outdated or evaluated before today;
        2. ``draft``: once every evaluation job is done, one job per batch of engagements
           with ready periods past their cutoff (an engagement's periods in one job), each
           engagement locked and re-evaluated first if it went stale since;
        3. ``escalate``: one job per batch of what stays blocked too long;
        4. ``digest``: each owner's and controller's digest activity, refreshed in place.

        A change that a check reads marks its engagement and calls the run again, so a
        finding appears and disappears the same day. Dispatching twice the same day while
        the first run waits enqueues nothing more (identity keys).
        """
        # The firm's calendar: the company of the scheduled action (its calendar's time zone),
        # whatever the time zone of its user.
        today = self.env.company._ps_today()
        # Jobs the runner found dead too often are failed by SQL, without the ORM: they surface here.
        self.env["queue.job"]._ps_surface_failures()
        return self.browse()._ps_enqueue(
            "_job_billing_step", "evaluate", today, limit, description=_("Billing run of %s: evaluate", today)
        )

    @api.model
    def _job_billing_step(self, step, today, limit=CRON_BATCH):
        """Job: prepare ``step`` of the run of ``today`` and enqueue its batches, then the next step after them.
        Return {step: number of batches}."""
        steps = dict(BILLING_STEPS)
        if step == "evaluate":
            self._ps_before_billing_run(today, limit)
            targets = self.env["sale.order"].search(self._get_stale_domain(today), order="ps_readiness_dirty desc, id")
        elif step == "draft":
            targets = self._get_due_orders(today)
        elif step == "escalate":
            targets = self._get_escalation_due(today)
        elif step == "digest":
            self._ps_refresh_digests()
            return {step: 0}
        else:
            raise UserError(_("Unknown step of the billing run: %s", step))
        description = _("Billing run of %(day)s: %(step)s", day=today, step=step)
        batches = targets._ps_get_batch_delayables(f"_job_{step}_batch", limit, today, description=description)
        following = (
            self.browse()
            ._ps_delayable(_("Billing run of %(day)s: %(step)s", day=today, step=steps[step]))
            ._job_billing_step(steps[step], today, limit)
        )
        if batches:
            chain(group(*batches), following).delay()
        else:
            following.delay()
        return {step: len(batches)}

    @api.model
    def _ps_refresh_digests(self):
        """Hook: refresh the owners' and controllers' digest activities from the blocked periods; returns nothing."""
        return None

    @api.model
    def _ps_before_billing_run(self, today, limit):
        """Hook: bring the inputs of the checks up to date before the evaluation (extend with super())."""
        return None

    @api.model
    def _get_stale_domain(self, today):
        return [
            ("state", "=", "sale"),
            ("ps_has_services", "=", True),
            "|",
            ("ps_readiness_dirty", "=", True),
            "|",
            ("ps_readiness_evaluated_on", "=", False),
            ("ps_readiness_evaluated_on", "<", today),
        ]

    @api.model
    def _evaluate_stale(self, today, limit=CRON_BATCH):
        """Evaluate a batch of the engagements marked outdated or not evaluated today, the marked first.
        Return (how many, whether more remain)."""
        Order = self.env["sale.order"]
        domain = self._get_stale_domain(today)
        orders = Order.search(domain, order="ps_readiness_dirty desc, id", limit=limit)
        return orders._job_evaluate_batch(today)["evaluated"], bool(Order.search_count(domain, limit=1))

    @api.model
    def _get_due_domain(self, today):
        """Ready periods past their cutoff (``_draft_fresh`` re-evaluates those gone stale)."""
        return [("state", "=", "ready"), ("invoice_id", "=", False), ("cutoff_date", "<", today)]

    @api.model
    def _get_due_orders(self, today):
        """Return the engagements with periods to draft on ``today``: ready, past their cutoff, not held."""
        candidates = self.search(self._get_due_domain(today), order="cutoff_date, id")
        return (candidates - candidates._get_held_by_earlier()).sale_order_id

    @api.model
    def _draft_due_periods(self, today, limit=CRON_BATCH):
        """Draft the due periods of a batch of engagements, the oldest first; return (how many, whether more remain)."""
        orders = self._get_due_orders(today)
        return orders[:limit]._job_draft_batch(today)["drafted"], len(orders) > limit

    def _get_held_by_earlier(self):
        """Return those of these records that an earlier open period of their engagement, with something
        to bill and not among them, holds back."""
        earlier = self.search(
            [
                ("sale_order_id", "in", self.sale_order_id.ids),
                ("state", "in", ("ready", "blocked")),
                ("invoice_id", "=", False),
                ("id", "not in", self.ids),
            ]
        )
        first_open = {}
        for record in earlier:
            order = record.sale_order_id
            first_open[order] = min(first_open.get(order, record.period_end), record.period_end)
        return self.filtered(lambda r: r.sale_order_id in first_open and first_open[r.sale_order_id] < r.period_end)

    def _draft_fresh(self, today):
        """Draft these due periods from an evaluation as recent as their data.

        The engagements are locked first: a change committed since this transaction began
        fails the lock (the change marked them and called the run again), and one made
        from now on waits for this draft. An engagement marked outdated is re-evaluated
        before anything of it is drafted.
        """
        orders = self.sale_order_id
        self.env.cr.execute("SELECT id FROM sale_order WHERE id IN %s FOR NO KEY UPDATE NOWAIT", [tuple(orders.ids)])
        orders.invalidate_recordset(["ps_readiness_dirty", "ps_readiness_evaluated_on"])
        stale = orders.filtered(lambda o: o.ps_readiness_dirty or o.ps_readiness_evaluated_on != today)
        if stale:
            self._evaluate_orders(stale, today)
            self.invalidate_recordset()
        due = self.filtered(lambda r: r.state == "ready" and not r.invoice_id)
        due -= due._get_held_by_earlier()  # the new evaluation may have blocked an earlier period
        return due._create_invoice_drafts(in_job=True) if due else self.env["account.move"]

    @api.model
    def _get_escalation_due(self, today):
        """Return the records blocked for longer than their company's delay and not escalated yet, the oldest first."""
        shortest = min(self.env["res.company"].search([]).mapped("ps_escalation_days") or [0])
        records = self.search(
            [
                ("state", "=", "blocked"),
                ("escalated_on", "=", False),
                ("blocked_since", "<=", today - timedelta(days=shortest)),
            ],
            order="blocked_since, id",
        )
        return records.filtered(lambda r: (today - r.blocked_since).days >= r.company_id.ps_escalation_days)

    @api.model
    def _escalate_blocked_periods(self, today, limit=CRON_BATCH):
        """Escalate records blocked for longer than the company's delay, once per blocking.
        Return (how many, whether more remain)."""
        due = self._get_escalation_due(today)
        return due[:limit]._job_escalate_batch(today)["escalated"], len(due) > limit

    @api.model
    def _on_evaluation_failure(self, order, day, error):
        """Count a failed engagement as evaluated on ``day`` (no retry loop) and say why on it."""
        order.sudo().write({"ps_readiness_dirty": False, "ps_readiness_evaluated_on": day})
        order.message_post(body=_("Billing readiness could not be evaluated: %s", error))

    def _on_drafting_failure(self, error):
        """A period Odoo could not invoice goes back to not ready, with the reason, until re-evaluated.

        An engagement being changed at the same moment is no failure: the change marked it
        and called the run again, which drafts it from the new data.
        """
        self.ensure_one()
        if isinstance(error, errors.LockNotAvailable | errors.SerializationFailure):
            _logger.info("Billing Control: %s is being changed; it is drafted by the next run", self.name)
            return
        self.write({"state": "not_ready"})
        self.message_post(body=_("The invoice draft could not be created: %s", error))

    # ------------------------------------------------------------
    # Jobs: one batch each
    # ------------------------------------------------------------

    def _job_escalate_batch(self, today):
        """Job: escalate those of these records still blocked and not escalated; return {"escalated": count}."""
        records = self.exists().filtered(lambda r: r.state == "blocked" and not r.escalated_on)
        failed = self._ps_run_batch(records, lambda batch: batch._escalate(), "escalate")
        return {"escalated": len(records) - len(failed)}


class SaleOrder(models.Model):
    # The engagements' side of the billing run: the jobs of its evaluation and drafting steps.
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def _job_evaluate_batch(self, today):
        """Job: evaluate those of these engagements still outdated or not evaluated on ``today``;
        return {"evaluated": count}. A failing engagement is counted as evaluated, with the reason."""
        Readiness = self.env["ps.billing.readiness"]
        orders = self.search(expression.AND([Readiness._get_stale_domain(today), [("id", "in", self.ids)]]))
        Readiness._ps_run_batch(
            orders,
            lambda batch: Readiness._evaluate_orders(batch, today),
            "evaluate the readiness of",
            on_failure=lambda order, error: Readiness._on_evaluation_failure(order, today, error),
        )
        return {"evaluated": len(orders)}

    def _job_draft_batch(self, today):
        """Job: draft the periods of these engagements due on ``today`` and not drafted yet; return {"drafted": count}.

        Each engagement's due periods are drafted together (its draft bills the earlier ones too).
        """
        Readiness = self.env["ps.billing.readiness"]
        candidates = Readiness.search(
            expression.AND([Readiness._get_due_domain(today), [("sale_order_id", "in", self.ids)]]),
            order="cutoff_date, id",
        )
        records = candidates - candidates._get_held_by_earlier()
        Readiness._ps_run_batch(
            records,
            lambda batch: batch._draft_fresh(today),
            "draft the invoice of",
            on_failure=lambda record, error: record._on_drafting_failure(error),
        )
        return {"drafted": len(records.filtered("invoice_id"))}
