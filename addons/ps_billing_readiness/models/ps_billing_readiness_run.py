# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The billing run: the one scheduled action of the readiness engine."""

import logging
from datetime import timedelta

from psycopg2 import errors

from odoo import _, api, models

CRON_BATCH = 200

_logger = logging.getLogger(__name__)


class PsBillingReadiness(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.billing.readiness"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------

    @api.model
    def _cron_billing_run(self, limit=CRON_BATCH):
        """The billing run: one scheduled action whose steps run in this order, whatever the cron thread does.

        1. ``_ps_before_billing_run``: modules bring what the checks read up to date
           (the milestones' deemed acceptance);
        2. ``_evaluate_stale``: the engagements marked outdated or evaluated before today;
        3. ``_draft_due_periods``: the ready periods past their cutoff, each engagement
           locked and re-evaluated first if it went stale since;
        4. ``_escalate_blocked_periods``: what stays blocked too long.

        A change that a check reads marks its engagement and calls the run again, so a
        finding appears and disappears the same day. Each step works on a batch of
        ``limit``; the run calls itself again while work remains (``ps.cron.mixin``: Odoo
        commits each run). Returns {step: count}.
        """
        # The firm's calendar: the company of the scheduled action (its calendar's time zone),
        # whatever the time zone of its user.
        today = self.env.company._ps_today()
        self._ps_before_billing_run(today, limit)
        evaluated, more_stale = self._evaluate_stale(today, limit)
        drafted, more_due = self._draft_due_periods(today, limit)
        escalated, more_blocked = self._escalate_blocked_periods(today, limit)
        self._ps_retrigger("ps_billing_readiness.ir_cron_evaluate_readiness", more_stale or more_due or more_blocked)
        return {"evaluated": evaluated, "drafted": drafted, "escalated": escalated}

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
        if not orders:
            return 0, False
        self._ps_run_batch(
            orders,
            lambda batch: self._evaluate_orders(batch, today),
            "evaluate the readiness of",
            on_failure=lambda order, error: self._on_evaluation_failure(order, today, error),
        )
        return len(orders), bool(Order.search_count(domain, limit=1))

    @api.model
    def _get_due_domain(self, today):
        """Ready periods past their cutoff (``_draft_fresh`` re-evaluates those gone stale)."""
        return [("state", "=", "ready"), ("invoice_id", "=", False), ("cutoff_date", "<", today)]

    @api.model
    def _draft_due_periods(self, today, limit=CRON_BATCH):
        """Draft a batch of the due periods, the oldest first; return (how many, whether more remain).

        A period held by an earlier one of its engagement that cannot be drafted (blocked,
        or not due) waits: its draft would bill the earlier period too.
        """
        domain = self._get_due_domain(today)
        candidates = self.search(domain, order="cutoff_date, id")
        held = candidates._get_held_by_earlier()
        records = (candidates - held)[:limit]
        self._ps_run_batch(
            records,
            lambda batch: batch._draft_fresh(today),
            "draft the invoice of",
            on_failure=lambda record, error: record._on_drafting_failure(error),
        )
        return len(records.filtered("invoice_id")), len(candidates - held) > limit

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
        return due._create_invoice_drafts() if due else self.env["account.move"]

    @api.model
    def _escalate_blocked_periods(self, today, limit=CRON_BATCH):
        """Escalate records blocked for longer than the company's delay, once per blocking.
        Return (how many, whether more remain)."""
        shortest = min(self.env["res.company"].search([]).mapped("ps_escalation_days") or [0])
        records = self.search(
            [
                ("state", "=", "blocked"),
                ("escalated_on", "=", False),
                ("blocked_since", "<=", today - timedelta(days=shortest)),
            ],
            order="blocked_since, id",
        )
        due = records.filtered(lambda r: (today - r.blocked_since).days >= r.company_id.ps_escalation_days)
        batch = due[:limit]
        failed = self._ps_run_batch(batch, lambda records: records._escalate(), "escalate")
        # More to do, and this batch made progress (a record that always fails must not loop the run).
        return len(batch) - len(failed), len(due) > limit and failed != batch

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
