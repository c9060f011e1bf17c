# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.addons.ps_billing_readiness.tests.common import GROUP_FINANCE_CONTROLLER, GROUP_PROJECT_MANAGER
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestApprovalUi(HttpCase):
    def test_two_levels_approved_from_the_invoice_and_to_approve_then_posted(self):
        """The controller requests approval; the first level's approver approves on the invoice (Approve, no
        Confirm); the second level's finds it in To Approve; the controller then sees Confirm and posts."""
        self.env["ps.approval.rule"].search([]).active = False
        first = new_test_user(
            self.env,
            login="bc_tour_approver",
            password="bc_tour_approver",
            groups=GROUP_PROJECT_MANAGER,
            name="Tour Approver",
        )
        second = new_test_user(
            self.env,
            login="bc_tour_second",
            password="bc_tour_second",
            groups=GROUP_PROJECT_MANAGER,
            name="Tour Second Approver",
        )
        controller = new_test_user(
            self.env,
            login="bc_tour_poster",
            password="bc_tour_poster",
            groups=GROUP_FINANCE_CONTROLLER,
            name="Tour Controller",
        )
        Rule = self.env["ps.approval.rule"]
        Rule.create({"name": "Tour level 1", "approver_type": "users", "user_ids": [Command.set(first.ids)]})
        Rule.create(
            {"name": "Tour level 2", "level": 2, "approver_type": "users", "user_ids": [Command.set(second.ids)]}
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
        form_url = f"/web#id={move.id}&model=account.move&view_type=form"

        self.start_tour(form_url, "ps_approval_controller_requests", login=controller.login)
        self.assertEqual(move.ps_approval_state, "pending")

        self.start_tour(form_url, "ps_approval_approver_approves_invoice", login=first.login)
        level_1, level_2 = move.ps_approval_request_ids.sorted("level")
        self.assertEqual((level_1.state, level_1.decided_by_id), ("approved", first))
        self.assertEqual(level_1.comment, "Rates match the contract.")
        self.assertEqual((level_2.state, level_2.approver_ids), ("pending", second))

        self.start_tour("/web", "ps_approval_approve_from_to_approve", login=second.login)
        self.assertEqual((level_2.state, level_2.decided_by_id), ("approved", second))
        self.assertEqual(move.ps_approval_state, "approved")

        self.start_tour(form_url, "ps_approval_controller_posts", login=controller.login)
        self.assertEqual(move.state, "posted")
