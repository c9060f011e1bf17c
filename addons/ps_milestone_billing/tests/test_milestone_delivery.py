# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import MilestoneBillingCase


@tagged("post_install", "-at_install")
class TestMilestoneDelivery(MilestoneBillingCase):
    """Delivered quantity of milestone lines, and what the core's invoice draft bills."""

    def test_acceptance_required_by_default_for_milestone_billing(self):
        self.assertEqual(self.engagement.ps_billing_model, "milestone")
        self.assertTrue(self.engagement.ps_milestone_acceptance_required)
        self.engagement.ps_billing_model = "time_materials"
        self.assertFalse(self.engagement.ps_milestone_acceptance_required)

    def test_delivered_counts_only_accepted_milestones_when_acceptance_required(self):
        self._reach(self.milestone_design | self.milestone_build)
        self.assertEqual(self.line_milestone.qty_delivered, 0.0, "reached but unaccepted delivers nothing")
        self.milestone_design.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        self.assertEqual(self.line_milestone.qty_delivered, 0.4)
        self.milestone_build.with_user(self.project_manager).action_ps_reject("Not tested")
        self.assertEqual(self.line_milestone.qty_delivered, 0.4)

    def test_delivered_counts_reached_milestones_when_acceptance_not_required(self):
        self.engagement.ps_milestone_acceptance_required = False
        self._reach(self.milestone_design | self.milestone_build)
        self.assertEqual(self.line_milestone.qty_delivered, 1.0)

    def test_delivered_follows_acceptance_requirement_when_it_changes(self):
        self._reach(self.milestone_design)
        self.assertEqual(self.line_milestone.qty_delivered, 0.0)
        self.engagement.ps_milestone_acceptance_required = False
        self.assertEqual(self.line_milestone.qty_delivered, 0.4)

    def test_invoice_drafted_by_core_contains_only_accepted_milestones(self):
        self._confirm_terms()
        self._reach(self.milestone_design | self.milestone_build)
        self._accept(self.milestone_design)
        readiness = self._evaluate().filtered(lambda r: r.period_start == self.october[0])
        self.assertEqual(readiness.amount_deliverable, 4000.0)
        self.assertEqual(readiness.state, "blocked", "the unaccepted build milestone blocks the period")
        invoice = readiness._create_invoice_drafts(override_reason="Bill the accepted design now")
        line = invoice.invoice_line_ids.filtered(lambda line: line.sale_line_ids == self.line_milestone)
        self.assertEqual(line.quantity, 0.4)
        self.assertEqual(invoice.amount_untaxed, 4000.0)

    def test_ready_period_drafts_accepted_milestone_only(self):
        self._confirm_terms()
        self._reach(self.milestone_design)
        self._accept(self.milestone_design)
        readiness = self._evaluate().filtered(lambda r: r.period_start == self.october[0])
        self.assertEqual(readiness.state, "ready")
        readiness.with_user(self.controller).action_create_invoice_draft()
        line = readiness.invoice_id.invoice_line_ids.filtered(lambda line: line.sale_line_ids == self.line_milestone)
        self.assertEqual(line.quantity, 0.4)

    def test_milestone_accepted_after_the_period_is_billed_with_the_next(self):
        self._confirm_terms()
        self._reach(self.milestone_design)  # reached in October...
        self._accept(self.milestone_design, day="2026-11-05 10:00:00")  # ...accepted in November
        october, november = self._evaluate().sorted("period_start")
        self.assertEqual(october.amount_deliverable, 0.0, "not accepted by the end of October")
        self.assertEqual(november.amount_deliverable, 4000.0)
