# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The figures a finance controller reads: unbilled WIP, amounts at risk, dates and companies.

Amounts to the cent, in their currency and company, each counted once.
"""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import GROUP_FINANCE_CONTROLLER, BillingControlCase, run_jobs


class FiguresCase(BillingControlCase):
    @classmethod
    def _engagement(cls, product, qty, price=None, partner=None, **values):
        """Confirm an engagement selling ``qty`` of ``product`` (at ``price``) and return its line."""
        line_vals = {"product_id": product.id, "product_uom_qty": qty}
        if price is not None:
            line_vals["price_unit"] = price
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.client).id,
                "user_id": cls.controller.id,
                "order_line": [Command.create(line_vals)],
                **values,
            }
        )
        order.action_confirm()
        order.date_order = "2026-09-15 09:00:00"
        return order.order_line

    @classmethod
    def _timesheet_on(cls, line, employee, hours, day):
        """Log ``hours`` of ``employee`` on the project of sales ``line`` (billed to it)."""
        project = line.project_id or line.order_id.project_id
        return cls.env["account.analytic.line"].create(
            {
                "name": "Work",
                "employee_id": employee.id,
                "project_id": project.id,
                "unit_amount": hours,
                "date": day,
                "so_line": line.id,
            }
        )

    def _wip(self, order):
        self.env.flush_all()  # the report is a SQL view: what the ORM still holds is not in it yet
        rows = self.env["ps.unbilled.wip.report"].search([("sale_order_id", "=", order.id)])
        return {
            "amount": round(sum(rows.mapped("amount")), 2),
            "amount_company": round(sum(rows.mapped("amount_company")), 2),
            "hours": round(sum(rows.mapped("hours")), 2),
            "cost": round(sum(rows.mapped("cost")), 2),
            "kinds": set(rows.mapped("kind")),
        }


class TestUnbilledWip(FiguresCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        uom_hour = cls.env.ref("uom.product_uom_hour")
        uom_day = cls.env.ref("uom.product_uom_day")
        Product = cls.env["product.product"]
        cls.product_prepaid_audit = Product.create(
            {
                "name": "Audit (fixed fee, time logged)",
                "type": "service",
                "list_price": 38000.0,
                "uom_id": cls.env.ref("uom.product_uom_unit").id,
                "uom_po_id": cls.env.ref("uom.product_uom_unit").id,
                "service_tracking": "project_only",
                "invoice_policy": "order",
                "service_type": "timesheet",
            }
        )
        cls.product_day = Product.create(
            {
                "name": "Consulting day",
                "type": "service",
                "list_price": 1200.0,
                "uom_id": uom_day.id,
                "uom_po_id": uom_day.id,
                "service_tracking": "project_only",
                "invoice_policy": "delivery",
                "service_type": "timesheet",
            }
        )
        cls.assertTrue(cls, uom_hour.category_id == uom_day.category_id)

    def test_hourly_time_at_its_rate_with_its_cost(self):
        self._log_time(self.employee_consultant, 8.0, "2026-11-03")
        wip = self._wip(self.engagement)
        self.assertEqual(
            (wip["amount"], wip["amount_company"], wip["hours"], wip["cost"]), (1200.0, 1200.0, 8.0, 320.0)
        )

    def test_time_on_a_fixed_fee_bills_nothing_by_itself(self):
        line = self._engagement(self.product_prepaid_audit, 1.0)
        timesheet = self._timesheet_on(line, self.employee_consultant, 8.0, "2026-11-03")
        self.assertEqual(timesheet.so_line, line)
        wip = self._wip(line.order_id)
        # Before: 8 h x 38,000.00 = 304,000.00 of "unbilled WIP".
        self.assertEqual((wip["amount"], wip["hours"], wip["cost"]), (0.0, 8.0, 320.0))
        row = self.env["ps.unbilled.wip.report"].search([("sale_order_id", "=", line.order_id.id)])
        self.assertFalse(row.billable)
        # The engine agrees: the audit's deliverable is its fee as ordered, not its hours at the fee.
        with freeze_time("2026-11-10"):
            readiness = self._evaluate(line.order_id, date(2026, 11, 10)).sorted("period_start")[:1]
        self.assertEqual(readiness.amount_deliverable, 38000.0)

    def test_time_sold_in_days_at_the_day_rate(self):
        line = self._engagement(self.product_day, 10.0)
        self._timesheet_on(line, self.employee_consultant, 12.0, "2026-11-03")
        wip = self._wip(line.order_id)
        # 12 hours are 1.5 days (8 hours a day) at 1,200.00 a day.
        self.assertEqual((wip["amount"], wip["hours"], wip["cost"]), (1800.0, 12.0, 480.0))
        row = self.env["ps.unbilled.wip.report"].search([("sale_order_id", "=", line.order_id.id)])
        self.assertAlmostEqual(row.quantity, 1.5)

    def test_reached_milestone_and_reinvoiced_expense_are_wip(self):
        self.env["project.milestone"].create(
            {
                "name": "Design signed off",
                "project_id": self.project.id,
                "sale_line_id": self.line_milestone.id,
                "quantity_percentage": 0.3,
                "is_reached": True,
            }
        )
        self.assertAlmostEqual(self.line_milestone.qty_delivered, 0.3)
        product = self._create_reinvoiced_expense_product()
        product.supplier_taxes_id = [Command.clear()]  # re-invoiced at its cost without tax: 80.00
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
        sheet = self.env["hr.expense.sheet"].create(
            {"name": "Trip", "employee_id": self.employee_consultant.id, "expense_line_ids": [Command.set(expense.ids)]}
        )
        sheet.action_submit_sheet()
        sheet.action_approve_expense_sheets()
        sheet.action_sheet_move_create()
        self._log_time(self.employee_consultant, 2.0, "2026-11-03")
        self.env.flush_all()
        rows = self.env["ps.unbilled.wip.report"].search([("sale_order_id", "=", self.engagement.id)])
        by_kind = {
            kind: round(sum(rows.filtered(lambda r, k=kind: r.kind == k).mapped("amount")), 2)
            for kind in ("time", "milestone", "expense")
        }
        self.assertEqual(by_kind, {"time": 300.0, "milestone": 3000.0, "expense": 80.0})
        self.assertEqual(self._wip(self.engagement)["amount"], 3380.0)

    def test_invoiced_work_leaves_the_wip(self):
        self._log_time(self.employee_consultant, 8.0, "2026-10-03")
        self.engagement._create_invoices()
        self.assertEqual(self._wip(self.engagement)["amount"], 0.0)

    def test_foreign_currency_engagement_in_its_currency_and_the_company_total(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.assertNotEqual(self.company.currency_id, eur)
        self.env["res.currency.rate"].search([("currency_id", "in", (eur | self.company.currency_id).ids)]).unlink()
        self.env["res.currency.rate"].create({"currency_id": eur.id, "name": "2000-01-01", "rate": 0.8})
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        line = self._engagement(self.product_time_materials, 100.0, price=150.0, pricelist_id=pricelist.id)
        self.assertEqual(line.order_id.currency_id, eur)
        self._timesheet_on(line, self.employee_consultant, 10.0, "2026-11-03")
        wip = self._wip(line.order_id)
        # 10 h at EUR 150.00 = EUR 1,500.00; at 0.8 EUR to the company's 1.00: 1,875.00.
        self.assertEqual((wip["amount"], wip["amount_company"]), (1500.0, 1875.0))
        row = self.env["ps.unbilled.wip.report"].search([("sale_order_id", "=", line.order_id.id)])
        self.assertEqual((row.currency_id, row.company_currency_id), (eur, self.company.currency_id))
        # The board: the engagement's amounts in euros, and in dollars to add up with the others.
        self._confirm_terms(line.order_id)
        with freeze_time("2026-11-10"):
            november = self._evaluate(line.order_id, date(2026, 11, 10)).filtered(
                lambda r: r.period_start == date(2026, 11, 1)
            )
        self.assertEqual((november.state, november.currency_id), ("ready", eur))
        self.assertEqual((november.amount_deliverable, november.amount_ready), (1500.0, 1500.0))
        self.assertEqual(
            (november.amount_deliverable_company, november.amount_ready_company, november.amount_blocked_company),
            (1875.0, 1875.0, 0.0),
        )
        self.assertEqual(november.company_currency_id, self.company.currency_id)


class TestAmountsCountedOnce(FiguresCase):
    """Open periods November (closing: its cutoff, 3 December, is ahead) and December."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day = date(2026, 12, 2)
        cls.engagement.ps_po_required = True
        cls.expense_product = cls._create_reinvoiced_expense_product()

    def _periods(self):
        with freeze_time(self.day):
            records = self._evaluate(day=self.day).sorted("period_start")
        self.assertEqual(records.mapped("period_start"), [date(2026, 11, 1), date(2026, 12, 1)])
        return records

    def test_an_open_expense_is_at_risk_in_one_period_only(self):
        self.engagement.ps_client_po_ref = "PO-1"
        self._confirm_terms()
        self.env["hr.expense"].create(
            {
                "name": "Hotel",
                "employee_id": self.employee_consultant.id,
                "product_id": self.expense_product.id,
                "total_amount_currency": 120.0,
                "date": "2026-11-20",
                "sale_order_id": self.engagement.id,
            }
        )
        november, december = self._periods()
        self.assertEqual(november.finding_ids.mapped("check_code"), ["expenses_validated"])
        self.assertEqual(november.amount_at_risk, 120.0)
        self.assertFalse(december.finding_ids)
        self.assertEqual(december.amount_at_risk, 0.0)

    def test_engagement_wide_findings_carry_the_deliverable_once(self):
        self._log_time(self.employee_consultant, 10.0, "2026-11-05")
        november, december = self._periods()
        self.assertEqual(november.amount_deliverable, 1500.0)
        wide = november.finding_ids.filtered(lambda f: f.check_code in ("terms_confirmed", "po_reference"))
        self.assertEqual(len(wide), 2)
        self.assertEqual(sorted(wide.mapped("amount_at_risk")), [0.0, 1500.0])
        self.assertEqual(november.amount_at_risk, 1500.0)
        # A pivot over all the findings adds each amount once.
        findings = self.env["ps.readiness.finding"].search([("sale_order_id", "=", self.engagement.id)])
        self.assertEqual(round(sum(findings.mapped("amount_at_risk")), 2), 1500.0)
        self.assertEqual(
            self.env["ps.readiness.finding"]._read_group(
                [("sale_order_id", "=", self.engagement.id)], [], ["amount_at_risk:sum"]
            )[0][0],
            1500.0,
        )

    def test_a_finding_with_nothing_at_stake_names_no_zero_amount(self):
        _november, december = self._periods()
        self.assertEqual(december.amount_deliverable, 0.0)
        messages = december.finding_ids.mapped("message")
        self.assertEqual(len(messages), 2)
        for message in messages:
            self.assertNotIn("0.00", message)
        terms = december.finding_ids.filtered(lambda f: f.check_code == "terms_confirmed")
        self.assertEqual(terms.message, f"The billing terms of {self.engagement.name} are not confirmed by finance.")

    def test_an_expense_and_the_unconfirmed_terms_add_up(self):
        self.engagement.ps_client_po_ref = "PO-1"
        self._log_time(self.employee_consultant, 10.0, "2026-11-05")
        self.env["hr.expense"].create(
            {
                "name": "Hotel",
                "employee_id": self.employee_consultant.id,
                "product_id": self.expense_product.id,
                "total_amount_currency": 120.0,
                "date": "2026-11-20",
                "sale_order_id": self.engagement.id,
            }
        )
        november, _december = self._periods()
        self.assertEqual(november.amount_at_risk, 1620.0)
        self.assertEqual(november.amount_blocked, 1500.0)


