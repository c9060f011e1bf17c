# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Advisory triage of invoice drafts against their history."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.addons.ps_billing_analytics import triage_sample
from odoo.addons.ps_billing_analytics.models.ps_invoice_anomaly import modified_z_score, triage
from odoo.tests import tagged

from .common import AnalyticsCase


@tagged("post_install", "-at_install")
class TestTriageStatistics(AnalyticsCase):
    def test_modified_z_score_of_median_and_mad(self):
        score, median, mad = modified_z_score(34.0, [8.0, 9.0, 10.0, 10.0, 11.0, 12.0], "hours")
        self.assertEqual((median, mad), (10.0, 1.0))
        self.assertAlmostEqual(score, 0.6745 * 24.0 / 1.0, places=6)

    def test_constant_history_judges_against_the_floor(self):
        # A fixed fee billed 5,000.00 six times: MAD = 0; 1 % of the median is the spread.
        score, _median, mad = modified_z_score(5200.0, [5000.0] * 6, "amount")
        self.assertEqual(mad, 0.0)
        self.assertAlmostEqual(score, 0.6745 * 200.0 / 50.0, places=6)
        self.assertFalse(triage({**self._features(5000.0), "amount": 5000.0}, [self._features(5000.0)] * 6, "client"))

    def _features(self, amount, hours=10.0):
        return {"amount": amount, "hours": hours, "rate": 100.0, "discount": 0.0, "expense_share": 0.0, "lines": 1}

    def test_flag_says_what_was_compared_with_what(self):
        history = [self._features(1000.0 + i, 10.0 + i % 2) for i in range(6)]
        flags = {flag["feature"]: flag for flag in triage(self._features(3400.0, 34.0), history, "engagement")}
        self.assertEqual(set(flags), {"amount", "hours"})
        self.assertEqual(
            flags["hours"]["message"],
            "hours 3.2× the median of the last 6 invoices of the engagement (34.00 against 10.50)",
        )
        self.assertEqual(flags["hours"]["history_count"], 6)

    def test_too_short_a_history_flags_nothing(self):
        self.assertFalse(triage(self._features(9000.0, 90.0), [self._features(1000.0)] * 3, "client"))

    def test_recall_and_false_flags_on_a_generated_history(self):
        result = triage_sample.measure(triage_sample.generate(seed=42, engagements=140), triage)
        self.assertEqual((result["outliers"], result["normal"]), (70, 70))
        self.assertGreaterEqual(result["recall"], 0.9)
        self.assertLessEqual(result["false_flag_rate"], 0.05)


@tagged("post_install", "-at_install")
@freeze_time("2026-12-05 10:00:00")
class TestTriageDrafts(AnalyticsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-12-05"):
            for month, hours in zip(range(5, 11), (10, 9, 11, 10, 12, 10), strict=True):
                cls._invoice(hours, date(2026, month, 28))

    def test_unusual_draft_gets_flags_and_the_anomaly_exception_flag_then_loses_them_once_fixed(self):
        draft = self._invoice(34, date(2026, 11, 28), post=False)
        draft._ps_triage_anomalies()
        self.assertEqual(set(draft.ps_anomaly_ids.mapped("feature")), {"amount", "hours"})
        hours = draft.ps_anomaly_ids.filtered(lambda a: a.feature == "hours")
        self.assertEqual(
            hours.message, "hours 3.4× the median of the last 6 invoices of the client (34.00 against 10.00)"
        )
        self.assertEqual(hours.scope, "client")
        self.assertIn("anomaly", draft.ps_exception_flag_ids.mapped("code"))
        # Advisory: the draft stays a draft.
        self.assertEqual(draft.state, "draft")
        draft.write({"invoice_line_ids": [Command.update(draft.invoice_line_ids.id, {"quantity": 10})]})
        self.assertFalse(draft.ps_anomaly_ids)
        self.assertNotIn("anomaly", draft.ps_exception_flag_ids.mapped("code"))

    def test_usual_draft_and_posted_invoices_are_not_flagged(self):
        draft = self._invoice(11, date(2026, 11, 28), post=False)
        posted = self._invoice(40, date(2026, 11, 29))
        (draft | posted)._ps_triage_anomalies()
        self.assertFalse(self.env["ps.invoice.anomaly"].search([("move_id", "in", (draft | posted).ids)]))

    def _count_history_queries(self, drafts):
        """Return the queries of reading the history of ``drafts`` and the features of drafts and history."""
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        by_client, _by_order = drafts._ps_get_triage_history(drafts.commercial_partner_id, self.env["sale.order"])
        history = drafts.browse(by_client[self.client.id])
        (drafts | history)._ps_get_triage_features()
        return self.cr.sql_log_count - before

    def test_a_batch_of_drafts_reads_history_in_a_flat_number_of_queries(self):
        drafts = self.env["account.move"].browse()
        for _i in range(3):
            drafts |= self._invoice(30, date(2026, 11, 28), post=False)
        few = self._count_history_queries(drafts)
        for _i in range(6):
            drafts |= self._invoice(30, date(2026, 11, 28), post=False)
        self.assertEqual(self._count_history_queries(drafts), few)
        drafts._ps_triage_anomalies()
        self.assertEqual(len(drafts.ps_anomaly_ids), 18)
