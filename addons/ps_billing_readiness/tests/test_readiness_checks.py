# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.addons.ps_billing_readiness.models.ps_readiness_evaluation import ReadinessEvaluation
from odoo.tests import tagged
from odoo.tools import format_amount

from .common import BillingControlCase


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10 09:00:00")
class TestReadinessChecks(BillingControlCase):
    """Each core check, passing and failing, on the October period of the engagement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expense_product = cls._create_reinvoiced_expense_product()

    def _october(self):
        self._log_time(self.employee_consultant, 8.0, "2026-10-05")
        return self._evaluate().filtered(lambda r: r.period_start == self.october[0])

    def _codes(self, readiness):
        return set(readiness.finding_ids.mapped("check_code"))

    def _expense(self, **values):
        return self.env["hr.expense"].create(
            {
                "name": values.pop("name", "Taxi to client"),
                "employee_id": self.employee_consultant.id,
                "product_id": self.expense_product.id,
                "total_amount_currency": 120.0,
                "date": "2026-10-06",
                **values,
            }
        )

    # terms_confirmed ----------------------------------------------------
    def test_amounts_in_findings_are_written_as_odoo_writes_them(self):
        readiness = self._october()
        currency = readiness.currency_id
        french = self.env["res.lang"]._activate_lang("fr_FR")
        for position in ("after", "before"):
            currency.position = position
            for lang in ("en_US", french.code):
                record = readiness.with_context(lang=lang)
                evaluation = ReadinessEvaluation(record, self.today)
                for amount in (0.0, 1234567.891, -1500.5, 0.004):
                    self.assertEqual(
                        evaluation.format_amount(amount, currency),
                        format_amount(record.env, amount, currency),
                        f"{amount} in {lang}, symbol {position}",
                    )

    def test_terms_confirmed_blocks_unconfirmed_terms(self):
        readiness = self._october()
        finding = readiness.finding_ids.filtered(lambda f: f.check_code == "terms_confirmed")
        self.assertEqual(readiness.state, "blocked")
        self.assertEqual(finding.severity, "blocking")
        self.assertIn(self.engagement.name, finding.message)
        self.assertEqual(finding.amount_at_risk, 8 * 150.0, "the whole deliverable waits on the terms")
        self.assertEqual((finding.res_model, finding.res_id), ("sale.order", self.engagement.id))

    def test_terms_confirmed_passes_once_finance_confirmed(self):
        self._confirm_terms()
        readiness = self._october()
        self.assertNotIn("terms_confirmed", self._codes(readiness))
        self.assertEqual(readiness.state, "ready")
        self.assertEqual(readiness.amount_ready, 8 * 150.0)

    def test_terms_confirmed_blocks_missing_billing_model(self):
        self._confirm_terms()
        self.engagement.ps_billing_model = False
        self.assertIn("terms_confirmed", self._codes(self._october()))

    # po_reference ----------------------------------------------------------
    def test_po_reference_blocks_required_and_missing_po(self):
        self.engagement.ps_po_required = True
        readiness = self._october()
        finding = readiness.finding_ids.filtered(lambda f: f.check_code == "po_reference")
        self.assertEqual(finding.severity, "blocking")
        self.assertIn("purchase order", finding.message)

    def test_po_reference_passes_with_reference(self):
        self.engagement.write({"ps_po_required": True, "ps_client_po_ref": "PO-4711"})
        self.assertNotIn("po_reference", self._codes(self._october()))

    # expenses_validated ------------------------------------------------------
    def test_expenses_validated_blocks_unapproved_reinvoiceable_expense(self):
        expense = self._expense(sale_order_id=self.engagement.id)
        readiness = self._october()
        finding = readiness.finding_ids.filtered(lambda f: f.check_code == "expenses_validated")
        self.assertEqual((finding.res_model, finding.res_id), ("hr.expense", expense.id))
        self.assertEqual(finding.amount_at_risk, 120.0)
        self.assertIn("Taxi to client", finding.message)

    def test_expenses_validated_passes_when_approved(self):
        expense = self._expense(sale_order_id=self.engagement.id)
        sheet = self.env["hr.expense.sheet"].create(
            {
                "name": "October",
                "employee_id": self.employee_consultant.id,
                "expense_line_ids": [(6, 0, expense.ids)],
            }
        )
        sheet.action_submit_sheet()
        sheet.action_approve_expense_sheets()
        self.assertEqual(expense.state, "approved")
        self.assertNotIn("expenses_validated", self._codes(self._october()))

    # expenses_unlinked -------------------------------------------------------
    def test_expenses_unlinked_blocks_project_expense_without_order(self):
        expense = self._expense(analytic_distribution={str(self.project.analytic_account_id.id): 100})
        self.assertFalse(expense.sale_order_id)
        readiness = self._october()
        finding = readiness.finding_ids.filtered(lambda f: f.check_code == "expenses_unlinked")
        self.assertEqual((finding.res_model, finding.res_id), ("hr.expense", expense.id))
        self.assertIn("never be re-invoiced", finding.message)

    def test_expenses_unlinked_passes_when_expense_is_linked(self):
        self._expense(sale_order_id=self.engagement.id)
        self.assertNotIn("expenses_unlinked", self._codes(self._october()))

    # rate_mismatch -----------------------------------------------------------
    def test_rate_mismatch_warns_time_sold_below_pricelist(self):
        self._confirm_terms()
        self.line_time_materials.price_unit = 120.0
        readiness = self._october()
        finding = readiness.finding_ids.filtered(lambda f: f.check_code == "rate_mismatch")
        self.assertEqual(finding.severity, "warning")
        self.assertEqual(finding.amount_at_risk, (150.0 - 120.0) * 8)
        self.assertEqual(readiness.state, "ready", "a warning does not block")
        self.assertEqual(readiness.amount_at_risk, 240.0)

    def test_rate_mismatch_passes_at_pricelist_price(self):
        self.assertNotIn("rate_mismatch", self._codes(self._october()))

    # stale_draft -------------------------------------------------------------
    def _draft_invoice(self):
        self._confirm_terms()
        self._log_time(self.employee_consultant, 4.0, "2026-09-10")
        return self.engagement._create_invoices()

    def test_stale_draft_warns_old_draft(self):
        move = self._draft_invoice()
        old = fields.Datetime.now() - timedelta(days=self.company.ps_stale_draft_days + 1)
        self.env.cr.execute("UPDATE account_move SET create_date = %s WHERE id = %s", (old, move.id))
        move.invalidate_recordset(["create_date"])
        readiness = self._october()
        finding = readiness.finding_ids.filtered(lambda f: f.check_code == "stale_draft")
        self.assertEqual((finding.res_model, finding.res_id), ("account.move", move.id))
        self.assertEqual(finding.severity, "warning")

    def test_stale_draft_passes_fresh_draft(self):
        self._draft_invoice()
        self.assertNotIn("stale_draft", self._codes(self._october()))

    # configuration -----------------------------------------------------------
    def test_archived_check_is_not_run(self):
        self.env.ref("ps_billing_readiness.check_terms_confirmed").active = False
        readiness = self._october()
        self.assertNotIn("terms_confirmed", self._codes(readiness))
        self.assertEqual(readiness.state, "ready")

    def test_check_limited_to_other_billing_models_is_not_run(self):
        self.env.ref("ps_billing_readiness.check_terms_confirmed").billing_model_ids = self.env.ref(
            "ps_billing_readiness.billing_model_retainer"
        )
        self.assertEqual(self.engagement.ps_billing_model, "milestone")
        self.assertNotIn("terms_confirmed", self._codes(self._october()))

    def test_warning_severity_configured_on_record_does_not_block(self):
        self.env.ref("ps_billing_readiness.check_terms_confirmed").severity = "warning"
        readiness = self._october()
        self.assertIn("terms_confirmed", self._codes(readiness))
        self.assertEqual(readiness.state, "ready")
