# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A re-evaluation keeps the findings that come back the same and replaces only what changed."""

from freezegun import freeze_time

from odoo.tests import tagged

from .common import BillingControlCase


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10")
class TestFindingReplacement(BillingControlCase):
    def _findings(self):
        return self.env["ps.readiness.finding"].search([("sale_order_id", "=", self.engagement.id)])

    def test_unchanged_findings_are_kept_and_a_changed_one_replaced(self):
        self._log_time(self.employee_consultant, 8.0, "2026-10-05")
        self.engagement.ps_po_required = True
        self._evaluate()
        before = self._findings()
        codes = {finding.id: finding.check_code for finding in before}
        self.assertIn("po_reference", codes.values())
        self.assertIn("terms_confirmed", codes.values())

        self._evaluate()
        self.assertEqual(self._findings(), before, "the same findings, not new copies")

        # The amount held back changes: the findings carrying it are replaced, the others stay.
        self._log_time(self.employee_consultant, 2.0, "2026-10-06")
        self._evaluate()
        after = self._findings()
        self.assertEqual(len(after), len(before))
        replaced = before - after
        self.assertTrue(replaced, "the findings whose amount changed are new")
        self.assertEqual(after & before, before - replaced, "the others are kept as they were")
        october = after.filtered(lambda f: f.readiness_id.period_start == self.october[0])
        wide = october.filtered(lambda f: f.check_code in ("terms_confirmed", "po_reference"))
        self.assertEqual(round(sum(wide.mapped("amount_at_risk")), 2), 1500.0, "10 h at 150.00, carried once")

        # Fixed: the PO finding is gone; the terms finding now carries the whole amount alone.
        po_findings = len(after.filtered(lambda f: f.check_code == "po_reference"))
        self.engagement.ps_client_po_ref = "PO-4711"
        self._evaluate()
        final = self._findings()
        self.assertNotIn("po_reference", final.mapped("check_code"))
        self.assertEqual(len(final), len(after) - po_findings)
        terms = final.filtered(
            lambda f: f.check_code == "terms_confirmed" and f.readiness_id.period_start == self.october[0]
        )
        self.assertEqual(terms.amount_at_risk, 1500.0, "the terms finding alone carries the October deliverable")

    def test_unchanged_reevaluation_writes_no_finding(self):
        self._log_time(self.employee_consultant, 8.0, "2026-10-05")
        self._evaluate()
        self.env.flush_all()
        self.env.cr.execute("SELECT max(id) FROM ps_readiness_finding")
        (last_id,) = self.env.cr.fetchone()
        before = self._findings()
        self.assertTrue(before)
        self._evaluate()
        self.env.flush_all()
        self.env.cr.execute("SELECT max(id) FROM ps_readiness_finding")
        self.assertEqual(self.env.cr.fetchone()[0], last_id, "nothing inserted")
        self.assertEqual(self._findings(), before, "nothing deleted")
