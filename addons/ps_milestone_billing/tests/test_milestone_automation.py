# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import run_jobs
from odoo.tests import tagged

from .common import MilestoneBillingCase

COLLECT_EVIDENCE = "ps_milestone_billing.mail_activity_type_collect_evidence"
ESCALATION = "ps_milestone_billing.mail_activity_type_acceptance_escalation"


@tagged("post_install", "-at_install")
class TestMilestoneAutomation(MilestoneBillingCase):
    """The automation rule on reaching a milestone and the escalation of stalled acceptances."""

    def test_automation_rule_is_a_data_record_on_milestone_reached(self):
        rule = self.env.ref("ps_milestone_billing.base_automation_milestone_reached")
        self.assertEqual(rule.model_id.model, "project.milestone")
        self.assertEqual(rule.trigger_field_ids.mapped("name"), ["is_reached"])
        self.assertTrue(rule.active)

    def test_reaching_milestone_awaits_acceptance_with_one_activity_for_project_manager(self):
        milestone = self._reach(self.milestone_design)
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")
        self.assertEqual(milestone.ps_awaiting_since, self.reached_day)
        activity = self._activities(milestone, COLLECT_EVIDENCE)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.project_manager)
        self.assertEqual(activity.summary, "Collect acceptance evidence")

    def test_automation_rule_fires_once_per_reaching(self):
        milestone = self._reach(self.milestone_design)
        milestone.write({"is_reached": True, "name": "Design signed off (v2)"})
        milestone.write({"deadline": "2026-12-01"})
        self._reach(milestone)
        self.assertEqual(len(self._activities(milestone, COLLECT_EVIDENCE)), 1)
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")

    def test_automation_rule_fires_on_milestone_created_reached(self):
        milestone = self.env["project.milestone"].create(
            {
                "name": "Kick-off",
                "project_id": self.project.id,
                "sale_line_id": self.line_milestone.id,
                "quantity_percentage": 0.0,
                "is_reached": True,
            }
        )
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")
        self.assertEqual(len(self._activities(milestone, COLLECT_EVIDENCE)), 1)

    def test_reaching_milestone_stays_pending_when_acceptance_not_required(self):
        self.engagement.ps_milestone_acceptance_required = False
        milestone = self._reach(self.milestone_design)
        self.assertEqual(milestone.ps_acceptance_state, "pending")
        self.assertFalse(self._activities(milestone, COLLECT_EVIDENCE))

    def test_reaching_milestone_without_sales_line_stays_pending(self):
        milestone = self.env["project.milestone"].create({"name": "Internal review", "project_id": self.project.id})
        self._reach(milestone)
        self.assertEqual(milestone.ps_acceptance_state, "pending")

    # escalation -------------------------------------------------------------------------
    def _escalate(self, day):
        with freeze_time(day):
            return run_jobs(self.env["project.milestone"]._cron_ps_escalate_awaiting)["escalated"]

    def test_escalation_waits_for_company_delay(self):
        self.company.ps_milestone_escalation_days = 7
        milestone = self._reach(self.milestone_design)
        self.assertEqual(self._escalate("2026-10-18"), 0)
        self.assertFalse(self._activities(milestone, ESCALATION))
        self.assertFalse(milestone.ps_escalated_on)

    def test_escalation_gives_each_controller_one_activity_once_across_reruns(self):
        self.company.ps_milestone_escalation_days = 7
        milestone = self._reach(self.milestone_design)
        controllers = self.env["sale.order"]._ps_get_finance_controllers()
        self.assertIn(self.controller, controllers)
        self.assertEqual(self._escalate("2026-10-19"), 1)
        self.assertEqual(self._escalate("2026-10-19"), 0)
        self.assertEqual(self._escalate("2026-10-25"), 0)
        activities = self._activities(milestone, ESCALATION)
        self.assertEqual(activities.user_id, controllers)
        self.assertEqual(len(activities), len(controllers))
        self.assertEqual(milestone.ps_escalated_on, date(2026, 10, 19))
        escalation_messages = milestone.message_ids.filtered(lambda m: "escalated" in (m.body or ""))
        self.assertEqual(len(escalation_messages), 1)

    def test_escalation_skips_accepted_milestone(self):
        self.company.ps_milestone_escalation_days = 7
        milestone = self._reach(self.milestone_design)
        milestone.with_user(self.project_manager).action_ps_accept(signatory_name="Nora North")
        self._escalate("2026-11-30")
        # Other milestones (the demo firm's) may be due that day: this one is not escalated.
        self.assertFalse(self._activities(milestone, ESCALATION))
        self.assertFalse(milestone.ps_escalated_on)

    def test_resubmitted_milestone_can_escalate_again(self):
        self.company.ps_milestone_escalation_days = 7
        milestone = self._reach(self.milestone_design)
        self._escalate("2026-10-19")
        milestone.with_user(self.project_manager).action_ps_reject("Incomplete")
        self.assertFalse(self._activities(milestone, ESCALATION), "a decision closes the escalation")
        with freeze_time("2026-10-20"):
            milestone.with_user(self.project_manager).action_ps_resubmit()
        self.assertEqual(self._escalate("2026-10-26"), 0)
        self.assertEqual(self._escalate("2026-10-27"), 1)
