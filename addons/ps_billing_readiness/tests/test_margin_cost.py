# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import BillingControlCase


def codes(move):
    return set(move.ps_exception_flag_ids.mapped("code"))


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10")
class TestMarginCost(BillingControlCase):
    """An invoice costs what it bills: its time, its expenses, else its products' cost. When the cost
    of a line is unknown, the margin is too: not shown, flagged, never 100 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee_consultant.hourly_cost = 60.0
        cls.uom_day = cls.env.ref("uom.product_uom_day")
        cls.product_fixed_fee.standard_price = 3200.0
        cls.company.ps_margin_target = 30.0

    def _assert_margin(self, move, untaxed, cost, margin):
        self.assertEqual(move.amount_untaxed, untaxed)
        self.assertTrue(move.ps_cost_known)
        self.assertEqual(move.ps_cost_amount, cost)
        self.assertEqual(round(move.ps_margin_percent, 2), margin)
        self.assertNotIn("margin_unknown", codes(move))

    def test_timesheet_cost_given_at_create_is_kept_and_a_wrong_one_corrected(self):
        """A line created with the cost Odoo computes keeps it; any other figure is Odoo's."""
        right = self._log_time(self.employee_consultant, 2.5, "2026-10-14", amount=-150.0)
        wrong = self._log_time(self.employee_consultant, 2.5, "2026-10-15", amount=-1.0)
        plain = self._log_time(self.employee_consultant, 2.5, "2026-10-16")
        self.assertEqual((right.amount, wrong.amount, plain.amount), (-150.0, -150.0, -150.0))  # 2.5 h x 60.00
        wrong.unit_amount = 3.0
        self.assertEqual(wrong.amount, -180.0)

    def _assert_unknown(self, move):
        self.assertFalse(move.ps_cost_known)
        self.assertEqual(move.ps_cost_amount, 0.0, "no partial cost passed off as the cost")
        self.assertEqual(move.ps_margin_percent, 0.0)
        self.assertIn("margin_unknown", codes(move))
        self.assertNotIn("margin_below_target", codes(move), "an unknown margin is not a known low one")

    def _invoice(self, lines, **values):
        """A customer invoice draft of ``lines`` (values of invoice lines, without taxes)."""
        return self.env["account.move"].create(
            {
                "move_type": values.pop("move_type", "out_invoice"),
                "partner_id": self.client.id,
                "invoice_date": "2026-11-02",
                "invoice_line_ids": [Command.create({"tax_ids": [Command.clear()], **line}) for line in lines],
                **values,
            }
        )

    # Known costs ------------------------------------------------------------
    def test_hourly_line_costs_the_time_it_invoices(self):
        self._log_time(self.employee_consultant, 12.0, "2026-10-05")
        move = self.engagement._create_invoices()
        self.assertEqual(move.timesheet_ids.mapped("unit_amount"), [12.0])
        # 12 h at 150 by a consultant costing 60 an hour: 1,800.00 billed, 720.00 of cost.
        self._assert_margin(move, 1800.0, 720.0, 60.0)

    def test_time_of_every_employee_at_their_own_cost(self):
        self._log_time(self.employee_consultant, 12.0, "2026-10-05")
        self._log_time(self.employee_manager, 3.5, "2026-10-06")  # 60 an hour too
        self.employee_controller.hourly_cost = 55.55
        self._log_time(self.employee_controller, 1.25, "2026-10-07")
        move = self.engagement._create_invoices()
        # 16.75 h at 150 = 2,512.50; cost 720.00 + 210.00 + 69.44 (1.25 × 55.55 = 69.4375, rounded by Odoo).
        self._assert_margin(move, 2512.5, 999.44, 60.22)

    def test_fixed_fee_line_costs_its_product(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "order_line": [
                    Command.create({"product_id": self.product_fixed_fee.id, "product_uom_qty": 1.0, "tax_id": []})
                ],
            }
        )
        order.action_confirm()
        move = order._create_invoices()
        # 5,000.00 sold as one unit, its product costing 3,200.00.
        self._assert_margin(move, 5000.0, 3200.0, 36.0)

    def test_line_sold_in_days_costs_the_product_in_days(self):
        # 50.00 an hour is 400.00 a day (8 hours): two days at 1,200.00 cost 800.00.
        move = self._invoice(
            [
                {
                    "product_id": self.product_time_materials.id,
                    "product_uom_id": self.uom_day.id,
                    "quantity": 2.0,
                    "price_unit": 1200.0,
                }
            ]
        )
        self._assert_margin(move, 2400.0, 800.0, 66.67)

    def test_credit_note_costs_what_it_takes_back(self):
        move = self._invoice(
            [{"product_id": self.product_fixed_fee.id, "quantity": 1.0, "price_unit": 4000.0}],
            move_type="out_refund",
        )
        self._assert_margin(move, 4000.0, 3200.0, 20.0)

    def test_reinvoiced_expense_costs_the_expense(self):
        product = self._create_reinvoiced_expense_product()
        product.supplier_taxes_id = [Command.clear()]  # the expense's amount is its cost
        expense = self.env["hr.expense"].create(
            {
                "name": "Train to client",
                "employee_id": self.employee_consultant.id,
                "product_id": product.id,
                "total_amount_currency": 80.25,
                "sale_order_id": self.engagement.id,
                "payment_mode": "company_account",
            }
        )
        sheet = self.env["hr.expense.sheet"].create(
            {"name": "Trip", "employee_id": self.employee_consultant.id, "expense_line_ids": [Command.set(expense.ids)]}
        )
        sheet.action_submit_sheet()
        sheet.action_approve_expense_sheets()
        sheet.action_sheet_move_create()
        self._log_time(self.employee_consultant, 2.0, "2026-10-05")
        move = self.engagement._create_invoices()
        expense_line = move.invoice_line_ids.filtered(lambda line: line.product_id == product)
        self.assertEqual(expense_line.price_subtotal, 80.25, "re-invoiced at cost")
        self.assertFalse(product.standard_price, "the expense product has no cost: the expense's is read")
        # 300.00 of time + 80.25 re-invoiced; 120.00 of time + 80.25 of expense.
        self.assertEqual(move.amount_untaxed, 380.25)
        self.assertEqual(move.ps_cost_amount, 200.25)
        self.assertEqual(round(move.ps_margin_percent, 2), 47.34)

    def test_down_payment_deduction_costs_nothing_and_the_final_invoice_is_known(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "order_line": [
                    Command.create({"product_id": self.product_fixed_fee.id, "product_uom_qty": 1.0, "tax_id": []})
                ],
            }
        )
        order.action_confirm()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "fixed", "fixed_amount": 1000.0})
        )
        wizard.create_invoices()
        advance = order.invoice_ids
        self.assertEqual(advance.amount_untaxed, 1000.0)
        self._assert_unknown(advance)  # an advance bills nothing delivered: its margin is not a margin
        final = order._create_invoices(final=True)
        # 5,000.00 less the 1,000.00 advance; the fixed fee's 3,200.00 of cost.
        self._assert_margin(final, 4000.0, 3200.0, 20.0)

    def test_margin_below_target_flags_a_known_low_margin(self):
        move = self._invoice([{"product_id": self.product_fixed_fee.id, "quantity": 1.0, "price_unit": 4500.0}])
        self._assert_margin(move, 4500.0, 3200.0, 28.89)
        self.assertIn("margin_below_target", codes(move))

    # Unknown costs ------------------------------------------------------------
    def test_line_without_product_or_linked_cost_leaves_the_margin_unknown(self):
        move = self._invoice([{"name": "Advisory", "quantity": 1.0, "price_unit": 15000.0}])
        self.assertEqual(move.amount_untaxed, 15000.0)
        self._assert_unknown(move)

    def test_one_unknown_line_makes_the_whole_cost_unknown(self):
        move = self._invoice(
            [
                {"product_id": self.product_fixed_fee.id, "quantity": 1.0, "price_unit": 5000.0},
                {"name": "Advisory", "quantity": 1.0, "price_unit": 100.0},
            ]
        )
        self._assert_unknown(move)
        move.write(
            {
                "invoice_line_ids": [
                    Command.delete(move.invoice_line_ids.filtered(lambda line: line.name == "Advisory").id)
                ]
            }
        )
        self._assert_margin(move, 5000.0, 3200.0, 36.0)

    def test_product_without_cost_leaves_the_margin_unknown(self):
        self.product_fixed_fee.standard_price = 0.0
        move = self._invoice([{"product_id": self.product_fixed_fee.id, "quantity": 1.0, "price_unit": 5000.0}])
        self._assert_unknown(move)

    def test_time_of_an_employee_without_cost_leaves_the_margin_unknown(self):
        self.employee_manager.hourly_cost = 0.0
        self._log_time(self.employee_consultant, 12.0, "2026-10-05")
        self._log_time(self.employee_manager, 2.0, "2026-10-06")
        move = self.engagement._create_invoices()
        self.assertEqual(move.amount_untaxed, 2100.0)
        self._assert_unknown(move)

    def test_line_without_cost_that_bills_nothing_is_left_out(self):
        move = self._invoice(
            [
                {"product_id": self.product_fixed_fee.id, "quantity": 1.0, "price_unit": 5000.0},
                {"name": "Travel time offered", "quantity": 4.0, "price_unit": 0.0},
            ]
        )
        self._assert_margin(move, 5000.0, 3200.0, 36.0)

    def test_draft_of_no_amount_has_no_margin_and_no_flag(self):
        move = self._invoice([{"name": "Nothing yet", "quantity": 1.0, "price_unit": 0.0}])
        self.assertEqual(move.ps_margin_percent, 0.0)
        self.assertFalse(codes(move) & {"margin_unknown", "margin_below_target"})

    def test_adding_the_missing_cost_and_editing_the_draft_makes_it_known(self):
        self.product_fixed_fee.standard_price = 0.0
        move = self._invoice([{"product_id": self.product_fixed_fee.id, "quantity": 1.0, "price_unit": 5000.0}])
        self._assert_unknown(move)
        self.product_fixed_fee.standard_price = 2500.0
        move.write({"invoice_line_ids": [Command.update(move.invoice_line_ids.id, {"quantity": 2.0})]})
        self._assert_margin(move, 10000.0, 5000.0, 50.0)

    def test_archived_flag_is_not_raised_whatever_the_context(self):
        flag = self.env.ref("ps_billing_readiness.flag_margin_unknown")
        flag.active = False
        move = self._invoice([{"name": "Advisory", "quantity": 1.0, "price_unit": 15000.0}])
        move.with_context(active_test=False)._compute_ps_exception_flag_ids()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT ps_exception_flag_id FROM account_move_ps_exception_flag_rel WHERE account_move_id = %s", move.ids
        )
        self.assertFalse(move.ps_cost_known)
        self.assertNotIn((flag.id,), self.env.cr.fetchall(), "switched off: active_test=False does not revive it")

    # Batch ------------------------------------------------------------------
    def test_costs_of_a_batch_are_read_in_a_constant_number_of_queries(self):
        self._log_time(self.employee_consultant, 12.0, "2026-10-05")
        timed = self.engagement._create_invoices()
        product = self.product_time_materials
        other = self.env["product.product"].create({"name": "Workshop kit", "standard_price": 12.5})
        moves = timed | self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": self.client.id,
                    "invoice_line_ids": [
                        Command.create({"product_id": product.id, "quantity": 1.0 + index, "price_unit": 150.0}),
                        Command.create({"product_id": other.id, "quantity": 2.0, "price_unit": 40.0}),
                        Command.create({"name": "Advisory", "quantity": 1.0, "price_unit": 10.0 * (index % 2)}),
                    ],
                }
                for index in range(40)
            ]
        )

        def count(batch):
            batch._get_ps_billed_costs()  # warm-up: the registry's caches, not the records'
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            costs = batch._get_ps_billed_costs()
            return self.env.cr.sql_log_count - before, costs

        few, _costs = count(moves[:5])
        many, costs = count(moves)
        self.assertEqual(many, few, "the queries do not grow with the invoices")
        self.assertEqual(costs[timed.id], 720.0)
        # The first manual invoice: 1 h at 50.00 + 2 kits at 12.50; its advisory line bills nothing.
        self.assertEqual(costs[moves[1].id], 75.0)
        self.assertIsNone(costs[moves[2].id], "advisory billed 10.00, without a cost")


