# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Retainers: periods drawn down with rollover and its cap, burn alerts once each, overage invoiced."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import BillingControlCase


class RetainerCase(BillingControlCase):
    """A retainer engagement started on 15 September 2026: 6 months at 9,500.00, 40 hours a month,
    unused hours rolled over up to 10, overage at 250.00 an hour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_retainer = cls.env["product.product"].create(
            {
                "name": "Advisory retainer (monthly)",
                "type": "service",
                "list_price": 9500.0,
                "uom_id": cls.env.ref("uom.product_uom_unit").id,
                "uom_po_id": cls.env.ref("uom.product_uom_unit").id,
                "invoice_policy": "order",
                "service_type": "manual",
                "service_tracking": "task_in_project",
                "taxes_id": [Command.clear()],
            }
        )
        cls.retainer = cls.env["sale.order"].create(
            {
                "partner_id": cls.client.id,
                "user_id": cls.controller.id,
                "ps_billing_model": "retainer",
                "ps_retainer_hours": 40.0,
                "ps_retainer_rollover": True,
                "ps_retainer_rollover_cap": 10.0,
                "ps_retainer_overage_rate": 250.0,
                "ps_retainer_thresholds": "50,75,90,100",
                "order_line": [Command.create({"product_id": cls.product_retainer.id, "product_uom_qty": 6.0})],
            }
        )
        cls.retainer.action_confirm()
        cls.retainer.date_order = "2026-09-15 09:00:00"
        cls.retainer_line = cls.retainer.order_line
        cls.retainer_task = cls.retainer_line.task_id
        cls.retainer_task.project_id.user_id = cls.project_manager

    @classmethod
    def _log(cls, hours, day):
        return cls._log_time(cls.employee_consultant, hours, day, task=cls.retainer_task)

    def _periods(self):
        return {p.period_start: p for p in self.retainer.ps_retainer_period_ids}


@tagged("post_install", "-at_install")
class TestRetainerDrawdown(RetainerCase):
    def test_periods_roll_over_unused_hours_within_the_cap(self):
        self._log(12.0, date(2026, 9, 20))  # 28 unused: 10 roll over (the cap)
        self._log(45.0, date(2026, 10, 14))  # 50 available: 5 unused roll over
        self._log(20.0, date(2026, 11, 5))
        self._evaluate(self.retainer, date(2026, 11, 10))
        periods = self._periods()
        self.assertEqual(sorted(periods), [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)])
        september, october, november = (periods[date(2026, m, 1)] for m in (9, 10, 11))
        self.assertEqual((september.hours_used, september.hours_rollover_out), (12.0, 10.0))
        self.assertEqual((october.hours_rollover_in, october.hours_available), (10.0, 50.0))
        self.assertEqual((october.hours_used, october.hours_overage, october.hours_rollover_out), (45.0, 0.0, 5.0))
        self.assertEqual((november.hours_available, november.hours_used), (45.0, 20.0))

    def test_no_rollover_without_the_term_and_overage_beyond_the_allowance(self):
        self.retainer.ps_retainer_rollover = False
        self._log(10.0, date(2026, 9, 20))
        self._log(47.5, date(2026, 10, 14))
        self._evaluate(self.retainer, date(2026, 11, 10))
        october = self._periods()[date(2026, 10, 1)]
        self.assertEqual((october.hours_rollover_in, october.hours_overage), (0.0, 7.5))
        self.assertEqual(october.amount_overage, 1875.0)
        overage_line = self.retainer._ps_get_retainer_overage_lines()
        self.assertEqual((overage_line.qty_delivered, overage_line.price_unit), (7.5, 250.0))

    def test_forecast_exhaustion_from_the_burn_rate(self):
        self._log(20.0, date(2026, 11, 3))
        self._evaluate(self.retainer, date(2026, 11, 10))
        november = self._periods()[date(2026, 11, 1)]
        # 20 hours in 10 days: 2 a day; 20 + 10 rolled over left: exhausted 15 days later.
        self.assertEqual(november.hours_available, 50.0)
        self.assertEqual(november.forecast_exhaustion_date, date(2026, 11, 25))

    def test_each_threshold_alerts_once_per_period_across_reruns(self):
        self.retainer.ps_retainer_rollover = False
        events = []
        Hook = type(self.env["ps.billing.event.hook"])

        def emit(hook, event_type, records, payload_fn=None, one_event=False):
            if event_type != "retainer.threshold":
                return
            payloads = payload_fn(records) if payload_fn else {}
            events.extend((event_type, record.id, payloads[record.id]["threshold"]) for record in records)

        Activity = self.env["mail.activity"]
        burn = self.env.ref("ps_billing_readiness.mail_activity_type_retainer_burn")

        def alerts():
            return Activity.search(
                [
                    ("activity_type_id", "=", burn.id),
                    ("res_model", "=", "ps.retainer.period"),
                    ("res_id", "in", self.retainer.ps_retainer_period_ids.ids),
                ]
            )

        with patch.object(Hook, "_ps_emit_event", emit):
            self._log(20.0, date(2026, 11, 3))
            for _rerun in range(2):
                self._evaluate(self.retainer, date(2026, 11, 10))
            november = self._periods()[date(2026, 11, 1)]
            self.assertEqual(november.alerted_threshold, 50)
            self.assertEqual(alerts().user_id, self.project_manager | self.controller)
            self.assertTrue(all("50%" in summary for summary in alerts().mapped("summary")))
            self._log(17.0, date(2026, 11, 11))  # 37 of 40: 92.5 %
            for _rerun in range(2):
                self._evaluate(self.retainer, date(2026, 11, 12))
            self.assertEqual(november.alerted_threshold, 90)
            self.assertEqual(len(alerts()), 2, "one open alert per person: the newer replaces the older")
            self.assertTrue(all("90%" in summary for summary in alerts().mapped("summary")))
            self._log(3.0, date(2026, 11, 12))
            for _rerun in range(2):
                self._evaluate(self.retainer, date(2026, 11, 13))
        thresholds = [threshold for event_type, record_id, threshold in events if record_id == november.id]
        self.assertEqual(thresholds, [50, 75, 90, 100])
        self.assertEqual({event_type for event_type, *_rest in events}, {"retainer.threshold"})

    def test_period_invoice_bills_fee_and_overage_to_the_cent(self):
        self.retainer.ps_retainer_rollover = False
        self._log(41.25, date(2026, 9, 20))  # 1.25 over
        self._log(43.5, date(2026, 10, 14))  # 3.5 over
        self._log(8.0, date(2026, 11, 5))
        self._confirm_terms(self.retainer)
        with freeze_time("2026-11-10"):
            records = self._evaluate(self.retainer, date(2026, 11, 10))
            october = records.filtered(lambda r: r.period_start == date(2026, 10, 1))
            self.assertEqual(october.state, "ready")
            # The backlog: the fees of September and October, and their overage.
            self.assertEqual(october.amount_deliverable, 2 * 9500.0 + 4.75 * 250.0)
            move = october._create_invoice_draft()
        fee = move.invoice_line_ids.filtered(lambda line: line.product_id == self.product_retainer)
        overage = move.invoice_line_ids - fee
        self.assertEqual((fee.quantity, fee.price_subtotal), (2.0, 19000.0))
        self.assertEqual((overage.quantity, overage.price_unit, overage.price_subtotal), (4.75, 250.0, 1187.5))
        self.assertEqual(move.amount_untaxed, 20187.5)
        periods = self._periods()
        self.assertEqual(periods[date(2026, 10, 1)].invoice_id, move)
        self.assertFalse(periods[date(2026, 11, 1)].invoice_id, "the current period waits for its own invoice")

        # Time approved late in an invoiced period draws down the first open one, never billed twice.
        self._log(2.0, date(2026, 10, 30))
        self._evaluate(self.retainer, date(2026, 11, 12))
        periods = self._periods()
        self.assertEqual(periods[date(2026, 10, 1)].hours_used, 43.5)
        self.assertEqual(periods[date(2026, 11, 1)].hours_used, 10.0)
        with freeze_time("2026-12-10"):
            records = self._evaluate(self.retainer, date(2026, 12, 10))
            november = records.filtered(lambda r: r.period_start == date(2026, 11, 1))
            self.assertEqual(november.amount_deliverable, 9500.0)
