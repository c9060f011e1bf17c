# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10 09:00:00")
class TestApprovalDelegation(ApprovalCase):
    """A user delegates their approvals for a date range; requests route to the delegate and say so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._rule("Director approval", approver=cls.director)
        cls.Delegation = cls.env["ps.approval.delegation"]

    def _delegate(self, date_from="2026-11-01", date_to="2026-11-30", user=None, delegate=None):
        user = user or self.director
        return self.Delegation.with_user(user).create(
            {
                "delegate_id": (delegate or self.administrator).id,
                "date_from": date_from,
                "date_to": date_to,
            }
        )

    def test_request_routes_to_the_delegate_during_the_delegation(self):
        self._delegate()
        move = self._draft()
        move.action_ps_request_approval()
        request = self._pending(move)
        self.assertEqual(request.approver_ids, self.administrator)
        self.assertEqual(request.rule_approver_ids, self.director, "the trace keeps who the rule named")
        self.assertIn("Adam Administrator approves for Diana Director", request.delegation_note)
        self.assertIn("approves for Diana Director", " ".join(move.message_ids.mapped("body")))
        with self.assertRaises(UserError):
            move.with_user(self.director).action_ps_approve()
        move.with_user(self.administrator).action_ps_approve()
        self.assertEqual(move.ps_approval_state, "approved")

    def test_delegation_outside_its_dates_does_not_route(self):
        self._delegate("2026-12-01", "2026-12-31")
        move = self._draft()
        move.action_ps_request_approval()
        self.assertEqual(self._pending(move).approver_ids, self.director)

    def test_delegation_created_while_pending_reroutes_the_request(self):
        move = self._draft()
        move.action_ps_request_approval()
        self._delegate()
        request = self._pending(move)
        self.assertEqual(request.approver_ids, self.administrator)
        self.assertIn("approves for Diana Director", request.delegation_note)
        activity_users = move.activity_ids.user_id
        self.assertIn(self.administrator, activity_users)
        self.assertNotIn(self.director, activity_users)

    def test_user_cannot_delegate_for_someone_else(self):
        with self.assertRaises(AccessError):
            self.Delegation.with_user(self.project_manager).create(
                {
                    "user_id": self.director.id,
                    "delegate_id": self.project_manager.id,
                    "date_from": "2026-11-01",
                    "date_to": "2026-11-30",
                }
            )

    def test_delegate_who_created_the_invoice_is_barred(self):
        self._delegate(delegate=self.controller)
        move = self._draft(creator=self.controller)
        move.action_ps_request_approval()
        request = self._pending(move)
        self.assertNotIn(self.controller, request.approver_ids)
        self.assertTrue(request.escalated_on)
