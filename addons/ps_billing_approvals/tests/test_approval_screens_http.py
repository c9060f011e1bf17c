# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The approval screens hide what a user may not do; these tests prove the server refuses it anyway,
and that a company's requests stay in that company, for any caller of ``/web/dataset/call_kw``."""

from odoo import Command
from odoo.addons.ps_billing_readiness.tests.common import GROUP_FINANCE_CONTROLLER
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .test_approval_screens import ApprovalScreensCase

# Context keys that once relaxed a control, or that a client might hope would.
HOSTILE_CONTEXT = {
    "ps_approval_internal": True,
    "ps_approval_no_recheck": True,
    "tracking_disable": True,
    "mail_notrack": True,
    "active_test": False,
    "ps_approval_decision": "approve",
}


class ApprovalHttpCase(HttpCase, ApprovalScreensCase):
    def _call(self, login, model, method, args, kwargs=None, context=None):
        """Call ``model.method`` over JSON-RPC as ``login`` (password = login), with the hostile context."""
        self.authenticate(login, login)
        params = {
            "model": model,
            "method": method,
            "args": args,
            "kwargs": {**(kwargs or {}), "context": {**HOSTILE_CONTEXT, **(context or {})}},
        }
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", params)

    def _refused(self, login, model, method, args, kwargs=None, context=None, errors=("UserError",)):
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as caught:
            self._call(login, model, method, args, kwargs=kwargs, context=context)
        self.assertTrue(any(error in str(caught.exception) for error in errors), str(caught.exception))


