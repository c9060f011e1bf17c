# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo.tests import HttpCase, new_test_user, tagged

from .common import ChangeOrderCase


@tagged("post_install", "-at_install")
class TestChangeOrderPortal(HttpCase, ChangeOrderCase):
    """The client's contact approves or rejects a change order in the portal, over HTTP; finance applies it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.change = cls._change_order()
        cls._attach_evidence(cls.change, name="scope_change.pdf")
        cls.change.with_user(cls.project_manager).action_submit()
        other_client = cls.env["res.partner"].create({"name": "Contoso Retail", "is_company": True})
        other_contact = cls.env["res.partner"].create({"name": "Otto Other", "parent_id": other_client.id})
        new_test_user(cls.env, login="bc_otto_co", groups="base.group_portal", partner_id=other_contact.id)

    def _url(self, suffix=""):
        return f"/my/change_orders/{self.change.id}{suffix}"

    def _post(self, action, **data):
        page = self.url_open(self._url())
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        self.assertTrue(token, "the page offers the decision forms")
        response = self.url_open(self._url(f"/{action}"), data={"csrf_token": token.group(1), **data})
        self.env.invalidate_all()
        return response

    def test_client_approves_in_portal_then_finance_applies(self):
        self.authenticate("bc_nora_co", "bc_nora_co")
        listing = self.url_open("/my/change_orders")
        self.assertIn("CO-1", listing.text)
        page = self.url_open(self._url())
        self.assertIn("120 Hours", page.text)
        self.assertIn("scope_change.pdf", page.text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["ps_change_order_count"]})
        self.assertEqual(counters["ps_change_order_count"], 1)

        response = self._post("approve", signatory_name="Nora North")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.change.state, "approved")
        self.assertEqual(
            (self.change.decided_by_partner_id, self.change.decision_ip), (self.client_contact, "127.0.0.1")
        )
        self.assertFalse(self.change.decision_recorded_by_id)
        message = self.change.message_ids.filtered(
            lambda m: m.author_id == self.client_contact and "Approved in the customer portal" in m.body
        )
        self.assertEqual(len(message), 1)
        self.assertIn("by Nora North", message.body)
        self.assertIn("IP address 127.0.0.1", message.body)
        self.assertEqual(self.line_time_materials.product_uom_qty, 100, "approval alone changes nothing billable")

        self.change.with_user(self.controller).action_apply()
        self.assertEqual(self.line_time_materials.product_uom_qty, 120)
        self.assertEqual(self.change.state, "applied")

    def test_client_rejection_in_portal_leaves_billing_unchanged(self):
        before = self._billing_snapshot()
        self.authenticate("bc_nora_co", "bc_nora_co")
        response = self._post("reject", reason="")
        self.assertIn("reason is required", response.text)
        self._post("reject", reason="Not in our budget this year")
        self.assertEqual((self.change.state, self.change.reject_reason), ("rejected", "Not in our budget this year"))
        self.assertEqual(self._billing_snapshot(), before)
        page = self.url_open(self._url())
        self.assertNotIn("o_ps_portal_approve", page.text, "a decided change order offers no decision")

    def test_other_client_cannot_see_or_decide(self):
        self.authenticate("bc_otto_co", "bc_otto_co")
        self.assertNotIn("CO-1", self.url_open("/my/change_orders").text)
        page = self.url_open(self._url())
        self.assertNotIn("CO-1", page.text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.url_open("/my").text)
        csrf = token.group(1) if token else ""
        self.url_open(self._url("/approve"), data={"csrf_token": csrf, "signatory_name": "Otto"})
        self.env.invalidate_all()
        self.assertEqual(self.change.state, "submitted")
