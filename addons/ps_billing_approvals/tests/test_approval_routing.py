# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalRouting(ApprovalCase):
    """Straight-through, levels in order, approver types, decisions and their trace."""

    def test_draft_matching_no_rule_goes_straight_through(self):
        self._rule(amount_min=10000.0)
        move = self._draft(500.0)
        move.with_user(self.controller).action_ps_request_approval()
        self.assertEqual(move.ps_approval_state, "not_required")
        self.assertFalse(move.ps_approval_request_ids)
        move.with_user(self.controller).action_post()
        self.assertEqual(move.state, "posted")

    def test_levels_are_approved_in_order(self):
        first = self._rule("Controller", level=1, approver=self.controller, amount_min=1000.0)
        second = self._rule("Director", level=2, approver=self.director, amount_min=1000.0)
        move = self._draft(5000.0, creator=self.project_manager)
        move.with_user(self.controller).action_ps_request_approval()
        self.assertEqual(move.ps_approval_state, "pending")
        by_rule = {request.rule_id: request for request in move.ps_approval_request_ids}
        self.assertEqual((by_rule[first].state, by_rule[second].state), ("pending", "waiting"))
        with self.assertRaises(UserError, msg="level 2 waits for level 1"):
            by_rule[second].with_user(self.director).action_ps_approve()

        move.with_user(self.controller).action_ps_approve("Checked")
        self.assertEqual(by_rule[first].state, "approved")
        self.assertEqual(by_rule[first].decided_by_id, self.controller)
        self.assertEqual(by_rule[first].comment, "Checked")
        self.assertTrue(by_rule[first].decided_on)
        self.assertEqual(by_rule[second].state, "pending")
        self.assertEqual(move.ps_approval_state, "pending")

        move.with_user(self.director).action_ps_approve()
        self.assertEqual(move.ps_approval_state, "approved")

    def test_rules_of_the_same_level_are_all_required(self):
        self._rule("A", approver=self.controller)
        self._rule("B", approver=self.director)
        move = self._draft(creator=self.project_manager)
        move.action_ps_request_approval()
        self.assertEqual(len(self._pending(move)), 2)
        move.with_user(self.controller).action_ps_approve()
        self.assertEqual(move.ps_approval_state, "pending")
        move.with_user(self.director).action_ps_approve()
        self.assertEqual(move.ps_approval_state, "approved")

    # Approver types ------------------------------------------------------------
    def test_group_rule_routes_to_the_group_members(self):
        self._rule(approver_type="group", group_id=self.env.ref("ps_billing_readiness.group_finance_controller").id)
        move = self._draft(creator=self.project_manager)
        move.action_ps_request_approval()
        approvers = self._pending(move).approver_ids
        self.assertIn(self.controller, approvers)
        self.assertIn(self.director, approvers)
        self.assertNotIn(self.project_manager, approvers)

    def test_users_rule_routes_to_its_users(self):
        self._rule(approver=self.director | self.administrator)
        move = self._draft()
        move.action_ps_request_approval()
        self.assertEqual(self._pending(move).approver_ids, self.director | self.administrator)

    def test_project_manager_rule_routes_to_the_engagement_project_manager(self):
        self._rule(approver_type="project_manager")
        move = self._invoice_engagement()
        move.action_ps_request_approval()
        self.assertEqual(self._pending(move).approver_ids, self.project_manager)

    def test_salesperson_rule_routes_to_the_invoice_salesperson(self):
        self._rule(approver_type="salesperson")
        move = self._draft(invoice_user_id=self.director.id)
        move.action_ps_request_approval()
        self.assertEqual(self._pending(move).approver_ids, self.director)

    # Trace ------------------------------------------------------------------------
    def test_pending_approvers_get_an_activity_and_the_chatter_names_them(self):
        self._rule("Over 1k", amount_min=1000.0, approver=self.director | self.administrator)
        move = self._draft(2000.0)
        move.action_ps_request_approval()
        activities = move.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("ps_billing_approvals.mail_activity_type_ps_approval")
        )
        self.assertEqual(activities.user_id, self.director | self.administrator)
        bodies = " ".join(move.message_ids.mapped("body"))
        self.assertIn("Diana Director", bodies)
        self.assertIn("Over 1k", bodies)
        move.with_user(self.director).action_ps_approve()
        self.assertFalse(
            move.activity_ids.filtered(lambda a: a.activity_type_id in activities.activity_type_id),
            "the decision closes the activities of the request",
        )
        self.assertIn("Diana Director approved Over 1k", " ".join(move.message_ids.mapped("body")))

    def test_reject_requires_a_reason_and_closes_the_round(self):
        self._rule("L1", approver=self.director)
        self._rule("L2", level=2, approver=self.administrator)
        move = self._draft()
        move.action_ps_request_approval()
        with self.assertRaises(UserError):
            move.with_user(self.director).action_ps_reject("  ")
        move.with_user(self.director).action_ps_reject("Wrong rate")
        self.assertEqual(move.ps_approval_state, "rejected")
        states = {request.rule_name: request.state for request in move.ps_approval_request_ids}
        self.assertEqual(states, {"L1": "rejected", "L2": "superseded"})
        self.assertEqual(move.ps_approval_request_ids.filtered(lambda r: r.state == "rejected").comment, "Wrong rate")

    def test_reject_wizard_refuses_an_empty_reason(self):
        self._rule(approver=self.director)
        move = self._draft()
        move.action_ps_request_approval()
        action = (
            move.with_user(self.director).with_context(ps_approval_decision="reject").action_ps_open_decision_wizard()
        )
        wizard = Form(self.env["ps.approval.decision"].with_user(self.director).with_context(**action["context"]))
        dialog = wizard.save()
        with self.assertRaisesRegex(UserError, "reason is required"):
            dialog.action_confirm()
        self.assertEqual(move.ps_approval_state, "pending")
        dialog.comment = "Client disputes the hours"
        dialog.action_confirm()
        self.assertEqual(move.ps_approval_state, "rejected")

    def test_mass_approve_checks_each_request(self):
        self._rule(approver=self.director)
        mine = self._draft(creator=self.project_manager)
        own = self._draft(creator=self.director)  # the director created it: segregation of duties
        (mine | own).action_ps_request_approval()
        requests = (mine | own).ps_approval_request_ids
        result = requests.with_user(self.director).action_ps_approve_batch()
        self.assertEqual(mine.ps_approval_state, "approved")
        self.assertEqual(own.ps_approval_state, "pending")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("Segregation of duties", result["params"]["message"])
        with self.assertRaises(UserError, msg="the one-by-one action raises instead of skipping"):
            own.ps_approval_request_ids.with_user(self.director).action_ps_approve()

    def test_company_setting_posts_the_invoice_once_approved(self):
        self.company.ps_approval_autopost = True
        self._rule(approver=self.director)
        move = self._draft(invoice_date="2026-11-10")
        move.action_ps_request_approval()
        move.with_user(self.director).action_ps_approve()
        self.assertEqual(move.ps_approval_state, "approved")
        self.assertEqual(move.state, "posted")

    def test_drafts_of_the_readiness_engine_request_approval_automatically(self):
        self._rule(amount_min=100.0)
        self._confirm_terms()
        self._log_time(self.employee_consultant, 8.0, "2026-10-05")
        october = self._evaluate().filtered(lambda r: r.period_start == self.october[0])
        self.assertEqual(october.state, "ready")
        october.with_user(self.controller).action_create_invoice_draft()
        self.assertEqual(october.invoice_id.ps_approval_state, "pending")
        self.assertEqual(self._pending(october.invoice_id).approver_ids, self.director)

    def test_vendor_bills_are_not_routed(self):
        self._rule()
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.client.id,
                "invoice_date": "2026-11-10",
                "invoice_line_ids": [Command.create({"name": "Rent", "quantity": 1, "price_unit": 100.0})],
            }
        )
        with self.assertRaises(UserError):
            bill.action_ps_request_approval()
        bill.action_post()
        self.assertEqual((bill.state, bill.ps_approval_state), ("posted", "not_required"))