class TestCompanyCalendar(FiguresCase):
    """The firm works on Brussels time; its controller travels in Los Angeles. At 00:30 UTC on
    1 December it is 01:30 on 1 December for the firm and 16:30 on 30 November for the viewer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Europe/Brussels"
        cls.controller.tz = "America/Los_Angeles"
        cls.env.user.tz = "America/Los_Angeles"
        cls.moment = datetime(2026, 12, 1, 0, 30)

    def test_today_is_the_companys(self):
        with freeze_time(self.moment):
            self.assertEqual(self.company.with_user(self.controller)._ps_today(), date(2026, 12, 1))
            self.company.resource_calendar_id.tz = "America/New_York"
            self.company.resource_calendar_id.flush_recordset()
            self.assertEqual(self.company.with_user(self.controller)._ps_today(), date(2026, 11, 30))

    def test_periods_and_ages_follow_the_company_calendar(self):
        Readiness = self.env["ps.billing.readiness"].with_user(self.controller)
        with freeze_time(self.moment):
            records = Readiness._evaluate_orders(self.engagement).sorted("period_start")
            self.assertEqual(records.mapped("period_start")[-1], date(2026, 12, 1))
            december = records[-1]
            december.sudo().write({"state": "blocked", "blocked_since": date(2026, 12, 1)})
            december.invalidate_recordset()
            self.assertEqual(december.blocked_days, 0)
            november = records.filtered(lambda r: r.period_start == date(2026, 11, 1))
            self.assertFalse(november.cutoff_passed)

    def test_a_run_with_nothing_due_queries_nothing_wrong(self):
        with self.assertNoLogs("odoo.sql_db", level="ERROR"):
            self.assertEqual(self.env["ps.billing.readiness"]._draft_due_periods(date(2000, 1, 1)), (0, False))

    def test_the_billing_run_uses_the_company_day_whatever_its_user(self):
        self.engagement.ps_readiness_evaluated_on = False
        with freeze_time(self.moment):
            run_jobs(self.env["ps.billing.readiness"]._cron_billing_run)
        self.assertEqual(self.engagement.ps_readiness_evaluated_on, date(2026, 12, 1))


class TwoCompaniesCase(FiguresCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Billing Control Europe"})
        cls.controller_b = new_test_user(
            cls.env,
            login="bc_controller_b",
            name="Bea Controller",
            groups=GROUP_FINANCE_CONTROLLER,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.employee_b = cls.env["hr.employee"].create(
            {"name": "Bert Consultant", "company_id": cls.company_b.id, "hourly_cost": 50.0}
        )
        env_b = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company_b.ids))
        order_b = (
            env_b["sale.order"]
            .with_company(cls.company_b)
            .create(
                {
                    "partner_id": cls.client.id,
                    "company_id": cls.company_b.id,
                    "order_line": [
                        Command.create({"product_id": cls.product_time_materials.id, "product_uom_qty": 10.0})
                    ],
                }
            )
        )
        order_b.action_confirm()
        order_b.date_order = "2026-09-15 09:00:00"
        cls.order_b = order_b
        cls._timesheet_on(order_b.order_line, cls.employee_b, 4.0, "2026-11-03")
        cls._log_time(cls.employee_consultant, 2.0, "2026-11-03")
        with freeze_time("2026-11-10"):
            cls.readiness_a = cls._evaluate(day=date(2026, 11, 10))
            cls.readiness_b = cls._evaluate(order_b, day=date(2026, 11, 10))


class TestTwoCompanies(TwoCompaniesCase):
    def test_each_controller_sees_only_their_company(self):
        Readiness, Finding, Wip = (
            self.env[model] for model in ("ps.billing.readiness", "ps.readiness.finding", "ps.unbilled.wip.report")
        )
        self.assertEqual(self.readiness_b.company_id, self.company_b)
        self.assertTrue(self.readiness_b.finding_ids)
        for user, mine, theirs in (
            (self.controller, self.readiness_a, self.readiness_b),
            (self.controller_b, self.readiness_b, self.readiness_a),
        ):
            seen = Readiness.with_user(user).search([("sale_order_id", "in", (self.engagement | self.order_b).ids)])
            self.assertEqual(seen, mine)
            self.assertFalse(Finding.with_user(user).search([("readiness_id", "in", theirs.ids)]))
            self.assertEqual(
                Wip.with_user(user)
                .search([("sale_order_id", "in", (self.engagement | self.order_b).ids)])
                .sale_order_id,
                mine.sale_order_id,
            )
            with self.assertRaises(AccessError):
                theirs.with_user(user).read(["amount_deliverable"])

    def test_wip_of_each_company_in_its_currency(self):
        wip_b = self._wip(self.order_b)
        self.assertEqual((wip_b["amount"], wip_b["hours"], wip_b["cost"]), (600.0, 4.0, 200.0))
        row = self.env["ps.unbilled.wip.report"].search([("sale_order_id", "=", self.order_b.id)])
        self.assertEqual(row.company_id, self.company_b)


@tagged("post_install", "-at_install")
class TestTwoCompaniesOverHttp(HttpCase, TwoCompaniesCase):
    def _call(self, model, method, args, kwargs=None, context=None):
        self.authenticate("bc_controller", "bc_controller")
        params = {
            "model": model,
            "method": method,
            "args": args,
            "kwargs": {**(kwargs or {}), "context": {"tracking_disable": True, **(context or {})}},
        }
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", params)

    def test_a_controller_cannot_reach_another_company_over_json_rpc(self):
        hostile = {"allowed_company_ids": [self.company.id, self.company_b.id]}
        for model in ("ps.billing.readiness", "ps.readiness.finding", "ps.unbilled.wip.report"):
            with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as caught:
                self._call(model, "search_read", [[]], {"fields": ["id"]}, context=hostile)
            self.assertIn("AccessError", str(caught.exception))
            rows = self._call(model, "search_read", [[]], {"fields": ["company_id"]})
            self.assertTrue(rows)
            self.assertEqual({row["company_id"][0] for row in rows}, {self.company.id}, model)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._call("ps.billing.readiness", "read", [self.readiness_b.ids, ["amount_deliverable"]])
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._call("ps.billing.readiness", "write", [self.readiness_b.ids, {"owner_id": self.controller.id}])
        self.readiness_b.invalidate_recordset()
        self.assertNotEqual(self.readiness_b.owner_id, self.controller)
