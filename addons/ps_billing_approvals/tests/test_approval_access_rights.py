# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.ps_billing_readiness.tests.common import GROUP_CONSULTANT
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalAccessRights(ApprovalCase):
    """What each role may see and do around approvals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee_user = new_test_user(cls.env, login="bc_plain", name="Pat Plain", groups="base.group_user")

    def _routed_to(self, approver, move=None):
        move = move or self._invoice_engagement()
        self._rule("Check", approver=approver)
        move.action_ps_request_approval()
        return move

    def test_project_manager_approver_reads_invoice_without_accounting_rights(self):
        self.assertFalse(self.project_manager.has_group("account.group_account_invoice"))
        move = self._invoice_engagement()
        with self.assertRaises(AccessError, msg="not the salesperson: no access before routing"):
            move.with_user(self.project_manager).read(["name"])
        self._routed_to(self.project_manager, move)
        as_manager = move.with_user(self.project_manager)
        self.assertEqual(as_manager.read(["amount_untaxed"])[0]["amount_untaxed"], move.amount_untaxed)
        as_manager.invoice_line_ids.read(["price_unit", "quantity"])
        as_manager.invoice_line_ids.sale_line_ids.order_id.read(["name"])
        form = Form(as_manager)  # the invoice form opens for the approver
        self.assertEqual(form.partner_id, self.client)
        request_form = Form(move.ps_approval_request_ids.with_user(self.project_manager))
        self.assertEqual(request_form.partner_id, self.client)
        self.assertEqual(request_form.amount_untaxed, move.amount_untaxed)
        as_manager.action_ps_approve("Hours match the plan")
        self.assertEqual(move.ps_approval_state, "approved")

    def test_consultant_approver_reads_invoice_and_its_sale_order(self):
        """Approvers hold a Billing Control role: the approver rules apply to the suite's roles only."""
        approver = new_test_user(self.env, login="bc_approver", name="Abe Approver", groups=GROUP_CONSULTANT)
        move = self._invoice_engagement()
        order = self.engagement.with_user(approver)
        with self.assertRaises(AccessError):
            order.read(["name"])
        self._routed_to(approver, move)
        move.with_user(approver).read(["name", "amount_total", "partner_id"])
        self.assertEqual(order.read(["name"])[0]["name"], self.engagement.name)
        order.order_line.read(["name", "qty_delivered"])

    def test_user_who_is_not_an_approver_cannot_read_the_invoice(self):
        consultant = new_test_user(self.env, login="bc_other_consultant", groups=GROUP_CONSULTANT)
        move = self._routed_to(self.director)
        with self.assertRaises(AccessError):
            move.with_user(consultant).read(["name"])
        with self.assertRaises(AccessError):
            move.ps_approval_request_ids.with_user(consultant).read(["state"])

    def test_approver_cannot_write_requests_directly(self):
        move = self._routed_to(self.project_manager)
        with self.assertRaises(AccessError):
            move.ps_approval_request_ids.with_user(self.project_manager).write({"state": "approved"})
        with self.assertRaises(AccessError):
            move.with_user(self.project_manager).write({"narration": "approved, trust me"})

    def test_non_approver_cannot_approve(self):
        move = self._routed_to(self.director)
        with self.assertRaises(UserError):
            move.ps_approval_request_ids.with_user(self.administrator).action_ps_approve()
        with self.assertRaises(UserError):
            move.with_user(self.administrator).action_ps_approve()
        self.assertEqual(move.ps_approval_state, "pending")

    def test_only_billing_administrators_edit_the_matrix(self):
        rule = self._rule("Matrix")
        rule.with_user(self.project_manager).read(["name"])
        with self.assertRaises(AccessError):
            rule.with_user(self.controller).write({"amount_min": 1.0})
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.project_manager).create({"name": "Mine", "approver_type": "salesperson"})
        self.Rule.with_user(self.administrator).create({"name": "Theirs", "approver_type": "salesperson"})

    def test_controller_reads_every_request(self):
        move = self._routed_to(self.director)
        self.assertEqual(move.ps_approval_request_ids.with_user(self.controller).read(["state"])[0]["state"], "pending")

    def test_accountants_still_read_every_sale_order(self):
        accountant = new_test_user(self.env, login="bc_accountant", groups="account.group_account_invoice")
        self.engagement.with_user(accountant).read(["name"])
        self.engagement.order_line.with_user(accountant).read(["name"])
