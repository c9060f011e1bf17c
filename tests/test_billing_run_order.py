"""The suite's scheduled actions, run in every order (each followed by the jobs it enqueues), give
the same drafts; a run never drafts an engagement that another transaction is changing.

10 November 2026, the October period is due. A time-and-materials engagement has
its October time approved; a milestone engagement's design milestone was accepted
in October, its build milestone, reached on 12 October, awaits the client with a
10-day deemed acceptance (deemed accepted by the billing run's first step, it
delivers in November); a third engagement's terms are not confirmed.
"""

import itertools
import time
from contextlib import closing
from datetime import date

from freezegun import freeze_time
from psycopg2 import errors

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.addons.ps_billing_readiness.tests.common import BillingControlCase, run_jobs
from odoo.tests import tagged

TODAY = date(2026, 11, 10)
# The suite's scheduled actions (test_month_end_close checks this is all of them).
CRONS = (
    "ps_billing_readiness.ir_cron_evaluate_readiness",
    "ps_timesheet_compliance.ir_cron_scan_compliance",
    "ps_timesheet_compliance.ir_cron_remind_consultants",
    "ps_timesheet_compliance.ir_cron_escalate_to_managers",
    "ps_timesheet_compliance.ir_cron_remind_approvers",
    "ps_milestone_billing.ir_cron_escalate_awaiting_acceptance",
    "ps_billing_approvals.ir_cron_ps_approval_remind_escalate",
)


@tagged("post_install", "-at_install")
class TestBillingRunOrder(BillingControlCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Readiness = cls.env["ps.billing.readiness"]
        cls.env["ps.approval.rule"].search([]).active = False
        client_m, client_b = cls.env["res.partner"].create(
            [{"name": "Contoso Rail", "is_company": True}, {"name": "Fabrikam Health", "is_company": True}]
        )
        cls.eng_milestones = cls._order(client_m, cls.product_milestone, 1.0)
        cls.eng_blocked = cls._order(client_b, cls.product_time_materials, 50.0)
        cls.eng_milestones.ps_deemed_acceptance_days = 10
        (cls.engagement | cls.eng_milestones).with_user(cls.controller).action_ps_confirm_terms()
        project = cls.eng_milestones.order_line.project_id[:1]
        project.write({"allow_milestones": True, "user_id": cls.project_manager.id})
        cls.design, cls.build = cls.env["project.milestone"].create(
            [
                {
                    "name": name,
                    "project_id": project.id,
                    "sale_line_id": cls.eng_milestones.order_line.id,
                    "quantity_percentage": share,
                }
                for name, share in (("Design signed off", 0.4), ("Build delivered", 0.6))
            ]
        )
        with freeze_time("2026-10-12"):
            (cls.design | cls.build).write({"is_reached": True})
            cls.env.flush_all()
        with freeze_time("2026-10-20 10:00:00"):
            cls.design.with_user(cls.project_manager).action_ps_accept(signatory_name="Carol Contoso")
        lines = cls.env["account.analytic.line"]
        for day in (19, 20, 21, 22, 23):
            lines |= cls._log_time(cls.employee_consultant, 8.0, date(2026, 10, day))
        cls._log_time(cls.employee_consultant, 3.0, date(2026, 10, 20), task=cls.eng_blocked.order_line.task_id)
        with freeze_time("2026-10-26"):
            lines.with_user(cls.consultant).action_ps_submit()
            lines.with_user(cls.project_manager).action_ps_approve()
        # The demo firm's due periods are out of the way: each order drafts the test's engagements only.
        cls.Readiness.search([("state", "=", "ready"), ("invoice_id", "=", False)]).write({"state": "not_ready"})
        cls.env["sale.order"].search([("ps_readiness_dirty", "=", True)]).write({"ps_readiness_dirty": False})

    @classmethod
    def _order(cls, partner, product, qty):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
            }
        )
        order.action_confirm()
        order.date_order = "2026-09-01 09:00:00"
        return order

    def _drafts(self):
        """{engagement: (amount untaxed, periods it bills)} of the drafts of the test's engagements."""
        records = self.Readiness.search(
            [
                ("sale_order_id", "in", (self.engagement | self.eng_milestones | self.eng_blocked).ids),
                ("invoice_id", "!=", False),
            ]
        )
        return {
            record.sale_order_id.name: (record.invoice_id.amount_untaxed, str(record.period_start))
            for record in records
        }

    def test_every_order_of_the_scheduled_actions_gives_the_same_drafts_in_one_pass(self):
        expected = {
            self.engagement.name: (40 * 150.0, "2026-10-01"),
            self.eng_milestones.name: (0.4 * 10000.0, "2026-10-01"),
        }
        self.env.flush_all()
        orders = list(itertools.permutations(CRONS[:4])) + [
            tuple(reversed(CRONS)),
            CRONS[1:] + CRONS[:1],
        ]
        for order in orders:
            with self.subTest(order=order):
                self.env.cr.execute("SAVEPOINT cron_order")
                try:
                    with freeze_time("2026-11-10 02:00:00"):
                        for xmlid in order + tuple(x for x in CRONS if x not in order):
                            run_jobs(self.env.ref(xmlid).method_direct_trigger)
                    self.assertEqual(self._drafts(), expected)
                    # Build, reached on 12 October, is deemed accepted today by the run's first step:
                    # it delivers in November, whose period is not due.
                    self.assertEqual(self.build.ps_acceptance_state, "accepted")
                    self.assertTrue(self.build.ps_deemed_accepted)
                finally:
                    self.env.flush_all()
                    self.env.cr.execute("ROLLBACK TO SAVEPOINT cron_order")
                    self.env.invalidate_all()

    def test_a_run_passes_over_an_engagement_another_transaction_is_changing(self):
        """This test's transaction changes a demo engagement, as a user saving one of its timesheets
        would; a billing run in a connection of its own, as the cron runs, neither waits for it, nor
        drafts it, nor counts it as failed (the change called the run again)."""
        record = self.Readiness.search([("sale_order_id.state", "=", "sale"), ("invoice_id", "=", False)], limit=1)
        self.assertTrue(record, "the demo firm has readiness records")
        record.sale_order_id.write({"ps_readiness_dirty": True})
        self.env.flush_all()  # this transaction now holds the engagement
        with closing(odoo.sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
            cr.execute("SET lock_timeout = '5s'")  # a guard: the run must not wait at all
            run = api.Environment(cr, SUPERUSER_ID, {})["ps.billing.readiness"].browse(record.id)
            state, messages = run.state, len(run.message_ids)
            started = time.monotonic()
            with self.assertRaises(errors.LockNotAvailable), cr.savepoint():
                run._draft_fresh(TODAY)
            self.assertLess(time.monotonic() - started, 2, "the run does not wait for the user's transaction")
            failed = run._ps_run_batch(
                run,
                lambda batch: batch._draft_fresh(TODAY),
                "draft the invoice of",
                on_failure=lambda item, error: item._on_drafting_failure(error),
            )
            self.assertEqual(failed, run)
            run.invalidate_recordset()
            self.assertEqual((run.state, run.invoice_id), (state, run.invoice_id.browse()), "left as it was")
            self.assertEqual(len(run.message_ids), messages, "no failure reported")
            cr.rollback()
