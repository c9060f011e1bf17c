# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engine's batch helpers: rows read with ids, and fewer passes of the garbage collector."""

import gc
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.ps_gc import BATCH_THRESHOLD, fewer_gc_passes
from .common import BillingControlCase


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10")
class TestReadGroupIds(BillingControlCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._log_time(cls.employee_consultant, 8.0, "2026-10-05")
        cls._log_time(cls.employee_consultant, 2.5, "2026-10-20")
        cls._log_time(cls.employee_consultant, 4.0, "2026-11-03")
        # A line without an employee: its relation is 0, as _read_group's is an empty record.
        cls.env["account.analytic.line"].create(
            {
                "name": "No one",
                "account_id": cls.engagement.project_ids[:1].analytic_account_id.id,
                "unit_amount": 1.25,
                "date": "2026-10-07",
            }
        )

    def _compare(self, env, domain, groupby, aggregates):
        """Assert that ``_read_group_ids`` gives ``_read_group``'s rows with ids for records; return them."""
        lines = env["account.analytic.line"]
        expected = [
            tuple((value.id or 0) if hasattr(value, "_name") else value for value in row)
            for row in lines._read_group(domain, groupby, aggregates)
        ]
        rows = env["ps.batch.runner"]._read_group_ids("account.analytic.line", domain, groupby, aggregates)
        self.assertEqual(sorted(rows, key=repr), sorted(expected, key=repr))
        return rows

    def test_rows_are_read_groups_with_ids(self):
        account = self.engagement.project_ids[:1].analytic_account_id
        domain = [("account_id", "=", account.id)]
        rows = self._compare(self.env, domain, ["employee_id", "date:month"], ["unit_amount:sum", "__count"])
        by_key = {(employee_id, str(day)[:7]): (hours, count) for employee_id, day, hours, count in rows}
        consultant = self.employee_consultant.id
        self.assertEqual(by_key[(consultant, "2026-10")], (10.5, 2))
        self.assertEqual(by_key[(consultant, "2026-11")], (4.0, 1))
        self.assertEqual(by_key[(0, "2026-10")], (1.25, 1), "no employee: 0")
        # A selection (unset on timesheets: False, as _read_group gives) and a relation; nothing matching: no row.
        self._compare(self.env, domain, ["category", "project_id"], ["unit_amount:sum"])
        self.assertEqual(
            self.env["ps.batch.runner"]._read_group_ids(
                "account.analytic.line", [("id", "=", 0)], ["employee_id"], ["unit_amount:sum"]
            ),
            [],
        )

    def test_rows_follow_the_users_rights_and_rules(self):
        """The same query as _read_group: a consultant reads their own time only (timesheet rules), a user
        without access to the model reads nothing."""
        domain = [("project_id", "!=", False)]
        self._log_time(self.employee_manager, 3.0, "2026-10-06")
        everyone = self._compare(self.env, domain, ["employee_id"], ["unit_amount:sum"])
        own = self._compare(self.env(user=self.consultant), domain, ["employee_id"], ["unit_amount:sum"])
        self.assertIn(self.employee_manager.id, {row[0] for row in everyone})
        self.assertEqual({row[0] for row in own}, {self.employee_consultant.id}, "their own time only")
        portal = self.env(user=self.env.ref("base.public_user"))
        with self.assertRaises(AccessError):
            portal["ps.batch.runner"]._read_group_ids("account.analytic.line", domain, ["employee_id"], [])


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10")
class TestFewerGcPasses(BillingControlCase):
    def test_thresholds_raised_while_a_batch_runs_and_restored_after(self):
        before = gc.get_threshold()
        seen = []

        @fewer_gc_passes
        def batch(fail=False):
            seen.append(gc.get_threshold())
            inner()
            if fail:
                raise ValueError("the batch failed")
            return "done"

        @fewer_gc_passes
        def inner():
            seen.append(gc.get_threshold())

        try:
            gc.set_threshold(700, 10, 10)
            self.assertEqual(batch(), "done")
            self.assertEqual(seen, [BATCH_THRESHOLD, BATCH_THRESHOLD], "raised, and kept by a nested batch")
            self.assertEqual(gc.get_threshold(), (700, 10, 10), "restored")
            with self.assertRaisesRegex(ValueError, "the batch failed"):
                batch(fail=True)
            self.assertEqual(gc.get_threshold(), (700, 10, 10), "restored when the batch raises")
            # Higher thresholds set by the server are kept, never lowered.
            gc.set_threshold(50000, 30, 30)
            seen.clear()
            batch()
            self.assertEqual(seen[0], (50000, 30, 30))
            self.assertEqual(gc.get_threshold(), (50000, 30, 30))
        finally:
            gc.set_threshold(*before)
        # The engine's evaluation runs with them (seen from inside it, by the hook every evaluation calls).
        Readiness = type(self.env["ps.billing.readiness"])
        original = Readiness._ps_get_evaluation_inputs
        during = []

        def spy(records):
            during.append(gc.get_threshold())
            return original(records)

        try:
            gc.set_threshold(700, 10, 10)
            with patch.object(Readiness, "_ps_get_evaluation_inputs", spy):
                self._evaluate(day=date(2026, 11, 10))
            self.assertEqual(gc.get_threshold(), (700, 10, 10))
        finally:
            gc.set_threshold(*before)
        self.assertTrue(during)
        self.assertEqual(set(during), {BATCH_THRESHOLD})


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10")
class TestWriteRows(BillingControlCase):
    def test_written_values_are_in_the_cache_as_they_are_stored(self):
        """_write_rows puts plain values and many2one ids in the cache as write does (read back without a
        query), the same values as the database holds; other types are read again."""
        self._log_time(self.employee_consultant, 8.0, "2026-10-05")
        record = self._evaluate(day=date(2026, 11, 10))[:1]
        fnames = ["state", "amount_ready", "blocked_since", "owner_id", "evaluated_on"]
        row = (record.id, "blocked", 12.34, date(2026, 11, 9), self.controller.id, datetime(2026, 11, 10, 8, 30))
        self.env["ps.batch.runner"]._write_rows(record._name, fnames, [row])
        before = self.env.cr.sql_log_count
        cached = tuple(record[fname] for fname in fnames)
        self.assertEqual(self.env.cr.sql_log_count, before, "read from the cache, no query")
        self.assertEqual(cached, ("blocked", 12.34, date(2026, 11, 9), self.controller, datetime(2026, 11, 10, 8, 30)))
        record.invalidate_recordset()
        self.assertEqual(tuple(record[fname] for fname in fnames), cached, "what the database holds")
        # An HTML note is not put in the cache as given: it is read again from the database.
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id(record._name),
                "res_id": record.id,
                "user_id": self.controller.id,
                "summary": "Old",
            }
        )
        self.env["ps.batch.runner"]._write_rows(
            "mail.activity", ["summary", "note"], [(activity.id, "New", "<p>Hi</p>")]
        )
        self.assertEqual((activity.summary, str(activity.note)), ("New", "<p>Hi</p>"))
