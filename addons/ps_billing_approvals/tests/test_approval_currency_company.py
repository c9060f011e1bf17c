# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import ApprovalCase


class CurrencyCompanyCase(ApprovalCase):
    """The firm (company A, in its currency) with a second company B in euros, each with its own rates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.env.ref("base.EUR")
        cls.usd = cls.env.ref("base.USD")
        (cls.eur | cls.usd).active = True
        assert cls.currency == cls.usd, "the test firm counts in dollars"
        # Rates of this test only: the demo's would decide otherwise.
        (cls.eur | cls.usd).rate_ids.unlink()
        cls.env["res.currency.rate"].create(
            [
                # Company A: 1 USD = 0.90 EUR in October, 1.10 EUR from November.
                {"currency_id": cls.eur.id, "name": "2026-10-01", "rate": 0.9, "company_id": cls.company.id},
                {"currency_id": cls.eur.id, "name": "2026-11-01", "rate": 1.1, "company_id": cls.company.id},
            ]
        )
        cls.margin_unknown = cls.env.ref("ps_billing_readiness.flag_margin_unknown")

    @classmethod
    def _foreign_draft(cls, amount, currency, invoice_date=None, company=None, **line):
        """A draft of one line of ``amount`` in ``currency`` (no tax), of ``company`` (A by default)."""
        company = company or cls.company
        return (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.client.id,
                    "currency_id": currency.id,
                    "invoice_date": invoice_date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product_time_materials.id,
                                "quantity": 1.0,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                                **line,
                            }
                        )
                    ],
                }
            )
            .with_env(cls.env)
        )

    def _matching(self, move):
        return self.Rule.union(*(rule for rule, _checks in move._get_ps_matching_rules()[move.id]))

    def _texts(self, move, rule):
        explained = move._get_ps_matching_rules(explain=True)[move.id]
        return next([text for _label, _passed, text in checks] for found, _m, checks in explained if found == rule)


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10")
class TestApprovalCurrency(CurrencyCompanyCase):
    """Thresholds are in company currency; a foreign-currency draft is converted at its invoice date."""

    def test_foreign_draft_converts_at_its_invoice_date_to_the_cent(self):
        from_1111_11 = self._rule("From 1,111.11", amount_min=1111.11)
        from_1111_12 = self._rule("From 1,111.12", amount_min=1111.12)
        below_909_10 = self._rule("Below 909.10", amount_max=909.10)
        below_909_09 = self._rule("Below 909.09", amount_max=909.09)
        move = self._foreign_draft(1000.0, self.eur, "2026-10-20")
        # 1,000.00 EUR at 0.90 EUR per dollar: 1,111.11 USD.
        self.assertEqual(round(move.amount_untaxed_signed, 2), 1111.11)
        self.assertEqual(self._matching(move), from_1111_11)
        self.assertEqual(
            self._texts(move, from_1111_11),
            ["the untaxed amount, 1,000.00\xa0€ ($\xa01,111.11 at the rate of 10/20/2026), is at least $\xa01,111.11"],
        )
        self.assertEqual(
            self._texts(move, from_1111_12),
            ["the untaxed amount, 1,000.00\xa0€ ($\xa01,111.11 at the rate of 10/20/2026), is under $\xa01,111.12"],
        )
        # The same draft dated in November: 1,000.00 EUR at 1.10 EUR per dollar, 909.09 USD.
        move.invoice_date = "2026-11-05"
        self.assertEqual(round(move.amount_untaxed_signed, 2), 909.09)
        self.assertEqual(self._matching(move), below_909_10)
        self.assertEqual(
            self._texts(move, below_909_09),
            ["the untaxed amount, 1,000.00\xa0€ ($\xa0909.09 at the rate of 11/05/2026), is $\xa0909.09 or more"],
        )

    def test_routed_request_keeps_the_converted_amount(self):
        rule = self._rule("From 1,111.11", amount_min=1111.11)
        move = self._foreign_draft(1000.0, self.eur, "2026-10-20")
        move.with_user(self.controller).action_ps_request_approval()
        request = move.ps_approval_request_ids
        self.assertEqual((request.rule_id, request.state), (rule, "pending"))
        self.assertEqual(round(request.amount_untaxed, 2), 1111.11)
        self.assertIn("1,000.00\xa0€ ($\xa01,111.11 at the rate of 10/20/2026)", request.reason)

    def test_undated_draft_converts_at_its_accounting_date(self):
        rule = self._rule("From 1,000.00", amount_min=1000.0)
        move = self._foreign_draft(1000.0, self.eur)
        self.assertFalse(move.invoice_date)
        self.assertEqual(str(move.date), "2026-11-10", "a draft not dated yet is dated today")
        self.assertEqual(round(move.amount_untaxed_signed, 2), 909.09, "at November's rate")
        self.assertFalse(self._matching(move) & rule)


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10")
class TestApprovalTwoCompanies(CurrencyCompanyCase):
    """Each company's matrix routes its own drafts only, its amounts in its own currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "Firm B", "currency_id": cls.eur.id, "country_id": cls.env.ref("base.be").id}
        )
        cls.env.user.company_ids |= cls.company_b
        cls.env["account.chart.template"].try_loading("generic_coa", company=cls.company_b, install_demo=False)
        cls.company_b.currency_id = cls.eur
        cls.director.company_ids |= cls.company_b
        # Company B: 1 EUR = 1.25 USD, so 1,500.00 USD are 1,200.00 EUR.
        cls.env["res.currency.rate"].create(
            {"currency_id": cls.usd.id, "name": "2026-10-01", "rate": 1.25, "company_id": cls.company_b.id}
        )
        # The same figure in both matrices: 1,250 dollars in A, 1,250 euros in B.
        cls.rule_a = cls._rule("A from 1,250", amount_min=1250.0)
        cls.rule_b = cls._rule("B from 1,250", amount_min=1250.0, company_id=cls.company_b.id)
        cls.rule_b_all = cls._rule("B every draft", company_id=cls.company_b.id)

    def test_rules_of_company_b_never_route_a_draft_of_company_a(self):
        small_a = self._foreign_draft(900.0, self.usd, "2026-10-20")
        large_a = self._foreign_draft(1500.0, self.usd, "2026-10-20")
        self.assertEqual(self._matching(small_a), self.Rule, "B's rule for every draft is B's")
        self.assertEqual(self._matching(large_a), self.rule_a)
        (small_a | large_a).with_user(self.controller).action_ps_request_approval()
        self.assertEqual(small_a.ps_approval_state, "not_required")
        self.assertEqual(large_a.ps_approval_request_ids.rule_id, self.rule_a)
        self.assertEqual(large_a.ps_approval_request_ids.company_id, self.company)

    def test_drafts_of_company_b_meet_its_rules_only(self):
        draft_b = self._foreign_draft(1300.0, self.eur, "2026-10-20", company=self.company_b)
        self.assertEqual(draft_b.company_id, self.company_b)
        self.assertEqual(round(draft_b.amount_untaxed_signed, 2), 1300.0)
        self.assertEqual(self._matching(draft_b), self.rule_b | self.rule_b_all)
        draft_b.sudo()._ps_route_approval()
        requests = draft_b.ps_approval_request_ids
        self.assertEqual(requests.rule_id, self.rule_b | self.rule_b_all)
        self.assertEqual(set(requests.mapped("company_id")), {self.company_b})
        self.assertEqual(requests.mapped("amount_untaxed"), [1300.0, 1300.0])

    def test_amounts_compare_in_each_companys_own_currency(self):
        dollars_in_a = self._foreign_draft(1500.0, self.usd, "2026-10-20")
        dollars_in_b = self._foreign_draft(1500.0, self.usd, "2026-10-20", company=self.company_b)
        euros_in_a = self._foreign_draft(1300.0, self.eur, "2026-10-20")
        # 1,500.00 USD: 1,500.00 in A's dollars, 1,200.00 in B's euros (B's own rate).
        self.assertEqual(round(dollars_in_a.amount_untaxed_signed, 2), 1500.0)
        self.assertEqual(round(dollars_in_b.amount_untaxed_signed, 2), 1200.0)
        self.assertEqual(self._matching(dollars_in_a), self.rule_a)
        self.assertEqual(self._matching(dollars_in_b), self.rule_b_all, "1,200.00 EUR are under B's 1,250 EUR")
        self.assertEqual(
            self._texts(dollars_in_b, self.rule_b),
            ["the untaxed amount, $\xa01,500.00 (1,200.00\xa0€ at the rate of 10/20/2026), is under 1,250.00\xa0€"],
        )
        # 1,300.00 EUR in A: 1,444.44 USD at A's October rate, over A's 1,250 dollars.
        self.assertEqual(round(euros_in_a.amount_untaxed_signed, 2), 1444.44)
        self.assertEqual(self._matching(euros_in_a), self.rule_a)


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10")
class TestApprovalMarginAndReasons(CurrencyCompanyCase):
    """An unknown margin is caught by the margin rules and its flag; reasons read as sentences."""

    def test_unknown_margin_is_matched_by_a_margin_rule_and_by_its_flag(self):
        margin_rule = self._rule("Low margin", margin_below=20.0)
        flag_rule = self._rule("Unknown margin", exception_flag_ids=[Command.set(self.margin_unknown.ids)])
        move = self._draft(15000.0, line_values={"product_id": False, "name": "Advisory"})
        self.assertFalse(move.ps_cost_known)
        self.assertIn(self.margin_unknown, move.ps_exception_flag_ids)
        self.assertIsNone(move._get_ps_approval_facts()[move.id]["margin"], "unknown, not 0 nor 100")
        self.assertEqual(self._matching(move), margin_rule | flag_rule)
        self.assertEqual(
            self._texts(move, margin_rule),
            [
                "the margin is unknown, as the cost of a line is (see the Margin unknown exception): "
                "taken as under 20.00 %"
            ],
        )
        self.assertEqual(self._texts(move, flag_rule), ["the draft carries the exception Margin unknown"])
        move.with_user(self.controller).action_ps_request_approval()
        self.assertEqual(move.ps_approval_state, "pending")
        self.assertEqual(move.ps_approval_request_ids.rule_id, margin_rule | flag_rule)

    def test_known_margin_compares_to_the_hundredth(self):
        self.employee_consultant.hourly_cost = 60.0
        at_60 = self._rule("Under 60.00 %", margin_below=60.0)
        at_60_01 = self._rule("Under 60.01 %", margin_below=60.01)
        # 12 h at 150 by a consultant costing 60: 60.00 %.
        move = self._invoice_engagement(12.0)
        self.assertEqual((move.amount_untaxed, move.ps_cost_amount), (1800.0, 720.0))
        self.assertEqual(self._matching(move), at_60_01)
        self.assertEqual(self._texts(move, at_60), ["the margin, 60.00 %, is 60.00 % or more"])
        self.assertEqual(self._texts(move, at_60_01), ["the margin, 60.00 %, is under 60.01 %"])

    def test_draft_of_no_amount_is_not_caught_by_the_margin(self):
        rule = self._rule("Low margin", margin_below=20.0)
        move = self._draft(0.0, line_values={"product_id": False, "name": "Nothing yet"})
        self.assertFalse(self._matching(move) & rule)
        self.assertEqual(self._texts(move, rule), ["the draft has no amount, hence no margin to compare to 20.00 %"])

    def test_reasons_read_as_sentences_with_the_figures(self):
        self.employee_consultant.hourly_cost = 140.0
        self.company.ps_margin_target = 5.0  # no Margin below target flag
        self.client.category_id = self.key_account_tag
        rule = self._rule(
            "Key accounts on milestones",
            amount_min=1000.0,
            amount_max=50000.0,
            margin_below=20.0,
            partner_ids=[Command.set(self.client.ids)],
            partner_category_ids=[Command.set(self.key_account_tag.ids)],
            billing_model_ids=[Command.set(self.env.ref("ps_billing_readiness.billing_model_milestone").ids)],
            exception_flag_ids=[Command.set(self.env.ref("ps_billing_readiness.flag_discount").ids)],
        )
        move = self._invoice_engagement(10.0)
        # 10 h at 150 = 1,500.00; 10 h at 140 = 1,400.00 of cost: 6.67 %.
        self.assertEqual(
            self._texts(move, rule),
            [
                "the untaxed amount, $\xa01,500.00, is at least $\xa01,000.00",
                "the untaxed amount, $\xa01,500.00, is under $\xa050,000.00",
                "the margin, 6.67 %, is under 20.00 %",
                "the client, Northwind Industries, is one of this rule's (Northwind Industries)",
                "the client is tagged Key account",
                "the engagement is billed as Milestones, one of this rule's models (Milestones)",
                "the draft carries none of the exceptions Discount (its exceptions: none)",
            ],
        )
        other = self._draft(800.0, partner=self.other_client)
        self.assertEqual(
            self._texts(other, rule)[3:6],
            [
                "the client, Southwind Partners, is not one of this rule's (Northwind Industries)",
                "the client is tagged none of Key account (its tags: none)",
                "the draft bills no engagement with a billing model (this rule's: Milestones)",
            ],
        )
        for texts in (self._texts(move, rule), self._texts(other, rule)):
            for text in texts:
                self.assertNotIn(" vs. ", text)


