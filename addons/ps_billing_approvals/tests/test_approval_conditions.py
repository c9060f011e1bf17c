# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo import Command
from odoo.tests import Form, tagged
from odoo.tools import float_compare

from ..models.ps_approval_rule_evaluation import ApprovalCondition, compare_amounts
from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalConditions(ApprovalCase):
    """The condition table is the one evaluation path of the matrix: a rule matches a draft exactly
    when its explanation (the simulation, the request's reason) has no failing condition."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.client.category_id = cls.key_account_tag
        # A value for each condition field, setting every condition of the table at once.
        cls.every_condition = {
            "amount_min": 100.0,
            "amount_max": 50000.0,
            "margin_below": 90.0,
            "partner_ids": [Command.set(cls.client.ids)],
            "partner_category_ids": [Command.set(cls.key_account_tag.ids)],
            "billing_model_ids": [
                Command.set(
                    (
                        ref("ps_billing_readiness.billing_model_milestone")
                        | ref("ps_billing_readiness.billing_model_retainer")
                    ).ids
                )
            ],
            "exception_flag_ids": [Command.set(ref("ps_billing_readiness.flag_discount").ids)],
        }

    def _checks(self, move, rule):
        """Return the explanation of ``rule`` on ``move``, as the simulation shows it."""
        explained = move._get_ps_matching_rules(explain=True)[move.id]
        return next(checks for found, _matches, checks in explained if found == rule)

    def test_rule_matches_exactly_when_its_explanation_has_no_failing_condition(self):
        rules = self.Rule.union(
            *(self._rule(f"Only {fname}", **{fname: value}) for fname, value in self.every_condition.items()),
            self._rule("Every condition", **self.every_condition),
            self._rule("Band", amount_min=1000.0, amount_max=10000.0),
            self._rule("Large client", amount_min=10000.0, partner_ids=[Command.set(self.client.ids)]),
            self._rule("No condition"),
        )
        self.employee_consultant.hourly_cost = 140.0
        drafts = (
            self._draft(12000.0, partner=self.client_contact)
            | self._draft(10000.0, partner=self.other_client)
            | self._draft(9999.99)
            | self._draft(500.0, line_values={"discount": 25.0})
            | self._draft(12000.0, move_type="out_refund")
            | self._draft(0.0, partner=self.other_client)
            | self._invoice_engagement(10.0)
        )
        explained = drafts._get_ps_matching_rules(explain=True)
        matched = drafts._get_ps_matching_rules()
        outcomes = set()
        for draft in drafts:
            self.assertEqual(self.Rule.union(*(rule for rule, _m, _c in explained[draft.id])), rules)
            without_failure = {}
            for rule, matches, checks in explained[draft.id]:
                self.assertEqual(matches, all(passed for _label, passed, _text in checks), rule.name)
                outcomes |= {(label, passed) for label, passed, _text in checks}
                if matches:
                    without_failure[rule] = checks
            self.assertEqual(dict(matched[draft.id]), without_failure, draft.display_name)
        labels = {str(condition.label) for condition in self.Rule._get_approval_conditions()}
        for label in labels:
            self.assertIn((label, True), outcomes, f"some draft meets the condition {label}")
            self.assertIn((label, False), outcomes, f"some draft fails the condition {label}")

    def test_every_condition_of_the_table_is_explained_under_its_label(self):
        table = self.Rule._get_approval_conditions()
        self.assertEqual(len({condition.name for condition in table}), len(table), "condition names are unique")
        for condition in table:
            self.assertLessEqual(set(condition.fields), set(self.Rule._fields), condition.name)
            self.assertLessEqual(
                set(condition.fields), set(self.every_condition), f"give {condition.name} a value in this test"
            )
        rule = self._rule("Every condition", **self.every_condition)
        draft = self._invoice_engagement(10.0)
        facts = draft._get_ps_approval_facts()[draft.id]
        for condition in table:
            self.assertLessEqual(set(condition.facts), set(facts), f"the facts of a draft hold {condition.name}")
        checks = self._checks(draft, rule)
        self.assertEqual([label for label, _passed, _text in checks], [str(c.label) for c in table])
        self.assertEqual(rule._get_conditions()[rule.id][0][0].name, "amount_min")

    def test_explanation_texts_show_the_draft_against_the_rule(self):
        rule = self._rule("Every condition", **self.every_condition)
        self.employee_consultant.hourly_cost = 140.0
        checks = self._checks(self._invoice_engagement(10.0), rule)
        self.assertEqual(
            checks[:6],
            [
                # format_amount joins the symbol with a no-break space.
                ("Amount from", True, "the untaxed amount, $\xa01,500.00, is at least $\xa0100.00"),
                ("Amount below", True, "the untaxed amount, $\xa01,500.00, is under $\xa050,000.00"),
                ("Margin below", True, "the margin, 6.67 %, is under 90.00 %"),
                ("Client", True, "the client, Northwind Industries, is one of this rule's (Northwind Industries)"),
                ("Client tag", True, "the client is tagged Key account"),
                (
                    "Billing model",
                    True,
                    "the engagement is billed as Milestones, one of this rule's models (Milestones, Retainer)",
                ),
            ],
        )
        label, passed, text = checks[6]
        self.assertEqual((label, passed), ("Exception flags", False))
        self.assertRegex(text, r"^the draft carries none of the exceptions Discount \(its exceptions: .*\)$")
        self.assertEqual(
            self._checks(self._draft(), self._rule("No condition")),
            [("Every draft", True, "no condition: every draft of the company")],
        )

    def test_the_amount_shortcut_decides_as_float_compare(self):
        """compare_amounts skips the rounding of amounts clearly apart: it answers as float_compare does."""
        for rounding in (0.01, 1.0, 0.001, 0.05):
            bound = 1000.0
            for steps in range(-400, 401):
                value = bound + steps * rounding / 7
                self.assertEqual(
                    compare_amounts(value, bound, rounding),
                    float_compare(value, bound, precision_rounding=rounding),
                    f"{value} vs {bound} at {rounding}",
                )

    def test_amount_bounds_compare_at_the_company_currency_rounding(self):
        conditions = {condition.name: condition for condition in self.Rule._get_approval_conditions()}
        amount_min, amount_max = conditions["amount_min"], conditions["amount_max"]
        cents = {"amount": 999.996, "currency_rounding": 0.01}
        self.assertTrue(amount_min.test(1000.0, cents), "999.996 is 1,000.00 in a currency of cents")
        self.assertFalse(amount_min.test(1000.0, dict(cents, amount=999.99)))
        units = {"amount": 999.6, "currency_rounding": 1.0}
        self.assertTrue(amount_min.test(1000.0, units), "999.6 is 1,000 in a currency without cents")
        self.assertFalse(amount_max.test(1000.0, units), "the upper bound is excluded")

    def test_new_condition_entry_is_used_by_matching_simulation_and_routing(self):
        """A condition is one entry of the table: matching, the simulation and the request's reason see it."""
        named = ApprovalCondition(
            "client_name",
            label="Client name contains",
            fields=("description",),
            facts=("partner_name",),
            test=lambda text, facts: text in facts["partner_name"],
            explain=lambda self, text, facts: f"the client, {facts['partner_name']}, contains {text}",
        )
        table = [*self.Rule._get_approval_conditions(), named]
        rule = self._rule("Southwind only", description="Southwind")
        north, south = self._draft(partner=self.client), self._draft(partner=self.other_client)
        with patch.object(type(self.Rule), "_get_approval_conditions", lambda _self: table):
            matched = (north | south)._get_ps_matching_rules()
            self.assertEqual(
                self._checks(north, rule),
                [("Client name contains", False, "the client, Northwind Industries, contains Southwind")],
            )
            with Form(self.env["ps.approval.simulate"].with_user(self.administrator)) as wizard:
                wizard.move_id = south
                self.assertEqual(wizard.matching_rule_ids[:], rule)
                self.assertIn("Client name contains", str(wizard.result_html))
            south.with_user(self.controller).action_ps_request_approval()
        self.assertFalse(matched[north.id])
        self.assertEqual([found for found, _checks in matched[south.id]], [rule])
        self.assertEqual(south.ps_approval_request_ids.reason, "The client, Southwind Partners, contains Southwind.")
