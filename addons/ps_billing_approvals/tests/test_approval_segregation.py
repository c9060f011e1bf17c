# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalSegregation(ApprovalCase):
    """Nobody approves an invoice they created or whose work they approved; a rule left with
    nobody eligible escalates instead of passing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.controllers = cls.env.ref("ps_billing_readiness.group_finance_controller")

    def test_creator_is_not_among_the_approvers_of_a_group_rule(self):
        self._rule(approver_type="group", group_id=self.controllers.id)
        move = self._draft(creator=self.controller)
        move.action_ps_request_approval()
        approvers = self._pending(move).approver_ids
        self.assertNotIn(self.controller, approvers)
        self.assertIn(self.director, approvers)

    def test_approve_refused_for_invoice_creator(self):
        request_rule = self._rule(approver=self.director | self.controller)
        move = self._draft(creator=self.director)
        move.action_ps_request_approval()
        request = self._pending(move)
        self.assertEqual(request.rule_id, request_rule)
        self.assertEqual(request.approver_ids, self.controller)
        # Even if the creator were made an approver later, the check at decision time refuses.
        request.sudo().approver_ids |= self.director
        self.assertFalse(request.with_user(self.director).can_approve)
        with self.assertRaisesRegex(UserError, "Segregation of duties"):
            request.with_user(self.director).action_ps_approve()
        self.assertEqual(request.state, "pending")

    def test_rule_whose_only_approver_created_the_invoice_escalates_to_their_manager(self):
        self._rule("PM approval", approver=self.project_manager)
        self.employee_manager.parent_id = self.employee_controller
        move = self._draft(creator=self.project_manager)
        move.action_ps_request_approval()
        request = self._pending(move)
        self.assertEqual(request.approver_ids, self.controller, "the creator's manager approves instead")
        self.assertTrue(request.escalated_on)
        self.assertIn("segregation of duties", request.escalation_note)
        self.assertEqual(move.ps_approval_state, "pending", "the rule does not pass silently")

    def test_rule_without_eligible_approver_nor_manager_escalates_to_finance_controllers(self):
        self._rule("Director only", approver=self.director)
        move = self._draft(creator=self.director)
        move.action_ps_request_approval()
        request = self._pending(move)
        self.assertIn(self.controller, request.approver_ids)
        self.assertNotIn(self.director, request.approver_ids)
        self.assertTrue(request.escalated_on)

    def test_approve_refused_for_who_approved_the_billed_work(self):
        # Who approved the timesheets is told by the timesheet module through the core hook
        # account.move._get_ps_work_approvers; no such module is installed here, so the hook's
        # answer is given directly (the quote-to-cash scenarios cover the real provider).
        self._rule(approver=self.project_manager | self.director)
        move = self._draft()

        def work_approvers(moves):
            return {m.id: self.project_manager for m in moves}

        with patch.object(type(self.env["account.move"]), "_get_ps_work_approvers", work_approvers):
            move.action_ps_request_approval()
            request = self._pending(move)
            self.assertEqual(request.approver_ids, self.director)
            request.sudo().approver_ids |= self.project_manager
            with self.assertRaisesRegex(UserError, "Segregation of duties"):
                request.with_user(self.project_manager).action_ps_approve()
        self.assertEqual(request.state, "pending")
