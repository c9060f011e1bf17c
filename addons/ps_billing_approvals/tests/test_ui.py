# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.addons.ps_billing_readiness.tests.common import GROUP_FINANCE_CONTROLLER, GROUP_PROJECT_MANAGER
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestApprovalUi(HttpCase):
    def test_approver_approves_from_to_approve_and_controller_posts(self):
        approver = new_test_user(
            self.env,
            login="bc_tour_approver",
            password="bc_tour_approver",
            groups=GROUP_PROJECT_MANAGER,
            name="Tour Approver",
        )
        controller = new_test_user(
            self.env,
            login="bc_tour_poster",
            password="bc_tour_poster",
            groups=GROUP_FINANCE_CONTROLLER,
            name="Tour Controller",
        )
        self.env["ps.approval.rule"].create(
            {
                "name": "Tour rule",
                "approver_type": "users",
                "user_ids": [Command.set(approver.ids)],
            }
        )
        client = self.env["res.partner"].create({"name": "Tour Client", "is_company": True})
        product = self.env["product.product"].create({"name": "Tour service", "type": "service", "list_price": 100})
        move = (
            self.env["account.move"]
            .with_user(controller)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": client.id,
                    "invoice_date": "2026-11-10",
                    "invoice_line_ids": [
                        Command.create({"product_id": product.id, "quantity": 3, "price_unit": 2500.0})
                    ],
                }
            )
        )
        move.with_user(controller).action_ps_request_approval()
        self.assertEqual(move.ps_approval_state, "pending")

        self.start_tour("/web", "ps_approval_approve_from_to_approve", login=approver.login)
        request = move.ps_approval_request_ids
        self.assertEqual((request.state, request.decided_by_id), ("approved", approver))
        self.assertEqual(request.comment, "Rates match the contract.")
        self.assertEqual(move.ps_approval_state, "approved")

        self.start_tour(
            f"/web#id={move.id}&model=account.move&view_type=form",
            "ps_approval_controller_posts",
            login=controller.login,
        )
        self.assertEqual(move.state, "posted")
