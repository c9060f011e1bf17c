# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The KPIs only feature modules know, through ``ps.kpi.hook``: the core answers empty, an extension counts.

The answers a feature module would give are stood in for here (the modules test their own extensions).
"""

from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import AnalyticsCase


@tagged("post_install", "-at_install")
@freeze_time("2026-12-05 10:00:00")
class TestKpiHooks(AnalyticsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hook = type(cls.env["ps.kpi.hook"])
        cls.practice = cls.env["hr.department"].create({"name": "Cloud Practice"})
        with freeze_time("2026-12-05"):
            cls._november()

    def test_core_answers_empty(self):
        hook = self.env["ps.kpi.hook"]
        self.assertEqual(hook._ps_kpi_approval_latencies(self.company, None, None), [])
        self.assertEqual(hook._ps_kpi_timesheet_compliance(self.company, None, None), [])
        self.assertEqual(hook._ps_kpi_time_recovered(self.company, None, None), [])
        self.assertEqual(hook._ps_kpi_held_back_check_codes(), set())
        self.assertFalse(hook._ps_kpi_changed_after_approval(self.invoice_manual))
        self.assertFalse(hook._ps_kpi_disputed_invoices(self.invoice_manual))
        rows = self._compute()
        for code in ("approval_latency", "timesheet_compliance"):
            self.assertFalse(self._rows(rows, code), code)
        self.assertFalse(self._rows(rows, "leakage_prevented", reason="time_recovered"))

    def test_approval_latency_per_level_and_approver(self):
        decisions = [
            {"move_id": self.invoice_august.id, "level": 1, "approver_id": self.project_manager.id, "hours": 4.0},
            {"move_id": self.invoice_october.id, "level": 1, "approver_id": self.project_manager.id, "hours": 10.0},
            {"move_id": self.invoice_october.id, "level": 2, "approver_id": self.controller.id, "hours": 30.0},
        ]
        with patch.object(self.hook, "_ps_kpi_approval_latencies", lambda self, company, start, end: decisions):
            rows = self._compute()
        level_1 = self._row(rows, "approval_latency", level=1)
        self.assertEqual((level_1["value"], level_1["value_p90"], level_1["count"]), (7.0, 10.0, 2))
        self.assertEqual(self._row(rows, "approval_latency", level=2)["value"], 30.0)
        by_approver = self._row(rows, "approval_latency", "approver", approver_id=self.controller.id, level=2)
        self.assertEqual((by_approver["value"], by_approver["count"]), (30.0, 1))

    def test_timesheet_compliance_rate_per_practice(self):
        people = [
            {"employee_id": 1, "department_id": self.practice.id, "on_time": True},
            {"employee_id": 2, "department_id": self.practice.id, "on_time": False},
            {"employee_id": 3, "department_id": False, "on_time": True},
            {"employee_id": 4, "department_id": False, "on_time": True},
        ]
        with patch.object(self.hook, "_ps_kpi_timesheet_compliance", lambda self, company, start, end: people):
            rows = self._compute()
        company = self._row(rows, "timesheet_compliance")
        self.assertEqual((company["numerator"], company["denominator"], company["value"]), (3, 4, 75.0))
        self.assertEqual(self._row(rows, "timesheet_compliance", "practice")["value"], 50.0)

    def test_time_recovered_after_a_reminder_is_leakage_prevented(self):
        recovered = [{"sale_order_id": self.engagement.id, "amount": 450.0}]
        with patch.object(self.hook, "_ps_kpi_time_recovered", lambda self, company, start, end: recovered):
            rows = self._compute()
        row = self._row(rows, "leakage_prevented", reason="time_recovered")
        self.assertEqual((row["amount"], row["count"]), (450.0, 1))
