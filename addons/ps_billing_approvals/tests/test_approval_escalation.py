# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import run_jobs
from odoo.tests import tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalEscalation(ApprovalCase):
    """The scheduled action reminds after the first delay and escalates after the second, once each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"ps_approval_reminder_days": 2, "ps_approval_escalation_days": 5})
        cls.escalation_type = cls.env.ref("ps_billing_approvals.mail_activity_type_ps_approval_escalation")

    def _run_cron(self, day):
        with freeze_time(day):
            return run_jobs(self.env["ps.approval.request"]._cron_remind_and_escalate)

    def _reminders(self, move):
        return move.message_ids.filtered(lambda m: "Reminder:" in (m.body or ""))

    def _escalations(self, move):
        return move.activity_ids.filtered(lambda a: a.activity_type_id == self.escalation_type)

    def _pending_draft(self, approver, creator=None):
        self._rule("Consultant check", approver=approver)
        with freeze_time("2026-11-10 09:00:00"):
            move = self._draft(creator=creator)
            move.action_ps_request_approval()
        return move

    def test_reminder_then_escalation_to_manager_exactly_once_across_reruns(self):
        move = self._pending_draft(self.consultant)
        request = self._pending(move)

        self._run_cron("2026-11-11 06:00:00")
        self.assertFalse(self._reminders(move), "one day is within the reminder delay")

        self._run_cron("2026-11-12 06:00:00")
        self._run_cron("2026-11-12 18:00:00")
        self._run_cron("2026-11-13 06:00:00")
        self.assertEqual(len(self._reminders(move)), 1)
        self.assertEqual(self._reminders(move).partner_ids, self.consultant.partner_id)
        self.assertFalse(request.escalated_on)

        self._run_cron("2026-11-15 06:00:00")
        self._run_cron("2026-11-15 07:00:00")
        self._run_cron("2026-11-25 06:00:00")
        self.assertEqual(len(self._reminders(move)), 1)
        self.assertEqual(self._escalations(move).user_id, self.project_manager, "the consultant's manager")
        self.assertEqual(len(self._escalations(move)), 1)
        self.assertEqual(request.approver_ids, self.consultant | self.project_manager)
        self.assertIn("escalated to Paul Manager", request.escalation_note)

        move.with_user(self.project_manager).action_ps_approve("Approved in Carla's absence")
        self.assertEqual(move.ps_approval_state, "approved")

    def test_escalation_without_manager_goes_to_finance_controllers(self):
        move = self._pending_draft(self.director, creator=self.project_manager)
        self._run_cron("2026-11-16 06:00:00")
        self._run_cron("2026-11-17 06:00:00")
        escalations = self._escalations(move)
        self.assertIn(self.controller, escalations.user_id)
        self.assertNotIn(self.director, escalations.user_id)
        self.assertEqual(len(escalations.filtered(lambda a: a.user_id == self.controller)), 1)
        self.assertEqual(len(self._reminders(move)), 1, "an overdue reminder is still sent once")

    def test_decided_requests_are_neither_reminded_nor_escalated(self):
        move = self._pending_draft(self.director)
        with freeze_time("2026-11-10 10:00:00"):
            move.with_user(self.director).action_ps_approve()
        self._run_cron("2026-11-20 06:00:00")
        self.assertFalse(self._reminders(move))
        self.assertFalse(self._escalations(move))
