# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Monthly snapshots: written once by the scheduled action, kept when data changes, recomputed explicitly."""

from datetime import date

from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import GROUP_ADMINISTRATOR, run_jobs
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import NOVEMBER, AnalyticsCase


@tagged("post_install", "-at_install")
@freeze_time("2026-12-05 10:00:00")
class TestKpiSnapshot(AnalyticsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(cls.env, login="bc_admin_kpi", groups=GROUP_ADMINISTRATOR)
        with freeze_time("2026-12-05"):
            cls._november()
        cls.Snapshot = cls.env["ps.kpi.snapshot"]
        # The demo firm's months are snapshotted at install: start from none.
        cls.Snapshot.with_context(active_test=False).search([]).unlink()

    def _cycle_row(self, **domain):
        return self.Snapshot.search(
            [
                ("month", "=", NOVEMBER),
                ("kpi_code", "=", "cycle_time"),
                ("dimension", "=", "client"),
                ("partner_id", "=", self.client.id),
                *[(key, "=", value) for key, value in domain.items()],
            ]
        )

    def test_cron_snapshots_last_month_once(self):
        done = run_jobs(self.Snapshot._cron_snapshot_months)
        rows = self.Snapshot.search([("month", "=", NOVEMBER), ("company_id", "=", self.company.id)])
        self.assertEqual(done["rows"], len(rows))
        self.assertEqual(self._cycle_row().value, 41.0)
        self.assertEqual(self._cycle_row().value_p90, 81.0)
        self.assertEqual(rows.mapped("computed_on")[0].date(), date(2026, 12, 5))
        # A second run the next day enqueues nothing and writes nothing.
        with freeze_time("2026-12-06"):
            self.assertEqual(self.Snapshot._cron_snapshot_months(), 0)
            self.assertFalse(run_jobs(self.Snapshot._cron_snapshot_months))
        self.assertEqual(self.Snapshot.search_count([("month", "=", NOVEMBER)]), len(rows))

    def test_history_does_not_change_when_data_is_corrected(self):
        run_jobs(self.Snapshot._cron_snapshot_months)
        self._invoice(1, date(2026, 11, 29), self._readiness(date(2026, 5, 1), date(2026, 5, 31)))
        self.Snapshot._ps_snapshot_month(self.company, NOVEMBER)
        self.Snapshot._job_ps_kpi_snapshot(self.company.id, "2026-11-01")
        self.assertEqual(self._cycle_row().value, 41.0)
        self.assertEqual(self._cycle_row().count, 3)

    def test_recompute_supersedes_and_leaves_a_trace(self):
        run_jobs(self.Snapshot._cron_snapshot_months)
        old = self._cycle_row()
        self._invoice(1, date(2026, 11, 29), self._readiness(date(2026, 5, 1), date(2026, 5, 31)))
        self.Snapshot.with_user(self.admin).action_ps_recompute("2026-11-01", "May was invoiced late and missed")
        new = self._cycle_row()
        # 3, 41, 81 and 182 days: the median of four is between 41 and 81.
        self.assertEqual((new.value, new.count), (61.0, 4))
        self.assertEqual(new.recompute_reason, "May was invoiced late and missed")
        self.assertFalse(old.active)
        self.assertEqual(old.superseded_by_id, self.admin)
        self.assertEqual(old.value, 41.0)

    def test_recompute_through_the_wizard(self):
        run_jobs(self.Snapshot._cron_snapshot_months)
        old = self._cycle_row()
        wizard = self.env["ps.kpi.recompute"].with_user(self.admin).create({"reason": "Late May invoice"})
        self.assertEqual(wizard.month, date(2026, 11, 1))
        action = wizard.action_recompute()
        self.assertEqual(action["res_model"], "ps.kpi.snapshot")
        self.assertFalse(old.active)
        self.assertEqual(self._cycle_row().recompute_reason, "Late May invoice")
        with self.assertRaises(AccessError):
            self.env["ps.kpi.recompute"].with_user(self.controller).create({"reason": "x"})

    def test_recompute_refused_to_a_controller_and_without_reason_or_for_an_open_month(self):
        run_jobs(self.Snapshot._cron_snapshot_months)
        count = self.Snapshot.with_context(active_test=False).search_count([])
        with self.assertRaises(AccessError):
            self.Snapshot.with_user(self.controller).action_ps_recompute("2026-11-01", "Because")
        with self.assertRaises(UserError):
            self.Snapshot.with_user(self.admin).action_ps_recompute("2026-11-01", "  ")
        with self.assertRaises(UserError):
            self.Snapshot.with_user(self.admin).action_ps_recompute("2026-12-01", "Too early")
        with self.assertRaises(UserError):
            self.Snapshot.with_user(self.admin).action_ps_recompute("not a date", "Typo")
        self.assertEqual(self.Snapshot.with_context(active_test=False).search_count([]), count)
        self.assertTrue(self._cycle_row().active)

    def test_controller_reads_snapshots_others_do_not(self):
        run_jobs(self.Snapshot._cron_snapshot_months)
        self.assertTrue(self.Snapshot.with_user(self.controller).search([("month", "=", NOVEMBER)]))
        for user in (self.project_manager, self.consultant):
            with self.assertRaises(AccessError):
                self.Snapshot.with_user(user).search([])
        with self.assertRaises(AccessError):
            self._cycle_row().with_user(self.controller).write({"value": 1.0})
