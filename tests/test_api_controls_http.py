"""The controls hold against any user of Odoo's external API.

Each test logs in over real HTTP as a low-rights user and calls
``/web/dataset/call_kw`` (what the web client and every integration use) with
hostile values and contexts, then checks the database: a refusal that left a
change behind would be no control.
"""

import ast

from odoo import Command
from odoo.addons.ps_billing_approvals.tests.common import ApprovalCase
from odoo.addons.ps_billing_readiness.tests.common import CallKwMixin
from odoo.tests import HttpCase, new_test_user, tagged

# Every context key that once relaxed a control, sent with every call.
HOSTILE_CONTEXT = {
    "ps_approval_internal": True,
    "ps_approval_no_recheck": True,
    "ps_acceptance_write": True,
    "ps_timesheet_unlock": True,
    "tracking_disable": True,
    "mail_notrack": True,
}


@tagged("post_install", "-at_install")
class TestApiControlsOverHttp(CallKwMixin, HttpCase, ApprovalCase):
    CALL_CONTEXT = HOSTILE_CONTEXT
    REFUSED_ERROR = "AccessError"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(cls.env, login="bc_clerk", name="Bill Clerk", groups="account.group_account_invoice")
        cls.salesperson = new_test_user(
            cls.env, login="bc_sales", name="Sal Seller", groups="sales_team.group_sale_salesman"
        )
        cls.other_manager = new_test_user(
            cls.env, login="bc_other_pm", name="Olga Other", groups="ps_billing_readiness.group_project_manager"
        )
        cls.engagement.user_id = cls.salesperson
        cls._rule("Over 10,000", amount_min=10000.0)
        cls.pending = cls._draft(untaxed=15000.0)
        cls.pending.with_user(cls.controller).action_ps_request_approval()
        cls.milestone = cls.env["project.milestone"].create(
            {"name": "Go-live", "project_id": cls.project.id, "sale_line_id": cls.line_milestone.id}
        )

    def _fresh(self, record):
        record.invalidate_recordset()
        return record

    # ------------------------------------------------------------
    # Invoices and the approval matrix
    # ------------------------------------------------------------

    def test_clerk_cannot_post_or_forge_the_approval_of_a_pending_invoice(self):
        self.assertEqual(self.pending.ps_approval_state, "pending")
        self._refused("bc_clerk", "account.move", "action_post", [self.pending.ids], error="UserError")
        self._refused("bc_clerk", "account.move", "write", [self.pending.ids, {"ps_approval_state": "approved"}])
        self._refused("bc_clerk", "account.move", "write", [self.pending.ids, {"ps_approval_snapshot": {}}])
        self._refused(
            "bc_clerk", "account.move", "write", [self.pending.ids, {"ps_approval_request_ids": [Command.clear()]}]
        )
        move = self._fresh(self.pending)
        self.assertEqual((move.state, move.ps_approval_state), ("draft", "pending"))
        self.assertEqual(len(move.ps_approval_request_ids), 1)

    def test_clerk_cannot_create_an_invoice_born_approved(self):
        before = self.env["account.move"].search_count([])
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.client.id,
            "ps_approval_state": "approved",
            "invoice_line_ids": [Command.create({"name": "Advisory", "quantity": 1, "price_unit": 15000.0})],
        }
        self._refused("bc_clerk", "account.move", "create", [vals])
        self.assertEqual(self.env["account.move"].search_count([]), before)

    def test_default_approval_state_in_the_context_gives_no_approval(self):
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.client.id,
            "invoice_line_ids": [
                Command.create({"name": "Advisory", "quantity": 1, "price_unit": 15000.0, "tax_ids": []})
            ],
        }
        move_id = self._call(
            "bc_clerk", "account.move", "create", [vals], context={"default_ps_approval_state": "approved"}
        )
        move = self.env["account.move"].browse(move_id)
        self.assertEqual(move.ps_approval_state, "not_required")
        self._refused("bc_clerk", "account.move", "action_post", [[move_id]], error="UserError")
        self.assertEqual(self._fresh(move).state, "draft")

    def test_raising_an_approved_invoice_sends_it_back_and_it_cannot_be_posted(self):
        draft = self._draft(untaxed=12000.0)
        draft.with_user(self.controller).action_ps_request_approval()
        draft.with_user(self.director).action_ps_approve()
        self.assertEqual(draft.ps_approval_state, "approved")
        line = draft.invoice_line_ids
        self._call(
            "bc_clerk",
            "account.move",
            "write",
            [draft.ids, {"invoice_line_ids": [Command.update(line.id, {"price_unit": 90000.0})]}],
        )
        draft = self._fresh(draft)
        self.assertEqual(draft.amount_untaxed, 90000.0)
        self.assertEqual(draft.ps_approval_state, "pending", "the raise goes back through the matrix")
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "account.move"),
                ("mail_message_id.res_id", "=", draft.id),
                ("field_id.name", "=", "ps_approval_state"),
            ]
        )
        self.assertEqual(
            tracked.sorted("id")[-1:].mapped(lambda value: (value.old_value_char, value.new_value_char)),
            [("Approved", "Pending Approval")],
            "the approval trail is kept whatever context the client sends",
        )
        self._call("bc_clerk", "account.move.line", "write", [line.ids, {"price_unit": 95000.0}])
        self._refused("bc_clerk", "account.move", "action_post", [draft.ids], error="UserError")
        draft = self._fresh(draft)
        self.assertEqual((draft.state, draft.ps_approval_state), ("draft", "pending"))

    def test_invoice_link_values_in_the_context_reach_no_invoice(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "user_id": self.salesperson.id,
                "order_line": [Command.create({"product_id": self.product_fixed_fee.id, "price_unit": 500.0})],
            }
        )
        order.action_confirm()
        readiness = self._evaluate()[:1]
        self.assertTrue(readiness)
        hostile = {
            "active_model": "sale.order",
            "active_ids": order.ids,
            "active_id": order.id,
            "ps_invoice_link_vals": {
                str(order.id): {"ps_approval_state": "approved", "ps_readiness_id": readiness.id},
                order.id: {"ps_approval_state": "approved", "ps_readiness_id": readiness.id},
            },
            "default_ps_approval_state": "approved",
            "default_ps_readiness_id": readiness.id,
        }
        wizard_id = self._call(
            "bc_sales", "sale.advance.payment.inv", "create", [{"advance_payment_method": "delivered"}], context=hostile
        )
        self._call("bc_sales", "sale.advance.payment.inv", "create_invoices", [[wizard_id]], context=hostile)
        invoice = self._fresh(order).invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.ps_approval_state, "not_required")
        self.assertFalse(invoice.ps_readiness_id)
        self.assertFalse(self._fresh(readiness).invoice_id)

    # ------------------------------------------------------------
    # Approval requests: decided by their actions, never deleted
    # ------------------------------------------------------------

    def test_approver_cannot_decide_or_delete_a_request_by_writing_it(self):
        request = self.pending.ps_approval_request_ids
        self.director.password = "bc_director"
        self._refused("bc_director", "ps.approval.request", "write", [request.ids, {"state": "approved"}])
        self._refused("bc_director", "ps.approval.request", "unlink", [request.ids])
        self.administrator.password = "bc_admin"
        self._refused("bc_admin", "ps.approval.request", "unlink", [request.ids])
        request = self._fresh(request)
        self.assertTrue(request.exists())
        self.assertEqual((request.state, request.decided_by_id.id), ("pending", False))

    # ------------------------------------------------------------
    # Engagement terms, readiness and findings
    # ------------------------------------------------------------

    def test_salesperson_cannot_confirm_the_terms_of_their_own_engagement(self):
        self._refused("bc_sales", "sale.order", "write", [self.engagement.ids, {"ps_terms_confirmed": True}])
        self._refused("bc_sales", "sale.order", "action_ps_confirm_terms", [self.engagement.ids])
        self.assertFalse(self._fresh(self.engagement).ps_terms_confirmed)

    def test_controller_cannot_set_readiness_state_or_findings_by_writing(self):
        readiness = self._evaluate().filtered(lambda r: r.period_end == self.october[1])
        self.assertEqual(readiness.state, "blocked", "terms are not confirmed")
        self.controller.password = "bc_controller"
        self._refused("bc_controller", "ps.billing.readiness", "write", [readiness.ids, {"state": "ready"}])
        self._refused("bc_controller", "ps.billing.readiness", "write", [readiness.ids, {"amount_blocked": 0.0}])
        self._refused("bc_controller", "ps.readiness.finding", "unlink", [readiness.finding_ids.ids])
        self._refused(
            "bc_controller", "ps.readiness.finding", "write", [readiness.finding_ids.ids, {"severity": "warning"}]
        )
        readiness = self._fresh(readiness)
        self.assertEqual(readiness.state, "blocked")
        self.assertEqual(set(readiness.finding_ids.mapped("severity")) & {"blocking"}, {"blocking"})

    # ------------------------------------------------------------
    # Milestones and timesheets
    # ------------------------------------------------------------

    def test_nobody_accepts_a_milestone_by_writing_it(self):
        self.milestone.with_user(self.project_manager).write({"is_reached": True})
        self.assertEqual(self.milestone.ps_acceptance_state, "awaiting")
        for field, value in (("ps_acceptance_state", "accepted"), ("ps_deemed_accepted", True)):
            self._refused("bc_manager", "project.milestone", "write", [self.milestone.ids, {field: value}])
        self._refused("bc_consultant", "project.milestone", "action_ps_accept", [self.milestone.ids])
        milestone = self._fresh(self.milestone)
        self.assertEqual(milestone.ps_acceptance_state, "awaiting")
        self.assertFalse(milestone.ps_deemed_accepted)

    def test_consultant_cannot_approve_their_own_time(self):
        line = self._log_time(self.employee_consultant, 4.0, "2026-10-06")
        self._refused("bc_consultant", "account.analytic.line", "write", [line.ids, {"ps_state": "approved"}])
        self._refused(
            "bc_consultant", "account.analytic.line", "write", [line.ids, {"ps_approved_by_id": self.controller.id}]
        )
        vals = {
            "name": "Born approved",
            "project_id": self.project.id,
            "task_id": self.task.id,
            "unit_amount": 3.0,
            "date": "2026-10-07",
        }
        self._refused("bc_consultant", "account.analytic.line", "create", [{**vals, "ps_state": "approved"}])
        new_id = self._call(
            "bc_consultant", "account.analytic.line", "create", [vals], context={"default_ps_state": "approved"}
        )
        self.assertEqual(self.env["account.analytic.line"].browse(new_id).ps_state, "draft")
        self.assertEqual(self._fresh(line).ps_state, "draft")
        self._refused("bc_consultant", "account.analytic.line", "action_ps_approve", [line.ids])
        self.assertEqual(self._fresh(line).ps_state, "draft")

    # ------------------------------------------------------------
    # Record rules: what each role reads
    # ------------------------------------------------------------

    def test_milestone_queue_lists_only_what_the_manager_may_open(self):
        others = self.env["project.project"].create({"name": "Olga's project", "user_id": self.other_manager.id})
        self.assertNotEqual(others.user_id, self.project.user_id)
        self.other_manager.password = "bc_other_pm"
        action = self.env.ref("ps_milestone_billing.project_milestone_action_acceptance")
        domain = ast.literal_eval(action.domain)
        listed = self._call("bc_other_pm", "project.milestone", "search_read", [domain, ["sale_line_id"]])
        self.assertNotIn(self.milestone.id, [row["id"] for row in listed])
        mine = self._call("bc_manager", "project.milestone", "search_read", [domain, ["sale_line_id"]])
        self.assertIn(self.milestone.id, [row["id"] for row in mine])
        for row in mine:
            self._call("bc_manager", "sale.order.line", "read", [[row["sale_line_id"][0]], ["order_id"]])

    def test_user_of_another_app_still_reads_every_sales_order(self):
        """A stock or manufacturing user reads sales orders by access right alone: the suite takes none away."""
        group = self.env["res.groups"].create(
            {
                "name": "Warehouse (another app)",
                "model_access": [
                    Command.create(
                        {"name": "orders", "model_id": self.env.ref("sale.model_sale_order").id, "perm_read": True}
                    )
                ],
            }
        )
        new_test_user(self.env, login="bc_stock", name="Stu Stock", groups="base.group_user")
        self.env["res.users"].search([("login", "=", "bc_stock")]).groups_id = [Command.link(group.id)]
        count = self.env["sale.order"].search_count([])
        self.assertEqual(self._call("bc_stock", "sale.order", "search_count", [[]]), count)
