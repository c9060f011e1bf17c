# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Property-based fuzzing of every operation of the published OpenAPI document (schemathesis): no
server error, and every answer (status, media type, body) is one the document declares."""

from hypothesis import HealthCheck, given, settings
from schemathesis import openapi as schemathesis_openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BillingApiHttpCase

# Examples per operation: enough to reach every rule's refusal, small enough for the test run.
EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@tagged("post_install", "-at_install")
class TestApiFuzz(BillingApiHttpCase):
    def test_every_operation_answers_as_documented(self):
        document = self._get("/openapi.json", auth=False).json()
        schema = schemathesis_openapi.from_dict(document)
        base_url = f"{self.base_url()}/billing/v1"
        headers = self._headers()
        headers.pop("Content-Type")
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertEqual(len(operations), 5)
        for operation in operations:

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def call(case):
                self.env.flush_all()
                response = case.call(base_url=base_url, headers=headers, timeout=60)
                self.env.invalidate_all()
                case.validate_response(response, checks=CHECKS, headers=headers)

            with self.subTest(operation=operation.label), mute_logger("odoo.http"):
                call()
