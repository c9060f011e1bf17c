# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The outbox: events are written in the transaction of their change, numbered per engagement, in batches."""

import json

from freezegun import freeze_time

from odoo.tests import tagged

from .common import BillingEventsCase


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10 09:00:00")
class TestEventOutbox(BillingEventsCase):
    def test_a_rolled_back_change_emits_nothing(self):
        jobs_before = self.env["queue.job"].search_count([])
        events_before = self.Event.search_count([])
        self._confirm_terms()
        self._log_time(self.employee_consultant, 8.0, "2026-10-12")
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            records = self._evaluate()
            self.assertTrue(self.Event.search([("res_model", "=", "ps.billing.readiness")]))
            self.assertTrue(records)
            raise RuntimeError("the change fails after the evaluation")
        self.env.invalidate_all()
        self.assertEqual(self.Event.search_count([]), events_before, "no event row")
        self.assertEqual(self.Delivery.search_count([("endpoint_id", "=", self.endpoint.id)]), 0)
        self.assertEqual(self.env["queue.job"].search_count([]), jobs_before, "no delivery job")

    def test_event_has_id_type_time_company_record_and_engagement_sequence(self):
        first = self._emit("readiness.ready", self.engagement)
        second = self._emit("readiness.blocked", self.engagement)
        self.assertEqual(len(first), 1)
        self.assertEqual(first.event_type, "readiness.ready")
        self.assertEqual(len(first.uuid), 36)
        self.assertNotEqual(first.uuid, second.uuid)
        self.assertEqual(first.company_id, self.engagement.company_id)
        self.assertEqual(first.reference, self.engagement.display_name, "the record's name, not its id")
        self.assertEqual(first.sale_order_id, self.engagement)
        self.assertEqual(second.sequence_number, first.sequence_number + 1)
        body = json.loads(first.body)
        self.assertEqual(body["id"], first.uuid)
        self.assertEqual(body["timestamp"], "2026-11-10T09:00:00Z")
        self.assertEqual(body["data"], {"model": "sale.order", "id": self.engagement.id})
        self.assertEqual(first.delivery_ids.endpoint_id, self.endpoint)

    def test_payload_function_adds_the_emitting_modules_figures(self):
        event = self._emit(
            "timesheets.missing",
            self.engagement,
            payload_fn=lambda records: {r.id: {"missing_hours": 4.0} for r in records},
        )
        self.assertEqual(json.loads(event.body)["data"]["missing_hours"], 4.0)

    def test_one_event_per_engagement_for_an_action_on_many_lines(self):
        lines = self._log_time(self.employee_consultant, 3.0, "2026-10-12") | self._log_time(
            self.employee_consultant, 5.0, "2026-10-13"
        )
        event = self._emit("timesheets.approved", lines, one_event=True)
        self.assertEqual(len(event), 1)
        data = json.loads(event.body)["data"]
        self.assertEqual(data["hours"], 8.0)
        self.assertEqual(sorted(data["ids"]), sorted(lines.ids))
        self.assertEqual(event.sale_order_id, self.engagement)

    def test_unknown_type_fails_and_archived_type_records_nothing(self):
        with self.assertRaises(ValueError):
            self._emit("invoice.teleported", self.engagement)
        self.env.ref("ps_billing_events.event_type_readiness_ready").active = False
        self.assertFalse(self._emit("readiness.ready", self.engagement))

    def test_endpoints_get_the_types_they_subscribe_to_only(self):
        self.endpoint.type_ids = self.env.ref("ps_billing_events.event_type_invoice_posted")
        self.assertFalse(self._emit("readiness.ready", self.engagement).delivery_ids)
        self.assertTrue(self._emit("invoice.posted", self.engagement).delivery_ids)

    def test_emitting_a_batch_costs_the_same_queries_whatever_its_size(self):
        orders = self.env["sale.order"].search([("state", "=", "sale")], limit=8)
        self.assertGreaterEqual(len(orders), 4, "the demo firm's engagements")
        orders.mapped("name")

        def count(records):
            self.env.invalidate_all()
            records.mapped("name")
            records.company_id.mapped("name")
            start = self.env.cr.sql_log_count
            self._emit("readiness.ready", records)
            return self.env.cr.sql_log_count - start

        count(orders[2:4])  # the first emission reads what any emission reads (types, endpoints)
        small, large = count(orders[:2]), count(orders)
        self.assertEqual(small, large, "the queries of an emission do not grow with its records")

    def test_new_events_state_is_what_their_deliveries_make_it(self):
        """The state given at emission (pending with deliveries, no endpoint without) is the state computed
        from the deliveries: emitting does not compute it again record by record."""
        with_endpoint = self._emit("readiness.ready", self.engagement)
        self.endpoint.type_ids = self.env.ref("ps_billing_events.event_type_invoice_posted")
        without = self._emit("readiness.ready", self.engagement)
        field = self.Event._fields["state"]
        self.assertFalse(self.env.records_to_compute(field) & (with_endpoint | without), "nothing left to compute")
        self.env.flush_all()
        events = with_endpoint | without
        stored = {event.id: event.state for event in events}
        self.assertEqual(stored, {with_endpoint.id: "pending", without.id: "no_endpoint"})
        # Computed again from the deliveries: the same.
        self.env.add_to_compute(field, events)
        events.flush_recordset(["state"])
        self.assertEqual({event.id: event.state for event in events}, stored)
        self.env.cr.execute("SELECT id, state FROM ps_billing_event WHERE id = ANY(%s)", [events.ids])
        self.assertEqual(dict(self.env.cr.fetchall()), stored)
