# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The firm of the core's tests, with an API client (a user of the group API sync and its key) and
the mappings of a time tracker ("harvest")."""

import json
from datetime import date

from odoo.addons.ps_billing_readiness.tests.common import BillingControlCase
from odoo.tests.common import HttpCase, new_test_user

GROUP_API_SYNC = "ps_billing_api.group_api_sync"
SOURCE = "harvest"


class BillingApiCase(BillingControlCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api_user = new_test_user(cls.env, login="bc_api_sync", name="Harvest Sync", groups=GROUP_API_SYNC)
        cls.api_key = cls.env["res.users.apikeys"].with_user(cls.api_user)._generate(None, "harvest")
        Mapping = cls.env["ps.sync.mapping"]
        Mapping.create(
            [
                {
                    "source": SOURCE,
                    "res_model": "hr.employee",
                    "external_id": "u-carla",
                    "res_id": cls.employee_consultant.id,
                },
                {
                    "source": SOURCE,
                    "res_model": "hr.employee",
                    "external_id": "u-paul",
                    "res_id": cls.employee_manager.id,
                },
                {
                    "source": SOURCE,
                    "res_model": "project.project",
                    "external_id": "p-northwind",
                    "res_id": cls.project.id,
                },
                {"source": SOURCE, "res_model": "project.task", "external_id": "t-build", "res_id": cls.task.id},
            ]
        )
        cls.day = date(2026, 10, 14)

    @classmethod
    def _line(cls, external_id="h-1", **values):
        """A timesheet line of the batch API: Carla's 2 hours on the engagement, unless overridden."""
        line = {
            "source": SOURCE,
            "external_id": external_id,
            "employee": "u-carla",
            "project": "p-northwind",
            "task": "t-build",
            "date": cls.day,
            "hours": 2.0,
            "description": "Workshop",
            "state": None,
        }
        line.update(values)
        return line

    def _import(self, lines, mode="atomic"):
        return self.env["ps.api.timesheet.batch"].with_user(self.api_user)._ps_import(lines, mode)

    def _mapped(self, model, external_id, source=SOURCE):
        mapping = self.env["ps.sync.mapping"].search(
            [("source", "=", source), ("res_model", "=", model), ("external_id", "=", external_id)]
        )
        return self.env[model].browse(mapping.res_id) if mapping else self.env[model]


class BillingApiHttpCase(HttpCase, BillingApiCase):
    """Requests to /billing/v1 through the test server."""

    def _url(self, path):
        return f"{self.base_url()}/billing/v1{path}"

    def _headers(self, key=None, idempotency_key=None, auth=True):
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {key or self.api_key}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def _post(self, path, body, **kwargs):
        # The server works on the test's cursor: it sees what the test flushed, the test what it wrote.
        self.env.flush_all()
        response = self.opener.post(
            self._url(path), data=json.dumps(body, default=str), headers=self._headers(**kwargs), timeout=60
        )
        self.env.invalidate_all()
        return response

    def _get(self, path, **kwargs):
        self.env.flush_all()
        response = self.opener.get(self._url(path), headers=self._headers(**kwargs), timeout=30)
        self.env.invalidate_all()
        return response

    @classmethod
    def _json_line(cls, external_id="h-1", **values):
        line = cls._line(external_id, **values)
        line["date"] = str(line["date"])
        return {key: value for key, value in line.items() if value is not None}
