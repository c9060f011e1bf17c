# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from .common import BillingControlCase


@tagged("post_install", "-at_install")
class TestExceptionFlags(BillingControlCase):
    """Each flag raised and not raised on a draft of the engagement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._log_time(cls.employee_consultant, 10.0, "2026-10-05")
        cls.company.ps_margin_target = 30.0  # 40/h cost against 150/h sold: 73 % margin

    def _draft(self):
        return self.engagement._create_invoices()

    def _codes(self, move):
        return set(move.ps_exception_flag_ids.mapped("code"))

    def _time_line(self, move):
        return move.invoice_line_ids.filtered(lambda line: line.sale_line_ids == self.line_time_materials)

    def test_clean_draft_has_no_flag(self):
        self.assertEqual(self._codes(self._draft()), set())

    def test_manual_edit_when_price_changed(self):
        move = self._draft()
        move.write({"invoice_line_ids": [Command.update(self._time_line(move).id, {"price_unit": 140.0})]})
        self.assertIn("manual_edit", self._codes(move))

    def test_manual_edit_when_line_added_to_engine_draft(self):
        self._confirm_terms()
        october = self._evaluate().sorted("period_start")[0]
        move = october.sudo()._create_invoice_draft()
        self.assertNotIn("manual_edit", self._codes(move))
        move.write({"invoice_line_ids": [Command.create({"product_id": self.product_fixed_fee.id, "price_unit": 50})]})
        self.assertIn("manual_edit", self._codes(move))

    def test_discount_above_threshold(self):
        self.company.ps_discount_threshold = 10.0
        move = self._draft()
        line = self._time_line(move)
        move.write({"invoice_line_ids": [Command.update(line.id, {"discount": 10.0})]})
        self.assertNotIn("discount", self._codes(move), "at the threshold is fine")
        move.write({"invoice_line_ids": [Command.update(line.id, {"discount": 15.0})]})
        self.assertIn("discount", self._codes(move))

    def test_write_off_when_less_billed_than_delivered(self):
        move = self._draft()
        self.assertEqual(self._time_line(move).ps_expected_quantity, 10.0)
        move.write({"invoice_line_ids": [Command.update(self._time_line(move).id, {"quantity": 8.0})]})
        self.assertIn("write_off", self._codes(move))

    def test_tax_override_when_taxes_differ_from_product(self):
        tax = self.env["account.tax"].create({"name": "Special 3%", "amount": 3.0, "type_tax_use": "sale"})
        move = self._draft()
        self.assertNotIn("tax_override", self._codes(move))
        move.write(
            {"invoice_line_ids": [Command.update(self._time_line(move).id, {"tax_ids": [Command.set(tax.ids)]})]}
        )
        self.assertIn("tax_override", self._codes(move))

    def test_margin_below_target(self):
        move = self._draft()
        self.assertAlmostEqual(move.ps_cost_amount, 400.0)
        self.assertAlmostEqual(move.ps_margin_percent, (1500.0 - 400.0) / 1500.0 * 100)
        self.assertNotIn("margin_below_target", self._codes(move))
        self.company.ps_margin_target = 80.0
        move.write({"narration": "Recomputed against the new target"})
        move._compute_ps_exception_flag_ids()
        self.assertIn("margin_below_target", self._codes(move))

    def test_unsupported_expense_without_receipt(self):
        move, expense = self._draft_with_expense()
        self.assertIn("unsupported_expense", self._codes(move))
        self.assertTrue(expense)

    def test_supported_expense_with_receipt(self):
        move, expense = self._draft_with_expense(receipt=True)
        self.assertNotIn("unsupported_expense", self._codes(move))

    def _draft_with_expense(self, receipt=False):
        product = self.env["product.product"].create(
            {
                "name": "Train ticket",
                "type": "service",
                "can_be_expensed": True,
                "expense_policy": "cost",
                "invoice_policy": "delivery",
                "standard_price": 0.0,
            }
        )
        expense = self.env["hr.expense"].create(
            {
                "name": "Train to client",
                "employee_id": self.employee_consultant.id,
                "product_id": product.id,
                "total_amount_currency": 80.0,
                "sale_order_id": self.engagement.id,
                "payment_mode": "company_account",
            }
        )
        if receipt:
            self.env["ir.attachment"].create(
                {
                    "name": "ticket.pdf",
                    "res_model": "hr.expense",
                    "res_id": expense.id,
                    "raw": b"%PDF-1.4 ticket",
                }
            )
        sheet = self.env["hr.expense.sheet"].create(
            {
                "name": "Trip",
                "employee_id": self.employee_consultant.id,
                "expense_line_ids": [Command.set(expense.ids)],
            }
        )
        sheet.action_submit_sheet()
        sheet.action_approve_expense_sheets()
        sheet.action_sheet_move_create()
        self.assertTrue(self.engagement.order_line.filtered("is_expense"), "the expense is re-invoiced on the order")
        return self._draft(), expense

    def test_readiness_override_only_on_drafted_anyway(self):
        self.assertNotIn("readiness_override", self._codes(self._draft()))
