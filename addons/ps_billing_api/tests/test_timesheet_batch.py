# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""POST /timesheets:batch, its rules as model methods: upsert by external id, the engagement checks,
the locked lines and the two modes."""

from datetime import date, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.ps_billing_api.problems import ApiProblem
from odoo.tests import tagged

from .common import BillingApiCase

LINE_MODEL = "odoo.addons.ps_billing_readiness.models.account_analytic_line.AccountAnalyticLine"


@tagged("post_install", "-at_install")
class TestTimesheetBatch(BillingApiCase):
    def _codes(self, problem):
        return [(error["index"], error["code"]) for error in problem.exception.errors]

    def test_batch_creates_lines_on_the_engagement_and_maps_them(self):
        result = self._import([self._line("h-1"), self._line("h-2", hours=3.5, task=None)])
        self.assertEqual(result["summary"], {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0})
        line = self._mapped("account.analytic.line", "h-1")
        self.assertEqual(result["lines"][0]["id"], line.id)
        self.assertEqual(
            (line.employee_id, line.project_id, line.task_id, line.date, line.unit_amount, line.name),
            (self.employee_consultant, self.project, self.task, self.day, 2.0, "Workshop"),
        )
        self.assertEqual(line.so_line, self.line_time_materials, "billed on the engagement's sales line")
        self.assertEqual(self._mapped("account.analytic.line", "h-2").unit_amount, 3.5)

    def test_same_batch_again_changes_nothing(self):
        self._import([self._line("h-1")])
        result = self._import([self._line("h-1")])
        self.assertEqual(result["lines"][0]["status"], "unchanged")
        self.assertEqual(self.env["ps.sync.mapping"].search_count([("external_id", "=", "h-1")]), 1)

    def test_changed_line_is_updated_in_place(self):
        first = self._import([self._line("h-1")])
        result = self._import([self._line("h-1", hours=4.0, description="Workshop and notes")])
        self.assertEqual(result["lines"][0]["status"], "updated")
        self.assertEqual(result["lines"][0]["id"], first["lines"][0]["id"])
        line = self._mapped("account.analytic.line", "h-1")
        self.assertEqual((line.unit_amount, line.name), (4.0, "Workshop and notes"))

    def test_one_rejected_line_rejects_the_batch_by_default(self):
        with self.assertRaises(ApiProblem) as problem:
            self._import([self._line("h-1"), self._line("h-2", employee="u-nobody")])
        self.assertEqual(problem.exception.status, 422)
        self.assertEqual(self._codes(problem), [(1, "employee_unmapped")])
        self.assertFalse(self._mapped("account.analytic.line", "h-1"), "all or nothing")

    def test_partial_mode_writes_the_valid_lines(self):
        result = self._import([self._line("h-1"), self._line("h-2", project="p-unknown")], mode="partial")
        self.assertEqual(result["summary"], {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1})
        self.assertEqual(result["lines"][1]["errors"][0]["code"], "project_unmapped")
        self.assertTrue(self._mapped("account.analytic.line", "h-1"))

    def test_each_line_is_checked_against_its_engagement(self):
        other_project = self.env["project.project"].create({"name": "Internal", "allow_billable": False})
        other_task = self.env["project.task"].create({"name": "Admin", "project_id": other_project.id})
        self.env["ps.sync.mapping"].create(
            [
                {
                    "source": "harvest",
                    "res_model": "project.project",
                    "external_id": "p-internal",
                    "res_id": other_project.id,
                },
                {"source": "harvest", "res_model": "project.task", "external_id": "t-admin", "res_id": other_task.id},
            ]
        )
        today = fields.Date.context_today(self.env["ps.api.timesheet.batch"])
        lines = [
            self._line("h-0", project="p-internal", task=None),
            self._line("h-1", date=date(2026, 9, 1)),
            self._line("h-2", date=today + timedelta(days=1)),
            self._line("h-3", hours=0.0),
            self._line("h-4", hours=24.5),
            self._line("h-5", task="t-admin"),
            self._line("h-6", task="t-unknown"),
            self._line("h-1", hours=1.0),
        ]
        with self.assertRaises(ApiProblem) as problem:
            self._import(lines)
        codes = self._codes(problem)
        self.assertIn((0, "not_billable"), codes)
        self.assertIn((0, "no_open_sales_line"), codes)
        self.assertIn((1, "before_engagement"), codes)
        self.assertIn((2, "future_date"), codes)
        self.assertIn((3, "hours_out_of_range"), codes)
        self.assertIn((4, "hours_out_of_range"), codes)
        self.assertIn((5, "task_project_mismatch"), codes)
        self.assertIn((6, "task_unmapped"), codes)
        self.assertIn((7, "duplicate"), codes)

    def test_archived_employee_and_closed_engagement_are_refused(self):
        self.employee_manager.active = False
        # Odoo keeps an end date only with a start date.
        self.project.write({"date_start": date(2026, 9, 1), "date": date(2026, 10, 10)})
        with self.assertRaises(ApiProblem) as problem:
            self._import([self._line("h-1", employee="u-paul")])
        self.assertEqual(set(self._codes(problem)), {(0, "employee_inactive"), (0, "after_engagement")})
        self.engagement._action_cancel()
        with self.assertRaises(ApiProblem) as problem:
            self._import([self._line("h-2", date=date(2026, 10, 2))])
        self.assertEqual(self._codes(problem), [(0, "no_open_sales_line")])

    def test_line_the_hook_locks_cannot_be_changed_but_can_be_resent(self):
        first = self._import([self._line("h-1")])
        line = self.env["account.analytic.line"].browse(first["lines"][0]["id"])
        with patch(f"{LINE_MODEL}._ps_get_sync_locked_lines", lambda lines: lines.filtered(lambda rec: rec == line)):
            self.assertEqual(self._import([self._line("h-1")])["lines"][0]["status"], "unchanged")
            with self.assertRaises(ApiProblem) as problem:
                self._import([self._line("h-1", hours=8.0)])
        self.assertEqual(self._codes(problem), [(0, "line_locked")])
        self.assertEqual(line.unit_amount, 2.0)

    def test_submitted_lines_go_through_the_submit_hook(self):
        submitted = []
        with patch(f"{LINE_MODEL}._ps_sync_submit", lambda lines: submitted.append(lines) or lines):
            result = self._import([self._line("h-1", state="submitted"), self._line("h-2")])
        self.assertEqual(submitted[0].ids, [result["lines"][0]["id"]])

    def test_a_line_the_database_refuses_is_named(self):
        original = type(self.env["ps.api.timesheet.batch"])._ps_apply

        def refuse_h2(model, actions):
            if any(action["key"][1] == "h-2" for action in actions):
                from odoo.exceptions import ValidationError

                raise ValidationError("refused by a constraint")  # pylint: disable=translation-required
            return original(model, actions)

        with patch.object(type(self.env["ps.api.timesheet.batch"]), "_ps_apply", refuse_h2):
            with self.assertRaises(ApiProblem) as problem:
                self._import([self._line("h-1"), self._line("h-2")])
            self.assertEqual(self._codes(problem), [(1, "refused")])
            self.assertFalse(self._mapped("account.analytic.line", "h-1"), "atomic: the good line is undone")
            result = self._import([self._line("h-1"), self._line("h-2")], mode="partial")
        self.assertEqual([line["status"] for line in result["lines"]], ["created", "rejected"])

    def test_new_lines_carry_their_cost_without_a_write_per_line(self):
        """The batch gives each new line its cost (hours x hourly cost, negative) in the ``create``:
        Odoo's cost step then finds nothing to write, line by line."""
        Line = self.env.registry["account.analytic.line"]
        writes = []
        original_write = Line.write

        def counting_write(records, vals):
            writes.append(set(vals))
            return original_write(records, vals)

        lines = [self._line("h-1", hours=2.25), self._line("h-2", employee="u-paul", hours=1.5, task=None)]
        with patch.object(Line, "write", counting_write):
            self._import(lines)
        self.assertNotIn({"amount"}, writes, "no cost written after create")
        self.assertEqual(self._mapped("account.analytic.line", "h-1").amount, -90.0)  # 2.25 h x 40.00
        self.assertEqual(self._mapped("account.analytic.line", "h-2").amount, -90.0)  # 1.5 h x 60.00
