# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalHistory(ApprovalCase):
    """History survives restarts and edits; material edits send the draft back; rules edited
    under running approvals change nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls._rule("Over 1k", amount_min=1000.0)

    def _approved_draft(self, untaxed=5000.0):
        move = self._draft(untaxed)
        move.action_ps_request_approval()
        move.with_user(self.director).action_ps_approve("Looks right")
        self.assertEqual(move.ps_approval_state, "approved")
        return move

    def test_restart_supersedes_requests_and_keeps_their_decisions(self):
        move = self._approved_draft()
        first = move.ps_approval_request_ids
        move.with_user(self.controller).action_ps_request_approval()
        self.assertEqual(first.exists(), first, "requests are never deleted")
        self.assertEqual(first.state, "superseded")
        self.assertEqual((first.decided_by_id, first.comment), (self.director, "Looks right"))
        second = move.ps_approval_request_ids - first
        self.assertEqual((second.state, second.round), ("pending", 2))
        self.assertEqual(move.ps_approval_state, "pending")

    def test_requests_cannot_be_deleted(self):
        move = self._approved_draft()
        with self.assertRaises(UserError):
            move.ps_approval_request_ids.unlink()

    def test_material_edit_of_approved_draft_sends_it_back_and_shows_the_change(self):
        move = self._approved_draft(5000.0)
        with Form(move.with_user(self.controller)) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.price_unit = 7000.0
        self.assertEqual(move.ps_approval_state, "pending")
        self.assertEqual(move.ps_approval_round, 2)
        self.assertIn("Untaxed amount: 5000.00 → 7000.00", move.ps_approval_change_note)
        self.assertEqual(move.ps_approval_snapshot["amount_untaxed"], "7000.00")
        self.assertEqual(
            sorted(move.ps_approval_request_ids.mapped("state")),
            ["pending", "superseded"],
        )

    def test_partner_change_is_material(self):
        move = self._approved_draft()
        move.with_user(self.controller).partner_id = self.other_client
        self.assertEqual(move.ps_approval_state, "pending")
        self.assertIn("Southwind Partners", move.ps_approval_change_note)

    def test_tax_and_date_changes_are_material(self):
        move = self._approved_draft()
        move.invoice_line_ids.with_user(self.controller).tax_ids = [Command.set(self.product_fixed_fee.taxes_id.ids)]
        self.assertEqual(move.ps_approval_state, "pending")
        move.with_user(self.director).action_ps_approve()
        move.with_user(self.controller).invoice_date = "2026-11-20"
        self.assertEqual(move.ps_approval_state, "pending")
        self.assertIn("Invoice date", move.ps_approval_change_note)

    def test_added_line_is_material(self):
        move = self._approved_draft()
        move.with_user(self.controller).write(
            {
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_time_materials.id,
                            "quantity": 2.0,
                            "price_unit": 150.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ]
            }
        )
        self.assertEqual(move.ps_approval_state, "pending")
        self.assertIn("Line added", move.ps_approval_change_note)

    def test_narration_and_reference_edits_keep_the_approval(self):
        move = self._approved_draft()
        move.with_user(self.controller).write({"narration": "Thank you", "ref": "PO-1", "payment_reference": "X"})
        with Form(move.with_user(self.controller)) as form:
            form.ref = "PO-2"
        self.assertEqual(move.ps_approval_state, "approved")
        self.assertEqual(move.ps_approval_round, 1)

    def test_material_edit_of_pending_draft_restarts_its_approval(self):
        move = self._draft(5000.0)
        move.action_ps_request_approval()
        move.invoice_line_ids.with_user(self.controller).quantity = 3.0
        self.assertEqual(move.ps_approval_round, 2)
        self.assertEqual(self._pending(move).amount_untaxed, 15000.0)

    def test_edit_that_brings_straight_through_draft_into_the_matrix_routes_it(self):
        move = self._draft(500.0)
        move.action_ps_request_approval()
        self.assertEqual(move.ps_approval_state, "not_required")
        move.invoice_line_ids.with_user(self.controller).price_unit = 5000.0
        self.assertEqual(move.ps_approval_state, "pending")

    def test_rule_edited_while_requests_are_open_does_not_change_them(self):
        move = self._draft(5000.0)
        move.action_ps_request_approval()
        request = self._pending(move)
        self.rule.with_user(self.administrator).write(
            {
                "user_ids": [Command.set(self.administrator.ids)],
                "level": 3,
                "name": "Renamed",
                "amount_min": 100000.0,
            }
        )
        self.assertEqual(request.approver_ids, self.director)
        self.assertEqual((request.level, request.rule_name, request.state), (1, "Over 1k", "pending"))
        request.with_user(self.director).action_ps_approve()
        self.assertEqual(move.ps_approval_state, "approved")

    def test_users_cannot_write_the_approval_state(self):
        move = self._draft(5000.0)
        move.action_ps_request_approval()
        with self.assertRaises(AccessError):
            move.with_user(self.controller).write({"ps_approval_state": "approved"})
