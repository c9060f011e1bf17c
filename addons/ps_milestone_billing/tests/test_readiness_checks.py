# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.addons.ps_billing_readiness.models.ps_readiness_evaluation import ReadinessEvaluation
from odoo.tests import tagged

from .common import MilestoneBillingCase


@tagged("post_install", "-at_install")
class TestMilestoneReadinessChecks(MilestoneBillingCase):
    """milestones_accepted and subcontractor_costs, failing and passing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._confirm_terms()
        cls.subcontractor = cls.env["res.partner"].create({"name": "Fjord Data Engineering", "is_company": True})
        cls.other_project = cls.env["project.project"].create({"name": "Internal tooling"})

    def _period(self, start=None):
        start = start or self.october[0]
        return self._evaluate().filtered(lambda r: r.period_start == start)

    def _findings(self, readiness, code):
        return readiness.finding_ids.filtered(lambda f: f.check_code == code)

    def _vendor_bill(self, amount, project=None, day="2026-10-20"):
        account = (project or self.project).analytic_account_id
        return self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.subcontractor.id,
                "invoice_date": day,
                "ref": "FJ-2026-117",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Data engineering subcontracting",
                            "quantity": 1.0,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                            "analytic_distribution": {str(account.id): 100.0},
                        }
                    )
                ],
            }
        )

    # milestones_accepted ---------------------------------------------------------
    def test_milestones_accepted_blocks_reached_unaccepted_milestone_for_its_share(self):
        self._reach(self.milestone_design)
        readiness = self._period()
        finding = self._findings(readiness, "milestones_accepted")
        self.assertEqual(readiness.state, "blocked")
        self.assertEqual(finding.severity, "blocking")
        self.assertEqual(finding.amount_at_risk, 4000.0, "40 % of the 10,000 line")
        self.assertEqual((finding.res_model, finding.res_id), ("project.milestone", self.milestone_design.id))
        self.assertIn("Design signed off", finding.message)

    def test_milestones_accepted_blocks_rejected_milestone(self):
        self._reach(self.milestone_build)
        self.milestone_build.with_user(self.project_manager).action_ps_reject("Not tested")
        finding = self._findings(self._period(), "milestones_accepted")
        self.assertEqual(finding.amount_at_risk, 6000.0)
        self.assertIn("Not tested", finding.message)

    def test_milestones_accepted_passes_once_accepted(self):
        self._reach(self.milestone_design)
        self._accept(self.milestone_design)
        readiness = self._period()
        self.assertFalse(self._findings(readiness, "milestones_accepted"))
        self.assertEqual(readiness.state, "ready")

    def test_milestones_accepted_passes_when_acceptance_not_required(self):
        self.engagement.ps_milestone_acceptance_required = False
        self._reach(self.milestone_design)
        self.assertFalse(self._findings(self._period(), "milestones_accepted"))

    def test_milestones_accepted_counts_milestone_in_the_period_it_was_reached(self):
        self._reach(self.milestone_design, day=date(2026, 11, 4))
        october, november = self._period(), self._period(date(2026, 11, 1))
        self.assertFalse(self._findings(october, "milestones_accepted"))
        self.assertEqual(self._findings(november, "milestones_accepted").amount_at_risk, 4000.0)

    # subcontractor_costs ---------------------------------------------------------------
    def test_subcontractor_costs_blocks_draft_vendor_bill_on_milestone_engagement(self):
        bill = self._vendor_bill(2500.0)
        finding = self._findings(self._period(), "subcontractor_costs")
        self.assertEqual(finding.severity, "blocking")
        self.assertEqual(finding.amount_at_risk, 2500.0)
        self.assertEqual((finding.res_model, finding.res_id), ("account.move", bill.id))
        self.assertIn("Fjord Data Engineering", finding.message)

    def test_subcontractor_costs_warns_on_time_and_materials_engagement(self):
        self.engagement.ps_billing_model = "time_materials"
        self._confirm_terms()
        self._vendor_bill(2500.0)
        finding = self._findings(self._period(), "subcontractor_costs")
        self.assertEqual(finding.severity, "warning")
        self.assertEqual(finding.amount_at_risk, 2500.0)

    def test_subcontractor_costs_passes_once_vendor_bill_posted(self):
        self._vendor_bill(2500.0).action_post()
        self.assertFalse(self._findings(self._period(), "subcontractor_costs"))

    def test_subcontractor_costs_ignores_other_projects_and_later_bills(self):
        self._vendor_bill(900.0, project=self.other_project)
        self._vendor_bill(700.0, day="2026-11-05")
        self.assertFalse(self._findings(self._period(), "subcontractor_costs"))

    def test_checks_do_not_grow_queries_with_the_batch(self):
        """Evaluating three engagements costs the same milestone/bill queries as one."""
        orders = self.engagement
        for _index in range(2):
            order = self.engagement.copy()
            order.action_confirm()
            orders |= order
        Readiness = self.env["ps.billing.readiness"]
        records = Readiness._get_or_create_for_orders(orders, self.today)
        one = records.filtered(lambda r: r.sale_order_id == self.engagement)
        check_m = self.env.ref("ps_milestone_billing.check_milestones_accepted")
        check_s = self.env.ref("ps_milestone_billing.check_subcontractor_costs")
        projects = orders.order_line.project_id
        self.assertEqual(len(projects), 3)
        self._reach(projects.milestone_ids.filtered("sale_line_id"))
        for project in projects:
            self._vendor_bill(100.0, project=project)
        self.assertEqual(self._count_queries(records, check_m, check_s), self._count_queries(one, check_m, check_s))

    def _count_queries(self, records, *checks):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        evaluation = ReadinessEvaluation(records, self.today)
        for check in checks:
            evaluation.run_check(check, records)
        return self.cr.sql_log_count - before
