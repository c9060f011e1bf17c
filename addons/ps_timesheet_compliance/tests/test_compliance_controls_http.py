# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The compliance figures and the approval of time hold against Odoo's external API.

Each test logs in over real HTTP as a low-rights user and calls ``/web/dataset/call_kw``
with hostile values and contexts, then checks the database.
"""

from datetime import date

from odoo import Command
from odoo.addons.ps_billing_readiness.tests.common import GROUP_FINANCE_CONTROLLER
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import TimesheetComplianceCase

# Context keys a client may send hoping to relax a control.
HOSTILE_CONTEXT = {
    "ps_timesheet_unlock": True,
    "tracking_disable": True,
    "mail_notrack": True,
    "default_ps_state": "approved",
    "default_ps_timesheet_required": False,
    "default_state": "compliant",
    "active_test": False,
}
MONDAY_AFTER = date(2026, 11, 9)


class ComplianceHttpCase(HttpCase, TimesheetComplianceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (cls.consultant, cls.project_manager, cls.controller, cls.other_consultant):
            user.password = user.login
        cls.Compliance = cls.env["ps.timesheet.compliance"]

    def _call(self, login, model, method, args, kwargs=None, context=None):
        """Call ``model.method`` over JSON-RPC as ``login`` (password = login), with the hostile context."""
        self.authenticate(login, login)
        params = {
            "model": model,
            "method": method,
            "args": args,
            "kwargs": {**(kwargs or {}), "context": {**HOSTILE_CONTEXT, **(context or {})}},
        }
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", params)

    def _refused(self, login, model, method, args, kwargs=None, context=None, error="AccessError"):
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as caught:
            self._call(login, model, method, args, kwargs=kwargs, context=context)
        self.assertIn(error, str(caught.exception))

    def _figures(self, record):
        record.invalidate_recordset()
        return (
            record.expected_hours,
            record.logged_hours,
            record.submitted_hours,
            record.approved_hours,
            record.missing_hours,
            record.state,
        )


@tagged("post_install", "-at_install")
class TestConsultantAttacks(ComplianceHttpCase):
    """Carla submitted her week; she tries to approve it, to improve her figures, to be let off."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lines = cls._week(cls.employee_consultant)
        cls.lines.with_user(cls.consultant).action_ps_submit()
        cls.record = cls.Compliance._scan_employees(cls.employee_consultant, MONDAY_AFTER).filtered(
            lambda r: r.period_start == cls.monday
        )
        cls.before = (40.0, 40.0, 40.0, 0.0, 0.0, "compliant")

    def _assert_nothing_changed(self):
        self.lines.invalidate_recordset()
        self.assertEqual(set(self.lines.mapped("ps_state")), {"submitted"})
        self.assertFalse(self.lines.ps_approved_by_id)
        self.assertEqual(self._figures(self.record), self.before)
        self.employee_consultant.invalidate_recordset()
        self.assertTrue(self.employee_consultant.ps_timesheet_required)

    def test_consultant_cannot_approve_their_own_lines(self):
        self.assertEqual(self._figures(self.record), self.before)
        self._refused("bc_consultant", "account.analytic.line", "action_ps_approve", [self.lines.ids])
        self._refused("bc_consultant", "account.analytic.line", "write", [self.lines.ids, {"ps_state": "approved"}])
        self._refused(
            "bc_consultant",
            "account.analytic.line",
            "write",
            [self.lines.ids, {"ps_approved_by_id": self.project_manager.id}],
        )
        approve = self.env.ref("ps_timesheet_compliance.ir_actions_server_timesheet_approve")
        self._refused(
            "bc_consultant",
            "ir.actions.server",
            "run",
            [approve.ids],
            context={"active_model": "account.analytic.line", "active_ids": self.lines.ids},
        )
        self._assert_nothing_changed()

    def test_consultant_cannot_write_the_compliance_figures(self):
        self._refused(
            "bc_consultant",
            "ps.timesheet.compliance",
            "write",
            [self.record.ids, {"approved_hours": 40.0, "expected_hours": 0.0, "state": "compliant"}],
        )
        self._refused(
            "bc_consultant",
            "ps.timesheet.compliance",
            "create",
            [
                {
                    "employee_id": self.employee_consultant.id,
                    "company_id": self.company.id,
                    "period_start": "2026-11-16",
                    "period_end": "2026-11-22",
                    "cutoff_date": "2026-11-23",
                    "state": "compliant",
                }
            ],
        )
        self._refused("bc_consultant", "ps.timesheet.compliance", "unlink", [self.record.ids])
        # The engine's own methods are private: not callable remotely.
        self._refused("bc_consultant", "ps.timesheet.compliance", "_refresh", [self.record.ids])
        self._refused("bc_consultant", "ps.timesheet.compliance", "_upsert", [[]], kwargs={"day": "2026-11-09"})
        self._assert_nothing_changed()
        self.assertEqual(self.Compliance.search_count([("period_start", "=", date(2026, 11, 16))]), 0)

    def test_consultant_cannot_declare_themselves_not_expected(self):
        employee = self.employee_consultant
        self._refused("bc_consultant", "hr.employee", "write", [employee.ids, {"ps_timesheet_required": False}])
        self._refused(
            "bc_consultant",
            "res.users",
            "write",
            [self.consultant.ids, {"employee_ids": [Command.update(employee.id, {"ps_timesheet_required": False})]}],
        )
        self._refused("bc_consultant", "hr.employee", "read", [employee.ids, ["ps_timesheet_required"]])
        self._refused("bc_consultant", "hr.employee.public", "write", [employee.ids, {"name": "Carla"}])
        self._assert_nothing_changed()

    def test_consultant_reads_only_their_own_compliance(self):
        other = self.Compliance._scan_employees(self.employee_other_consultant, MONDAY_AFTER)
        rows = self._call("bc_consultant", "ps.timesheet.compliance", "search_read", [[], ["employee_id"]])
        self.assertEqual({row["employee_id"][0] for row in rows}, {self.employee_consultant.id})
        self._refused("bc_consultant", "ps.timesheet.compliance", "read", [other.ids, ["missing_hours"]])
        # Refreshing her own record recomputes the truth, nothing else.
        self._call("bc_consultant", "ps.timesheet.compliance", "action_refresh", [self.record.ids])
        self.assertEqual(self._figures(self.record)[1:4], (40.0, 40.0, 0.0))


