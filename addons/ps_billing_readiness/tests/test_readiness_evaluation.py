# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, sql_db
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BillingControlCase, run_jobs


@tagged("post_install", "-at_install")
class TestReadinessEvaluation(BillingControlCase):
    def test_evaluation_creates_due_and_current_periods(self):
        records = self._evaluate()
        self.assertEqual(
            sorted((r.period_start, r.period_end, r.cutoff_date) for r in records),
            [
                (date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 3)),
                (date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 3)),
            ],
        )
        self.assertEqual(records.owner_id, self.project_manager, "the project's manager owns readiness")

    def test_engine_inserts_periods_as_create_would(self):
        """The engine inserts new periods in bulk: every stored field as Odoo's create gives it."""
        Readiness = self.env["ps.billing.readiness"].sudo()
        vals_list = [
            Readiness._prepare_readiness_vals(self.engagement, start, end, cutoff)
            for start, end, cutoff in Readiness._get_open_periods(self.engagement, self.today)
        ]
        self.assertEqual(len(vals_list), 2)
        stored = [
            name
            for name, field in Readiness._fields.items()
            if field.store and name not in ("id", "create_date", "write_date", "__last_update")
        ]

        def create_and_read(records):
            self.env.flush_all()
            self.env.invalidate_all()
            values = records.read(stored, load=None)
            messages = records.message_ids
            records.unlink()
            return [{k: v for k, v in row.items() if k != "id"} for row in values], messages

        inserted, notes = create_and_read(Readiness._ps_insert_periods(vals_list))
        quiet = Readiness.with_context(mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
        created, _notes = create_and_read(quiet.create(vals_list))
        self.assertEqual(inserted, created)
        self.assertEqual(inserted[0]["name"], "%s · 10/01/2026 → 10/31/2026" % self.engagement.name)
        self.assertEqual(inserted[0]["state"], "not_ready")
        self.assertEqual(inserted[0]["partner_id"], self.client.id)
        self.assertFalse(notes, "a new period is no news")

    def test_project_of_another_company_is_refused_and_no_period_created(self):
        other = self.env["res.company"].create({"name": "Other Firm"})
        project = self.engagement.order_line.project_id[:1] or self.engagement.project_id
        self.env.cr.execute("UPDATE project_project SET company_id = %s WHERE id = %s", [other.id, project.id])
        project.invalidate_recordset(["company_id"])
        with self.assertRaisesRegex(UserError, "belongs to another company than the engagement"):
            self._evaluate()
        self.assertFalse(self.env["ps.billing.readiness"].search([("sale_order_id", "=", self.engagement.id)]))

    def test_reevaluation_without_change_dates_the_periods_and_writes_no_figure(self):
        """A period whose figures did not change since yesterday gets its evaluation date only."""
        self._confirm_terms()
        self._log_time(self.employee_consultant, 3.0, "2026-10-10")
        with freeze_time("2026-11-10 08:00:00"):
            records = self._evaluate()
        self.env.flush_all()
        october = records.sorted("period_start")[0]
        figures = [(r.state, r.amount_deliverable, r.amount_ready, r.amount_blocked) for r in records]
        self.assertEqual(figures[0], ("ready", 450.0, 450.0, 0.0))
        statements = []
        execute = sql_db.Cursor.execute

        def spy(cursor, query, params=None, log_exceptions=True):
            statements.append(str(getattr(query, "code", query)))
            return execute(cursor, query, params, log_exceptions)

        with freeze_time("2026-11-11 08:00:00"), patch.object(sql_db.Cursor, "execute", spy):
            again = self._evaluate(day=date(2026, 11, 11))
            self.env.flush_all()
        self.assertEqual(again, records)
        self.assertEqual([(r.state, r.amount_deliverable, r.amount_ready, r.amount_blocked) for r in records], figures)
        self.assertEqual(set(records.mapped("evaluated_on")), {datetime(2026, 11, 11, 8, 0)})
        updates = [q for q in statements if q.lstrip().startswith("UPDATE") and "ps_billing_readiness" in q]
        self.assertTrue(updates, "the evaluation date is written")
        self.assertFalse([q for q in updates if "amount_deliverable" in q], "no unchanged figure written again")
        # A cent more is a change: written.
        self._log_time(self.employee_consultant, 0.01, "2026-10-11")
        self._evaluate(day=date(2026, 11, 11))
        self.assertEqual(october.amount_deliverable, 451.5)

    def test_weekly_cycle_uses_weeks(self):
        self.engagement.ps_billing_cycle = "weekly"
        records = self._evaluate(day=date(2026, 11, 11))
        self.assertEqual(
            sorted((r.period_start, r.period_end) for r in records),
            [(date(2026, 11, 2), date(2026, 11, 8)), (date(2026, 11, 9), date(2026, 11, 15))],
        )

    def test_cutoff_day_comes_from_the_company(self):
        self.company.ps_billing_cutoff_day = 7
        records = self._evaluate()
        self.assertEqual(min(records.mapped("cutoff_date")), date(2026, 11, 7))
        # Before its cutoff October is still evaluated, but not drafted.
        october = self._evaluate(day=date(2026, 11, 5)).sorted("period_start")[0]
        self.assertEqual(october.period_start, date(2026, 10, 1))
        self.assertEqual(october.cutoff_date, date(2026, 11, 7))

    def test_reevaluation_reuses_records_and_keeps_unchanged_findings(self):
        first = self._evaluate()
        findings = first.finding_ids
        self.assertTrue(findings)
        second = self._evaluate()
        self.assertEqual(first, second)
        self.assertEqual(second.finding_ids, findings, "the same findings are kept, not copied")

    def test_periods_split_time_and_earliest_open_takes_the_rest(self):
        self._confirm_terms()
        self._log_time(self.employee_consultant, 2.0, "2026-09-20")  # late: September never invoiced
        self._log_time(self.employee_consultant, 3.0, "2026-10-10")
        self._log_time(self.employee_consultant, 4.0, "2026-11-05")
        october, november = self._evaluate().sorted("period_start")
        self.assertEqual(october.amount_deliverable, 5 * 150.0, "October takes everything up to its end")
        self.assertEqual(november.amount_deliverable, 4 * 150.0, "November takes its own time only")
        self.assertEqual((october.state, november.state), ("ready", "ready"))

    def test_blocked_since_set_on_block_and_cleared_on_unblock(self):
        self._log_time(self.employee_consultant, 3.0, "2026-10-10")
        october = self._evaluate().sorted("period_start")[0]
        self.assertEqual(october.state, "blocked")
        self.assertEqual(october.blocked_since, self.today)
        self.assertEqual(october.amount_blocked, 450.0)
        self.assertEqual(october.amount_ready, 0.0)
        # Re-evaluating later keeps the original date: that is what ages.
        self._evaluate(day=date(2026, 11, 12))
        self.assertEqual(october.blocked_since, self.today)
        self._confirm_terms()
        self._evaluate()
        self.assertEqual(october.state, "ready")
        self.assertFalse(october.blocked_since)
        self.assertEqual(october.amount_ready, 450.0)

    def test_engagement_wide_findings_count_once_at_risk(self):
        self.engagement.ps_po_required = True  # terms and PO both hold back the whole deliverable
        self.line_time_materials.price_unit = 140.0
        self._log_time(self.employee_consultant, 10.0, "2026-10-10")
        october = self._evaluate().sorted("period_start")[0]
        self.assertEqual(
            set(october.finding_ids.mapped("check_code")), {"terms_confirmed", "po_reference", "rate_mismatch"}
        )
        self.assertEqual(october.amount_deliverable, 1400.0)
        self.assertEqual(october.amount_blocked, 1400.0)
        self.assertEqual(october.amount_at_risk, 1400.0 + 100.0, "the whole deliverable once, plus the rate gap")

    def test_milestone_reached_after_the_period_waits_for_its_own_period(self):
        self._confirm_terms()
        self.project.allow_milestones = True
        milestone = self.env["project.milestone"].create(
            {
                "name": "Go-live",
                "project_id": self.project.id,
                "sale_line_id": self.line_milestone.id,
                "quantity_percentage": 0.5,
            }
        )
        with freeze_time("2026-11-05"):
            milestone.is_reached = True
            self.env.flush_all()
        october, november = self._evaluate().sorted("period_start")
        self.assertEqual(october.amount_deliverable, 0.0, "reached in November: not October's")
        self.assertEqual(november.amount_deliverable, 5000.0)
        self.assertEqual(october.state, "not_ready")

    def test_nothing_delivered_is_not_ready(self):
        self._confirm_terms()
        october = self._evaluate().sorted("period_start")[0]
        self.assertEqual(october.state, "not_ready")
        self.assertEqual(october.amount_deliverable, 0.0)

    def test_evaluation_refused_for_quotations(self):
        quotation = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "order_line": [Command.create({"product_id": self.product_time_materials.id})],
            }
        )
        with self.assertRaisesRegex(UserError, "confirmed engagements"):
            quotation.action_ps_evaluate_readiness()
        self.assertFalse(self.env["ps.billing.readiness"].search([("sale_order_id", "=", quotation.id)]))

    def test_evaluate_button_opens_the_readiness(self):
        with freeze_time("2026-11-10"):
            action = self.engagement.with_user(self.project_manager).action_ps_evaluate_readiness()
        self.assertEqual(action["res_model"], "ps.billing.readiness")
        self.assertEqual(self.engagement.ps_readiness_count, 2)

    # Marking for re-evaluation (automation rules) -------------------------------
    def test_timesheet_change_marks_engagement_for_reevaluation(self):
        self._evaluate()
        self.assertFalse(self.engagement.ps_readiness_dirty)
        line = self._log_time(self.employee_consultant, 1.0, "2026-11-02")
        self.assertTrue(self.engagement.ps_readiness_dirty, "a new timesheet marks it")
        self._evaluate()
        line.unit_amount = 2.0
        self.assertTrue(self.engagement.ps_readiness_dirty, "a changed timesheet marks it")

    def test_expense_change_marks_engagement_for_reevaluation(self):
        self._evaluate()
        product = self.env["product.product"].create(
            {
                "name": "Hotel",
                "type": "service",
                "can_be_expensed": True,
                "expense_policy": "cost",
            }
        )
        self.env["hr.expense"].create(
            {
                "name": "Hotel",
                "employee_id": self.employee_consultant.id,
                "product_id": product.id,
                "total_amount_currency": 90.0,
                "sale_order_id": self.engagement.id,
            }
        )
        self.assertTrue(self.engagement.ps_readiness_dirty)

    def test_terms_change_marks_engagement_for_reevaluation(self):
        self._evaluate()
        self.engagement.ps_po_required = True
        self.assertTrue(self.engagement.ps_readiness_dirty)

    # Scheduled action ----------------------------------------------------------
    def _other_engagement(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "order_line": [Command.create({"product_id": self.product_time_materials.id, "product_uom_qty": 5})],
            }
        )
        order.action_confirm()
        order.date_order = "2026-09-01"
        return order

    @freeze_time("2026-11-10")
    def test_cron_evaluates_marked_engagements_first_and_resumes(self):
        other = self._other_engagement()
        Readiness = self.env["ps.billing.readiness"]
        run_jobs(Readiness._cron_billing_run, limit=1000)
        self.assertTrue(Readiness.search([("sale_order_id", "=", other.id)]))
        self.assertFalse(self.engagement.ps_readiness_dirty)
        # A rerun the same day finds nothing to do...
        self.assertEqual(run_jobs(Readiness._cron_billing_run, limit=1000)["evaluated"], 0)
        # ...except what was marked since.
        self._log_time(self.employee_consultant, 1.0, "2026-11-09")
        self.assertEqual(run_jobs(Readiness._cron_billing_run, limit=1000)["evaluated"], 1)
        self.assertFalse(self.engagement.ps_readiness_dirty)

    @freeze_time("2026-11-10")
    def test_cron_twice_creates_nothing_new(self):
        Readiness = self.env["ps.billing.readiness"]
        run_jobs(Readiness._cron_billing_run)
        records, findings = Readiness.search([]), self.env["ps.readiness.finding"].search([])
        activities = self.env["mail.activity"].search([("res_model", "in", (Readiness._name, "ps.billing.digest"))])
        self.assertTrue(activities, "the owner's digest asks them to clear the blocked periods")
        self.engagement.ps_readiness_dirty = True
        run_jobs(Readiness._cron_billing_run)
        self.assertEqual(Readiness.search([]), records)
        self.assertEqual(len(self.env["ps.readiness.finding"].search([])), len(findings))
        self.assertEqual(
            self.env["mail.activity"].search([("res_model", "in", (Readiness._name, "ps.billing.digest"))]), activities
        )


