# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The milestone checks' findings come and go the same day: reaching, accepting a milestone
and a subcontractor's bill mark the engagement, and the billing run re-evaluates it."""

from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import MilestoneBillingCase

TODAY = "2026-11-10 09:00:00"


@tagged("post_install", "-at_install")
class TestSameDayMilestoneReadiness(MilestoneBillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._confirm_terms()
        cls.subcontractor = cls.env["res.partner"].create({"name": "Fjord Data Engineering", "is_company": True})

    def _vendor_bill(self, bills):
        def make():
            bills.append(
                self.env["account.move"].create(
                    {
                        "move_type": "in_invoice",
                        "partner_id": self.subcontractor.id,
                        "invoice_date": "2026-10-20",
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Data engineering subcontracting",
                                    "quantity": 1.0,
                                    "price_unit": 2500.0,
                                    "tax_ids": [Command.clear()],
                                    "analytic_distribution": {str(self.project.analytic_account_id.id): 100.0},
                                }
                            )
                        ],
                    }
                )
            )

        return make

    def test_reaching_then_accepting_a_milestone_the_same_day(self):
        self._assert_finding_comes_and_goes(
            "milestones_accepted",
            lambda: self._reach(self.milestone_design, day=date(2026, 11, 10)),
            lambda: self._accept(self.milestone_design, day="2026-11-10 10:00:00"),
            TODAY,
            period_start=date(2026, 11, 1),
        )

    def test_posting_a_subcontractor_bill_the_same_day(self):
        bills = []
        self._assert_finding_comes_and_goes(
            "subcontractor_costs", self._vendor_bill(bills), lambda: bills[0].action_post(), TODAY
        )

    def test_deleting_a_draft_subcontractor_bill_the_same_day(self):
        bills = []
        self._assert_finding_comes_and_goes(
            "subcontractor_costs", self._vendor_bill(bills), lambda: bills[0].unlink(), TODAY
        )
