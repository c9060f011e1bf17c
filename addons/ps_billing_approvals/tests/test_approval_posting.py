# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.account_move import ps_recheck_scope
from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalPosting(ApprovalCase):
    """Posting is refused until approved: from the button and from Odoo's auto-post."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._rule("Over 1k", amount_min=1000.0)

    def test_post_button_refused_while_pending_names_the_approver(self):
        move = self._draft(5000.0, invoice_date="2026-11-10")
        move.action_ps_request_approval()
        with self.assertRaisesRegex(UserError, "Diana Director"):
            move.with_user(self.controller).action_post()
        self.assertEqual(move.state, "draft")

    def test_post_refused_while_rejected(self):
        move = self._draft(5000.0, invoice_date="2026-11-10")
        move.action_ps_request_approval()
        move.with_user(self.director).action_ps_reject("Hours not approved by the client")
        with self.assertRaisesRegex(UserError, "rejected by Diana Director"):
            move.with_user(self.controller).action_post()

    def test_post_refused_when_approval_never_requested(self):
        move = self._draft(5000.0, invoice_date="2026-11-10")
        with self.assertRaisesRegex(UserError, "needs approval .*Diana Director"):
            move.with_user(self.controller).action_post()

    def test_post_allowed_once_approved(self):
        move = self._draft(5000.0, invoice_date="2026-11-10")
        move.action_ps_request_approval()
        move.with_user(self.director).action_ps_approve()
        move.with_user(self.controller).action_post()
        self.assertEqual(move.state, "posted")

    def test_auto_post_refused_while_pending(self):
        with freeze_time("2026-11-10"):
            pending = self._draft(5000.0, invoice_date="2026-11-05", auto_post="at_date")
            approved = self._draft(6000.0, invoice_date="2026-11-05", auto_post="at_date")
            (pending | approved).action_ps_request_approval()
            approved.with_user(self.director).action_ps_approve()
            self.env["account.move"]._autopost_draft_entries()
        self.assertEqual(pending.state, "draft")
        self.assertTrue(pending.to_check)
        self.assertIn("Diana Director", " ".join(pending.message_ids.mapped("body")))
        self.assertEqual(approved.state, "posted")

    def test_superuser_code_path_is_refused_too(self):
        move = self._draft(5000.0, invoice_date="2026-11-10")
        move.action_ps_request_approval()
        with self.assertRaises(UserError):
            move.sudo()._post(soft=False)

    def test_post_refused_when_approved_draft_differs_from_what_was_approved(self):
        """Defence in depth: whatever path changed an approved draft, posting compares it with the approval."""
        move = self._draft(5000.0, invoice_date="2026-11-10")
        move.action_ps_request_approval()
        move.with_user(self.director).action_ps_approve()
        self.assertEqual(move.ps_approval_state, "approved")
        # A path that skips the recheck (as posting itself does): the stored status still says approved.
        with ps_recheck_scope(move, skip=True):
            move.invoice_line_ids.price_unit = 50000.0
        self.assertEqual(move.ps_approval_state, "approved")
        with self.assertRaisesRegex(UserError, "changed since it was approved .*Untaxed amount: 5000.00 → 50000.00"):
            move.with_user(self.controller).action_post()
        self.assertEqual(move.state, "draft")

    def test_post_refused_when_approved_status_has_no_approvals_behind_it(self):
        move = self._draft(5000.0, invoice_date="2026-11-10")
        move.action_ps_request_approval()
        move.sudo().write({"ps_approval_state": "approved"})
        with self.assertRaisesRegex(UserError, "approvals of round 1 are not all given"):
            move.with_user(self.controller).action_post()
        self.assertEqual(move.state, "draft")
