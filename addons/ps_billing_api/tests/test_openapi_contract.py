# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The contract: the OpenAPI document the server publishes is the one checked in (docs/openapi.json)."""

import json
import pathlib

from odoo.tests import tagged

from .common import BillingApiHttpCase

REPO_DOCUMENT = pathlib.Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


@tagged("post_install", "-at_install")
class TestOpenApiContract(BillingApiHttpCase):
    def test_published_document_is_the_checked_in_one(self):
        response = self._get("/openapi.json", auth=False)
        self.assertEqual(response.status_code, 200)
        live = response.json()
        self.assertEqual(
            live,
            json.loads(REPO_DOCUMENT.read_text()),
            "the API changed: regenerate docs/openapi.json (tools/export-openapi) and review the diff",
        )

    def test_every_refusal_is_documented_as_problem_details(self):
        document = self._get("/openapi.json", auth=False).json()
        self.assertEqual(
            set(document["paths"]),
            {
                "/timesheets:batch",
                "/expenses:batch",
                "/milestones/{milestone_id}/acceptance",
                "/engagements/{reference}/readiness",
                "/events",
            },
        )
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                statuses = set(operation["responses"])
                self.assertTrue({"200", "401", "403"} <= statuses, f"{method} {path}")
                for status, response in operation["responses"].items():
                    if status >= "400":
                        self.assertEqual(
                            list(response["content"]), ["application/problem+json"], f"{method} {path} {status}"
                        )
                if method == "post":
                    self.assertIn("Idempotency-Key", [param["name"] for param in operation["parameters"]])
