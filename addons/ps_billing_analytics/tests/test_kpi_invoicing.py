# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Cycle time, dispute rate, rework rate and the value blocked then billed, on November's invoices."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import AnalyticsCase


@tagged("post_install", "-at_install")
@freeze_time("2026-12-05 10:00:00")
class TestKpiInvoicing(AnalyticsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.practice = cls.env["hr.department"].create({"name": "Data Practice"})
        cls.employee_manager.department_id = cls.practice
        cls.engagement.ps_billing_model = "time_materials"
        with freeze_time("2026-12-05"):
            cls._november()

    def test_cycle_time_is_median_and_90th_percentile_of_days_from_period_end_to_invoice(self):
        rows = self._compute()
        # 3, 41 and 81 days: the median is 41; the nearest-rank 90th percentile of three is the third.
        for dimension, keys in (
            ("company", {}),
            ("client", {"partner_id": self.client.id}),
            ("practice", {"department_id": self.practice.id}),
            ("billing_model", {"billing_model": "time_materials"}),
        ):
            row = self._row(rows, "cycle_time", dimension, **keys)
            self.assertEqual((row["value"], row["value_p90"], row["count"]), (41, 81, 3), dimension)

    def test_cycle_time_ignores_drafts_and_other_months(self):
        self._invoice(7, date(2026, 11, 28), self._readiness(date(2026, 7, 1), date(2026, 7, 31)), post=False)
        self._invoice(7, date(2026, 12, 2), self._readiness(date(2026, 6, 1), date(2026, 6, 30)))
        row = self._row(self._compute(), "cycle_time")
        self.assertEqual((row["value"], row["count"]), (41, 3))

    def test_rework_rate_counts_invoices_credited_within_60_days(self):
        row = self._row(self._compute(), "rework_rate")
        # 4 invoices posted in November, the September one credited 20 days later.
        self.assertEqual((row["numerator"], row["denominator"], row["value"]), (1, 4, 25.0))

    def test_rework_rate_adds_invoices_changed_after_approval_once(self):
        hook = type(self.env["ps.kpi.hook"])
        changed = self.invoice_september | self.invoice_manual
        with patch.object(hook, "_ps_kpi_changed_after_approval", lambda self, invoices: invoices & changed):
            row = self._row(self._compute(), "rework_rate")
        # September is credited and changed: it counts once.
        self.assertEqual((row["numerator"], row["value"]), (2, 50.0))

    def test_credit_note_after_60_days_is_not_rework(self):
        late = self._invoice(4, date(2026, 11, 2))
        self._refund(late, date(2027, 1, 2))
        row = self._row(self._compute(), "rework_rate")
        self.assertEqual((row["numerator"], row["denominator"], row["value"]), (1, 5, 20.0))

    def test_dispute_rate_comes_from_the_hook(self):
        row = self._row(self._compute(), "dispute_rate")
        self.assertEqual((row["numerator"], row["denominator"], row["value"]), (0, 4, 0.0))
        hook = type(self.env["ps.kpi.hook"])
        disputed = self.invoice_august
        with patch.object(hook, "_ps_kpi_disputed_invoices", lambda self, invoices: invoices & disputed):
            rows = self._compute()
        self.assertEqual(self._row(rows, "dispute_rate")["value"], 25.0)
        self.assertEqual(self._row(rows, "dispute_rate", "client", partner_id=self.client.id)["numerator"], 1)

    def test_leakage_prevented_is_the_value_blocked_then_billed(self):
        self.period_august.ps_peak_blocked_amount_company = 1200.0
        # Blocked for more than its invoice billed: only what was billed counts.
        self.period_october.ps_peak_blocked_amount_company = 1500.0
        row = self._row(self._compute(), "leakage_prevented", reason="blocked_then_billed")
        self.assertEqual((row["amount"], row["count"]), (2200.0, 2))
