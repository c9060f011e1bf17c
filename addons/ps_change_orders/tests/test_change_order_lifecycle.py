# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ChangeOrderCase


@tagged("post_install", "-at_install")
class TestChangeOrderLifecycle(ChangeOrderCase):
    def test_change_orders_are_numbered_per_engagement_with_a_diff(self):
        first, second = self._change_order(), self._change_order()
        self.assertEqual((first.name, second.name), ("CO-1", "CO-2"))
        diff = first.diff_html
        self.assertIn("Quantity of", diff)
        self.assertIn("100 Hours", diff)
        self.assertIn("120 Hours", diff)
        self.assertIn("New milestone: Interfaces live", diff)
        # 20 hours at 150.00 and the milestone.
        self.assertEqual(first.amount_change, 20 * 150.0 + 4000.0)

    def test_submitted_change_order_is_frozen(self):
        change = self._change_order()
        change.with_user(self.project_manager).action_submit()
        self.assertEqual(change.state, "submitted")
        with self.assertRaises(UserError):
            change.with_user(self.project_manager).write({"reason": "Something else"})
        with self.assertRaises(UserError):
            change.line_ids[0].with_user(self.project_manager).write({"quantity": 500})

    def test_recorded_approval_needs_evidence_then_finance_applies_it(self):
        change = self._change_order()
        change.with_user(self.project_manager).action_submit()
        with self.assertRaisesRegex(UserError, "Attach the client's approval"):
            change.with_user(self.project_manager)._ps_record_decision(True, "Nora North")
        self._attach_evidence(change)
        change.with_user(self.project_manager)._ps_record_decision(True, "Nora North")
        self.assertEqual((change.state, change.decided_by_name), ("approved", "Nora North"))
        self.assertEqual(change.decision_recorded_by_id, self.project_manager)
        with self.assertRaises(AccessError):
            change.with_user(self.project_manager).action_apply()

        change.with_user(self.controller).action_apply()
        self.assertEqual(change.state, "applied")
        self.assertEqual(self.line_time_materials.product_uom_qty, 120)
        new_line = change.line_ids.applied_sale_line_id
        self.assertEqual((new_line.price_unit, new_line.product_uom_qty), (4000.0, 1.0))
        milestone = self.env["project.milestone"].search([("sale_line_id", "=", new_line.id)])
        self.assertEqual((milestone.name, milestone.quantity_percentage), ("Interfaces live", 1.0))
        trace = self.engagement.message_ids.filtered(lambda m: "CO-1 applied by Fiona Controller" in m.body)
        self.assertEqual(len(trace), 1)
        self.assertIn("100 Hours → 120 Hours", trace.body)
        self.assertIn("approved by Nora North", trace.body)
        with self.assertRaises(UserError):
            change.with_user(self.controller).action_apply()

    def test_rejected_change_order_changes_nothing_billable(self):
        before = self._billing_snapshot()
        change = self._change_order()
        change.with_user(self.project_manager).action_submit()
        change.with_user(self.project_manager)._ps_record_decision(False, "Nora North", reason="Too expensive")
        self.assertEqual((change.state, change.reject_reason), ("rejected", "Too expensive"))
        with self.assertRaises(UserError):
            change.with_user(self.controller).action_apply()
        self.assertEqual(self._billing_snapshot(), before)

    def test_pending_change_order_changes_nothing_billable(self):
        before = self._billing_snapshot()
        change = self._change_order()
        change.with_user(self.project_manager).action_submit()
        with self.assertRaises(UserError):
            change.with_user(self.controller).action_apply()
        self.assertEqual(self._billing_snapshot(), before)
