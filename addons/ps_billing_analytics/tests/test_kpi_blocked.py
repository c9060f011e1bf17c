# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The value the readiness engine blocks: by reason at month end, and its peak once billed."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import AnalyticsCase


@tagged("post_install", "-at_install")
class TestKpiBlocked(AnalyticsCase):
    def test_peak_blocked_value_survives_the_unblocking_and_counts_as_leakage_prevented(self):
        # October's 5 hours at 150.00, with the billing terms not confirmed by finance: blocked.
        self._log_time(self.employee_consultant, 5, date(2026, 10, 10))
        with freeze_time("2026-11-10"):
            self._evaluate()
        october = self.env["ps.billing.readiness"].search(
            [("sale_order_id", "=", self.engagement.id), ("period_start", "=", date(2026, 10, 1))]
        )
        self.assertEqual(october.state, "blocked")
        self.assertEqual(october.ps_peak_blocked_amount_company, 750.0)
        with freeze_time("2026-12-05"):
            rows = self._compute()
        blocked = self._rows(rows, "blocked_value")
        self.assertEqual(sum(row["amount"] for row in blocked), 750.0)
        self.assertEqual(
            {row["reason"] for row in blocked},
            set(october.finding_ids.filtered(lambda f: f.severity == "blocking").mapped("check_code")),
        )
        self._confirm_terms()
        with freeze_time("2026-11-11"):
            self._evaluate(day=date(2026, 11, 11))
        self.assertEqual(october.state, "ready")
        self.assertFalse(october.blocked_since)
        self.assertEqual(october.ps_peak_blocked_amount_company, 750.0)
        with freeze_time("2026-11-12"):
            move = october._create_invoice_draft()
            move.invoice_date = date(2026, 11, 12)
            move.action_post()
        with freeze_time("2026-12-05"):
            rows = self._compute()
        row = self._row(rows, "leakage_prevented", reason="blocked_then_billed")
        self.assertEqual((row["amount"], row["count"]), (750.0, 1))
        self.assertFalse(self._rows(rows, "blocked_value"))
