# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import TimesheetComplianceCase


@tagged("post_install", "-at_install")
class TestTimesheetApprovalUi(HttpCase, TimesheetComplianceCase):
    def test_consultant_submits_week_and_manager_approves_it(self):
        self.consultant.password = "bc_consultant"
        self.project_manager.password = "bc_manager"
        today = fields.Date.context_today(self.env["res.users"])
        monday = today - timedelta(days=today.weekday())
        lines = self._week(self.employee_consultant, monday=monday)
        self.start_tour("/web", "ps_timesheet_submit_week", login="bc_consultant")
        self.assertEqual(set(lines.mapped("ps_state")), {"submitted"})
        self.start_tour("/web", "ps_timesheet_approve_week", login="bc_manager")
        self.assertEqual(set(lines.mapped("ps_state")), {"approved"})
        self.assertEqual(lines.ps_approved_by_id, self.project_manager)
