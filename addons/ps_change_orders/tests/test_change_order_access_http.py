# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Apply and approve a change order over ``/web/dataset/call_kw``, as the web client does, with hostile
values and contexts; each refusal is checked in the database afterwards."""

from odoo.addons.ps_billing_readiness.tests.common import GROUP_CONSULTANT, CallKwMixin
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ChangeOrderCase

HOSTILE_CONTEXTS = (
    {},
    {"ps_change_order_apply": True, "ps_approval_internal": True, "tracking_disable": True},
    {"default_state": "applied", "default_decided_by_name": "Forged", "active_test": False},
)


@tagged("post_install", "-at_install")
class TestChangeOrderAccessOverHttp(CallKwMixin, HttpCase, ChangeOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(cls.env, login="bc_carl_co", groups=GROUP_CONSULTANT)
        new_test_user(cls.env, login="bc_sam_co", groups="sales_team.group_sale_salesman_all_leads")
        cls.env["res.users"].search([("login", "=", "bc_manager")]).password = "bc_manager"
        cls.change = cls._change_order()
        cls.change.with_user(cls.project_manager).action_submit()

    def _assert_untouched(self):
        self.env.invalidate_all()
        self.assertEqual(self.change.state, "submitted")
        self.assertFalse(self.change.decided_by_name)
        self.assertEqual(self.line_time_materials.product_uom_qty, 100)
        self.assertFalse(self.env["ps.change.order"].search([("state", "in", ("approved", "applied"))]))

    def test_nobody_below_finance_applies_or_approves_with_any_context(self):
        ids = [self.change.id]
        for login in ("bc_carl_co", "bc_sam_co", "bc_manager"):
            for context in HOSTILE_CONTEXTS:
                self._refused(login, "ps.change.order", "action_apply", [ids], context=context)
                self._refused(login, "ps.change.order", "write", [ids, {"state": "approved"}], context=context)
                self._refused(
                    login,
                    "ps.change.order",
                    "write",
                    [ids, {"decided_by_name": "Nora North", "decided_on": "2026-11-01 10:00:00"}],
                    context=context,
                )
                self._refused(login, "ps.change.order", "_ps_do_apply", [ids], context=context)
                self._refused(login, "ps.change.order", "_ps_portal_approve", [ids, self.client_contact.id, "Nora"])
                self._refused(
                    login,
                    "ps.change.order",
                    "create",
                    [{"sale_order_id": self.engagement.id, "reason": "Forged", "state": "applied"}],
                    context=context,
                )
        self._assert_untouched()

    def test_finance_cannot_apply_a_change_the_client_did_not_approve(self):
        self.controller.password = "bc_controller"
        for context in HOSTILE_CONTEXTS:
            self._refused("bc_controller", "ps.change.order", "action_apply", [[self.change.id]], context=context)
        self._assert_untouched()
