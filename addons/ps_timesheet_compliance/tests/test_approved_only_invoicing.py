# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import TimesheetComplianceCase


@tagged("post_install", "-at_install")
class TestApprovedOnlyInvoicing(TimesheetComplianceCase):
    """Sale order → timesheets → approve some → the draft contains only those."""

    def setUp(self):
        super().setUp()
        self.approved = self._log_time(self.employee_consultant, 8.0, "2026-10-05", name="Approved work")
        self.submitted = self._log_time(self.employee_consultant, 4.0, "2026-10-06", name="Submitted work")
        self.draft = self._log_time(self.employee_consultant, 2.0, "2026-10-07", name="Draft work")
        self.rejected = self._log_time(self.employee_consultant, 3.0, "2026-10-08", name="Rejected work")
        self._submit(self.approved | self.submitted | self.rejected)
        self._approve(self.approved)
        self._reject(self.rejected)

    def _time_lines(self, move):
        return move.invoice_line_ids.filtered(lambda line: self.line_time_materials in line.sale_line_ids)

    def test_delivered_quantity_counts_approved_time_only(self):
        self.assertEqual(self.line_time_materials.qty_delivered, 8.0)
        self.assertEqual(self.line_time_materials.qty_to_invoice, 8.0)

    def test_delivered_quantity_follows_approval_and_reset(self):
        self._approve(self.submitted)
        self.assertEqual(self.line_time_materials.qty_delivered, 12.0)
        self.submitted.with_user(self.project_manager).action_ps_reset_to_draft()
        self.assertEqual(self.line_time_materials.qty_delivered, 8.0)

    def test_invoice_bills_and_links_approved_time_only(self):
        move = self.engagement._create_invoices()
        self.assertEqual(self._time_lines(move).quantity, 8.0)
        self.assertEqual(move.timesheet_ids, self.approved)
        for line in self.submitted | self.draft | self.rejected:
            self.assertFalse(line.timesheet_invoice_id, f"{line.name} must not reach the invoice")

    def test_invoice_wizard_with_period_bills_approved_time_only(self):
        self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order",
            active_ids=self.engagement.ids,
            active_id=self.engagement.id,
        ).create(
            {
                "advance_payment_method": "delivered",
                "date_start_invoice_timesheet": date(2026, 10, 1),
                "date_end_invoice_timesheet": date(2026, 10, 31),
            }
        ).create_invoices()
        move = self.engagement.invoice_ids
        self.assertEqual(self._time_lines(move).quantity, 8.0)
        self.assertEqual(move.timesheet_ids, self.approved)

    def test_time_approved_later_is_billed_in_next_draft(self):
        first = self.engagement._create_invoices()
        self._approve(self.submitted)
        second = self.engagement._create_invoices()
        self.assertEqual(self._time_lines(second).quantity, 4.0)
        self.assertEqual(second.timesheet_ids, self.submitted)
        self.assertEqual(first.timesheet_ids, self.approved, "the first draft is unchanged")
        self.assertFalse(self.draft.timesheet_invoice_id)

    def test_readiness_draft_contains_approved_time_only(self):
        self._confirm_terms()
        self._submit(self.draft)
        self._approve(self.submitted | self.draft)
        self.rejected.with_user(self.consultant).write({"unit_amount": 3.0, "name": "Fixed"})
        # rejected time stays out; everything else is approved: the engagement is ready
        with freeze_time("2026-11-10"):
            readiness = self._evaluate().filtered(lambda r: r.period_start == self.october[0])
            self.assertEqual(readiness.state, "ready")
            self.assertEqual(readiness.amount_deliverable, 14.0 * 150.0)
            readiness.with_user(self.controller).action_create_invoice_draft()
        move = readiness.invoice_id
        self.assertEqual(self._time_lines(move).quantity, 14.0)
        self.assertEqual(move.timesheet_ids, self.approved | self.submitted | self.draft)
        self.assertFalse(self.rejected.timesheet_invoice_id)
        self.assertEqual(move._get_ps_work_approvers()[move.id], self.project_manager)

    def test_setting_off_bills_all_time_like_odoo(self):
        self.company.ps_timesheet_approved_only = False
        self.assertEqual(self.line_time_materials.qty_delivered, 17.0)
        move = self.engagement._create_invoices()
        self.assertEqual(self._time_lines(move).quantity, 17.0)
        self.assertEqual(len(move.timesheet_ids), 4)
