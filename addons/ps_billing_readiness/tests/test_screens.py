# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What each role sees first, and screens that read like Odoo's own."""

from lxml import etree

from odoo.tests import HttpCase, tagged

from .common import BillingControlCase


class TestLanding(BillingControlCase):
    def _landing(self, user):
        return self.env["ps.billing.readiness"].with_user(user)._ps_get_landing_action()

    def test_each_role_lands_on_its_own_work(self):
        self.assertEqual(self._landing(self.controller)["xml_id"], "ps_billing_readiness.ps_billing_readiness_action")
        self.assertEqual(
            self._landing(self.project_manager)["xml_id"], "ps_billing_readiness.ps_billing_readiness_action_exceptions"
        )
        consultant_action = self._landing(self.consultant)
        self.assertEqual(consultant_action["res_model"], "account.analytic.line")

    def test_the_app_menu_opens_the_landing_action(self):
        root = self.env.ref("ps_billing_readiness.menu_billing_control_root")
        self.assertEqual(root.action, self.env.ref("ps_billing_readiness.action_ps_landing"))

    def test_every_role_sees_the_app(self):
        root = self.env.ref("ps_billing_readiness.menu_billing_control_root")
        for user in (self.consultant, self.project_manager, self.controller):
            self.assertIn(root.id, self.env["ir.ui.menu"].with_user(user)._visible_menu_ids(), user.name)


@tagged("post_install", "-at_install")
class TestLandingOverHttp(HttpCase, BillingControlCase):
    def test_a_consultant_runs_the_landing_action_and_gets_their_timesheets(self):
        self.authenticate(self.consultant.login, self.consultant.login)
        action = self.make_jsonrpc_request(
            "/web/action/run", {"action_id": self.env.ref("ps_billing_readiness.action_ps_landing").id}
        )
        self.assertEqual(action["res_model"], "account.analytic.line")


class TestBoardViews(BillingControlCase):
    def _arch(self, model, view_type, view_id=None, user=None):
        result = self.env[model].with_user(user or self.controller).get_views([(view_id, view_type)])
        return etree.fromstring(result["views"][view_type]["arch"])

    def test_board_list_totals_its_amounts_and_shows_the_invoice(self):
        arch = self._arch("ps.billing.readiness", "list")
        for name in (
            "amount_deliverable_company",
            "amount_ready_company",
            "amount_blocked_company",
            "amount_at_risk_company",
        ):
            self.assertTrue(arch.xpath(f"//field[@name='{name}'][@sum]"), name)
        self.assertEqual(arch.xpath("//field[@name='invoice_id']/@optional"), ["show"])

    def test_board_shows_recently_invoiced_periods(self):
        action = self.env.ref("ps_billing_readiness.ps_billing_readiness_action")
        self.assertIn("search_default_filter_recent", action.context)

    def test_readiness_analysis_is_a_pivot_not_the_board(self):
        analysis = self.env.ref("ps_billing_readiness.ps_billing_readiness_action_analysis")
        self.assertEqual(analysis.view_mode.split(",")[0], "pivot")
        menu = self.env.ref("ps_billing_readiness.ps_billing_readiness_menu_analysis")
        self.assertEqual(menu.action, analysis)

    def test_settings_show_their_units(self):
        arch = self._arch("res.config.settings", "form", user=self.env.ref("base.user_admin"))
        block = arch.xpath("//block[@name='ps_billing_readiness_block']")[0]
        units = [span.text for span in block.xpath(".//span")]
        self.assertEqual(units.count("days"), 2)
        self.assertEqual(units.count("%"), 2)

    def test_findings_hide_a_zero_amount(self):
        arch = self._arch("ps.readiness.finding", "list")
        self.assertEqual(arch.xpath("//field[@name='amount_at_risk']/@invisible"), ["not amount_at_risk"])

    def test_an_unknown_margin_shows_empty_not_zero(self):
        arch = self._arch("account.move", "form", user=self.env.ref("base.user_admin"))
        for name in ("ps_cost_amount", "ps_margin_percent"):
            self.assertIn("not ps_cost_known", arch.xpath(f"//field[@name='{name}']/@invisible")[0], name)
