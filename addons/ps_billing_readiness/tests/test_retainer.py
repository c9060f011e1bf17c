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


class AmountRetainerCase(RetainerCase):
    """An amount retainer started on 15 September 2026: 6 months at 5,000.00, 5,000.00 of time a month,
    unused amount rolled over up to 1,000.00; its time is valued at the net price of its rate lines
    (senior consultant 215.00 an hour less 10 %: 193.50; analyst 120.00), lines sold on order without a
    quantity, which bill nothing of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        hour = cls.env.ref("uom.product_uom_hour")

        def rate_product(name, price):
            return cls.env["product.product"].create(
                {
                    "name": name,
                    "type": "service",
                    "list_price": price,
                    "uom_id": hour.id,
                    "uom_po_id": hour.id,
                    "invoice_policy": "order",
                    "service_type": "timesheet",
                    "service_tracking": "task_in_project",
                    "taxes_id": [Command.clear()],
                }
            )

        senior = rate_product("Senior consultant hour", 215.0)
        analyst = rate_product("Analyst hour", 120.0)
        cls.amount_retainer = cls.env["sale.order"].create(
            {
                "partner_id": cls.client.id,
                "user_id": cls.controller.id,
                "ps_billing_model": "retainer",
                "ps_retainer_unit": "amount",
                "ps_retainer_amount": 5000.0,
                "ps_retainer_rollover": True,
                "ps_retainer_rollover_cap_amount": 1000.0,
                "ps_retainer_thresholds": "50,75,90,100",
                "order_line": [
                    Command.create(
                        {"product_id": cls.product_retainer.id, "product_uom_qty": 6.0, "price_unit": 5000.0}
                    ),
                    Command.create(
                        {"product_id": senior.id, "product_uom_qty": 0.0, "price_unit": 215.0, "discount": 10.0}
                    ),
                    Command.create({"product_id": analyst.id, "product_uom_qty": 0.0, "price_unit": 120.0}),
                ],
            }
        )
        cls.amount_retainer.action_confirm()
        cls.amount_retainer.date_order = "2026-09-15 09:00:00"
        fee_line, senior_line, analyst_line = cls.amount_retainer.order_line
        cls.amount_fee_line = fee_line
        cls.senior_task, cls.analyst_task = senior_line.task_id, analyst_line.task_id
        (fee_line.task_id | cls.senior_task).project_id.user_id = cls.project_manager

    @classmethod
    def _log_senior(cls, hours, day):
        return cls._log_time(cls.employee_consultant, hours, day, task=cls.senior_task)

    @classmethod
    def _log_analyst(cls, hours, day):
        return cls._log_time(cls.employee_consultant, hours, day, task=cls.analyst_task)

    def _amount_periods(self):
        return {p.period_start: p for p in self.amount_retainer.ps_retainer_period_ids}


@tagged("post_install", "-at_install")
class TestAmountRetainer(AmountRetainerCase):
    def test_amount_periods_roll_over_unused_amount_within_the_cap(self):
        self._log_senior(10.0, date(2026, 9, 20))  # 1,935.00
        self._log_analyst(5.0, date(2026, 9, 21))  # 600.00: 2,465.00 unused, 1,000.00 roll over (the cap)
        self._log_senior(24.0, date(2026, 10, 14))  # 4,644.00
        self._log_analyst(10.0, date(2026, 10, 15))  # 1,200.00: 6,000.00 available, 156.00 roll over
        self._log_senior(20.0, date(2026, 11, 3))  # 3,870.00
        self._evaluate(self.amount_retainer, date(2026, 11, 10))
        periods = self._amount_periods()
        self.assertEqual(sorted(periods), [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)])
        september, october, november = (periods[date(2026, m, 1)] for m in (9, 10, 11))
        self.assertEqual(set(self.amount_retainer.ps_retainer_period_ids.mapped("retainer_unit")), {"amount"})
        self.assertEqual(
            (september.amount_base, september.hours_used, september.amount_used, september.amount_rollover_out),
            (5000.0, 15.0, 2535.0, 1000.0),
        )
        self.assertEqual((october.amount_rollover_in, october.amount_available), (1000.0, 6000.0))
        self.assertEqual(
            (october.amount_used, october.amount_remaining, october.amount_overage, october.amount_rollover_out),
            (5844.0, 156.0, 0.0, 156.0),
        )
        self.assertAlmostEqual(october.burn_percent, 97.4, places=2)
        self.assertEqual((november.amount_available, november.amount_used), (5156.0, 3870.0))
        # 3,870.00 in 10 days: 387.00 a day; 1,286.00 left: exhausted 3 days later.
        self.assertEqual(november.forecast_exhaustion_date, date(2026, 11, 13))
        self.assertFalse(self.amount_retainer._ps_get_retainer_overage_lines(), "no overage, no overage line")
        # The hours retainer's periods are untouched: hours, nothing in amount.
        self.assertFalse(self.retainer.ps_retainer_period_ids.filtered(lambda p: p.retainer_unit == "amount"))

    def test_amount_threshold_alerts_once_per_period_across_reruns(self):
        self.amount_retainer.ps_retainer_rollover = False
        events = []
        Hook = type(self.env["ps.billing.event.hook"])

        def emit(hook, event_type, records, payload_fn=None, one_event=False):
            if event_type != "retainer.threshold":
                return
            payloads = payload_fn(records) if payload_fn else {}
            events.extend((record.id, payloads[record.id]) for record in records)

        burn = self.env.ref("ps_billing_readiness.mail_activity_type_retainer_burn")

        def alerts():
            return self.env["mail.activity"].search(
                [
                    ("activity_type_id", "=", burn.id),
                    ("res_model", "=", "ps.retainer.period"),
                    ("res_id", "in", self.amount_retainer.ps_retainer_period_ids.ids),
                ]
            )

        with patch.object(Hook, "_ps_emit_event", emit):
            self._log_senior(14.0, date(2026, 11, 3))  # 2,709.00: 54.18 %
            for _rerun in range(2):
                self._evaluate(self.amount_retainer, date(2026, 11, 10))
            november = self._amount_periods()[date(2026, 11, 1)]
            self.assertEqual((november.amount_used, november.alerted_threshold), (2709.0, 50))
            self.assertEqual(alerts().user_id, self.project_manager | self.controller)
            self.assertTrue(all("50%" in summary for summary in alerts().mapped("summary")))
            self.assertTrue(all("2,709.00" in str(note) for note in alerts().mapped("note")))
            self._log_analyst(8.0, date(2026, 11, 11))  # 3,669.00: 73.38 %, no new threshold
            for _rerun in range(2):
                self._evaluate(self.amount_retainer, date(2026, 11, 11))
            self.assertEqual(november.alerted_threshold, 50)
            self._log_senior(2.0, date(2026, 11, 12))  # 4,056.00: 81.12 %
            for _rerun in range(2):
                self._evaluate(self.amount_retainer, date(2026, 11, 12))
            self.assertEqual(november.alerted_threshold, 75)
            self.assertEqual(len(alerts()), 2, "one open alert per person: the newer replaces the older")
        mine = [payload for record_id, payload in events if record_id == november.id]
        self.assertEqual([payload["threshold"] for payload in mine], [50, 75])
        self.assertEqual(
            (mine[-1]["unit"], mine[-1]["amount_used"], mine[-1]["amount_available"]), ("amount", 4056.0, 5000.0)
        )

    def test_amount_overage_invoiced_at_its_value_to_the_cent(self):
        self.amount_retainer.ps_retainer_rollover = False
        self._log_senior(25.5, date(2026, 9, 20))  # 4,934.25
        self._log_analyst(1.25, date(2026, 9, 21))  # 150.00: 84.25 beyond the 5,000.00
        self._log_senior(26.0, date(2026, 10, 14))  # 5,031.00
        self._log_analyst(0.75, date(2026, 10, 15))  # 90.00: 121.00 beyond
        self._log_senior(4.0, date(2026, 11, 5))
        self._confirm_terms(self.amount_retainer)
        with freeze_time("2026-11-10"):
            records = self._evaluate(self.amount_retainer, date(2026, 11, 10))
            periods = self._amount_periods()
            self.assertEqual(periods[date(2026, 9, 1)].amount_overage, 84.25)
            self.assertEqual(periods[date(2026, 10, 1)].amount_overage, 121.0)
            overage_line = self.amount_retainer._ps_get_retainer_overage_lines()
            self.assertEqual((overage_line.qty_delivered, overage_line.price_unit), (205.25, 1.0))
            october = records.filtered(lambda r: r.period_start == date(2026, 10, 1))
            self.assertEqual(october.state, "ready")
            # The backlog: the fees of September and October, and the value beyond their amounts.
            self.assertEqual(october.amount_deliverable, 2 * 5000.0 + 205.25)
            move = october._create_invoice_draft()
        fee = move.invoice_line_ids.filtered(lambda line: line.sale_line_ids == self.amount_fee_line)
        overage = move.invoice_line_ids.filtered(lambda line: line.sale_line_ids == overage_line)
        self.assertEqual((fee.quantity, fee.price_subtotal), (2.0, 10000.0))
        self.assertEqual((overage.quantity, overage.price_unit, overage.price_subtotal), (205.25, 1.0, 205.25))
        self.assertEqual(move.invoice_line_ids, fee | overage, "the rate lines bill nothing of their own")
        self.assertEqual(move.amount_untaxed, 10205.25)
        periods = self._amount_periods()
        self.assertEqual(periods[date(2026, 10, 1)].invoice_id, move)
        self.assertFalse(periods[date(2026, 11, 1)].invoice_id)

        # Value approved late in an invoiced period draws down the first open one, never billed twice.
        self._log_analyst(2.0, date(2026, 10, 30))  # 240.00
        self._evaluate(self.amount_retainer, date(2026, 11, 12))
        periods = self._amount_periods()
        self.assertEqual(periods[date(2026, 10, 1)].amount_used, 5121.0)
        self.assertEqual(periods[date(2026, 11, 1)].amount_used, 4 * 193.5 + 240.0)
        with freeze_time("2026-12-10"):
            records = self._evaluate(self.amount_retainer, date(2026, 12, 10))
            november = records.filtered(lambda r: r.period_start == date(2026, 11, 1))
            self.assertEqual(november.amount_deliverable, 5000.0)
