# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amounts and dates written as Odoo writes them, for texts made by the thousand."""

from odoo.tools import format_date, get_lang


class Labels:
    """Amounts and dates in one language, as Odoo's ``format_amount`` and ``format_date`` write them.

    The engine writes thousands of them in a batch (findings, digest notes): the language is
    looked up once (Odoo's functions look it up for each: a tenth of the read side at size M),
    the digits are still Odoo's (``res.lang.format``), and a date, or an amount of a currency,
    met again is written once.
    """

    def __init__(self, env, lang_code=None):
        self.env = env
        self.lang_code = lang_code or get_lang(env).code
        self._lang = None
        self._amounts = {}
        self._dates = {}

    def amount(self, amount, currency):
        """Return ``amount`` in ``currency`` as ``format_amount`` writes it."""
        key = (currency.id, currency.round(amount))
        if key not in self._amounts:
            if self._lang is None:
                self._lang = get_lang(self.env, self.lang_code)
            digits = self._lang.format(f"%.{currency.decimal_places}f", key[1], grouping=True, monetary=True)
            digits = digits.replace(" ", "\N{NO-BREAK SPACE}").replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
            symbol = currency.symbol or ""
            if currency.position == "before":
                self._amounts[key] = f"{symbol}\N{NO-BREAK SPACE}{digits}"
            else:
                self._amounts[key] = f"{digits}\N{NO-BREAK SPACE}{symbol}"
        return self._amounts[key]

    def date(self, day):
        """Return ``day`` as ``format_date`` writes it."""
        if day not in self._dates:
            self._dates[day] = format_date(self.env, day, lang_code=self.lang_code)
        return self._dates[day]