# Every context key a client might send to skip or forge the margin and its flag.
HOSTILE_CONTEXT = {
    "active_test": False,
    "ps_skip_margin": True,
    "ps_margin_unknown": False,
    "default_ps_cost_known": True,
    "default_ps_cost_amount": 1.0,
    "default_ps_margin_percent": 99.0,
    "default_ps_exception_flag_ids": [],
    "tracking_disable": True,
    "check_move_validity": False,
}


@tagged("post_install", "-at_install")
class TestMarginCostOverHttp(HttpCase, BillingControlCase):
    """A billing clerk, over Odoo's external API, can neither write the cost, the margin or the flags
    nor send a context that makes an unknown margin pass for a known one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(cls.env, login="bc_clerk", name="Bill Clerk", groups="account.group_account_invoice")
        cls.product_fixed_fee.standard_price = 3200.0
        cls.unknown = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.client.id,
                "invoice_line_ids": [
                    Command.create({"name": "Advisory", "quantity": 1.0, "price_unit": 15000.0, "tax_ids": []})
                ],
            }
        )
        cls.margin_unknown = cls.env.ref("ps_billing_readiness.flag_margin_unknown")

    def _call(self, model, method, args, kwargs=None, context=None):
        self.authenticate("bc_clerk", "bc_clerk")
        params = {
            "model": model,
            "method": method,
            "args": args,
            "kwargs": {**(kwargs or {}), "context": {**HOSTILE_CONTEXT, **(context or {})}},
        }
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", params)

    def _refused(self, model, method, args):
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as caught:
            self._call(model, method, args)
        self.assertIn("AccessError", str(caught.exception))

    def _db(self, move):
        """The figures as stored in the database."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT ps_cost_known, ps_cost_amount, ps_margin_percent FROM account_move WHERE id = %s", [move.id]
        )
        known, cost, margin = self.env.cr.fetchone()
        self.env.cr.execute(
            "SELECT array_agg(f.code ORDER BY f.code) FROM account_move_ps_exception_flag_rel r "
            "JOIN ps_exception_flag f ON f.id = r.ps_exception_flag_id WHERE r.account_move_id = %s",
            [move.id],
        )
        return known, float(cost or 0.0), float(margin or 0.0), self.env.cr.fetchone()[0] or []

    def test_clerk_cannot_write_the_cost_the_margin_or_the_flags(self):
        before = self._db(self.unknown)
        self.assertEqual(before, (False, 0.0, 0.0, ["margin_unknown"]))
        for vals in (
            {"ps_margin_percent": 45.0},
            {"ps_cost_amount": 8000.0},
            {"ps_cost_known": True},
            {"ps_exception_flag_ids": [Command.clear()]},
            {"ps_exception_flag_ids": [Command.unlink(self.margin_unknown.id)]},
        ):
            with self.subTest(vals=vals):
                self._refused("account.move", "write", [self.unknown.ids, vals])
                self.assertEqual(self._db(self.unknown), before)

    def test_clerk_cannot_create_an_invoice_born_with_a_known_margin(self):
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.client.id,
            "ps_cost_known": True,
            "ps_margin_percent": 60.0,
            "invoice_line_ids": [Command.create({"name": "Advisory", "quantity": 1, "price_unit": 900.0})],
        }
        count = self.env["account.move"].search_count([])
        self._refused("account.move", "create", [vals])
        self.assertEqual(self.env["account.move"].search_count([]), count)

    def test_hostile_context_does_not_skip_the_unknown_margin(self):
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.client.id,
            "invoice_line_ids": [
                Command.create({"name": "Advisory", "quantity": 1, "price_unit": 900.0, "tax_ids": []})
            ],
        }
        move = self.env["account.move"].browse(self._call("account.move", "create", [vals]))
        self.assertEqual(self._db(move), (False, 0.0, 0.0, ["margin_unknown"]))
        line = move.invoice_line_ids
        self._call(
            "account.move", "write", [move.ids, {"invoice_line_ids": [Command.update(line.id, {"price_unit": 950.0})]}]
        )
        self._call("account.move.line", "write", [line.ids, {"quantity": 2.0}])
        move.invalidate_recordset()
        self.assertEqual(move.amount_untaxed, 1900.0)
        self.assertEqual(self._db(move), (False, 0.0, 0.0, ["margin_unknown"]))
        # A known cost, by the clerk's ordinary edit: the product's.
        self._call(
            "account.move.line", "write", [line.ids, {"product_id": self.product_fixed_fee.id, "price_unit": 4000.0}]
        )
        self.assertEqual(self._db(move), (True, 6400.0, 20.0, ["margin_below_target"]))

    def test_archived_flag_stays_off_whatever_active_test_the_client_sends(self):
        self.margin_unknown.active = False
        move = self.env["account.move"].browse(
            self._call(
                "account.move",
                "create",
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.client.id,
                        "invoice_line_ids": [Command.create({"name": "Advisory", "quantity": 1, "price_unit": 9.0})],
                    }
                ],
            )
        )
        known, _cost, _margin, flags = self._db(move)
        self.assertFalse(known, "the cost stays unknown")
        self.assertNotIn(
            "margin_unknown", flags, "the firm switched that flag off: active_test=False does not revive it"
        )
