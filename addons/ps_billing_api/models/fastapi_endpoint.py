# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from fastapi.openapi.utils import get_openapi

from odoo import api, fields, models

from ..problems import PROBLEM_MEDIA_TYPE

API_VERSION = "1.0.0"


class FastapiEndpoint(models.Model):
    _inherit = "fastapi.endpoint"

    app = fields.Selection(selection_add=[("billing_v1", "Billing Control API v1")], ondelete={"billing_v1": "cascade"})

    def _get_fastapi_routers(self):
        if self.app == "billing_v1":
            from ..routers import router

            return [router]
        return super()._get_fastapi_routers()

    def _prepare_fastapi_app_params(self):
        params = super()._prepare_fastapi_app_params()
        if self.app == "billing_v1":
            params["version"] = API_VERSION
            # The contract is the same document on every database: docs/openapi.json is checked against it.
            params["title"] = "Billing Control API"
        return params

    def _get_app(self):
        app = super()._get_app()
        if self.app == "billing_v1":
            app.openapi = lambda: self._ps_get_openapi(app)
        return app

    @api.model
    def _ps_get_openapi(self, app):
        """Return the OpenAPI document of the app, its refusals as application/problem+json."""
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            openapi_version=app.openapi_version,
            description=(
                "Time and PSA data into Billing Control: idempotent (Idempotency-Key), validated batches, "
                "milestone acceptance from e-signature platforms, engagement readiness and the event feed."
            ),
            routes=app.routes,
            servers=[{"url": "/billing/v1"}],
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if status[0] in "45" and "application/json" in content:
                        content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
        app.openapi_schema = schema
        return schema
