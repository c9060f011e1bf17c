# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import BillingControlCase


@tagged("post_install", "-at_install")
class TestEngagementTerms(BillingControlCase):
    def _terms_activities(self, order):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("activity_type_id", "=", self.env.ref("ps_billing_readiness.mail_activity_type_confirm_terms").id),
            ]
        )

    def _new_order(self, product):
        return self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 10.0})],
            }
        )

    def test_default_billing_model_follows_service_lines(self):
        self.assertEqual(self._new_order(self.product_time_materials).ps_billing_model, "time_materials")
        self.assertEqual(self._new_order(self.product_fixed_fee).ps_billing_model, "fixed_fee")
        self.assertEqual(self.engagement.ps_billing_model, "milestone", "a milestone line makes it milestone billing")

    def test_default_billing_model_set_in_the_form(self):
        with Form(self.env["sale.order"]) as order_form:
            order_form.partner_id = self.client
            with order_form.order_line.new() as line:
                line.product_id = self.product_time_materials
        self.assertEqual(order_form.ps_billing_model, "time_materials")

    def test_chosen_billing_model_is_kept(self):
        order = self._new_order(self.product_fixed_fee)
        order.ps_billing_model = "retainer"
        order.order_line = [Command.create({"product_id": self.product_time_materials.id})]
        self.assertEqual(order.ps_billing_model, "retainer")

    def test_controller_confirms_terms_with_trace(self):
        self.engagement.with_user(self.controller).action_ps_confirm_terms()
        self.assertTrue(self.engagement.ps_terms_confirmed)
        self.assertEqual(self.engagement.ps_terms_confirmed_by_id, self.controller)
        self.assertTrue(self.engagement.ps_terms_confirmed_on)
        self.assertIn("Billing terms confirmed by Fiona Controller", self.engagement.message_ids[0].body)

    def test_confirm_terms_refused_for_project_manager(self):
        with self.assertRaises(AccessError):
            self.engagement.with_user(self.project_manager).action_ps_confirm_terms()
        self.assertFalse(self.engagement.ps_terms_confirmed)

    def test_confirm_terms_refused_without_required_po(self):
        self.engagement.ps_po_required = True
        with self.assertRaisesRegex(UserError, "client PO reference"):
            self.engagement.with_user(self.controller).action_ps_confirm_terms()
        self.assertFalse(self.engagement.ps_terms_confirmed)

    def test_confirm_terms_refused_without_billing_model(self):
        self.engagement.ps_billing_model = False
        with self.assertRaisesRegex(UserError, "billing model"):
            self.engagement.with_user(self.controller).action_ps_confirm_terms()

    def test_changing_terms_withdraws_confirmation(self):
        self._confirm_terms()
        self.engagement.ps_billing_cycle = "weekly"
        self.assertFalse(self.engagement.ps_terms_confirmed)
        self.assertFalse(self.engagement.ps_terms_confirmed_by_id)
        self.assertIn("finance must confirm them again", self.engagement.message_ids[0].body)

    def test_confirmation_schedules_one_terms_activity_per_controller(self):
        order = self._new_order(self.product_time_materials)
        order.action_confirm()
        activities = self._terms_activities(order)
        self.assertIn(self.controller, activities.user_id)
        self.assertEqual(len(activities), len(activities.user_id), "one activity per controller")
        # Saving the order again, or re-running the rule's method, adds nothing.
        order.write({"note": "Kick-off on Monday"})
        order._ps_schedule_terms_activity()
        self.assertEqual(self._terms_activities(order), activities)

    def test_confirming_terms_closes_the_terms_activity(self):
        order = self._new_order(self.product_time_materials)
        order.action_confirm()
        self.assertTrue(self._terms_activities(order))
        order.with_user(self.controller).action_ps_confirm_terms()
        self.assertFalse(self._terms_activities(order))

    def test_goods_only_order_gets_no_terms_activity(self):
        goods = self.env["product.product"].create({"name": "Laptop", "type": "consu", "list_price": 900.0})
        order = self._new_order(goods)
        order.action_confirm()
        self.assertFalse(self._terms_activities(order))

    def test_client_po_reference_goes_on_the_invoice(self):
        self.engagement.write({"ps_po_required": True, "ps_client_po_ref": "PO-4711"})
        self._log_time(self.employee_consultant, 2.0, "2026-10-02")
        move = self.engagement._create_invoices()
        self.assertEqual(move.ref, "PO-4711")