@tagged("post_install", "-at_install")
class TestApprovalActionsOverHttp(ApprovalHttpCase):
    """Neither a clerk nor the draft's creator approves or posts a pending draft, whatever they send."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The rule names the creator too: segregation of duties keeps her out.
        cls.level_1.user_ids = cls.director | cls.controller
        cls.pending = cls._draft(6000.0)
        cls.pending.with_user(cls.controller).action_ps_request_approval()

    def _assert_untouched(self):
        self.env.invalidate_all()
        move = self.pending
        self.assertEqual((move.state, move.ps_approval_state), ("draft", "pending"))
        requests = move.ps_approval_request_ids.sorted("level")
        self.assertEqual(requests.mapped("state"), ["pending", "waiting"])
        self.assertFalse(requests.decided_by_id)
        self.assertEqual(requests[0].approver_ids, self.director)
        self.assertFalse(move.message_ids.filtered(lambda m: "approved" in (m.body or "")))

    def test_clerk_and_creator_cannot_approve_or_post_a_pending_draft(self):
        ids = self.pending.ids
        pending = self.pending.ps_approval_request_ids.filtered(lambda r: r.state == "pending")
        for login in ("bc_clerk", "bc_controller"):
            self._refused(login, "account.move", "action_ps_approve", [ids], kwargs={"comment": "fine"})
            self._refused(login, "account.move", "action_ps_open_decision_wizard", [ids])
            self._refused(login, "account.move", "action_post", [ids])
            self._refused(login, "account.move", "action_ps_reject", [ids], kwargs={"reason": "no"})
            # The requests themselves: the clerk may not even read them, the creator may not decide them.
            self._refused(login, "ps.approval.request", "action_ps_approve", [pending.ids], errors=("Error",))
        # The list's header button: nothing approved, every request reported.
        result = self._call("bc_controller", "ps.approval.request", "action_ps_approve_batch", [pending.ids])
        self.assertIn("0 approval(s) approved", result["params"]["message"])
        self.assertIn("Segregation of duties", result["params"]["message"])
        # The decision dialog, created by hand with the requests of someone else.
        wizard_id = self._call(
            "bc_controller",
            "ps.approval.decision",
            "create",
            [{"decision": "approve", "request_ids": [Command.set(pending.ids)], "move_ids": [Command.set(ids)]}],
        )
        self._refused("bc_controller", "ps.approval.decision", "action_confirm", [[wizard_id]])
        self._assert_untouched()

    def test_flags_read_over_http_follow_the_user_not_the_context(self):
        fields = {"ps_can_approve": {}, "ps_can_post": {}, "ps_needs_request": {}}
        for login, expected in (
            ("bc_clerk", (False, False, False)),
            ("bc_controller", (False, False, False)),
            ("bc_director", (True, False, False)),
        ):
            row = self._call(login, "account.move", "web_read", [self.pending.ids], kwargs={"specification": fields})[0]
            self.assertEqual((row["ps_can_approve"], row["ps_can_post"], row["ps_needs_request"]), expected, login)
        self._assert_untouched()

    def test_awaited_approver_approves_over_http(self):
        """The control: the same call by the awaited approver works, and opens level 2."""
        self._call("bc_director", "account.move", "action_ps_approve", [self.pending.ids], kwargs={"comment": "ok"})
        self.env.invalidate_all()
        self.assertEqual(self.pending.ps_approval_request_ids.sorted("level").mapped("state"), ["approved", "pending"])
        self._refused("bc_director", "account.move", "action_post", [self.pending.ids])
        self.assertEqual(self.pending.state, "draft")


@tagged("post_install", "-at_install")
class TestApprovalRequestsOfTwoCompanies(ApprovalHttpCase):
    """A controller of company A never sees company B's approval requests, even one routed to them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_b = cls.env["res.company"].create({"name": "Firm B"})
        cls.env.user.company_ids |= cls.company_b
        cls.env["account.chart.template"].try_loading("generic_coa", company=cls.company_b, install_demo=False)
        cls.controller_a = new_test_user(
            cls.env,
            login="bc_controller_a",
            name="Alma Controller",
            groups=GROUP_FINANCE_CONTROLLER,
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.controller_b = new_test_user(
            cls.env,
            login="bc_controller_b",
            name="Bert Controller",
            groups=GROUP_FINANCE_CONTROLLER,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.level_1.user_ids = cls.controller_a
        cls._rule("B from 1,000", amount_min=1000.0, approver=cls.controller_b, company_id=cls.company_b.id)
        cls.draft_a = cls._draft(2000.0)
        cls.draft_a.with_user(cls.controller).action_ps_request_approval()
        cls.draft_b = (
            cls.env["account.move"]
            .with_company(cls.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.client.id,
                    "invoice_line_ids": [
                        Command.create({"name": "Advisory", "quantity": 1, "price_unit": 3000.0, "tax_ids": []})
                    ],
                }
            )
        )
        cls.draft_b.sudo()._ps_route_approval()
        cls.request_a = cls.draft_a.ps_approval_request_ids
        cls.request_b = cls.draft_b.ps_approval_request_ids
        # Misrouted by hand (the matrix never routes to a user outside the company): the company decides.
        cls.request_b.sudo().write({"approver_ids": [Command.link(cls.controller_a.id)]})

    def test_company_b_requests_stay_out_of_reach_of_company_a(self):
        self.assertEqual((self.request_a.company_id, self.request_a.state), (self.company_a, "pending"))
        self.assertEqual((self.request_b.company_id, self.request_b.state), (self.company_b, "pending"))
        self.assertIn(self.controller_a, self.request_b.approver_ids)
        both = {"allowed_company_ids": [self.company_a.id, self.company_b.id]}
        only_b = {"allowed_company_ids": [self.company_b.id]}
        Request = "ps.approval.request"
        login = "bc_controller_a"

        # Listing: All Requests and To Approve show company A's only.
        rows = self._call(login, Request, "search_read", [[]], kwargs={"fields": ["company_id"]})
        self.assertEqual({row["id"] for row in rows} & set(self.request_b.ids), set())
        self.assertIn(self.request_a.id, {row["id"] for row in rows})
        awaiting = self._call(login, Request, "search", [[("is_awaiting_me", "=", True)]])
        self.assertEqual(awaiting, self.request_a.ids)
        self.assertEqual(self._call(login, Request, "search_count", [[("company_id", "=", self.company_b.id)]]), 0)
        # A context naming company B is refused, not obeyed.
        for context in (both, only_b):
            self._refused(login, Request, "search_read", [[]], context=context, errors=("AccessError",))
            self._refused(login, Request, "read", [self.request_b.ids, ["state"]], context=context, errors=("Error",))
        # Company B's request and invoice, by id: refused.
        self._refused(login, Request, "read", [self.request_b.ids, ["state"]], errors=("AccessError",))
        self._refused(login, "account.move", "read", [self.draft_b.ids, ["name"]], errors=("AccessError",))
        self._refused(login, Request, "action_ps_approve", [self.request_b.ids], errors=("Error",))
        self._refused(login, "account.move", "action_ps_approve", [self.draft_b.ids], errors=("Error",))
        self._refused(login, Request, "action_ps_approve_batch", [self.request_b.ids], errors=("Error",))

        self.env.invalidate_all()
        self.assertEqual(self.request_b.state, "pending")
        self.assertFalse(self.request_b.decided_by_id)
        self.assertEqual(self.draft_b.ps_approval_state, "pending")
        # Company B's controller sees B's request, not A's.
        rows = self._call("bc_controller_b", Request, "search_read", [[]], kwargs={"fields": ["id"]})
        self.assertEqual({row["id"] for row in rows} & {self.request_a.id, self.request_b.id}, {self.request_b.id})
