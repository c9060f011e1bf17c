# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Retainer terms and drawdown over ``/web/dataset/call_kw`` with hostile values and contexts, checked in
the database afterwards."""

from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_CONSULTANT, CallKwMixin
from .test_retainer import RetainerCase

HOSTILE_CONTEXTS = (
    {},
    {"tracking_disable": True, "ps_terms_keep_confirmed": True, "ps_approval_internal": True},
    {"default_hours_used": 0, "default_invoice_id": 1, "active_test": False},
)


@tagged("post_install", "-at_install")
class TestRetainerAccessOverHttp(CallKwMixin, HttpCase, RetainerCase):
    # About a hundred attacks: signing in again for each would be most of the test's time.
    CALL_SIGN_IN_ONCE = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(cls.env, login="bc_carl_ret", groups=GROUP_CONSULTANT)
        cls.salesperson = new_test_user(cls.env, login="bc_sam_ret", groups="sales_team.group_sale_salesman")
        cls.project_manager.password = "bc_manager"
        cls.retainer.user_id = cls.salesperson
        cls._log(30.0, date(2026, 10, 14))
        cls._confirm_terms(cls.retainer)
        cls._evaluate(cls.retainer, date(2026, 11, 10))
        cls.october = cls.retainer.ps_retainer_period_ids.filtered(lambda p: p.period_start == date(2026, 10, 1))

    def test_drawdown_is_written_by_the_engine_only(self):
        period = self.october
        for login in ("bc_carl_ret", "bc_sam_ret", "bc_manager"):
            for context in HOSTILE_CONTEXTS:
                self._refused(login, "ps.retainer.period", "write", [period.ids, {"hours_used": 0.0}], context=context)
                self._refused(
                    login, "ps.retainer.period", "write", [period.ids, {"alerted_threshold": 1000}], context=context
                )
                self._refused(login, "ps.retainer.period", "unlink", [period.ids], context=context)
                self._refused(
                    login,
                    "ps.retainer.period",
                    "create",
                    [{"sale_order_id": self.retainer.id, "period_start": "2026-12-01", "period_end": "2026-12-31"}],
                    context=context,
                )
                self._refused(
                    login, "sale.order", "_ps_refresh_retainer", [self.retainer.ids, "2026-11-10"], context=context
                )
        self.env.invalidate_all()
        self.assertEqual((period.hours_used, period.hours_rollover_out), (30.0, 10.0))
        self.assertEqual(len(self.retainer.ps_retainer_period_ids), 3)

    def test_retainer_terms_change_only_with_the_confirmation_withdrawn(self):
        for context in HOSTILE_CONTEXTS:
            self._refused(
                "bc_carl_ret", "sale.order", "write", [self.retainer.ids, {"ps_retainer_hours": 400}], context=context
            )
            self._refused(
                "bc_sam_ret",
                "sale.order",
                "write",
                [self.retainer.ids, {"ps_retainer_hours": 400, "ps_terms_confirmed": True}],
                context=context,
            )
        self.env.invalidate_all()
        self.assertEqual(self.retainer.ps_retainer_hours, 40.0)
        self.assertTrue(self.retainer.ps_terms_confirmed)
        # The salesperson may change the terms of their engagement: finance's confirmation goes, whatever the context.
        vals = {"ps_retainer_overage_rate": 1.0}
        self._call("bc_sam_ret", "sale.order", "write", [self.retainer.ids, vals], context=HOSTILE_CONTEXTS[1])
        self.env.invalidate_all()
        self.assertEqual(self.retainer.ps_retainer_overage_rate, 1.0)
        self.assertFalse(self.retainer.ps_terms_confirmed)
        self.assertTrue(
            self.retainer.message_ids.filtered(lambda m: "finance must confirm them again" in (m.body or ""))
        )

    def test_amount_terms_and_figures_are_protected_like_the_hours(self):
        period = self.october
        amount_vals = {"ps_retainer_unit": "amount", "ps_retainer_amount": 1.0, "ps_retainer_rollover_cap_amount": 0.0}
        for context in HOSTILE_CONTEXTS:
            self._refused("bc_carl_ret", "sale.order", "write", [self.retainer.ids, amount_vals], context=context)
            self._refused(
                "bc_sam_ret",
                "sale.order",
                "write",
                [self.retainer.ids, {**amount_vals, "ps_terms_confirmed": True}],
                context=context,
            )
            for login in ("bc_carl_ret", "bc_sam_ret", "bc_manager"):
                for vals in (
                    {"amount_used": 0.0},
                    {"amount_base": 1000000.0},
                    {"amount_rollover_in": 1000000.0},
                    {"amount_rollover_out": 1000000.0},
                    {"retainer_unit": "amount"},
                ):
                    self._refused(login, "ps.retainer.period", "write", [period.ids, vals], context=context)
        self.env.invalidate_all()
        self.assertEqual((self.retainer.ps_retainer_unit, self.retainer.ps_retainer_amount), ("hours", 0.0))
        self.assertTrue(self.retainer.ps_terms_confirmed)
        self.assertEqual((period.retainer_unit, period.amount_used, period.amount_base), ("hours", 0.0, 0.0))
        self.assertEqual((period.hours_used, period.hours_rollover_out), (30.0, 10.0))
