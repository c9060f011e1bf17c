# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.ps_billing_readiness.tests.common import BillingControlCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestAddedCheck(BillingControlCase):
    """A check from this module (a record and one method): the core runs it as its own.

    The engagement (150.00 an hour) started in September; "today" is 10 November 2026.
    """

    def _october(self):
        return self._evaluate().filtered(lambda r: r.period_start.month == 10)

    def test_added_check_finds_and_blocks(self):
        self._confirm_terms()
        self._log_time(self.employee_consultant, 4.0, "2026-10-12")
        self.env["test.ps.client.hold"].create({"sale_order_id": self.engagement.id, "amount": 250.0})
        october = self._october()
        finding = october.finding_ids.filtered(lambda f: f.check_code == "test_client_hold")
        self.assertEqual(finding.check_id, self.env.ref("test_ps_readiness_check.check_test_client_hold"))
        self.assertEqual(finding.severity, "blocking")
        self.assertEqual(finding.amount_at_risk, 250.0)
        self.assertEqual(finding.message, f"The client holds $\N{NO-BREAK SPACE}250.00 of {self.engagement.name}.")
        self.assertEqual((october.state, october.amount_deliverable, october.amount_blocked), ("blocked", 600.0, 250.0))
        self.assertEqual(october.amount_ready, 350.0)

    def test_added_check_goes_when_the_hold_goes(self):
        self._confirm_terms()
        self._log_time(self.employee_consultant, 4.0, "2026-10-12")
        hold = self.env["test.ps.client.hold"].create({"sale_order_id": self.engagement.id, "amount": 250.0})
        self.assertEqual(self._october().state, "blocked")
        hold.unlink()
        october = self._october()
        self.assertEqual(october.state, "ready")
        self.assertFalse(october.finding_ids)

    def test_two_checks_on_the_same_money_count_once(self):
        """Unconfirmed terms and a hold on the whole engagement both hold the same 600.00: counted once,
        by the findings too (one carries it, the other nothing), so a pivot over findings adds it once."""
        self._log_time(self.employee_consultant, 4.0, "2026-10-12")
        self.env["test.ps.client.hold"].create({"sale_order_id": self.engagement.id, "whole_engagement": True})
        october = self._october()
        codes = sorted(october.finding_ids.mapped("check_code"))
        self.assertEqual(codes, ["terms_confirmed", "test_client_hold"])
        self.assertEqual(sorted(october.finding_ids.mapped("amount_at_risk")), [0.0, 600.0])
        self.assertEqual(october.amount_deliverable, 600.0)
        self.assertEqual(october.amount_at_risk, 600.0, "the same money counts once, not 1,200.00")
        self.assertEqual((october.amount_blocked, october.amount_ready), (600.0, 0.0))

    def test_money_of_different_records_adds_up(self):
        """A hold of its own amount is other money than the engagement's: 600.00 + 250.00 at risk."""
        self._log_time(self.employee_consultant, 4.0, "2026-10-12")
        self.env["test.ps.client.hold"].create({"sale_order_id": self.engagement.id, "amount": 250.0})
        october = self._october()
        self.assertEqual(october.amount_at_risk, 850.0)
        self.assertEqual(october.amount_blocked, 600.0, "never more than the deliverable")

    def test_stored_fields_depending_on_bulk_written_fields_are_recomputed(self):
        """The evaluation writes states and amounts of a batch in one UPDATE (ps.batch.runner._write_rows)
        and inserts the findings in bulk (_insert_rows): stored fields depending on them, here and on
        another model, follow."""
        self._log_time(self.employee_consultant, 4.0, "2026-10-12")
        october = self._october()
        watcher = self.env["test.ps.readiness.watcher"].create({"readiness_id": october.id})
        self.assertEqual((watcher.readiness_state, watcher.readiness_at_risk), ("blocked", 600.0))
        self.assertEqual(october.test_blocked_label, "600.00 blocked")
        self.assertEqual(watcher.finding_count, 1, "the terms finding")
        self.env["test.ps.client.hold"].create({"sale_order_id": self.engagement.id, "amount": 50.0})
        self._evaluate()
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(watcher.finding_count, 2, "findings inserted in bulk are counted")
        self.env["test.ps.client.hold"].search([]).unlink()
        self._confirm_terms()
        self._evaluate()
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual((october.state, october.amount_blocked), ("ready", 0.0))
        self.assertEqual((watcher.readiness_state, watcher.readiness_at_risk), ("ready", 0.0))
        self.assertEqual(october.test_blocked_label, "0.00 blocked")
        self.assertEqual(watcher.finding_count, 0)
