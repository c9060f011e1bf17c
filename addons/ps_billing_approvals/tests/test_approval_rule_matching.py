# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalRuleMatching(ApprovalCase):
    """Each condition of the matrix, matching and not matching."""

    def _matches(self, rule, move):
        return rule in [found for found, _checks in move._get_ps_matching_rules()[move.id]]

    # Amount ---------------------------------------------------------------
    def test_amount_min_matches_draft_at_or_above_it(self):
        rule = self._rule(amount_min=10000.0)
        self.assertTrue(self._matches(rule, self._draft(10000.0)))
        self.assertTrue(self._matches(rule, self._draft(25000.0)))

    def test_amount_min_ignores_draft_below_it(self):
        rule = self._rule(amount_min=10000.0)
        self.assertFalse(self._matches(rule, self._draft(9999.99)))

    def test_amount_max_matches_draft_below_it_only(self):
        rule = self._rule(amount_min=1000.0, amount_max=10000.0)
        self.assertTrue(self._matches(rule, self._draft(5000.0)))
        self.assertFalse(self._matches(rule, self._draft(10000.0)), "the upper bound is excluded")

    def test_amount_is_untaxed_and_positive_for_credit_notes(self):
        rule = self._rule(amount_min=10000.0)
        taxed = self._draft(9000.0, line_values={"tax_ids": [Command.set(self.product_fixed_fee.taxes_id.ids)]})
        self.assertFalse(self._matches(rule, taxed), "taxes do not count")
        self.assertTrue(self._matches(rule, self._draft(12000.0, move_type="out_refund")))

    def test_amount_in_foreign_currency_is_converted_at_invoice_date(self):
        rule = self._rule(amount_min=10000.0)
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            [
                # Company currency per EUR: 1 EUR = 2 company units in October, 1 in November.
                {"currency_id": eur.id, "name": "2026-10-01", "rate": 0.5, "company_id": self.company.id},
                {"currency_id": eur.id, "name": "2026-11-01", "rate": 1.0, "company_id": self.company.id},
            ]
        )
        october = self._draft(6000.0, currency_id=eur.id, invoice_date="2026-10-20")
        november = self._draft(6000.0, currency_id=eur.id, invoice_date="2026-11-05")
        self.assertTrue(self._matches(rule, october), "6,000 EUR are 12,000 at the October rate")
        self.assertFalse(self._matches(rule, november), "6,000 EUR are 6,000 at the November rate")

    # Margin ---------------------------------------------------------------
    def test_margin_below_matches_low_margin_draft(self):
        rule = self._rule(margin_below=20.0)
        self.employee_consultant.hourly_cost = 140.0
        move = self._invoice_engagement(10.0)
        self.assertLess(move.ps_margin_percent, 20.0)
        self.assertTrue(self._matches(rule, move))

    def test_margin_below_ignores_healthy_margin_draft(self):
        rule = self._rule(margin_below=20.0)
        move = self._invoice_engagement(10.0)
        self.assertAlmostEqual(move.ps_margin_percent, (1500.0 - 400.0) / 1500.0 * 100.0, places=2)
        self.assertFalse(self._matches(rule, move))

    # Client ---------------------------------------------------------------
    def test_partner_matches_draft_of_a_contact_of_the_client(self):
        rule = self._rule(partner_ids=[Command.set(self.client.ids)])
        self.assertTrue(self._matches(rule, self._draft(partner=self.client_contact)))

    def test_partner_ignores_draft_of_another_client(self):
        rule = self._rule(partner_ids=[Command.set(self.client.ids)])
        self.assertFalse(self._matches(rule, self._draft(partner=self.other_client)))

    def test_partner_category_matches_tagged_client_only(self):
        rule = self._rule(partner_category_ids=[Command.set(self.key_account_tag.ids)])
        self.client.category_id = self.key_account_tag
        self.assertTrue(self._matches(rule, self._draft(partner=self.client_contact)))
        self.assertFalse(self._matches(rule, self._draft(partner=self.other_client)))

    # Billing model ----------------------------------------------------------
    def test_billing_model_matches_draft_of_engagement_of_that_model(self):
        self.assertEqual(self.engagement.ps_billing_model, "milestone")
        rule = self._rule(
            billing_model_ids=[
                Command.set(
                    [
                        self.env.ref("ps_billing_readiness.billing_model_milestone").id,
                        self.env.ref("ps_billing_readiness.billing_model_retainer").id,
                    ]
                )
            ]
        )
        self.assertTrue(self._matches(rule, self._invoice_engagement()))

    def test_billing_model_ignores_other_models_and_drafts_without_engagement(self):
        rule = self._rule(
            billing_model_ids=[Command.set(self.env.ref("ps_billing_readiness.billing_model_fixed_fee").ids)]
        )
        self.assertFalse(self._matches(rule, self._invoice_engagement()))
        self.assertFalse(self._matches(rule, self._draft()))

    # Exception flags ----------------------------------------------------------
    def test_exception_flag_matches_draft_carrying_any_of_them(self):
        rule = self._rule(
            exception_flag_ids=[
                Command.set(
                    [
                        self.env.ref("ps_billing_readiness.flag_discount").id,
                        self.env.ref("ps_billing_readiness.flag_write_off").id,
                    ]
                )
            ]
        )
        move = self._draft(line_values={"discount": 25.0})
        self.assertIn("discount", move.ps_exception_flag_ids.mapped("code"))
        self.assertTrue(self._matches(rule, move))

    def test_exception_flag_ignores_draft_without_them(self):
        rule = self._rule(exception_flag_ids=[Command.set(self.env.ref("ps_billing_readiness.flag_discount").ids)])
        self.assertFalse(self._matches(rule, self._draft()))

    # Combination, company, archive ---------------------------------------------
    def test_conditions_combine_with_and(self):
        rule = self._rule(amount_min=10000.0, partner_ids=[Command.set(self.client.ids)])
        self.assertTrue(self._matches(rule, self._draft(20000.0)))
        self.assertFalse(self._matches(rule, self._draft(20000.0, partner=self.other_client)))
        self.assertFalse(self._matches(rule, self._draft(5000.0)))

    def test_rule_without_condition_matches_every_draft(self):
        rule = self._rule()
        self.assertTrue(self._matches(rule, self._draft(1.0)))

    def test_archived_rule_and_other_company_rule_do_not_match(self):
        archived = self._rule(active=False)
        other_company = self.env["res.company"].create({"name": "Other Firm"})
        foreign = self.Rule.create(
            {
                "name": "Other firm",
                "company_id": other_company.id,
                "approver_type": "group",
                "group_id": self.env.ref("base.group_user").id,
            }
        )
        move = self._draft()
        self.assertFalse(self._matches(archived, move))
        self.assertFalse(self._matches(foreign, move))

    def test_rule_needs_its_approvers(self):
        with self.assertRaises(ValidationError):
            self.Rule.create({"name": "Nobody", "approver_type": "users"})
        with self.assertRaises(ValidationError):
            self.Rule.create({"name": "No group", "approver_type": "group"})

    # Simulation --------------------------------------------------------------
    def test_simulate_shows_matching_rules_and_why(self):
        big = self._rule("Over 10k", amount_min=10000.0)
        self._rule("Over 50k", amount_min=50000.0)
        move = self._draft(12000.0)
        with Form(self.env["ps.approval.simulate"].with_user(self.administrator)) as wizard:
            wizard.move_id = move
            self.assertEqual(wizard.matching_rule_ids[:], big)
            html = str(wizard.result_html)
        self.assertIn("Over 50k", html)
        self.assertIn("No match", html)
        self.assertIn("12,000.00", html)
        self.assertIn(self.director.name, html)
        self.assertFalse(move.ps_approval_request_ids, "a simulation routes nothing")
