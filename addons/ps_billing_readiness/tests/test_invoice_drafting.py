# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import BillingControlCase, run_jobs


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10")
class TestInvoiceDrafting(BillingControlCase):
    def _october(self):
        return self._evaluate().filtered(lambda r: r.period_start == self.october[0])

    def _ready_october(self):
        self._confirm_terms()
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        self._log_time(self.employee_consultant, 2.0, "2026-11-03")  # November: not in October's draft
        october = self._october()
        self.assertEqual(october.state, "ready")
        return october

    def _drafts(self):
        return self.env["account.move"].search([("ps_readiness_id.sale_order_id", "=", self.engagement.id)])

    def test_cron_drafts_ready_period_once(self):
        october = self._ready_october()
        Readiness = self.env["ps.billing.readiness"]
        run_jobs(Readiness._cron_billing_run)
        move = october.invoice_id
        self.assertTrue(move)
        self.assertEqual(move.state, "draft")
        self.assertEqual(move.ps_readiness_id, october)
        self.assertEqual(october.state, "invoiced")
        run_jobs(Readiness._cron_billing_run)
        self.assertEqual(self._drafts(), move, "running the cron twice creates no second draft")

    def test_draft_bills_time_up_to_the_period_end_only(self):
        october = self._ready_october()
        october.with_user(self.controller).action_create_invoice_draft()
        line = october.invoice_id.invoice_line_ids.filtered(lambda line: line.sale_line_ids == self.line_time_materials)
        self.assertEqual(line.quantity, 6.0)
        self.assertEqual(october.invoice_id.amount_untaxed, 6 * 150.0)
        timesheets = self.env["account.analytic.line"].search([("task_id", "=", self.task.id)])
        self.assertEqual(
            timesheets.filtered("timesheet_invoice_id").mapped("date"), [october.period_start.replace(day=12)]
        )

    def test_invoiced_period_is_not_evaluated_again(self):
        october = self._ready_october()
        october.with_user(self.controller).action_create_invoice_draft()
        records = self._evaluate()
        self.assertNotIn(october, records)
        self.assertEqual(october.state, "invoiced")

    def _other_ready_october(self):
        other = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "date_order": "2026-09-01",
                "order_line": [Command.create({"product_id": self.product_time_materials.id, "product_uom_qty": 5})],
            }
        )
        other.action_confirm()
        other.date_order = "2026-09-01"
        self._confirm_terms(other)
        self._log_time(self.employee_consultant, 3.0, "2026-10-20", task=other.order_line.task_id)
        other_october = self._evaluate(other).filtered(lambda r: r.period_start == self.october[0])
        self.assertEqual(other_october.state, "ready")
        return other_october

    def test_cron_reevaluates_a_period_invoiced_by_hand_and_drafts_the_others(self):
        october = self._ready_october()
        other_october = self._other_ready_october()
        # Someone invoiced October of the engagement by hand with Odoo's own button: the
        # run re-evaluates it from that draft instead of failing on it.
        self.engagement._create_invoices()
        self.assertTrue(self.engagement.ps_readiness_dirty, "a new invoice of the engagement marks it")
        run_jobs(self.env["ps.billing.readiness"]._cron_billing_run)
        self.assertTrue(other_october.invoice_id, "the other engagement is drafted")
        self.assertFalse(october.invoice_id)
        self.assertEqual(october.state, "not_ready")
        self.assertEqual(october.amount_deliverable, 0.0)

    def test_cron_puts_a_period_odoo_cannot_invoice_back_to_not_ready_and_drafts_the_others(self):
        october = self._ready_october()
        other = self._other_ready_october()
        Readiness = self.env["ps.billing.readiness"]
        Readiness._evaluate_stale(october.period_end.replace(month=11, day=10))
        # Odoo finds nothing to invoice on October after the evaluation (its lines were
        # invoiced behind the ORM's back): the draft fails, the other one is made.
        self.line_time_materials.invalidate_recordset()
        self.env.cr.execute(
            "UPDATE account_analytic_line SET timesheet_invoice_id = NULL, so_line = NULL WHERE so_line = %s",
            [self.line_time_materials.id],
        )
        self.env.invalidate_all()
        drafted, more = Readiness._draft_due_periods(october.period_end.replace(month=11, day=10))
        self.assertEqual((drafted, more), (1, False))
        self.assertTrue(other.invoice_id, "the other engagement is drafted")
        self.assertFalse(october.invoice_id)
        self.assertEqual(october.state, "not_ready")
        self.assertIn("could not be created", october.message_ids[0].body)

    def test_cron_does_not_draft_before_the_cutoff(self):
        october = self._ready_october()
        with freeze_time("2026-11-03"):
            run_jobs(self.env["ps.billing.readiness"]._cron_billing_run)
        self.assertFalse(october.invoice_id)
        with self.assertRaisesRegex(UserError, "cutoff"):
            with freeze_time("2026-11-02"):
                october.with_user(self.controller).action_create_invoice_draft()

    def test_cron_does_not_draft_blocked_period(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        october = self._october()
        self.assertEqual(october.state, "blocked")
        run_jobs(self.env["ps.billing.readiness"]._cron_billing_run)
        self.assertFalse(october.invoice_id)
        self.assertFalse(self._drafts())

    def test_draft_button_refused_for_project_manager(self):
        october = self._ready_october()
        with self.assertRaisesRegex(UserError, "Only a Finance Controller"):
            october.with_user(self.project_manager).action_create_invoice_draft()
        self.assertFalse(october.invoice_id)

    # Draft anyway ---------------------------------------------------------------
    def _blocked_october(self):
        self._log_time(self.employee_consultant, 6.0, "2026-10-12")
        october = self._october()
        self.assertEqual(october.state, "blocked")
        return october

    def test_draft_anyway_flags_and_logs_the_override(self):
        october = self._blocked_october()
        action = october.with_user(self.controller).action_draft_anyway()
        wizard_form = Form(self.env[action["res_model"]].with_user(self.controller).with_context(**action["context"]))
        wizard_form.reason = "Client agreed terms by email; confirmation pending"
        wizard_form.save().action_confirm()
        move = october.invoice_id
        self.assertTrue(move)
        self.assertEqual(october.state, "invoiced")
        self.assertIn("readiness_override", move.ps_exception_flag_ids.mapped("code"))
        self.assertEqual(move.ps_readiness_override_reason, "Client agreed terms by email; confirmation pending")
        self.assertIn("Drafted anyway by Fiona Controller", "".join(october.message_ids.mapped("body")))

    def test_draft_anyway_requires_a_reason(self):
        october = self._blocked_october()
        wizard = (
            self.env["ps.readiness.draft.anyway"]
            .with_user(self.controller)
            .create(
                {
                    "readiness_id": october.id,
                    "reason": "   ",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_confirm()
        self.assertFalse(october.invoice_id)

    def test_draft_anyway_refused_for_project_manager(self):
        october = self._blocked_october()
        with self.assertRaises(AccessError):
            october.with_user(self.project_manager).action_draft_anyway()
        with self.assertRaises(AccessError):
            self.env["ps.readiness.draft.anyway"].with_user(self.project_manager).create(
                {
                    "readiness_id": october.id,
                    "reason": "I want it",
                }
            )
        self.assertFalse(october.invoice_id)

    def test_draft_anyway_refused_for_ready_period(self):
        october = self._ready_october()
        with self.assertRaisesRegex(UserError, "blocked periods"):
            october.with_user(self.controller).action_draft_anyway()
