# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The billing run: one scheduled action that evaluates what is stale, then drafts what is due.

"Today" is 10 November 2026; October's cutoff is the 9th (cutoff day 9): it is due
today and was not yesterday.
"""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BillingControlCase, run_jobs

TODAY = "2026-11-10 09:00:00"


@tagged("post_install", "-at_install")
class TestBillingRun(BillingControlCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.ps_billing_cutoff_day = 9
        cls.Readiness = cls.env["ps.billing.readiness"]
        cls.expense_product = cls._create_reinvoiced_expense_product()

    def _run(self, day=TODAY):
        with freeze_time(day):
            return run_jobs(self.Readiness._cron_billing_run)

    def _period(self, start):
        return self.Readiness.search([("sale_order_id", "=", self.engagement.id), ("period_start", "=", start)])

    def _october(self):
        return self._period(self.october[0])

    def _codes(self):
        return set(self._october().finding_ids.mapped("check_code"))

    def _expense(self, **values):
        return self.env["hr.expense"].create(
            {
                "name": "Taxi to client",
                "employee_id": self.employee_consultant.id,
                "product_id": self.expense_product.id,
                "total_amount_currency": 120.0,
                "date": "2026-10-06",
                **values,
            }
        )

    # One pass -------------------------------------------------------------------
    def test_a_period_that_turns_ready_today_is_drafted_today_in_one_run(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._run("2026-11-09 09:00:00")
        self.assertEqual(self._october().state, "blocked", "terms not confirmed yet")
        with freeze_time(TODAY):
            self._confirm_terms()
        self.assertTrue(self.engagement.ps_readiness_dirty, "confirming the terms marks the engagement")
        result = self._run()
        october = self._october()
        self.assertEqual((october.state, result["drafted"]), ("invoiced", 1))
        self.assertEqual(october.invoice_id.amount_untaxed, 900.0)
        self.assertEqual(october.invoice_id.currency_id, self.currency)

    def test_a_period_ready_yesterday_and_blocked_today_is_not_drafted(self):
        self._confirm_terms()
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._run("2026-11-09 09:00:00")
        self.assertEqual(self._october().state, "ready", "ready yesterday, before its cutoff")
        with freeze_time(TODAY):
            self._expense(sale_order_id=self.engagement.id)  # a new unapproved expense, this morning
        self._run()
        self.assertEqual(self._october().state, "blocked")
        self.assertFalse(self._october().invoice_id)

    def test_terms_withdrawn_today_block_a_period_ready_yesterday(self):
        self._confirm_terms()
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._run("2026-11-09 09:00:00")
        with freeze_time(TODAY):
            self.engagement.ps_billing_cycle = "weekly"  # withdraws finance's confirmation
        self.assertFalse(self.engagement.ps_terms_confirmed)
        self._run()
        self.assertFalse(self._october().invoice_id)
        self.assertIn("terms_confirmed", self._codes())

    def test_an_engagement_changed_after_the_evaluation_step_is_evaluated_again_before_drafting(self):
        self._confirm_terms()
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        today = date(2026, 11, 10)
        with freeze_time(TODAY):
            self.Readiness._evaluate_stale(today)
            self.assertEqual(self._october().state, "ready")
            self._expense(sale_order_id=self.engagement.id)
            self.assertEqual(self.Readiness._draft_due_periods(today), (0, False))
        self.assertEqual(self._october().state, "blocked")
        self.assertFalse(self._october().invoice_id)

    # Several due periods --------------------------------------------------------
    def test_every_due_period_of_an_engagement_blocked_for_months_is_drafted_in_one_run(self):
        """Blocked since August (terms); time in August, September and October, the first milestone
        reached in September; November's time waits for November."""
        self.engagement.date_order = "2026-07-20 09:00:00"
        milestone = self.env["project.milestone"].create(
            {
                "name": "Design",
                "project_id": self.project.id,
                "sale_line_id": self.line_milestone.id,
                "quantity_percentage": 0.4,
            }
        )
        for hours, day in ((4.0, "2026-08-14"), (5.0, "2026-09-15"), (6.0, "2026-10-12"), (2.0, "2026-11-03")):
            self._log_time(self.employee_consultant, hours, day)
        with freeze_time("2026-09-20"):
            milestone.is_reached = True
        for day in ("2026-08-20", "2026-09-20", "2026-10-20", "2026-11-09"):
            self._run(day)
        periods = self.Readiness.search([("sale_order_id", "=", self.engagement.id)], order="period_start")
        self.assertEqual(
            [(str(p.period_start), p.state) for p in periods],
            [
                ("2026-07-01", "blocked"),
                ("2026-08-01", "blocked"),
                ("2026-09-01", "blocked"),
                ("2026-10-01", "blocked"),
                ("2026-11-01", "blocked"),
            ],
        )
        with freeze_time(TODAY):
            self._confirm_terms()
        self.assertEqual(self._run()["drafted"], 3)
        july, due, november = periods[0], periods[1:4], periods[4]
        self.assertEqual((july.state, july.amount_deliverable), ("not_ready", 0.0), "July had nothing to bill")
        move = due.invoice_id
        self.assertEqual(len(move), 1, "one draft for the backlog")
        self.assertEqual(set(due.mapped("state")), {"invoiced"})
        self.assertEqual(move.ps_readiness_id, due[-1], "linked to the latest period it bills")
        lines = {line.sale_line_ids: line for line in move.invoice_line_ids}
        self.assertEqual(lines[self.line_time_materials].quantity, 15.0)
        self.assertEqual(lines[self.line_milestone].quantity, 0.4)
        self.assertEqual(move.amount_untaxed, 15 * 150.0 + 0.4 * 10000.0)
        self.assertEqual(move.ps_expected_amount, 6250.0, "what the three periods had deliverable")
        self.assertEqual(november.state, "ready", "November's 2 hours wait for November's cutoff")
        self.assertEqual(november.amount_deliverable, 300.0)

    def test_a_period_waits_while_an_earlier_one_of_its_engagement_is_blocked(self):
        self._confirm_terms()
        self.engagement.date_order = "2026-08-20 09:00:00"
        self._log_time(self.employee_consultant, 5.0, "2026-09-15")
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._run("2026-10-05 09:00:00")  # September and October exist
        september = self._period(date(2026, 9, 1))
        today = date(2026, 11, 10)
        with freeze_time(TODAY):
            self.Readiness._evaluate_stale(today)
            self.assertEqual((september.state, self._october().state), ("ready", "ready"))
            september.sudo().write({"state": "blocked"})  # as if a finding held September back
            self.assertEqual(self.Readiness._draft_due_periods(today), (0, False))
            self.assertFalse(self._october().invoice_id, "October's draft would bill September too")
            with self.assertRaisesRegex(UserError, "earlier period"):
                self._october().with_user(self.controller).action_create_invoice_draft()
            september.sudo().write({"state": "ready"})
            self._october().with_user(self.controller).action_create_invoice_draft()
        self.assertEqual(september.invoice_id, self._october().invoice_id, "the earlier ready period goes with it")
        self.assertEqual(september.invoice_id.amount_untaxed, 11 * 150.0)

    # Marking: deletion and each core check, the same day -----------------------
    def test_a_deleted_timesheet_leaves_the_readiness_the_same_day(self):
        self._confirm_terms()
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        line = self._log_time(self.employee_consultant, 2.0, "2026-10-13")
        self._run("2026-11-08 09:00:00")
        self.assertEqual(self._october().amount_deliverable, 1200.0)
        with freeze_time(TODAY):
            line.unlink()
        self.assertTrue(self.engagement.ps_readiness_dirty, "a deletion marks the engagement")
        self._run()
        self.assertEqual(self._october().invoice_id.amount_untaxed, 900.0)

    def _appears_then_disappears(self, code, make, fix):
        self._assert_finding_comes_and_goes(code, make, fix, TODAY)

    def test_same_day_terms_confirmed(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self.company.ps_billing_cutoff_day = 28  # not due: the finding is watched, not drafted
        self._confirm_terms()
        self._appears_then_disappears(
            "terms_confirmed", lambda: self.engagement.write({"ps_billing_cycle": "monthly"}), self._confirm_terms
        )

    def test_same_day_po_reference(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self.company.ps_billing_cutoff_day = 28

        def require():
            self.engagement.ps_po_required = True  # finance confirms again once the PO is there

        def record():
            self.engagement.ps_client_po_ref = "PO-4711"
            self._confirm_terms()

        self._confirm_terms()
        self._appears_then_disappears("po_reference", require, record)

    def test_same_day_expenses_validated_and_deleted(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        expenses = []
        self._appears_then_disappears(
            "expenses_validated",
            lambda: expenses.append(self._expense(sale_order_id=self.engagement.id)),
            lambda: expenses[0].unlink(),
        )

    def test_same_day_expenses_unlinked(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        account = str(self.project.analytic_account_id.id)
        expenses = []
        self._appears_then_disappears(
            "expenses_unlinked",
            lambda: expenses.append(self._expense(analytic_distribution={account: 100})),
            lambda: expenses[0].write({"sale_order_id": self.engagement.id}),
        )

    def test_same_day_rate_mismatch(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._appears_then_disappears(
            "rate_mismatch",
            lambda: self.line_time_materials.write({"price_unit": 120.0}),
            lambda: self.line_time_materials.write({"price_unit": 150.0}),
        )

    def test_same_day_stale_draft(self):
        self._log_time(self.employee_consultant, 4.0, "2026-09-10")
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        drafts = []

        def draft_long_ago():
            move = self.engagement.with_context(timesheet_end_date=date(2026, 9, 30))._create_invoices()
            old = fields.Datetime.now() - timedelta(days=self.company.ps_stale_draft_days + 1)
            self.env.cr.execute("UPDATE account_move SET create_date = %s WHERE id = %s", (old, move.id))
            move.invalidate_recordset(["create_date"])
            drafts.append(move)

        self._appears_then_disappears("stale_draft", draft_long_ago, lambda: drafts[0].unlink())

    def test_every_watched_model_inherits_the_watch_mixin(self):
        mixin = type(self.env["ps.readiness.watch.mixin"])
        watched = self.env["sale.order"]._ps_get_readiness_watched_map()
        self.assertLessEqual({"account.analytic.line", "hr.expense", "sale.order", "account.move"}, set(watched))
        for model, names in watched.items():
            self.assertIsInstance(self.env[model], mixin, f"{model} is watched, so it must inherit the mixin")
            self.assertLessEqual(names, set(self.env[model]._fields), f"{model} watches fields it has")
