# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An API client has only the rights it needs: it reads no invoices, whatever the way in."""

import json

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BillingApiHttpCase


@tagged("post_install", "-at_install")
class TestApiClientRights(BillingApiHttpCase):
    def test_sync_user_cannot_read_invoices(self):
        Move = self.env["account.move"].with_user(self.api_user)
        with self.assertRaises(AccessError):
            Move.search_read([], ["name", "amount_total"], limit=1)
        with self.assertRaises(AccessError):
            self.env["ps.billing.readiness"].with_user(self.api_user).search([], limit=1)

    def test_sync_user_key_reads_no_invoice_over_json_rpc(self):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    self.api_user.id,
                    self.api_key,
                    "account.move",
                    "search_read",
                    [[]],
                    {"limit": 1},
                ],
            },
        }
        self.env.flush_all()
        with mute_logger("odoo.http"):
            response = self.url_open("/jsonrpc", data=json.dumps(payload), headers={"Content-Type": "application/json"})
        error = response.json()["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

    def test_sync_user_cannot_write_mappings_or_keys(self):
        with self.assertRaises(AccessError):
            self.env["ps.sync.mapping"].with_user(self.api_user).create(
                {"source": "harvest", "res_model": "hr.employee", "external_id": "x", "res_id": 1}
            )
        with self.assertRaises(AccessError):
            self.env["ps.api.idempotency.key"].with_user(self.api_user).create(
                {
                    "user_id": self.api_user.id,
                    "key": "k",
                    "operation": "o",
                    "request_hash": "h",
                    "expires_on": "2030-01-01",
                }
            )