# Context keys a client might send to have an unknown margin pass.
HOSTILE_CONTEXT = {
    "active_test": False,
    "default_ps_cost_known": True,
    "default_ps_margin_percent": 99.0,
    "default_ps_exception_flag_ids": [],
    "ps_approval_internal": True,
    "ps_approval_no_recheck": True,
    "tracking_disable": True,
}


@tagged("post_install", "-at_install")
class TestApprovalMarginOverHttp(HttpCase, ApprovalCase):
    """A billing clerk over the external API cannot have a draft of unknown margin pass the margin rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(cls.env, login="bc_clerk", name="Bill Clerk", groups="account.group_account_invoice")
        cls.margin_rule = cls._rule("Low margin", margin_below=20.0)

    def _call(self, model, method, args):
        self.authenticate("bc_clerk", "bc_clerk")
        params = {"model": model, "method": method, "args": args, "kwargs": {"context": HOSTILE_CONTEXT}}
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", params)

    def test_unknown_margin_draft_is_routed_to_the_margin_rule_whatever_the_context(self):
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.client.id,
            "invoice_line_ids": [
                Command.create({"name": "Advisory", "quantity": 1, "price_unit": 15000.0, "tax_ids": []})
            ],
        }
        move = self.env["account.move"].browse(self._call("account.move", "create", [vals]))
        with mute_logger("odoo.http"):
            for forged in ({"ps_cost_known": True}, {"ps_margin_percent": 99.0}):
                with self.assertRaises(JsonRpcException):
                    self._call("account.move", "write", [move.ids, forged])
        self._call("account.move", "action_ps_request_approval", [move.ids])
        self.env.invalidate_all()
        self.assertEqual((move.ps_cost_known, move.ps_margin_percent, move.ps_approval_state), (False, 0.0, "pending"))
        # Only the active margin rule: the archived demo rules stay archived whatever active_test says.
        self.assertEqual(move.ps_approval_request_ids.rule_id, self.margin_rule)
        self.assertEqual(move.ps_approval_request_ids.state, "pending")
