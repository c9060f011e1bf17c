# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The routes over HTTP: authentication, problem details, the readiness read and milestone acceptance
where the core alone tracks no acceptance."""

import base64

from odoo.tests import new_test_user, tagged

from .common import BillingApiHttpCase

PROBLEM = "application/problem+json"


@tagged("post_install", "-at_install")
class TestApiOverHttp(BillingApiHttpCase):
    def test_batch_is_written_and_reported_per_line(self):
        response = self._post("/timesheets:batch", {"lines": [self._json_line("h-1"), self._json_line("h-2")]})
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(body["summary"], {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0})
        self.assertEqual(self._mapped("account.analytic.line", "h-2").id, body["lines"][1]["id"])

    def test_rejected_line_is_a_problem_with_one_entry_per_line(self):
        lines = [self._json_line("h-1"), self._json_line("h-2", employee="u-nobody"), self._json_line("h-3", hours=30)]
        response = self._post("/timesheets:batch", {"lines": lines})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.headers["Content-Type"], PROBLEM)
        problem = response.json()
        self.assertEqual(problem["type"], "https://billing-control.example/problems/lines-rejected")
        self.assertEqual(
            [(error["index"], error["external_id"], error["code"]) for error in problem["errors"]],
            [(1, "h-2", "employee_unmapped"), (2, "h-3", "hours_out_of_range")],
        )
        self.assertFalse(self._mapped("account.analytic.line", "h-1"))

    def test_partial_mode_over_http(self):
        lines = [self._json_line("h-1"), self._json_line("h-2", employee="u-nobody")]
        response = self._post("/timesheets:batch?mode=partial", {"lines": lines})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([line["status"] for line in response.json()["lines"]], ["created", "rejected"])

    def test_malformed_batch_is_a_problem_naming_the_line(self):
        response = self._post("/timesheets:batch", {"lines": [self._json_line("h-1"), {"source": "harvest"}]})
        self.assertEqual((response.status_code, response.headers["Content-Type"]), (422, PROBLEM))
        self.assertEqual({error["index"] for error in response.json()["errors"]}, {1})
        too_many = [self._json_line(f"h-{index}") for index in range(1001)]
        self.assertEqual(self._post("/timesheets:batch", {"lines": too_many}).status_code, 422)

    def test_requests_need_an_api_key_of_an_api_client(self):
        body = {"lines": [self._json_line()]}
        for kwargs in ({"auth": False}, {"key": "not-a-key"}):
            response = self._post("/timesheets:batch", body, **kwargs)
            self.assertEqual((response.status_code, response.headers["Content-Type"]), (401, PROBLEM))
        consultant_key = self.env["res.users.apikeys"].with_user(self.consultant)._generate(None, "mine")
        response = self._post("/timesheets:batch", body, key=consultant_key)
        self.assertEqual((response.status_code, response.headers["Content-Type"]), (403, PROBLEM))
        self.api_user.active = False
        self.assertEqual(self._post("/timesheets:batch", body).status_code, 401, "an archived client's key stops")

    def test_readiness_of_an_engagement(self):
        self._log_time(self.employee_consultant, 5.0, self.day)
        self._evaluate()
        response = self._get(f"/engagements/{self.engagement.name}/readiness")
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(body["reference"], self.engagement.name)
        october = next(period for period in body["periods"] if period["period_start"] == "2026-10-01")
        record = self.env["ps.billing.readiness"].search(
            [("sale_order_id", "=", self.engagement.id), ("period_start", "=", "2026-10-01")]
        )
        self.assertEqual(october["state"], record.state)
        self.assertEqual(october["amounts"]["deliverable"], record.amount_deliverable)
        self.assertEqual(
            sorted(finding["code"] for finding in october["findings"]), sorted(record.finding_ids.mapped("check_code"))
        )
        missing = self._get("/engagements/S-NOPE/readiness")
        self.assertEqual((missing.status_code, missing.headers["Content-Type"]), (404, PROBLEM))

    def test_milestone_acceptance_needs_the_milestone_module(self):
        milestone = self.env["project.milestone"].create({"name": "Go-live", "project_id": self.project.id})
        body = {
            "signatory": {"name": "Nora North", "email": "nora@northwind.example.com"},
            "signed_at": "2026-10-20T10:00:00+02:00",
            "document": {"filename": "go-live-signed.pdf", "content": base64.b64encode(b"%PDF signed").decode()},
            "platform": "docusign",
        }
        response = self._post(f"/milestones/{milestone.id}/acceptance", body)
        installed = self.env["ir.module.module"]._get("ps_milestone_billing").state == "installed"
        if not installed:
            self.assertEqual((response.status_code, response.headers["Content-Type"]), (409, PROBLEM))
            self.assertEqual(response.json()["type"].rsplit("/", 1)[1], "acceptance-not-tracked")
            self.assertFalse(self.env["ir.attachment"].search([("res_model", "=", "project.milestone")]))
        self.assertEqual(self._post("/milestones/999999/acceptance", body).status_code, 404)

    def test_other_users_keys_do_not_see_the_client_keys(self):
        other = new_test_user(self.env, login="bc_api_other", groups="ps_billing_api.group_api_sync")
        key = self.env["res.users.apikeys"].with_user(other)._generate(None, "jira")
        self._post("/timesheets:batch", {"lines": [self._json_line("h-1")]}, idempotency_key="k-1")
        response = self._post("/timesheets:batch", {"lines": [self._json_line("h-1")]}, key=key, idempotency_key="k-1")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Idempotent-Replayed", response.headers, "keys are per client")
