# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from lxml import etree

from odoo.tests import HttpCase, tagged

from .common import TimesheetComplianceCase


@tagged("post_install", "-at_install")
class TestTimesheetApprovalUi(HttpCase, TimesheetComplianceCase):
    def test_consultant_submits_week_and_manager_approves_it(self):
        self.consultant.password = "bc_consultant"
        self.project_manager.password = "bc_manager"
        today = self.company._ps_today()
        monday = today - timedelta(days=today.weekday())
        lines = self._week(self.employee_consultant, monday=monday)
        lines[2].name = "/"  # no description: an anomaly the approver sees
        self.start_tour("/web", "ps_timesheet_submit_week", login="bc_consultant")
        self.assertEqual(set(lines.mapped("ps_state")), {"submitted"})
        self.start_tour("/web", "ps_timesheet_approve_week", login="bc_manager")
        self.assertEqual(set(lines.mapped("ps_state")), {"approved"})
        self.assertEqual(lines.ps_approved_by_id, self.project_manager)


@tagged("post_install", "-at_install")
class TestTimesheetViews(TimesheetComplianceCase):
    """What the screens show, read from the views the web client receives."""

    def _arch(self, view_xmlid, model="account.analytic.line", user=None):
        view = self.env.ref(view_xmlid)
        env = self.env(user=user or self.project_manager)
        arch = env[model].get_views([(view.id, view.type)])["views"][view.type]["arch"]
        return etree.fromstring(arch)

    def test_approval_list_has_approve_and_reject_in_its_header(self):
        arch = self._arch("ps_timesheet_compliance.account_analytic_line_view_tree_approval")
        self.assertEqual(
            arch.xpath("//header/button/@name"),
            ["action_ps_approve", "action_ps_reject", "action_ps_reset_to_draft"],
        )
        self.assertEqual(arch.xpath("//header/button/@string")[:2], ["Approve", "Reject"])

    def test_approval_list_shows_anomalies_as_one_badge_with_its_reason(self):
        arch = self._arch("ps_timesheet_compliance.account_analytic_line_view_tree_approval")
        self.assertFalse(arch.xpath("//field[starts-with(@name, 'ps_flag_')]"), "no checkbox column per flag")
        (badge,) = arch.xpath("//field[@name='ps_anomaly_summary']")
        self.assertEqual(badge.get("widget"), "badge")
        self.assertTrue(badge.get("decoration-warning"))
        line = self._log_time(self.employee_consultant, 11.0, self.monday, name="/")
        self.assertEqual(line.ps_anomaly_summary, "Over the daily maximum, No description")

    def test_approval_steps_are_not_hidden_in_the_action_menu(self):
        bindings = self.env["ir.actions.actions"].with_user(self.project_manager).get_bindings("account.analytic.line")
        names = [action["name"] for action in bindings.get("action", [])]
        self.assertFalse({"Approve", "Reject", "Reset to Draft", "Submit for Approval"} & set(names))

    def test_consultant_list_has_submit_in_its_header(self):
        arch = self._arch("hr_timesheet.hr_timesheet_line_tree", user=self.consultant)
        self.assertEqual(arch.xpath("//header/button/@name"), ["action_ps_submit"])

    def test_settings_show_their_units(self):
        arch = self._arch(
            "ps_billing_readiness.res_config_settings_view_form", model="res.config.settings", user=self.env.user
        )
        (block,) = arch.xpath("//block[@name='ps_timesheet_compliance_block']")
        text = " ".join(" ".join(block.itertext()).split())
        for unit in (
            "Cutoff days after the period",
            "Remind days before the cutoff",
            "hours",
            "Daily maximum hours",
            "times more (or less) than the employee's usual day",
            "Look back timesheet periods",
        ):
            self.assertIn(unit, text)
        self.assertNotIn("_", text, "no technical names")
