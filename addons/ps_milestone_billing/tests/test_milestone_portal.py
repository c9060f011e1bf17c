# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MilestoneBillingCase


@tagged("post_install", "-at_install")
class TestMilestonePortal(HttpCase, MilestoneBillingCase):
    """The client's contact signs off milestones in the customer portal; nobody else can."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_user = new_test_user(
            cls.env,
            login="bc_nora",
            name="Nora North",
            password="bc_nora_portal",
            groups="base.group_portal",
            partner_id=cls.client_contact.id,
        )
        cls.other_client = cls.env["res.partner"].create({"name": "Contoso Retail", "is_company": True})
        cls.other_contact = cls.env["res.partner"].create({"name": "Otto Other", "parent_id": cls.other_client.id})
        cls.other_user = new_test_user(
            cls.env,
            login="bc_otto",
            name="Otto Other",
            password="bc_otto_portal",
            groups="base.group_portal",
            partner_id=cls.other_contact.id,
        )
        cls._reach(cls.milestone_design | cls.milestone_build)
        cls._attach_evidence(cls.milestone_design, name="design_signoff.pdf")

    def _client_message(self, milestone):
        """Return the one chatter message the client's contact wrote on ``milestone``."""
        message = milestone.message_ids.filtered(lambda m: m.author_id == self.client_contact)
        self.assertEqual(len(message), 1)
        return message

    def _url(self, milestone, suffix=""):
        return f"/my/milestones/{milestone.id}{suffix}"

    def _csrf_token(self, milestone):
        page = self.url_open(self._url(milestone))
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        self.assertTrue(match, "the page offers the decision forms")
        return match.group(1)

    def _post(self, milestone, action, **data):
        return self._post_with_token(milestone, action, self._csrf_token(milestone), **data)

    def _post_with_token(self, milestone, action, token, **data):
        response = self.url_open(self._url(milestone, f"/{action}"), data={"csrf_token": token, **data})
        # The request changed the records through its own environment.
        self.env.invalidate_all()
        return response

    def test_client_sees_awaiting_milestones_with_evidence(self):
        self.authenticate("bc_nora", "bc_nora_portal")
        listing = self.url_open("/my/milestones")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Design signed off", listing.text)
        self.assertIn("Build delivered", listing.text)
        page = self.url_open(self._url(self.milestone_design))
        self.assertIn("design_signoff.pdf", page.text)
        evidence = self.milestone_design._ps_get_evidence()
        download = self.url_open(self._url(self.milestone_design, f"/evidence/{evidence.id}"))
        self.assertEqual(download.content, b"Signed acceptance report")

    def test_client_home_counts_milestones_to_accept(self):
        self.authenticate("bc_nora", "bc_nora_portal")
        result = self.make_jsonrpc_request("/my/counters", {"counters": ["ps_milestone_count"]})
        self.assertEqual(result["ps_milestone_count"], 2)

    def test_client_accepts_milestone_with_typed_signature(self):
        self.authenticate("bc_nora", "bc_nora_portal")
        response = self._post(self.milestone_design, "accept", signatory_name="Nora North", comment="Well done")
        self.assertEqual(response.status_code, 200)
        milestone = self.milestone_design
        self.assertEqual(milestone.ps_acceptance_state, "accepted")
        self.assertEqual(milestone.ps_accepted_by_name, "Nora North")
        self.assertEqual(milestone.ps_accepted_by_partner_id, self.client_contact)
        self.assertEqual(milestone.ps_acceptance_comment, "Well done")
        message = self._client_message(milestone)
        self.assertIn("Accepted in the customer portal by Nora North (Northwind Industries, Nora North)", message.body)
        self.assertIn("IP address 127.0.0.1", message.body)
        self.assertIn("Well done", message.body)
        self.assertEqual(self.line_milestone.qty_delivered, 0.4)

    def test_client_accept_refused_without_signature(self):
        self.authenticate("bc_nora", "bc_nora_portal")
        response = self._post(self.milestone_design, "accept", signatory_name="  ")
        self.assertIn("Type your name", response.text)
        self.assertEqual(self.milestone_design.ps_acceptance_state, "awaiting")

    def test_client_rejects_milestone_with_reason(self):
        self.authenticate("bc_nora", "bc_nora_portal")
        self._post(self.milestone_build, "reject", reason="The interfaces are not tested")
        milestone = self.milestone_build
        self.assertEqual(milestone.ps_acceptance_state, "rejected")
        self.assertEqual(milestone.ps_reject_reason, "The interfaces are not tested")
        message = self._client_message(milestone)
        self.assertIn("Rejected in the customer portal by Northwind Industries, Nora North", message.body)
        self.assertIn("IP address 127.0.0.1", message.body)

    def test_client_reject_refused_without_reason(self):
        self.authenticate("bc_nora", "bc_nora_portal")
        response = self._post(self.milestone_build, "reject", reason="")
        self.assertIn("reason is required", response.text)
        self.assertEqual(self.milestone_build.ps_acceptance_state, "awaiting")

    def test_decided_milestone_cannot_be_decided_again_from_portal(self):
        self.authenticate("bc_nora", "bc_nora_portal")
        token = self._csrf_token(self.milestone_design)
        self._post(self.milestone_design, "accept", signatory_name="Nora North")
        response = self._post_with_token(self.milestone_design, "reject", token, reason="Changed my mind")
        self.assertIn("already decided", response.text)
        self.assertEqual(self.milestone_design.ps_acceptance_state, "accepted")
        self.assertNotIn('name="csrf_token"', self.url_open(self._url(self.milestone_design)).text)

    def test_other_client_cannot_see_or_decide_milestones(self):
        self.authenticate("bc_otto", "bc_otto_portal")
        listing = self.url_open("/my/milestones")
        self.assertNotIn("Design signed off", listing.text)
        page = self.url_open(self._url(self.milestone_design))
        self.assertNotIn("Design signed off", page.text)
        self.assertTrue(page.url.endswith("/my"), "redirected to the portal home")
        evidence = self.milestone_design._ps_get_evidence()
        download = self.url_open(self._url(self.milestone_design, f"/evidence/{evidence.id}"))
        self.assertNotEqual(download.content, b"Signed acceptance report")
        token = http.Request.csrf_token(self)
        self._post_with_token(self.milestone_design, "accept", token, signatory_name="Otto")
        self._post_with_token(self.milestone_build, "reject", token, reason="No")
        self.assertEqual(self.milestone_design.ps_acceptance_state, "awaiting")
        self.assertEqual(self.milestone_build.ps_acceptance_state, "awaiting")

    def test_other_client_cannot_decide_through_the_model(self):
        with self.assertRaisesRegex(Exception, "not one of your engagements"):
            self.milestone_design.with_user(self.other_user).sudo()._ps_portal_accept(self.other_contact, "Otto")
        self.assertEqual(self.milestone_design.ps_acceptance_state, "awaiting")

    def test_accept_post_refused_without_csrf_token(self):
        self.authenticate("bc_nora", "bc_nora_portal")
        response = self.url_open(self._url(self.milestone_design, "/accept"), data={"signatory_name": "Nora North"})
        self.env.invalidate_all()
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.milestone_design.ps_acceptance_state, "awaiting")
