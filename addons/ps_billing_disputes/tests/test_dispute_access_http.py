# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Disputes and credit notes over ``/web/dataset/call_kw``, as the web client calls them, with hostile
values and contexts; each refusal is checked in the database afterwards."""

from freezegun import freeze_time

from odoo.addons.ps_billing_readiness.tests.common import GROUP_CONSULTANT, CallKwMixin
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DisputeCase

HOSTILE_CONTEXTS = (
    {},
    {"tracking_disable": True, "ps_dispute_internal": True, "skip_invoice_sync": True, "move_reverse_cancel": True},
    {"default_state": "rejected", "default_decided_by_id": 1, "default_ps_dispute_id": 1, "active_test": False},
)


@tagged("post_install", "-at_install")
class TestDisputeAccessOverHttp(CallKwMixin, HttpCase, DisputeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consultant_user = new_test_user(cls.env, login="bc_carl_dsp", groups=GROUP_CONSULTANT)
        cls.salesman = new_test_user(cls.env, login="bc_sam_dsp", groups="sales_team.group_sale_salesman_all_leads")
        cls.accountant = new_test_user(cls.env, login="bc_anna_dsp", groups="account.group_account_invoice")
        for user in (cls.project_manager, cls.controller):
            user.password = user.login
        cls.dispute = cls._dispute(200.0, "hours")
        cls.other_invoice = cls._post_invoice(4)
        cls.other_dispute = cls._dispute(100.0, "tax", invoice=cls.other_invoice)

    def _assert_untouched(self):
        self.env.invalidate_all()
        self.assertEqual(self.dispute.state, "open")
        self.assertEqual(self.dispute.amount_disputed, 200.0)
        self.assertFalse(self.dispute.decided_by_id)
        self.assertEqual(self.env["ps.billing.dispute"].search_count([]), self.dispute_count)

    def setUp(self):
        super().setUp()
        self.dispute_count = self.env["ps.billing.dispute"].search_count([])

    def test_below_finance_nobody_opens_or_decides_a_dispute(self):
        ids = [self.dispute.id]
        for login in ("bc_carl_dsp", "bc_sam_dsp", "bc_anna_dsp", "bc_manager"):
            for context in HOSTILE_CONTEXTS:
                self._refused(login, "ps.billing.dispute", "action_reject", [ids], context=context)
                self._refused(login, "ps.billing.dispute", "action_create_credit_note", [ids], context=context)
                self._refused(login, "ps.billing.dispute", "write", [ids, {"state": "rejected"}], context=context)
                self._refused(login, "ps.billing.dispute", "write", [ids, {"amount_disputed": 1.0}], context=context)
                self._refused(login, "ps.billing.dispute", "_ps_decide", [ids, "reject", "Forged"], context=context)
                self._refused(
                    login,
                    "ps.billing.dispute",
                    "create",
                    [{"invoice_id": self.invoice.id, "reason_id": self.reasons["rate"].id, "amount_disputed": 5.0}],
                    context=context,
                )
                self._refused(
                    login,
                    "ps.dispute.decision",
                    "create",
                    [{"dispute_id": self.dispute.id, "decision": "reject", "note": "Forged"}],
                    context=context,
                )
        self._assert_untouched()

    def test_controller_cannot_force_a_state_or_a_decision(self):
        ids = [self.dispute.id]
        for context in HOSTILE_CONTEXTS:
            self._refused("bc_controller", "ps.billing.dispute", "write", [ids, {"state": "rejected"}], context=context)
            self._refused(
                "bc_controller",
                "ps.billing.dispute",
                "write",
                [ids, {"decided_by_id": self.project_manager.id}],
                context=context,
            )
            # Resolving by credit note needs a posted credit note, whatever the context says.
            self._refused("bc_controller", "ps.billing.dispute", "action_resolve_credit_note", [ids], context=context)
        self._assert_untouched()
        created = self._call(
            "bc_controller",
            "ps.billing.dispute",
            "create",
            [{"invoice_id": self.invoice.id, "reason_id": self.reasons["tax"].id, "amount_disputed": 10.0}],
            context=HOSTILE_CONTEXTS[2],
        )
        dispute = self.env["ps.billing.dispute"].browse(created)
        self.assertEqual((dispute.state, dispute.decided_by_id.id), ("open", False), "a default_ key decides nothing")

    @freeze_time("2026-11-10 10:00:00")
    def test_reason_less_credit_note_is_refused_at_post_whatever_the_context(self):
        values = {
            "move_type": "out_refund",
            "partner_id": self.client.id,
            "invoice_date": "2026-11-10",
            "invoice_line_ids": [(0, 0, {"name": "Goodwill", "quantity": 1, "price_unit": 75.0})],
        }
        credit_id = self._call("bc_controller", "account.move", "create", [values])
        for context in HOSTILE_CONTEXTS:
            self._refused("bc_controller", "account.move", "action_post", [[credit_id]], context=context)
            self._refused("bc_anna_dsp", "account.move", "action_post", [[credit_id]], context=context)
            self._refused(
                "bc_controller",
                "account.move",
                "write",
                [[credit_id], {"ps_dispute_id": self.dispute.id}],
                context=context,
            )
        self.env.invalidate_all()
        credit_note = self.env["account.move"].browse(credit_id)
        self.assertEqual(credit_note.state, "draft")
        self.assertFalse(credit_note.ps_dispute_id)
        self.assertFalse(self.dispute.credit_note_ids)

    def test_below_finance_nobody_retrains_or_acts_on_a_suggestion(self):
        classifier = self.env["ps.dispute.classifier"]._ps_get_active()
        self._client_reply(self.invoice, "The VAT rate is wrong, reverse charge applies to us.")
        suggestion = self.env["ps.dispute.suggestion"].search([("invoice_id", "=", self.invoice.id)])
        for login in ("bc_carl_dsp", "bc_anna_dsp", "bc_manager"):
            for context in HOSTILE_CONTEXTS:
                self._refused(login, "ps.dispute.classifier", "action_retrain", [classifier.ids], context=context)
                self._refused(login, "ps.dispute.suggestion", "action_open_dispute", [suggestion.ids], context=context)
                self._refused(
                    login,
                    "ps.dispute.suggestion",
                    "write",
                    [suggestion.ids, {"confirmed_reason_id": self.reasons["rate"].id}],
                    context=context,
                )
        # Even a controller changes only the reason they read, never the classifier's answer.
        self._refused(
            "bc_controller", "ps.dispute.suggestion", "write", [suggestion.ids, {"reason_id": self.reasons["rate"].id}]
        )
        self._refused("bc_controller", "ps.dispute.suggestion", "write", [suggestion.ids, {"confidence": 1.0}])
        self.env.invalidate_all()
        self.assertEqual(self.env["ps.dispute.classifier"].search([]), classifier, "no retraining")
        self.assertEqual((suggestion.state, suggestion.reason_id), ("suggested", self.reasons["tax"]))
        self._assert_untouched()

    def test_project_managers_read_their_disputes_only_and_consultants_none(self):
        Dispute = self.env["ps.billing.dispute"]
        self.assertEqual(
            Dispute.with_user(self.project_manager).search([("id", "in", (self.dispute | self.other_dispute).ids)]),
            self.dispute.with_user(self.project_manager),
        )
        self.assertEqual(self.dispute.with_user(self.project_manager).amount_disputed, 200.0)
        with self.assertRaises(AccessError):
            self.other_dispute.with_user(self.project_manager).read(["amount_disputed"])
        with self.assertRaises(AccessError):
            Dispute.with_user(self.consultant).search([])
        read = self._call("bc_manager", "ps.billing.dispute", "read", [[self.dispute.id], ["state", "amount_disputed"]])
        self.assertEqual(read[0]["amount_disputed"], 200.0)
        self._refused("bc_manager", "ps.billing.dispute", "read", [[self.other_dispute.id], ["amount_disputed"]])
