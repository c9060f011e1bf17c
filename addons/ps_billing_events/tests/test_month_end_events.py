# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The core's events through a month-end: a period blocked then ready, its draft, posting, sending, and a
failed month-end job, in the order of their engagement's sequence."""

import json
from datetime import date

from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import run_jobs
from odoo.tests import tagged

from .common import BillingEventsCase

TODAY = date(2026, 11, 10)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestMonthEndEvents(BillingEventsCase):
    def _events(self):
        return self.Event.search([("sale_order_id", "=", self.engagement.id)], order="sequence_number")

    def test_month_end_emits_blocked_ready_drafted_posted_sent_in_sequence(self):
        Readiness = self.env["ps.billing.readiness"]
        self._log_time(self.employee_consultant, 8.0, "2026-10-12")
        # Terms not confirmed: October and November block, one event each.
        run_jobs(Readiness._cron_billing_run)
        blocked = self._events()
        self.assertEqual(blocked.mapped("event_type"), ["readiness.blocked"] * 2)
        self.assertEqual(blocked.mapped("res_model"), ["ps.billing.readiness"] * 2)
        # Nothing changed: a second evaluation emits nothing.
        self._evaluate()
        self.assertEqual(len(self._events()), 2)
        self._confirm_terms()
        run_jobs(Readiness._cron_billing_run)
        october = Readiness.search([("sale_order_id", "=", self.engagement.id), ("period_start", "=", self.october[0])])
        self.assertTrue(october.invoice_id, "the billing run drafted October")
        move = october.invoice_id
        move.action_post()
        move.is_move_sent = True
        move.is_move_sent = True
        events = self._events()
        self.assertEqual(
            [e.event_type for e in events],
            [
                "readiness.blocked",
                "readiness.blocked",
                "readiness.ready",
                "invoice.drafted",
                "invoice.posted",
                "invoice.sent",
            ],
        )
        first = events[0].sequence_number
        self.assertEqual(events.mapped("sequence_number"), list(range(first, first + 6)))
        self.assertEqual(events[2].res_id, october.id, "October turned ready")
        blocked = json.loads(events[0].body)["data"]
        self.assertEqual(blocked["state"], "blocked")
        self.assertTrue(blocked["findings"])
        self.assertEqual(set(blocked["findings"][0]), {"check", "severity", "amount_at_risk"})
        posted = json.loads(events[4].body)["data"]
        self.assertEqual(posted["amount_untaxed"], move.amount_untaxed)
        self.assertEqual(posted["state"], "posted")
        self.assertEqual(events.mapped("res_id")[3:], [move.id] * 3)
        # The billing run's jobs delivered what was emitted while they ran, in their order.
        received = [
            body["sequence"]
            for body in self.receiver.bodies()
            if body["engagement"] and body["engagement"]["id"] == self.engagement.id
        ]
        self.assertEqual(received, sorted(received))
        self.assertEqual(received[:4], events[:4].mapped("sequence_number"))

    def test_failed_month_end_job_emits_job_failed(self):
        job = self.engagement._ps_enqueue("_job_draft_batch", TODAY)
        job.set_failed(
            exc_info="Traceback ...", exc_name="odoo.exceptions.UserError", exc_message="Nothing to invoice."
        )
        job.store()
        event = self.Event.search([("event_type", "=", "job.failed")])
        self.assertEqual(len(event), 1)
        self.assertEqual(event.sale_order_id, self.engagement)
        data = json.loads(event.body)["data"]
        self.assertEqual(data["uuid"], job.uuid)
        self.assertEqual(data["error"], "Nothing to invoice.")
        self.assertEqual(data["sale_order_ids"], [self.engagement.id])
