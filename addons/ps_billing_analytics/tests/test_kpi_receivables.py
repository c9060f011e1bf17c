# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Days sales outstanding, the standard way and Odoo's dashboard way, and the unbilled WIP by age."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import AnalyticsCase


@tagged("post_install", "-at_install")
@freeze_time("2026-12-05 10:00:00")
class TestKpiReceivables(AnalyticsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-12-05"):
            cls._november()

    def test_dso_standard_and_odoo_dashboard_side_by_side(self):
        rows = self._compute()
        standard, odoo = self._row(rows, "dso"), self._row(rows, "dso_odoo")
        # Receivable at 30 Nov: 3,000.00 + 2,000.00 - 2,000.00 credited + 500.00 (October paid) = 3,500.00.
        self.assertEqual((standard["numerator"], odoo["numerator"]), (3500.0, 3500.0))
        # Standard: over the sales of the last 90 days (6,500.00 invoiced less 2,000.00 credited) x 90.
        self.assertEqual(standard["denominator"], 4500.0)
        self.assertEqual(round(standard["value"], 2), 70.0)
        # Odoo's invoicing dashboard: over income less direct costs of the fiscal year so far, x 365.
        self.assertEqual(odoo["denominator"], 4500.0)
        self.assertEqual(round(odoo["value"], 2), 283.89)

    def test_dso_odoo_divides_by_gross_margin(self):
        cogs = self.env["account.account"].search(
            [("account_type", "=", "expense_direct_cost"), ("company_id", "=", self.company.id)], limit=1
        )
        stock = self.env["account.account"].search(
            [("account_type", "=", "asset_current"), ("company_id", "=", self.company.id)], limit=1
        )
        journal = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)], limit=1
        )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": date(2026, 11, 30),
                "line_ids": [
                    (0, 0, {"account_id": cogs.id, "partner_id": self.client.id, "debit": 1800.0}),
                    (0, 0, {"account_id": stock.id, "partner_id": self.client.id, "credit": 1800.0}),
                ],
            }
        )
        entry.action_post()
        rows = self._compute()
        odoo = self._row(rows, "dso_odoo")
        # 4,500.00 of income less 1,800.00 of direct costs: 2,700.00; 3,500.00 / 2,700.00 x 365.
        self.assertEqual(odoo["denominator"], 2700.0)
        self.assertEqual(round(odoo["value"], 2), 473.15)
        # The standard DSO does not see costs.
        self.assertEqual(round(self._row(rows, "dso")["value"], 2), 70.0)

    def test_dso_per_client(self):
        row = self._row(self._compute(), "dso", "client", partner_id=self.client.id)
        self.assertEqual((row["numerator"], row["denominator"], round(row["value"], 2)), (3500.0, 4500.0, 70.0))

    def test_wip_aging_buckets_unbilled_time_by_age_at_month_end(self):
        self._log_time(self.employee_consultant, 2, date(2026, 11, 20))  # 10 days at 30 Nov
        self._log_time(self.employee_consultant, 3, date(2026, 10, 15))  # 46 days
        self._log_time(self.employee_consultant, 4, date(2026, 9, 25))  # 66 days
        self._log_time(self.employee_consultant, 1, date(2026, 8, 20))  # 102 days
        self._log_time(self.employee_consultant, 5, date(2026, 12, 2))  # after the month: not counted
        rows = self._compute()
        amounts = {row["reason"]: row["amount"] for row in self._rows(rows, "wip_aging")}
        self.assertEqual(amounts, {"0_30": 300.0, "31_60": 450.0, "61_90": 600.0, "90_plus": 150.0})
        client = {row["reason"]: row["amount"] for row in self._rows(rows, "wip_aging", "client")}
        self.assertEqual(sum(client.values()), 1500.0)
