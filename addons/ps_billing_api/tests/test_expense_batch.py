# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""POST /expenses:batch: upsert with receipts; an expense in an expense report is locked."""

import base64

from odoo.addons.ps_billing_api.problems import ApiProblem
from odoo.tests import tagged

from .common import SOURCE, BillingApiCase

RECEIPT = base64.b64encode(b"%PDF-1.4 taxi receipt").decode()


@tagged("post_install", "-at_install")
class TestExpenseBatch(BillingApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_travel = cls._create_reinvoiced_expense_product()
        cls.env["ps.sync.mapping"].create(
            {
                "source": SOURCE,
                "res_model": "product.product",
                "external_id": "x-travel",
                "res_id": cls.product_travel.id,
            }
        )

    def _expense(self, external_id="e-1", **values):
        line = {
            "source": SOURCE,
            "external_id": external_id,
            "employee": "u-carla",
            "project": "p-northwind",
            "product": "x-travel",
            "date": self.day,
            "amount": 42.5,
            "currency": None,
            "description": "Taxi to the client",
            "receipt": {"filename": "taxi.pdf", "content": RECEIPT},
        }
        line.update(values)
        return line

    def _import_expenses(self, lines, mode="atomic"):
        return self.env["ps.api.expense.batch"].with_user(self.api_user)._ps_import(lines, mode)

    def test_expense_is_created_on_the_engagement_with_its_receipt(self):
        result = self._import_expenses([self._expense()])
        expense = self.env["hr.expense"].browse(result["lines"][0]["id"])
        self.assertEqual(
            (expense.employee_id, expense.product_id, expense.total_amount_currency, expense.sale_order_id),
            (self.employee_consultant, self.product_travel, 42.5, self.engagement),
        )
        self.assertEqual(expense.analytic_distribution, {str(self.project.analytic_account_id.id): 100})
        receipts = self.env["ir.attachment"].search([("res_model", "=", "hr.expense"), ("res_id", "=", expense.id)])
        self.assertEqual((receipts.name, receipts.raw), ("taxi.pdf", b"%PDF-1.4 taxi receipt"))
        # Sent again: the same expense and the same single receipt.
        again = self._import_expenses([self._expense()])
        self.assertEqual(again["lines"][0]["status"], "unchanged")
        self.assertEqual(
            self.env["ir.attachment"].search_count([("res_model", "=", "hr.expense"), ("res_id", "=", expense.id)]), 1
        )

    def test_expense_in_a_report_cannot_be_changed(self):
        result = self._import_expenses([self._expense()])
        expense = self.env["hr.expense"].browse(result["lines"][0]["id"])
        self.env["hr.expense.sheet"].create(
            {"name": "October", "employee_id": self.employee_consultant.id, "expense_line_ids": [(6, 0, expense.ids)]}
        )
        with self.assertRaises(ApiProblem) as problem:
            self._import_expenses([self._expense(amount=99.0)])
        self.assertEqual(problem.exception.errors[0]["code"], "expense_locked")

    def test_each_expense_is_checked(self):
        result = self._import_expenses(
            [
                self._expense("e-1", product="x-unknown"),
                self._expense("e-2", amount=-5.0),
                self._expense("e-3", currency="XXX"),
                self._expense("e-4", receipt={"filename": "r.pdf", "content": "not base64!"}),
                self._expense("e-5"),
            ],
            mode="partial",
        )
        codes = [[error["code"] for error in line["errors"]] for line in result["lines"]]
        self.assertEqual(
            codes, [["product_unmapped"], ["amount_out_of_range"], ["currency_unknown"], ["receipt_invalid"], []]
        )
        self.assertEqual(result["summary"]["created"], 1)
