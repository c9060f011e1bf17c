# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import ChangeOrderCase


@tagged("post_install", "-at_install")
class TestChangeOrderPendingCheck(ChangeOrderCase):
    def _findings(self, day=None):
        records = self._evaluate(day=day)
        return records.finding_ids.filtered(lambda f: f.check_code == "change_order_pending")

    def test_time_on_an_unapproved_change_order_is_at_risk_until_approved(self):
        # The extra work is sold at the engagement's hourly rate: 150.00.
        self.change_task.sale_line_id = self.line_time_materials
        change = self._change_order()
        change.with_user(self.project_manager).action_submit()
        self._log_time(self.employee_consultant, 6.0, date(2026, 10, 20), task=self.change_task)
        finding = self._findings()
        self.assertEqual(len(finding), 1)
        self.assertEqual(finding.amount_at_risk, 900.0)
        self.assertEqual((finding.res_model, finding.res_id), ("ps.change.order", change.id))
        self.assertIn("not approved", finding.message)

        self._attach_evidence(change)
        change.with_user(self.project_manager)._ps_record_decision(True, "Nora North")
        self.assertFalse(self._findings(), "an approved change order covers its time")

    def test_time_beyond_a_fixed_fee_sold_in_hours_is_at_risk_until_a_change_order_covers_it(self):
        product = self.env["product.product"].create(
            {
                "name": "Workshop package (fixed, 10 hours)",
                "type": "service",
                "uom_id": self.env.ref("uom.product_uom_hour").id,
                "uom_po_id": self.env.ref("uom.product_uom_hour").id,
                "invoice_policy": "order",
                "service_type": "timesheet",
                "service_tracking": "task_in_project",
            }
        )
        self.engagement.write(
            {"order_line": [Command.create({"product_id": product.id, "product_uom_qty": 10, "price_unit": 200.0})]}
        )
        line = self.engagement.order_line.filtered(lambda sale_line: sale_line.product_id == product)
        self._log_time(self.employee_consultant, 13.5, date(2026, 10, 12), task=line.task_id)
        finding = self._findings()
        self.assertEqual(len(finding), 1)
        self.assertEqual(finding.amount_at_risk, 700.0)
        self.assertIn("3.50 beyond it", finding.message)

        change = self.env["ps.change.order"].create(
            {
                "sale_order_id": self.engagement.id,
                "reason": "Two more workshops",
                "line_ids": [
                    Command.create({"change_type": "change_quantity", "sale_line_id": line.id, "quantity": 14})
                ],
            }
        )
        change.with_user(self.project_manager).action_submit()
        self.assertTrue(self._findings(), "a submitted change order covers nothing yet")
        self._attach_evidence(change)
        change.with_user(self.project_manager)._ps_record_decision(True, "Nora North")
        self.assertFalse(self._findings())
        change.with_user(self.controller).action_apply()
        self.assertEqual(line.product_uom_qty, 14)
        self.assertFalse(self._findings())
