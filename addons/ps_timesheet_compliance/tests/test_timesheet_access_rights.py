# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import TimesheetComplianceCase


@tagged("post_install", "-at_install")
class TestTimesheetAccessRights(TimesheetComplianceCase):
    """Who sees and changes which timesheet lines, and bad input."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carla_line = cls._log_time(cls.employee_consultant, 8.0, cls.monday)
        cls.oscar_line = cls._log_time(cls.employee_other_consultant, 8.0, cls.monday)
        cls.other_project = cls.env["project.project"].create({"name": "Internal", "allow_timesheets": True})
        cls.oscar_internal = cls.Line.create(
            {
                "name": "Admin",
                "employee_id": cls.employee_other_consultant.id,
                "project_id": cls.other_project.id,
                "unit_amount": 2.0,
                "date": cls.monday,
            }
        )

    def _visible(self, user):
        return self.Line.with_user(user).search([("project_id", "!=", False)])

    def test_consultant_sees_only_own_lines(self):
        visible = self._visible(self.consultant)
        self.assertIn(self.carla_line, visible)
        self.assertNotIn(self.oscar_line, visible)
        with self.assertRaises(AccessError):
            self.oscar_line.with_user(self.consultant).read(["unit_amount"])

    def test_consultant_cannot_change_someone_elses_line(self):
        with self.assertRaises(AccessError):
            self.oscar_line.with_user(self.consultant).write({"unit_amount": 1.0})
        self.assertEqual(self.oscar_line.unit_amount, 8.0)

    def test_project_manager_sees_lines_of_managed_projects_only(self):
        visible = self._visible(self.project_manager)
        self.assertIn(self.oscar_line, visible, "Oscar logged on Paul's project")
        self.assertIn(self.carla_line, visible)
        self.assertNotIn(self.oscar_internal, visible, "Oscar's internal time is none of Paul's business")

    def test_project_manager_cannot_edit_consultant_lines(self):
        with self.assertRaises(AccessError):
            self.carla_line.with_user(self.project_manager).write({"unit_amount": 1.0})

    def test_approve_refused_for_other_teams_line(self):
        self.oscar_internal.with_user(self.other_consultant).action_ps_submit()
        with self.assertRaises(AccessError):
            self.oscar_internal.with_user(self.project_manager).action_ps_approve()
        self.assertEqual(self.oscar_internal.ps_state, "submitted")

    def test_other_manager_cannot_approve_line_of_project_she_does_not_manage(self):
        self._submit(self.carla_line)
        with self.assertRaisesRegex(AccessError, "only the project's manager"):
            self._approve(self.carla_line, user=self.other_manager)
        self.assertEqual(self.carla_line.ps_state, "submitted")

    def test_other_manager_approves_her_team_member_on_any_project(self):
        self.oscar_internal.with_user(self.other_consultant).action_ps_submit()
        self._approve(self.oscar_internal, user=self.other_manager)
        self.assertEqual(self.oscar_internal.ps_state, "approved")

    def test_consultant_cannot_approve(self):
        self.oscar_line.with_user(self.other_consultant).action_ps_submit()
        with self.assertRaises(AccessError):
            self.oscar_line.with_user(self.consultant).action_ps_approve()
        self.assertEqual(self.oscar_line.ps_state, "submitted")

    def test_finance_controller_approves_any_team(self):
        self.oscar_internal.with_user(self.other_consultant).action_ps_submit()
        self._approve(self.oscar_internal, user=self.controller)
        self.assertEqual(self.oscar_internal.ps_approved_by_id, self.controller)

    def test_can_approve_flag_and_reason_follow_the_user(self):
        self._submit(self.carla_line)
        self.assertTrue(self.carla_line.with_user(self.project_manager).ps_can_approve)
        other = self.carla_line.with_user(self.other_manager)
        self.assertFalse(other.ps_can_approve)
        self.assertIn("only the project's manager", other.ps_cannot_approve_reason)

    def test_to_approve_search_lists_lines_the_user_can_approve(self):
        self._submit(self.carla_line)
        self.oscar_internal.with_user(self.other_consultant).action_ps_submit()
        paul = self.Line.with_user(self.project_manager).search([("ps_can_approve", "=", True)])
        olga = self.Line.with_user(self.other_manager).search([("ps_can_approve", "=", True)])
        self.assertEqual(paul, self.carla_line)
        self.assertEqual(olga, self.oscar_internal)

    def test_negative_hours_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._log_time(self.employee_consultant, -2.0, self.monday)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.carla_line.with_user(self.consultant).write({"unit_amount": -1.0})

    def test_line_on_archived_project_refused(self):
        self.other_project.active = False
        with self.assertRaisesRegex(ValidationError, "archived"):
            self.Line.with_user(self.consultant).create(
                {
                    "name": "Work",
                    "project_id": self.other_project.id,
                    "unit_amount": 1.0,
                    "date": self.monday,
                }
            )

    def test_approval_server_actions_run_for_the_project_manager(self):
        self._submit(self.carla_line)
        action = self.env.ref("ps_timesheet_compliance.ir_actions_server_timesheet_approve")
        action.with_user(self.project_manager).with_context(
            active_model="account.analytic.line",
            active_ids=self.carla_line.ids,
            active_id=self.carla_line.id,
        ).run()
        self.assertEqual(self.carla_line.ps_state, "approved")

    def test_project_manager_cannot_edit_line_despite_approval_write_rule(self):
        with self.assertRaises(AccessError):
            self.oscar_line.with_user(self.project_manager).write({"name": "Edited by Paul"})

    def test_an_employee_without_hr_rights_still_reads_public_employee_data(self):
        """Odoo's own screens read employees as their users (an expense report reads its owner's
        user): the approver the module adds to employees is public like their manager."""
        employee_user = new_test_user(self.env, login="bc_plain_employee", groups="base.group_user")
        employee = self.env["hr.employee"].create({"name": "Plain Employee", "user_id": employee_user.id})
        employee.ps_timesheet_approver_id = self.project_manager
        as_user = employee.with_user(employee_user)
        as_user.invalidate_recordset()
        self.assertEqual(as_user.user_id, employee_user)
        self.assertEqual(as_user.ps_timesheet_approver_id, self.project_manager)
