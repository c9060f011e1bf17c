# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the approval matrix tells the revenue-operations KPIs (``ps.kpi.hook``)."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalKpiHook(ApprovalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._rule("Over 1k", amount_min=1000.0)
        cls._rule("Over 1k, level 2", level=2, amount_min=1000.0, approver=cls.controller)
        cls.Hook = cls.env["ps.kpi.hook"]

    def _approve(self, move, user, when):
        with freeze_time(when):
            move.with_user(user).action_ps_approve("Looks right")

    def test_latency_per_level_and_approver_in_hours(self):
        with freeze_time("2026-11-02 08:00:00"):
            move = self._draft(5000.0, creator=self.project_manager)
            move.action_ps_request_approval()
        self._approve(move, self.director, "2026-11-02 14:30:00")
        self._approve(move, self.controller, "2026-11-04 14:30:00")
        latencies = self.Hook._ps_kpi_approval_latencies(self.company, date(2026, 11, 1), date(2026, 11, 30))
        mine = sorted(
            (item["level"], item["approver_id"], item["hours"]) for item in latencies if item["move_id"] == move.id
        )
        self.assertEqual(mine, [(1, self.director.id, 6.5), (2, self.controller.id, 48.0)])
        december = self.Hook._ps_kpi_approval_latencies(self.company, date(2026, 12, 1), date(2026, 12, 31))
        self.assertNotIn(move.id, [item["move_id"] for item in december], "counted in the month decided")

    def test_changed_after_approval(self):
        with freeze_time("2026-11-02 08:00:00"):
            edited = self._draft(5000.0, creator=self.project_manager)
            untouched = self._draft(6000.0, creator=self.project_manager)
            (edited | untouched).action_ps_request_approval()
        for move in (edited, untouched):
            self._approve(move, self.director, "2026-11-02 10:00:00")
            self._approve(move, self.controller, "2026-11-02 11:00:00")
        with Form(edited.with_user(self.controller)) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.price_unit = 7000.0
        self.assertEqual(self.Hook._ps_kpi_changed_after_approval(edited | untouched), edited)
