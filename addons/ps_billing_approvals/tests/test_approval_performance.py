# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from contextlib import closing

from odoo import Command
from odoo.models import INSERT_BATCH_SIZE, PREFETCH_MAX
from odoo.tests import tagged

from .common import ApprovalCase

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestApprovalPerformance(ApprovalCase):
    """Matching and routing evaluate a batch of drafts at once: no query per draft, no search per rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        flags = cls.env["ps.exception.flag"].search([])
        models = cls.env["ps.billing.model"].search([])
        cls.rule_values = [
            {
                "name": f"Rule {index}",
                "level": 1 + index % 3,
                "amount_min": 100.0 * index,
                "margin_below": 10.0 if index % 4 == 0 else 0.0,
                "partner_ids": [Command.set(cls.client.ids)] if index % 5 == 0 else [],
                "partner_category_ids": [Command.set(cls.key_account_tag.ids)] if index % 6 == 0 else [],
                "billing_model_ids": [Command.set(models[:2].ids)] if index % 7 == 0 else [],
                "exception_flag_ids": [Command.set(flags[:2].ids)] if index % 3 == 0 else [],
                "approver_type": ("users", "group", "project_manager", "salesperson")[index % 4],
                "user_ids": [Command.set(cls.director.ids)],
                "group_id": cls.env.ref("ps_billing_readiness.group_finance_controller").id,
            }
            for index in range(200)
        ]
        cls.client.category_id = cls.key_account_tag
        # Drafts linked to the engagement's sale lines, so every relation the matrix reads is exercised.
        cls.drafts = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": (cls.client_contact if index % 2 else cls.other_client).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product_time_materials.id,
                                "quantity": 1.0 + index,
                                "price_unit": 150.0,
                                "discount": 20.0 if index % 3 == 0 else 0.0,
                                "sale_line_ids": [Command.set(cls.line_time_materials.ids)],
                            }
                        )
                    ],
                }
                for index in range(100)
            ]
        )

    def _count_queries(self, moves):
        moves._get_ps_matching_rules()  # warm-up: caches of the registry, not of the records
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        moves._get_ps_matching_rules()
        count = self.env.cr.sql_log_count - before
        _logger.info(
            "Approval matching: %s queries for %s drafts and %s rules", count, len(moves), self.Rule.search_count([])
        )
        return count

    def _with_rules(self, count):
        self.Rule.search([]).active = False
        self.Rule.create(self.rule_values[:count])

    def test_query_count_does_not_grow_with_rules(self):
        self._with_rules(5)
        few = self._count_queries(self.drafts[:20])
        self._with_rules(200)
        many = self._count_queries(self.drafts[:20])
        self.assertEqual(few, many)

    def test_query_count_does_not_grow_with_drafts(self):
        self._with_rules(50)
        few = self._count_queries(self.drafts[:5])
        many = self._count_queries(self.drafts)
        self.assertEqual(few, many)

    def test_query_count_does_not_grow_with_drafts_of_several_engagements(self):
        """Each draft bills another engagement with its own project: their projects and managers are read
        once for the batch (a union of recordsets per draft prefetched nothing: one read per draft)."""
        self._with_rules(50)
        drafts = self.env["account.move"]
        for index in range(12):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.client.id,
                    "order_line": [
                        Command.create({"product_id": self.product_time_materials.id, "product_uom_qty": 4})
                    ],
                }
            )
            order.action_confirm()
            self.assertTrue(order.order_line.project_id, "each engagement has its project")
            drafts |= self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.client_contact.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product_time_materials.id,
                                "quantity": 1.0 + index,
                                "price_unit": 150.0,
                                "sale_line_ids": [Command.set(order.order_line.ids)],
                            }
                        )
                    ],
                }
            )
        self.assertEqual(len(drafts.invoice_line_ids.sale_line_ids.project_id), 12)
        self.assertEqual(self._count_queries(drafts[:2]), self._count_queries(drafts))

    def test_matching_rules_are_found_for_the_whole_batch(self):
        self._with_rules(200)
        matches = self.drafts._get_ps_matching_rules()
        self.assertEqual(set(matches), set(self.drafts.ids))
        # Rule 1 (from 100, no other condition) catches every draft of 150 or more.
        self.assertTrue(all(matches.values()))
        self.assertIn("Rule 1", [rule.name for rule, _checks in matches[self.drafts[0].id]])

    def _route_counting_queries(self, moves):
        """Route ``moves`` in a savepoint rolled back afterwards.

        Return (queries, approvers given an activity, requests created, activities created, followers added).
        """
        followers = [("res_model", "=", "account.move"), ("res_id", "in", moves.ids)]
        with closing(self.env.cr.savepoint()):
            followers_before = self.env["mail.followers"].search_count(followers)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            moves.with_user(self.controller).action_ps_request_approval()
            self.env.flush_all()
            count = self.env.cr.sql_log_count - before
            self.assertEqual(set(moves.mapped("ps_approval_state")), {"pending"})
            activities = moves.activity_ids
            result = (
                count,
                activities.user_id,
                len(moves.ps_approval_request_ids),
                len(activities),
                self.env["mail.followers"].search_count(followers) - followers_before,
            )
        _logger.info(
            "Approval routing: %s queries for %s drafts, %s rules, %s requests, %s activities, %s followers",
            count,
            len(moves),
            self.Rule.search_count([]),
            result[2],
            result[3],
            result[4],
        )
        return result

    def test_routing_query_count_does_not_grow_with_drafts(self):
        self._with_rules(200)
        self._route_counting_queries(self.drafts[:5])  # warm-up: caches of the registry, not of the records
        # The last five drafts reach the same approvers as the whole batch: only the number of drafts differs.
        few, few_approvers, few_requests, few_activities, few_followers = self._route_counting_queries(self.drafts[-5:])
        many, many_approvers, many_requests, many_activities, many_followers = self._route_counting_queries(self.drafts)
        self.assertEqual(few_approvers, many_approvers)
        self.assertGreater(len(many_approvers), 2, "the batch reaches approvers of several kinds")
        self.assertGreater(many_requests, INSERT_BATCH_SIZE, "the batch creates more rows than one INSERT holds")

        # The only growth left is the ORM's own: one create() inserts its rows by batches of INSERT_BATCH_SIZE
        # (requests, activities, the approvers' followers), and reads back the invoice of its requests by
        # batches of PREFETCH_MAX.
        def batches(rows, size):
            return -(-rows // size)

        orm_growth = (
            batches(many_requests, INSERT_BATCH_SIZE)
            - batches(few_requests, INSERT_BATCH_SIZE)
            + batches(many_activities, INSERT_BATCH_SIZE)
            - batches(few_activities, INSERT_BATCH_SIZE)
            + batches(many_followers, INSERT_BATCH_SIZE)
            - batches(few_followers, INSERT_BATCH_SIZE)
            + batches(many_requests, PREFETCH_MAX)
            - batches(few_requests, PREFETCH_MAX)
        )
        self.assertEqual(many - orm_growth, few)

    def test_routing_a_batch_gives_each_draft_its_requests_activities_and_note(self):
        self._with_rules(200)
        drafts = self.drafts[-5:]
        matches = drafts._get_ps_matching_rules()
        drafts.with_user(self.controller).action_ps_request_approval()
        for draft in drafts:
            requests = draft.ps_approval_request_ids
            self.assertEqual(requests.rule_id, self.Rule.union(*(rule for rule, _checks in matches[draft.id])))
            first_level = min(requests.mapped("level"))
            first = requests.filtered(lambda r, level=first_level: r.level == level)
            self.assertEqual(set(first.mapped("state")), {"pending"})
            self.assertEqual(set((requests - first).mapped("state")), {"waiting"})
            self.assertTrue(all(request.approver_ids for request in first))
            self.assertEqual(draft.activity_ids.user_id, first.approver_ids)
            self.assertEqual(draft.ps_approval_round, 1)
            self.assertEqual(draft.ps_approval_snapshot, drafts._get_ps_approval_figures()[draft.id])
            notes = draft.message_ids.filtered(lambda m: "Approval required." in (m.body or ""))
            self.assertEqual(len(notes), 1)
            for request in first:
                self.assertIn(request.rule_name, notes.body)
