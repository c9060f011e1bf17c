# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import GROUP_PROJECT_MANAGER, BillingControlCase


@tagged("post_install", "-at_install")
class TestReadinessAccessRights(BillingControlCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._log_time(cls.employee_consultant, 4.0, "2026-10-05")
        cls.readiness = cls._evaluate()
        cls.other_manager = new_test_user(cls.env, login="bc_other_pm", groups=GROUP_PROJECT_MANAGER)
        other_order = cls.env["sale.order"].create(
            {
                "partner_id": cls.client.id,
                "order_line": [Command.create({"product_id": cls.product_time_materials.id, "product_uom_qty": 5})],
            }
        )
        other_order.action_confirm()
        other_order.date_order = "2026-09-01"
        other_order.order_line.project_id.user_id = cls.other_manager
        cls.other_readiness = cls._evaluate(other_order)

    def test_consultant_sees_no_readiness(self):
        with self.assertRaises(AccessError):
            self.env["ps.billing.readiness"].with_user(self.consultant).search([])
        with self.assertRaises(AccessError):
            self.env["ps.readiness.finding"].with_user(self.consultant).search([])
        with self.assertRaises(AccessError):
            self.env["ps.unbilled.wip.report"].with_user(self.consultant).search([])

    def test_project_manager_reads_only_engagements_of_own_projects(self):
        visible = self.env["ps.billing.readiness"].with_user(self.project_manager).search([])
        self.assertEqual(visible, self.readiness)
        findings = self.env["ps.readiness.finding"].with_user(self.project_manager).search([])
        self.assertEqual(findings.readiness_id, self.readiness)
        with self.assertRaises(AccessError):
            self.other_readiness.with_user(self.project_manager).read(["state"])

    def test_project_manager_reads_own_engagement_order_not_others(self):
        self.engagement.with_user(self.project_manager).read(["name", "amount_untaxed"])
        with self.assertRaises(AccessError):
            self.other_readiness.sale_order_id.with_user(self.project_manager).read(["name"])

    def test_project_manager_resolves_by_reevaluating_but_cannot_write(self):
        self.readiness.with_user(self.project_manager).action_evaluate()
        with self.assertRaises(AccessError):
            self.readiness.with_user(self.project_manager).write({"owner_id": self.project_manager.id})
        with self.assertRaises(AccessError):
            self.readiness.with_user(self.project_manager).unlink()
        with self.assertRaises(AccessError):
            self.other_readiness.with_user(self.project_manager).action_evaluate()

    def test_project_manager_follows_a_finding(self):
        finding = self.readiness.finding_ids[:1].with_user(self.project_manager)
        action = finding.action_open_record()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", self.engagement.id))

    def test_controller_sees_all_and_reassigns_owner(self):
        visible = self.env["ps.billing.readiness"].with_user(self.controller).search([])
        self.assertLessEqual(self.readiness | self.other_readiness, visible)
        self.readiness.with_user(self.controller).write({"owner_id": self.controller.id})
        self.assertEqual(self.readiness.owner_id, self.controller)

    def test_only_administrator_configures_checks_and_flags(self):
        check = self.env.ref("ps_billing_readiness.check_rate_mismatch")
        flag = self.env.ref("ps_billing_readiness.flag_discount")
        for user in (self.controller, self.project_manager):
            with self.assertRaises(AccessError):
                check.with_user(user).write({"severity": "blocking"})
            with self.assertRaises(AccessError):
                flag.with_user(user).write({"name": "Rebate"})
        admin = self.env.ref("base.user_admin")
        check.with_user(admin).write({"severity": "blocking"})
        flag.with_user(admin).write({"name": "Rebate"})
        self.assertEqual((check.severity, flag.name), ("blocking", "Rebate"))

    def test_unbilled_wip_by_role(self):
        Report = self.env["ps.unbilled.wip.report"]
        mine = Report.with_user(self.project_manager).search([])
        self.assertEqual(mine.sale_order_id, self.engagement)
        self.assertEqual(sum(mine.mapped("amount")), 4 * 150.0)
        self.assertIn(self.engagement, Report.with_user(self.controller).search([]).sale_order_id)
