# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Read, forge or recompute KPI history and anomaly flags over ``/web/dataset/call_kw`` as the web client
does, with hostile values and contexts; each refusal is checked in the database afterwards."""

from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import CallKwMixin
from odoo.tests import HttpCase, tagged

from .common import NOVEMBER, AnalyticsCase

HOSTILE_CONTEXTS = (
    {},
    {"active_test": False, "ps_kpi_recompute": True, "tracking_disable": True},
    {"default_active": True, "default_recompute_reason": "Forged", "allowed_company_ids": [1, 2, 3]},
)


@tagged("post_install", "-at_install")
class TestAnalyticsAccessOverHttp(CallKwMixin, HttpCase, AnalyticsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (cls.consultant, cls.project_manager, cls.controller):
            user.password = user.login
        with freeze_time("2026-12-05"):
            cls._november()
            cls.draft = cls._invoice(99, "2026-11-28", post=False)
        Snapshot = cls.env["ps.kpi.snapshot"]
        Snapshot.with_context(active_test=False).search([("month", "=", NOVEMBER)]).unlink()
        cls.rows = Snapshot._ps_snapshot_month(cls.company, NOVEMBER)
        cls.anomaly = cls.env["ps.invoice.anomaly"].create(
            {"move_id": cls.draft.id, "feature": "hours", "scope": "client", "message": "hours 9.9× the median"}
        )

    def _assert_untouched(self):
        self.env.invalidate_all()
        Snapshot = self.env["ps.kpi.snapshot"].with_context(active_test=False)
        self.assertEqual(Snapshot.search([("month", "=", NOVEMBER)]), self.rows)
        self.assertTrue(all(self.rows.mapped("active")))
        self.assertFalse(any(self.rows.mapped("recompute_reason")))
        self.assertEqual(self.env["ps.invoice.anomaly"].search([]), self.anomaly)
        self.assertEqual(self.anomaly.message, "hours 9.9× the median")

    def test_project_manager_and_consultant_neither_read_nor_recompute(self):
        ids = self.rows.ids
        for login in ("bc_consultant", "bc_manager"):
            for context in HOSTILE_CONTEXTS:
                self._refused(login, "ps.kpi.snapshot", "search_read", [[]], {"fields": ["value"]}, context)
                self._refused(login, "ps.kpi.snapshot", "read_group", [[], ["value"], ["kpi_code"]], context=context)
                self._refused(
                    login, "ps.kpi.snapshot", "action_ps_recompute", ["2026-11-01", "Forged"], context=context
                )
                self._refused(login, "ps.kpi.snapshot", "write", [ids, {"value": 0.0}], context=context)
                self._refused(login, "ps.invoice.anomaly", "search_read", [[]], {"fields": ["message"]}, context)
                self._refused(login, "ps.invoice.anomaly", "unlink", [self.anomaly.ids], context=context)
                self._refused(login, "ps.kpi.recompute", "create", [{"reason": "Forged"}], context=context)
        self._assert_untouched()

    def test_controller_reads_but_cannot_recompute_forge_or_delete(self):
        found = self._call("bc_controller", "ps.kpi.snapshot", "search_read", [[["id", "in", self.rows.ids]]])
        self.assertEqual(len(found), len(self.rows))
        for context in HOSTILE_CONTEXTS:
            self._refused(
                "bc_controller", "ps.kpi.snapshot", "action_ps_recompute", ["2026-11-01", "x"], context=context
            )
            self._refused(
                "bc_controller", "ps.kpi.snapshot", "write", [self.rows.ids, {"active": False}], context=context
            )
            self._refused("bc_controller", "ps.kpi.snapshot", "unlink", [self.rows.ids], context=context)
            self._refused(
                "bc_controller",
                "ps.kpi.snapshot",
                "create",
                [
                    {
                        "company_id": self.company.id,
                        "month": "2026-11-01",
                        "kpi_code": "dso",
                        "computed_on": "2026-12-01",
                    }
                ],
                context=context,
            )
            self._refused("bc_controller", "ps.kpi.snapshot", "_ps_snapshot_month", [self.company.id, "2026-11-01"])
            self._refused("bc_controller", "ps.invoice.anomaly", "unlink", [self.anomaly.ids], context=context)
            self._refused("bc_controller", "ps.kpi.recompute", "create", [{"reason": "Forged"}], context=context)
            self._refused("bc_controller", "account.move", "_ps_triage_anomalies", [self.draft.ids], context=context)
        self._assert_untouched()
