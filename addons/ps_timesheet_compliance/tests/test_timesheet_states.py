# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import TimesheetComplianceCase


@tagged("post_install", "-at_install")
class TestTimesheetStates(TimesheetComplianceCase):
    """draft → submitted → approved / rejected, who may do what, and the lock."""

    def setUp(self):
        super().setUp()
        self.lines = self._week(self.employee_consultant)

    def test_new_line_is_draft(self):
        self.assertEqual(set(self.lines.mapped("ps_state")), {"draft"})

    def test_consultant_submits_own_draft_lines(self):
        self._submit(self.lines)
        self.assertEqual(set(self.lines.mapped("ps_state")), {"submitted"})
        self.assertTrue(all(self.lines.mapped("ps_submitted_on")))

    def test_submit_refused_for_someone_elses_lines(self):
        with self.assertRaises(AccessError):
            self._submit(self.lines, user=self.other_consultant)
        self.assertEqual(set(self.lines.mapped("ps_state")), {"draft"})

    def test_submit_refused_for_submitted_line(self):
        self._submit(self.lines[0])
        with self.assertRaisesRegex(UserError, "Only draft or rejected"):
            self._submit(self.lines)
        self.assertEqual(set(self.lines[1:].mapped("ps_state")), {"draft"}, "nothing changed")

    def test_project_manager_approves_submitted_lines(self):
        self._submit(self.lines)
        self._approve(self.lines)
        self.assertEqual(set(self.lines.mapped("ps_state")), {"approved"})
        self.assertEqual(self.lines.ps_approved_by_id, self.project_manager)
        self.assertTrue(all(self.lines.mapped("ps_approved_on")))

    def test_approve_refused_for_draft_line(self):
        with self.assertRaisesRegex(UserError, "Draft"):
            self._approve(self.lines)
        self.assertEqual(set(self.lines.mapped("ps_state")), {"draft"})

    def test_approve_twice_refused(self):
        self._submit(self.lines)
        self._approve(self.lines[0])
        with self.assertRaisesRegex(UserError, "already approved"):
            self._approve(self.lines)
        self.assertEqual(set(self.lines[1:].mapped("ps_state")), {"submitted"}, "nothing changed")

    def test_approve_refused_for_own_lines_even_as_project_manager(self):
        own = self._week(self.employee_manager, days=1)
        own.with_user(self.project_manager).action_ps_submit()
        with self.assertRaisesRegex(AccessError, "own timesheets"):
            self._approve(own)
        self.assertEqual(own.ps_state, "submitted")

    def test_employee_timesheet_approver_approves_without_managing_project(self):
        self.employee_consultant.ps_timesheet_approver_id = self.other_manager
        self.project.user_id = self.controller  # Paul no longer manages the project
        self._submit(self.lines)
        self._approve(self.lines, user=self.other_manager)
        self.assertEqual(set(self.lines.mapped("ps_state")), {"approved"})

    def test_timesheet_approver_defaults_to_manager(self):
        self.assertEqual(self.employee_consultant.ps_timesheet_approver_id, self.project_manager)

    def test_reject_requires_reason_and_notifies_consultant(self):
        self._submit(self.lines)
        with self.assertRaisesRegex(UserError, "Say why"):
            self.lines.with_user(self.project_manager)._ps_reject("  ")
        messages_before = self.env["mail.message"].search_count([])
        self._reject(self.lines, "Logged on the wrong task")
        self.assertEqual(set(self.lines.mapped("ps_state")), {"rejected"})
        self.assertEqual(set(self.lines.mapped("ps_reject_reason")), {"Logged on the wrong task"})
        notification = self.env["mail.message"].search(
            [
                ("partner_ids", "in", self.consultant.partner_id.ids),
                ("message_type", "=", "user_notification"),
            ]
        )
        self.assertEqual(len(notification), 1, "one notification for the week, not one per line")
        self.assertIn("Logged on the wrong task", notification.body)
        self.assertGreater(self.env["mail.message"].search_count([]), messages_before)

    def test_rejected_lines_can_be_fixed_and_resubmitted(self):
        self._submit(self.lines)
        self._reject(self.lines)
        self.lines[0].with_user(self.consultant).write({"unit_amount": 6.0})
        self._submit(self.lines)
        self.assertEqual(set(self.lines.mapped("ps_state")), {"submitted"})
        self.assertFalse(any(self.lines.mapped("ps_reject_reason")))

    def test_reset_to_draft_by_approver_is_traced(self):
        self._submit(self.lines)
        self._approve(self.lines)
        self.lines[0].with_user(self.project_manager).action_ps_reset_to_draft()
        self.assertEqual(self.lines[0].ps_state, "draft")
        self.assertFalse(self.lines[0].ps_approved_by_id)
        self.assertIn("Reset to draft by Paul Manager", self.lines[0].message_ids[0].body)

    def test_reset_to_draft_refused_for_consultant(self):
        self._submit(self.lines)
        self._approve(self.lines)
        with self.assertRaises(AccessError):
            self.lines.with_user(self.consultant).action_ps_reset_to_draft()
        self.assertEqual(set(self.lines.mapped("ps_state")), {"approved"})

    def test_reset_to_draft_refused_for_invoiced_line(self):
        self._submit(self.lines)
        self._approve(self.lines)
        self.engagement._create_invoices()
        with self.assertRaisesRegex(UserError, "billed on"):
            self.lines.with_user(self.project_manager).action_ps_reset_to_draft()

    def test_state_changes_are_tracked_in_chatter(self):
        lines = self.lines.with_env(self.env(context={}))
        # Odoo discards the tracking of records created in the same transaction: end it first.
        self.env.flush_all()
        self.env.cr.precommit.run()
        lines[0].with_user(self.consultant).action_ps_submit()
        self.env.flush_all()
        self.env.cr.precommit.run()
        lines[0].with_user(self.project_manager).action_ps_approve()
        self.env.flush_all()
        self.env.cr.precommit.run()
        lines.invalidate_recordset(["message_ids"])
        tracked = lines[0].message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "ps_state")
        self.assertEqual(tracked.mapped("new_value_char"), ["Approved", "Submitted"])
        self.assertEqual(lines[0].message_ids[0].author_id, self.project_manager.partner_id)

    def test_state_cannot_be_written_directly(self):
        with self.assertRaises(AccessError):
            self.lines.with_user(self.consultant).write({"ps_state": "approved"})
        with self.assertRaises(AccessError):
            self._log_time(self.employee_consultant, 2.0, self.monday).with_user(self.consultant).write(
                {"ps_approved_by_id": self.consultant.id}
            )
        self.assertEqual(set(self.lines.mapped("ps_state")), {"draft"})

    # Lock -------------------------------------------------------------------

    def _approved(self):
        self._submit(self.lines)
        self._approve(self.lines)
        return self.lines[0]

    def test_approved_line_locks_hours_date_and_description(self):
        line = self._approved()
        for vals in (
            {"unit_amount": 12.0},
            {"date": "2026-11-07"},
            {"name": "Other work"},
            {"task_id": False},
            {"so_line": False},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "is approved"):
                line.write(vals)
        self.assertEqual(line.unit_amount, 8.0)
        self.assertEqual(line.name, "Work")

    def test_approved_line_locks_even_for_consultant_owner(self):
        line = self._approved()
        with self.assertRaisesRegex(UserError, "is approved"):
            line.with_user(self.consultant).write({"unit_amount": 1.0})

    def test_approved_line_accepts_unchanged_values(self):
        line = self._approved()
        line.write({"unit_amount": 8.0, "name": "Work"})
        self.assertEqual(line.ps_state, "approved")

    def test_approved_line_editable_again_after_reset(self):
        line = self._approved()
        line.with_user(self.project_manager).action_ps_reset_to_draft()
        line.with_user(self.consultant).write({"unit_amount": 6.0})
        self.assertEqual(line.unit_amount, 6.0)

    def test_approved_line_cannot_be_deleted(self):
        line = self._approved()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.unlink()
        self.assertTrue(line.exists())

    def test_approved_line_keeps_sale_line_when_task_changes_sale_line(self):
        line = self._approved()
        draft = self._log_time(self.employee_consultant, 2.0, self.monday)
        self.task.sale_line_id = self.line_milestone
        self.assertEqual(draft.so_line, self.line_milestone, "draft time follows the task")
        self.assertEqual(line.so_line, self.line_time_materials, "approved time keeps its sale line")

    def test_approved_line_shown_readonly(self):
        line = self._approved()
        draft = self._log_time(self.employee_consultant, 2.0, self.monday)
        self.assertTrue(line.readonly_timesheet)
        self.assertFalse(draft.readonly_timesheet)

    def test_editing_submitted_line_sends_it_back_to_draft(self):
        self._submit(self.lines)
        self.lines[0].with_user(self.consultant).write({"unit_amount": 9.0})
        self.assertEqual(self.lines[0].ps_state, "draft")
        self.assertEqual(self.lines[1].ps_state, "submitted")
