# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who sees a milestone's acceptance and evidence, tried over real HTTP as the web client does.

Two firms share the database: the test firm (company A) and Southwind Advisory (company B).
A's project manager and finance controller call ``/web/dataset/call_kw`` on B's milestones;
a client's contact calls it and the portal routes on another client's milestone. Each
refusal is checked in the database afterwards.
"""

import base64
import re

from odoo import Command
from odoo.addons.ps_billing_readiness.tests.common import GROUP_FINANCE_CONTROLLER, CallKwMixin
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MilestoneBillingCase

PORTAL_LOGIN = "bc_nora_portal"  # the password is the login
MILESTONE_FIELDS = [
    "name",
    "ps_acceptance_state",
    "ps_accepted_by_name",
    "ps_awaiting_since",
    "ps_evidence_count",
]


@tagged("post_install", "-at_install")
class TestMilestoneAccessOverHttp(CallKwMixin, HttpCase, MilestoneBillingCase):
    REFUSED_ERROR = "AccessError"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._reach(cls.milestone_design | cls.milestone_build)
        cls.evidence_a = cls._attach_evidence(cls.milestone_design, name="design_signoff.pdf")
        cls.milestones_a = cls.milestone_design | cls.milestone_build
        cls.client_user = new_test_user(
            cls.env,
            login=PORTAL_LOGIN,
            name="Nora North",
            groups="base.group_portal",
            partner_id=cls.client_contact.id,
        )

        # Another client of the same firm, with a milestone awaiting its own contact.
        other_client = cls.env["res.partner"].create({"name": "Contoso Retail", "is_company": True})
        cls.other_go_live = cls._milestone_engagement(cls.env, other_client, "Contoso go-live")
        cls.other_evidence = cls._evidence(cls.other_go_live, "contoso_go_live.pdf", b"Contoso's signed report")

        # Another firm in the same database.
        cls.company_b = cls.env["res.company"].create({"name": "Southwind Advisory"})
        cls.controller_b = new_test_user(
            cls.env,
            login="bc_controller_b",
            name="Bea Controller",
            groups=GROUP_FINANCE_CONTROLLER,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        env_b = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company_b.ids))
        client_b = env_b["res.partner"].create({"name": "Southwind Client", "is_company": True})
        cls.go_live_b = cls._milestone_engagement(env_b, client_b, "Southwind go-live", company=cls.company_b)
        cls.design_b = env_b["project.milestone"].create(
            {
                "name": "Southwind design",
                "project_id": cls.go_live_b.project_id.id,
                "sale_line_id": cls.go_live_b.sale_line_id.id,
                "quantity_percentage": 0.5,
            }
        )
        cls.design_b.is_reached = True
        cls.design_b.with_user(cls.controller_b).action_ps_accept(signatory_name="Sam South")
        cls.evidence_b = cls._evidence(cls.go_live_b, "southwind_go_live.pdf", b"Southwind's signed report")
        cls.milestones_b = cls.go_live_b | cls.design_b

    @classmethod
    def _milestone_engagement(cls, env, client, name, company=None):
        """Sell ``client`` a milestone engagement; return its one milestone ``name``, reached (awaiting)."""
        order = env["sale.order"].create(
            {
                "partner_id": client.id,
                **({"company_id": company.id} if company else {}),
                "order_line": [Command.create({"product_id": cls.product_milestone.id, "product_uom_qty": 1.0})],
            }
        )
        order.action_confirm()
        project = order.order_line.project_id
        project.milestone_ids.unlink()
        milestone = env["project.milestone"].create(
            {
                "name": name,
                "project_id": project.id,
                "sale_line_id": order.order_line.id,
                "quantity_percentage": 0.5,
            }
        )
        milestone.is_reached = True
        return milestone

    @classmethod
    def _evidence(cls, milestone, name, content):
        return cls.env["ir.attachment"].create(
            {
                "name": name,
                "res_model": "project.milestone",
                "res_id": milestone.id,
                "datas": base64.b64encode(content),
            }
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _csrf_token(self, milestone):
        page = self.url_open(f"/my/milestones/{milestone.id}")
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        self.assertTrue(match, "the page offers the decision forms")
        return match.group(1)

    def _state(self, milestones):
        """Return what the database holds of ``milestones``' acceptance, read afresh."""
        self.env.invalidate_all()
        return [
            (m.name, m.ps_acceptance_state, m.ps_accepted_by_name or False, len(m.message_ids))
            for m in milestones.sudo()
        ]

    # ------------------------------------------------------------
    # Two companies
    # ------------------------------------------------------------

    def test_company_a_never_reads_company_b_acceptance_or_evidence(self):
        self.assertEqual(self.design_b.ps_accepted_by_name, "Sam South")
        b_ids = self.milestones_b.ids
        for login in ("bc_manager", "bc_controller"):
            with self.subTest(login=login):
                rows = self._call(login, "project.milestone", "search_read", [[]], {"fields": MILESTONE_FIELDS})
                ids = {row["id"] for row in rows}
                self.assertLessEqual(set(self.milestones_a.ids), ids, "their own company's milestones are listed")
                self.assertFalse(ids & set(b_ids))
                self.assertNotIn("Sam South", {row["ps_accepted_by_name"] for row in rows})
                self.assertEqual(
                    self._call(
                        login,
                        "project.milestone",
                        "read_group",
                        [[("id", "in", b_ids)], ["ps_acceptance_state"], ["ps_acceptance_state"]],
                    ),
                    [],
                )
                self._refused(login, "project.milestone", "read", [b_ids, MILESTONE_FIELDS])
                # Asking for company B in the context is refused, not granted.
                self._refused(
                    login,
                    "project.milestone",
                    "search_read",
                    [[("id", "in", b_ids)]],
                    {"fields": MILESTONE_FIELDS},
                    context={"allowed_company_ids": [self.company.id, self.company_b.id]},
                )
                self._refused(login, "project.milestone", "action_ps_view_evidence", [self.go_live_b.ids])
                attachments = self._call(
                    login,
                    "ir.attachment",
                    "search_read",
                    [[("res_model", "=", "project.milestone")]],
                    {"fields": ["name", "res_id"]},
                )
                names = {row["name"] for row in attachments}
                self.assertIn("design_signoff.pdf", names)
                self.assertNotIn("southwind_go_live.pdf", names)
                self._refused(login, "ir.attachment", "read", [self.evidence_b.ids, ["name", "datas"]])
                for model in ("mail.message", "mail.activity"):
                    id_field, model_field = ("res_id", "model") if model == "mail.message" else ("res_id", "res_model")
                    found = self._call(
                        login,
                        model,
                        "search_read",
                        [[(model_field, "=", "project.milestone"), (id_field, "in", b_ids)]],
                        {"fields": ["id"]},
                    )
                    self.assertEqual(found, [], f"{model} of company B's milestones")

    def test_company_a_cannot_decide_company_b_milestones(self):
        before = self._state(self.milestones_b)
        for login in ("bc_manager", "bc_controller"):
            with self.subTest(login=login):
                self._refused(
                    login, "project.milestone", "action_ps_accept", [self.go_live_b.ids], {"signatory_name": "Fiona"}
                )
                self._refused(login, "project.milestone", "action_ps_reject", [self.design_b.ids], {"reason": "No"})
                self._refused(login, "project.milestone", "action_ps_resubmit", [self.design_b.ids])
                self._refused(
                    login,
                    "project.milestone",
                    "action_ps_open_decision",
                    [self.go_live_b.ids],
                    context={"ps_decision": "accept"},
                )
                wizard_id = self._call(
                    login,
                    "ps.milestone.decision",
                    "create",
                    [{"milestone_ids": [Command.set(self.go_live_b.ids)], "decision": "accept", "signatory_name": "X"}],
                )
                self._refused(login, "ps.milestone.decision", "action_confirm", [[wizard_id]])
                self._refused(
                    login,
                    "ir.attachment",
                    "create",
                    [
                        {
                            "name": "forged.pdf",
                            "res_model": "project.milestone",
                            "res_id": self.go_live_b.id,
                            "datas": base64.b64encode(b"forged").decode(),
                        }
                    ],
                )
        self.assertEqual(self._state(self.milestones_b), before)
        self.assertEqual(self.go_live_b.sudo().ps_evidence_count, 1)

    def test_company_b_escalation_reaches_its_own_controllers_only(self):
        self.go_live_b.sudo()._ps_escalate()
        activities = self._activities(self.go_live_b, "ps_milestone_billing.mail_activity_type_acceptance_escalation")
        self.assertIn(self.controller_b, activities.user_id)
        self.assertNotIn(self.controller, activities.user_id)
        found = self._call(
            "bc_controller",
            "mail.activity",
            "search_read",
            [[("res_model", "=", "project.milestone")]],
            {"fields": ["res_id"]},
        )
        self.assertFalse({row["res_id"] for row in found} & set(self.milestones_b.ids))

    # ------------------------------------------------------------
    # The client's portal
    # ------------------------------------------------------------

    def test_portal_client_reads_only_its_own_milestones_over_call_kw(self):
        rows = self._call(PORTAL_LOGIN, "project.milestone", "search_read", [[]], {"fields": MILESTONE_FIELDS})
        self.assertEqual(sorted(row["name"] for row in rows), ["Build delivered", "Design signed off"])
        for other in (self.other_go_live, self.go_live_b):
            with self.subTest(milestone=other.name):
                self._refused(PORTAL_LOGIN, "project.milestone", "read", [other.ids, MILESTONE_FIELDS])
        for evidence in (self.other_evidence, self.evidence_b):
            with self.subTest(evidence=evidence.name):
                self._refused(PORTAL_LOGIN, "ir.attachment", "read", [evidence.ids, ["datas"]])

    def test_portal_client_cannot_decide_through_the_backend_methods(self):
        """The portal decides through its own routes only: the backend actions refuse a client's contact."""
        before = self._state(self.milestones_a | self.other_go_live)
        own, other = self.milestone_design, self.other_go_live
        for milestone in (own, other):
            with self.subTest(milestone=milestone.name):
                self._refused(
                    PORTAL_LOGIN,
                    "project.milestone",
                    "action_ps_accept",
                    [milestone.ids],
                    {"signatory_name": "Nora"},
                )
                self._refused(PORTAL_LOGIN, "project.milestone", "action_ps_reject", [milestone.ids], {"reason": "No"})
                self._refused(
                    PORTAL_LOGIN, "project.milestone", "write", [milestone.ids, {"ps_acceptance_state": "accepted"}]
                )
        self.assertEqual(self._state(self.milestones_a | self.other_go_live), before)

    def test_portal_client_cannot_open_download_or_decide_another_clients_milestone(self):
        before = self._state(self.other_go_live | self.go_live_b)
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        listing = self.url_open("/my/milestones")
        self.assertIn("Design signed off", listing.text)
        self.assertNotIn("Contoso go-live", listing.text)
        self.assertNotIn("Southwind go-live", listing.text)
        for other, evidence in ((self.other_go_live, self.other_evidence), (self.go_live_b, self.evidence_b)):
            with self.subTest(milestone=other.name):
                page = self.url_open(f"/my/milestones/{other.id}")
                self.assertTrue(page.url.endswith("/my"), "redirected to the portal home")
                self.assertNotIn(other.name, page.text)
                for url in (
                    f"/my/milestones/{other.id}/evidence/{evidence.id}",
                    # Their own milestone's address with another client's file.
                    f"/my/milestones/{self.milestone_design.id}/evidence/{evidence.id}",
                ):
                    download = self.url_open(url)
                    self.assertNotIn(b"signed report", download.content)
                # A valid token of the session, taken from a form of their own milestone.
                token = self._csrf_token(self.milestone_design)
                for action, data in (("accept", {"signatory_name": "Nora North"}), ("reject", {"reason": "No"})):
                    response = self.url_open(f"/my/milestones/{other.id}/{action}", data={"csrf_token": token, **data})
                    self.assertEqual(response.status_code, 200)
                    self.assertTrue(response.url.endswith("/my"), "refused: back to the portal home")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["ps_milestone_count"]})
        self.assertEqual(counters["ps_milestone_count"], 2)
        self.assertEqual(self._state(self.other_go_live | self.go_live_b), before)
        self.assertEqual(
            [(m.ps_acceptance_state, m.ps_accepted_by_partner_id) for m in (self.other_go_live | self.go_live_b)],
            [("awaiting", self.env["res.partner"])] * 2,
        )
