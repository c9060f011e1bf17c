# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import tagged
from odoo.tools import format_amount, format_date

from ..models.ps_readiness_evaluation import ReadinessEvaluation
from .common import BillingControlCase


@tagged("post_install", "-at_install")
class TestEvaluationFormatting(BillingControlCase):
    """The findings' texts write amounts exactly as Odoo's format_amount does, in the evaluation's language."""

    def test_amounts_are_written_as_odoo_writes_them(self):
        records = self._evaluate()
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", ("EUR", "USD", "JPY", "KWD", "CHF"))])
        )
        self.assertEqual(len(currencies), 5)
        self.assertEqual({c.position for c in currencies}, {"before", "after"}, "symbols on both sides")
        self.assertLessEqual({0, 2, 3}, {c.decimal_places for c in currencies})
        amounts = [0.0, 0.004, 0.005, 1.5, -1.5, 999.995, 1234.5, -1234567.891, 12345678.9]
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["res.lang"]._activate_lang("de_DE")
        for lang in ("en_US", "fr_FR", "de_DE"):
            lang_records = records.with_context(lang=lang)
            evaluation = ReadinessEvaluation(lang_records, self.today)
            for currency in currencies:
                for amount in amounts + amounts:  # the second time from the evaluation's memory
                    with self.subTest(lang=lang, currency=currency.name, amount=amount):
                        self.assertEqual(
                            evaluation.format_amount(amount, currency),
                            format_amount(lang_records.env, amount, currency, lang),
                        )
            for day in (date(2026, 1, 31), date(2026, 11, 10), date(2026, 12, 1), date(2026, 12, 1)):
                with self.subTest(lang=lang, day=day):
                    self.assertEqual(evaluation.format_date(day), format_date(lang_records.env, day, lang_code=lang))
        # Written in the language of the evaluation: the French grouping and decimal comma.
        eur = currencies.filtered(lambda c: c.name == "EUR")
        french = ReadinessEvaluation(records.with_context(lang="fr_FR"), self.today).format_amount(1234.5, eur)
        self.assertIn("234,50", french)