@tagged("post_install", "-at_install")
class TestReadinessEvaluationQueries(BillingControlCase):
    """An evaluation's query count does not grow with the number of engagements."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        products = [cls.product_time_materials, cls.product_fixed_fee]
        orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": cls.client.id,
                    "date_order": "2026-09-01",
                    "order_line": [Command.create({"product_id": products[i % 2].id, "product_uom_qty": 10})],
                }
                for i in range(50)
            ]
        )
        orders.action_confirm()
        orders.write({"date_order": "2026-09-01"})
        orders.with_user(cls.controller).action_ps_confirm_terms()
        tasks = orders.order_line.task_id
        cls.env["account.analytic.line"].create(
            [
                {
                    "name": "Work",
                    "employee_id": cls.employee_consultant.id,
                    "task_id": task.id,
                    "project_id": task.project_id.id,
                    "unit_amount": 1.0 + i % 3,
                    "date": f"2026-10-{1 + i % 28:02d}",
                }
                for i, task in enumerate(tasks)
            ]
        )
        cls.orders = orders

    def _count_queries(self, orders):
        Readiness = self.env["ps.billing.readiness"]
        Readiness._evaluate_orders(orders, self.today)  # first run creates the records
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        Readiness._evaluate_orders(orders, self.today)
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    def test_query_count_same_for_5_and_50_engagements(self):
        small = self._count_queries(self.orders[:5])
        large = self._count_queries(self.orders)
        self.assertTrue(small > 0)
        self.assertEqual(small, large, f"5 engagements: {small} queries, 50 engagements: {large}")

    def test_first_evaluation_query_count_same_for_5_and_45_engagements(self):
        """Creating the records and their findings: no statement per record, and no note or activity on any."""
        Readiness = self.env["ps.billing.readiness"]
        # Half the engagements are blocked: their PO reference is required and missing.
        self.orders[::2].ps_po_required = True

        def first_evaluation(orders):
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            records = Readiness._evaluate_orders(orders, self.today)
            self.env.flush_all()
            return self.env.cr.sql_log_count - start, records

        first_evaluation(self.orders[:1])  # warm the caches of the ORM
        small, small_records = first_evaluation(self.orders[1:6])
        large, large_records = first_evaluation(self.orders[6:])
        self.assertGreater(len(large_records), 5 * len(small_records))
        self.assertIn("blocked", large_records.mapped("state"))
        self.assertEqual(small, large, f"5 engagements: {small} queries, 45 engagements: {large}")
        not_blocked = large_records.filtered(lambda r: r.state != "blocked")
        self.assertTrue(not_blocked)
        self.assertFalse(not_blocked.message_ids, "a new period is no news: no 'created' note")
        blocked = large_records - not_blocked
        self.assertFalse(blocked.message_ids, "blocking is the engine's observation: no note")
        self.assertFalse(blocked.activity_ids, "its owner's digest lists it, the period gets no activity")
        self.assertFalse(not_blocked.message_follower_ids, "nobody follows a period for having created it")
