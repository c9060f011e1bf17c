# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""GET /events: the outbox of ps_billing_events as a pull feed with a cursor."""

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import tagged

from .common import BillingApiHttpCase


@tagged("post_install", "-at_install")
class TestEventFeed(BillingApiHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._log_time(cls.employee_consultant, 5.0, cls.day)
        cls._evaluate()
        cls.readiness = cls.env["ps.billing.readiness"].search([("sale_order_id", "=", cls.engagement.id)])
        hook = cls.env["ps.billing.event.hook"]
        for __ in range(3):
            hook._ps_emit_event("readiness.ready", cls.readiness[:1])
        cls.events = cls.env["ps.billing.event"].search([("sale_order_id", "=", cls.engagement.id)], order="id")

    def _read_all(self, limit):
        seen, after, pages = [], None, 0
        while True:
            query = f"?limit={limit}" + (f"&after={after}" if after else "")
            response = self._get(f"/events{query}")
            self.assertEqual(response.status_code, 200, response.text)
            page = response.json()
            seen += page["events"]
            after, pages = page["next_cursor"], pages + 1
            if not page["has_more"]:
                return seen, after, pages

    def test_feed_pages_through_every_event_once_in_order(self):
        self.assertGreaterEqual(len(self.events), 3)
        events, last_cursor, pages = self._read_all(limit=2)
        ours = [event for event in events if event["engagement"] and event["engagement"]["id"] == self.engagement.id]
        self.assertEqual([event["id"] for event in ours], self.events.mapped("uuid"))
        self.assertEqual(len({event["id"] for event in events}), len(events), "no event twice")
        self.assertGreater(pages, 1)
        self.assertEqual(ours[0]["type"], self.events[0].event_type)
        # Nothing new: the last cursor reads an empty page and keeps its place.
        response = self._get(f"/events?after={last_cursor}")
        self.assertEqual(response.json(), {"events": [], "next_cursor": last_cursor, "has_more": False})
        # A new event comes after the cursor.
        self.env["ps.billing.event.hook"]._ps_emit_event("readiness.ready", self.readiness[:1])
        page = self._get(f"/events?after={last_cursor}").json()
        self.assertEqual(len(page["events"]), 1)

    def test_invalid_cursor_is_a_problem(self):
        response = self._get("/events?after=yesterday")
        self.assertEqual((response.status_code, response.headers["Content-Type"]), (400, "application/problem+json"))

    def test_other_companies_events_are_not_served(self):
        other = self.env["res.company"].create({"name": "Other Firm"})
        # Events are immutable and of their engagement's company: move one the way a second company's is.
        self.env.cr.execute("UPDATE ps_billing_event SET company_id = %s WHERE id = %s", [other.id, self.events[0].id])
        events, __, __ = self._read_all(limit=500)
        self.assertNotIn(self.events[0].uuid, [event["id"] for event in events])

    def test_a_running_transaction_of_the_database_holds_the_feed_back(self):
        """This test's transaction wrote events and is still running: a reader in another transaction
        stops before it (its events could commit behind a cursor), and reads nothing of it."""
        self.env.cr.execute("SELECT txid_current()")
        own_txid = self.env.cr.fetchone()[0]
        with db_connect(self.env.cr.dbname).cursor() as cr:
            reader = api.Environment(cr, SUPERUSER_ID, {})["ps.billing.event"]
            self.assertLessEqual(reader._ps_get_feed_horizon(), own_txid)
            cr.execute("SELECT count(*) FROM ps_billing_event WHERE ps_api_txid = %s", [own_txid])
            self.assertEqual(cr.fetchone()[0], 0, "uncommitted events are not visible to the reader")
