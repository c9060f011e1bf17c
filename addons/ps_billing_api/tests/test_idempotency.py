# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header): replay, reuse with another body,
a request in flight, expiry."""

import threading
from datetime import timedelta

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import tagged

from .common import BillingApiHttpCase


@tagged("post_install", "-at_install")
class TestIdempotency(BillingApiHttpCase):
    def _batch(self, *external_ids, **values):
        return {"lines": [self._json_line(external_id, **values) for external_id in external_ids]}

    def _line_count(self):
        return self.env["ps.sync.mapping"].search_count([("res_model", "=", "account.analytic.line")])

    def test_same_key_and_body_replays_the_stored_response(self):
        first = self._post("/timesheets:batch", self._batch("h-1", "h-2"), idempotency_key="batch-1")
        self.assertEqual(first.status_code, 200)
        # The lines change in Odoo meanwhile: a replay answers what the first request did, and writes nothing.
        self._mapped("account.analytic.line", "h-1").unit_amount = 1.0
        replay = self._post("/timesheets:batch", self._batch("h-1", "h-2"), idempotency_key="batch-1")
        self.assertEqual((replay.status_code, replay.json()), (200, first.json()))
        self.assertEqual(replay.headers.get("Idempotent-Replayed"), "true")
        self.assertNotIn("Idempotent-Replayed", first.headers)
        self.assertEqual(self._mapped("account.analytic.line", "h-1").unit_amount, 1.0)
        self.assertEqual(self._line_count(), 2)

    def test_a_rejected_batch_is_replayed_as_rejected(self):
        body = self._batch("h-1", employee="u-nobody")
        first = self._post("/timesheets:batch", body, idempotency_key="batch-2")
        replay = self._post("/timesheets:batch", body, idempotency_key="batch-2")
        self.assertEqual((first.status_code, replay.status_code), (422, 422))
        self.assertEqual(replay.json(), first.json())
        self.assertEqual(replay.headers["Content-Type"], "application/problem+json")

    def test_same_key_with_another_body_is_refused(self):
        self._post("/timesheets:batch", self._batch("h-1"), idempotency_key="batch-3")
        other = self._post("/timesheets:batch", self._batch("h-1", hours=7.0), idempotency_key="batch-3")
        self.assertEqual((other.status_code, other.headers["Content-Type"]), (422, "application/problem+json"))
        self.assertEqual(other.json()["type"].rsplit("/", 1)[1], "idempotency-key-reused")
        self.assertEqual(self._mapped("account.analytic.line", "h-1").unit_amount, 2.0)
        other_mode = self._post("/timesheets:batch?mode=partial", self._batch("h-1"), idempotency_key="batch-3")
        self.assertEqual(other_mode.status_code, 422, "the mode is part of the request")

    def test_request_while_the_first_is_in_flight_is_a_conflict(self):
        """The first request holds the key's lock in its transaction until it ends: here a second, real
        database connection takes that lock as a request in flight would, while the server answers."""
        key = "batch-4"
        locked, release = threading.Event(), threading.Event()

        def first_request_in_flight():
            with db_connect(self.env.cr.dbname).cursor() as cr:
                cr.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s), hashtext(%s))",
                    [f"ps_billing_api.idempotency:{self.api_user.id}", key],
                )
                locked.set()
                release.wait(30)
                cr.rollback()

        holder = threading.Thread(target=first_request_in_flight)
        holder.start()
        try:
            self.assertTrue(locked.wait(10))
            second = self._post("/timesheets:batch", self._batch("h-1"), idempotency_key=key)
        finally:
            release.set()
            holder.join()
        self.assertEqual((second.status_code, second.headers["Content-Type"]), (409, "application/problem+json"))
        self.assertFalse(self._mapped("account.analytic.line", "h-1"))
        # Once the first has ended, the key is free: the request is processed.
        third = self._post("/timesheets:batch", self._batch("h-1"), idempotency_key=key)
        self.assertEqual(third.status_code, 200)

    def test_keys_expire_after_the_configured_time(self):
        self.env["ir.config_parameter"].set_param("ps_billing_api.idempotency_ttl_hours", "2")
        self._post("/timesheets:batch", self._batch("h-1"), idempotency_key="batch-5")
        stored = self.env["ps.api.idempotency.key"].search([("key", "=", "batch-5")])
        self.assertAlmostEqual(
            stored.expires_on, fields.Datetime.now() + timedelta(hours=2), delta=timedelta(minutes=5)
        )
        stored.expires_on = fields.Datetime.now() - timedelta(seconds=1)
        # Expired: the key is taken anew, even for another body.
        again = self._post("/timesheets:batch", self._batch("h-1", hours=3.0), idempotency_key="batch-5")
        self.assertEqual(again.status_code, 200)
        self.assertNotIn("Idempotent-Replayed", again.headers)
        self.assertEqual(self._mapped("account.analytic.line", "h-1").unit_amount, 3.0)

    def test_purge_deletes_expired_keys_only(self):
        Keys = self.env["ps.api.idempotency.key"]
        now = fields.Datetime.now()
        Keys.create(
            [
                {
                    "user_id": self.api_user.id,
                    "key": key,
                    "operation": "POST /x",
                    "request_hash": "h",
                    "expires_on": when,
                }
                for key, when in (("old", now - timedelta(hours=1)), ("new", now + timedelta(hours=1)))
            ]
        )
        self.assertEqual(Keys._cron_purge_expired(), 1)
        self.assertEqual(Keys.search([("user_id", "=", self.api_user.id)]).mapped("key"), ["new"])