@tagged("post_install", "-at_install")
class TestTwoCompanies(ComplianceHttpCase):
    """A controller and a project manager of company A never see company B's compliance or reminders,
    even when B's employee names A's project manager as timesheet approver."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Beta Consulting"})
        cls.user_b = new_test_user(
            cls.env,
            login="bc_beta_consultant",
            name="Bea Beta",
            groups="ps_billing_readiness.group_consultant",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.employee_b = cls.env["hr.employee"].create(
            {
                "name": "Bea Beta",
                "user_id": cls.user_b.id,
                "company_id": cls.company_b.id,
                "ps_timesheet_approver_id": cls.project_manager.id,
            }
        )
        cls.controller_b = new_test_user(
            cls.env,
            login="bc_beta_controller",
            name="Ben Beta",
            groups=GROUP_FINANCE_CONTROLLER,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        scanned = cls.Compliance._scan_employees(cls.employee_consultant | cls.employee_b, MONDAY_AFTER)
        cls.record_a = scanned.filtered(lambda r: r.employee_id == cls.employee_consultant)
        cls.record_b = scanned.filtered(lambda r: r.employee_id == cls.employee_b)
        Reminder = cls.env["ps.timesheet.reminder"]
        cls.reminder_a, cls.reminder_b = Reminder.create(
            [
                record._prepare_reminder_vals("consultant", record.user_id, record.missing_hours)
                for record in (cls.record_a[0], cls.record_b[0])
            ]
        )

    def test_records_belong_to_their_companies(self):
        self.assertEqual(set(self.record_b.mapped("company_id")), {self.company_b})
        self.assertEqual(self.reminder_b.company_id, self.company_b)
        self.assertEqual(self.record_b.approver_user_id, self.project_manager)

    def test_controller_of_a_never_sees_company_b(self):
        self._assert_company_a_only("bc_controller")

    def test_project_manager_of_a_never_sees_company_b(self):
        self._assert_company_a_only("bc_manager", reads_reminders=False)
        # Reminders are the controllers' (the access list): a project manager reads none of them.
        self._refused("bc_manager", "ps.timesheet.reminder", "search_read", [[], ["company_id"]])

    def test_controller_of_b_sees_company_b(self):
        self.controller_b.password = "bc_beta_controller"
        rows = self._call("bc_beta_controller", "ps.timesheet.compliance", "search_read", [[], ["company_id"]])
        self.assertEqual({row["company_id"][0] for row in rows}, {self.company_b.id})
        self.assertTrue(set(self.record_b.ids) <= {row["id"] for row in rows})

    def _assert_company_a_only(self, login, reads_reminders=True):
        models = [("ps.timesheet.compliance", self.record_a.ids, self.record_b.ids)]
        if reads_reminders:
            models.append(("ps.timesheet.reminder", self.reminder_a.ids, self.reminder_b.ids))
        for model, a_ids, b_ids in models:
            rows = self._call(login, model, "search_read", [[], ["company_id"]])
            self.assertTrue(rows, f"{login} reads {model} of company A")
            self.assertEqual({row["company_id"][0] for row in rows}, {self.company.id}, f"{login}: {model}")
            self.assertTrue(set(a_ids) <= {row["id"] for row in rows})
            self._refused(login, model, "read", [b_ids, ["company_id"]])
            # Asking for company B in the context is refused, not granted.
            self._refused(
                login,
                model,
                "search_read",
                [[("id", "in", b_ids)], ["company_id"]],
                context={"allowed_company_ids": [self.company.id, self.company_b.id]},
            )
            counted = self._call(
                login, model, "read_group", [[], ["company_id"], ["company_id"]], kwargs={"lazy": False}
            )
            self.assertEqual([group["company_id"][0] for group in counted], [self.company.id])
        self._refused(login, "ps.timesheet.compliance", "action_refresh", [self.record_b.ids])
        self._refused(login, "ps.timesheet.compliance", "action_open_timesheets", [self.record_b[:1].ids])
        self.assertEqual(set(self.record_b.mapped("company_id")), {self.company_b}, "nothing moved")
