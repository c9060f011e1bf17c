# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import (
    GROUP_ADMINISTRATOR,
    GROUP_CONSULTANT,
    GROUP_FINANCE_CONTROLLER,
    GROUP_PROJECT_MANAGER,
    BillingControlCase,
)


@tagged("post_install", "-at_install")
class TestSecurityGroups(BillingControlCase):
    def test_finance_controller_has_project_manager_and_consultant_groups(self):
        self.assertTrue(self.controller.has_group(GROUP_FINANCE_CONTROLLER))
        self.assertTrue(self.controller.has_group(GROUP_PROJECT_MANAGER))
        self.assertTrue(self.controller.has_group(GROUP_CONSULTANT))
        self.assertFalse(self.controller.has_group(GROUP_ADMINISTRATOR))

    def test_consultant_has_no_group_above_consultant(self):
        self.assertTrue(self.consultant.has_group(GROUP_CONSULTANT))
        self.assertFalse(self.consultant.has_group(GROUP_PROJECT_MANAGER))
        self.assertFalse(self.consultant.has_group(GROUP_FINANCE_CONTROLLER))
        self.assertFalse(self.consultant.has_group(GROUP_ADMINISTRATOR))

    def test_project_manager_is_not_finance_controller(self):
        self.assertTrue(self.project_manager.has_group(GROUP_CONSULTANT))
        self.assertFalse(self.project_manager.has_group(GROUP_FINANCE_CONTROLLER))

    def test_admin_is_billing_control_administrator(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group(GROUP_ADMINISTRATOR))
        self.assertTrue(admin.has_group(GROUP_CONSULTANT))

    def test_groups_share_one_category(self):
        groups = (
            self.env.ref(GROUP_CONSULTANT)
            | self.env.ref(GROUP_PROJECT_MANAGER)
            | self.env.ref(GROUP_FINANCE_CONTROLLER)
            | self.env.ref(GROUP_ADMINISTRATOR)
        )
        self.assertEqual(
            groups.category_id,
            self.env.ref("ps_billing_readiness.module_category_billing_control"),
        )

    def test_consultant_cannot_read_invoices_or_engagements(self):
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.consultant).search([], limit=1)
        with self.assertRaises(AccessError):
            self.engagement.with_user(self.consultant).read(["amount_total"])

    def test_finance_controller_can_read_engagements_and_invoices(self):
        self.assertEqual(self.engagement.with_user(self.controller).amount_untaxed, 100 * 150.0 + 10000.0)
        self.env["account.move"].with_user(self.controller).search([], limit=1)

    def test_only_billing_control_users_see_the_app_menu(self):
        root = self.env.ref("ps_billing_readiness.menu_billing_control_root")
        plain_user = self.env["res.users"].create(
            {
                "name": "Plain Employee",
                "login": "bc_plain",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        visible = self.env["ir.ui.menu"].with_user(plain_user)._visible_menu_ids()
        self.assertNotIn(root.id, visible)
        visible = self.env["ir.ui.menu"].with_user(self.controller)._visible_menu_ids()
        self.assertIn(root.id, visible)
