# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import Command
from odoo.tests import tagged

from .common import ApprovalCase

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestApprovalPerformance(ApprovalCase):
    """Routing evaluates a batch of drafts at once: no query per draft, no search per rule."""

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

    def test_matching_rules_are_found_for_the_whole_batch(self):
        self._with_rules(200)
        matches = self.drafts._get_ps_matching_rules()
        self.assertEqual(set(matches), set(self.drafts.ids))
        # Rule 1 (from 100, no other condition) catches every draft of 150 or more.
        self.assertTrue(all(matches.values()))
        self.assertIn("Rule 1", [rule.name for rule, _checks in matches[self.drafts[0].id]])
