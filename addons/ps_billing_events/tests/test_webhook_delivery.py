# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delivery over HTTP to a real receiver on the loopback interface: Standard Webhooks headers and signature,
the retry schedule, Retry-After, 410, redirects, dead letters, replays and secret rotation."""

import base64
import json
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time
from standardwebhooks import Webhook, WebhookVerificationError

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BillingEventsCase, perform_all

NOW = datetime(2026, 11, 10, 9, 0, 0)
EVENT = "readiness.ready"


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestWebhookDelivery(BillingEventsCase):
    def _delivery(self, event):
        return self.Delivery.search([("event_id", "=", event.id)])

    def test_signature_verifies_with_standard_webhooks_and_not_for_a_tampered_body(self):
        event = self._emit_and_deliver(EVENT, self.engagement)
        self.assertEqual(len(self.receiver.requests), 1)
        request = self.receiver.requests[0]
        headers = request["headers"]
        self.assertEqual(headers["webhook-id"], event.uuid)
        self.assertEqual(headers["webhook-timestamp"], str(int(NOW.replace(tzinfo=timezone.utc).timestamp())))
        payload = Webhook(self.secret).verify(request["body"], headers)
        self.assertEqual(payload["id"], event.uuid)
        self.assertEqual(payload["type"], EVENT)
        self.assertEqual(payload["engagement"], {"id": self.engagement.id, "name": self.engagement.name})
        self.assertEqual(payload["sequence"], event.sequence_number)
        tampered = request["body"].replace(b'"type"', b'"tipe"')
        with self.assertRaises(WebhookVerificationError):
            Webhook(self.secret).verify(tampered, headers)
        with self.assertRaises(WebhookVerificationError):
            Webhook("whsec_" + "A" * 44).verify(request["body"], headers)
        delivery = self._delivery(event)
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(event.state, "delivered")
        self.assertEqual(delivery.attempt_ids.status_code, 200)
        self.assertEqual(delivery.attempt_ids.response_excerpt, "ok")

    def test_a_large_emission_writes_one_job_and_each_batch_enqueues_the_next(self):
        lines = self.env["account.analytic.line"].search([("project_id", "!=", False)], order="id", limit=120)
        self.assertEqual(len(lines), 120)
        with trap_jobs() as trap:
            events = self._emit(EVENT, lines)
            self.assertEqual(len(events), 120)
            self.assertEqual(len(trap.enqueued_jobs), 1, "one job per endpoint, not one per batch")
            performed = perform_all(trap)
        self.assertEqual(performed, 3, "batches of 50, 50 and 20, each enqueued by the one before")
        ids = [request["headers"]["webhook-id"] for request in self.receiver.requests]
        self.assertEqual(ids, events.sorted("id").mapped("uuid"), "each event once, in the order emitted")
        self.assertEqual(set(self.Delivery.search([("event_id", "in", events.ids)]).mapped("state")), {"delivered"})

    def test_receiver_failing_three_times_gets_the_same_id_on_the_fourth_attempt_and_once_after(self):
        self.receiver.reset(*[(503, {}, b"busy")] * 3)
        with trap_jobs() as trap:
            event = self._emit(EVENT, self.engagement)
            trap.perform_enqueued_jobs()
            delivery = self._delivery(event)
            self.assertEqual(delivery.state, "retrying")
            self.assertEqual(event.state, "failing")
            # The next attempt is a job of its own, 5 seconds later (with jitter), on the events channel.
            eta = trap.calls[-1].properties["eta"]
            self.assertTrue(NOW + timedelta(seconds=4) <= eta <= NOW + timedelta(seconds=6), eta)
            self.assertEqual(trap.calls[-1].properties["channel"], "root.billing_events")
            perform_all(trap)
        self.assertEqual(self.receiver.ids(), [event.uuid] * 4)
        self.assertEqual(delivery.attempt_ids.mapped("status_code"), [503, 503, 503, 200])
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(delivery.attempt_count, 4)
        # Nothing more is sent: an old attempt job run again does nothing.
        self.assertEqual(delivery._job_deliver(delivery.job_token - 1), "skipped")
        self.assertEqual(delivery._job_deliver(delivery.job_token), "skipped")
        self.assertEqual(len(self.receiver.requests), 4)

    def test_retry_schedule_follows_standard_webhooks(self):
        delivery = self.Delivery.browse()
        expected = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
        for attempts, seconds in enumerate(expected, start=1):
            delay = delivery._ps_get_retry_delay(attempts).total_seconds()
            self.assertTrue(seconds * 0.9 <= delay <= seconds * 1.1, (attempts, delay))
        self.assertIsNone(delivery._ps_get_retry_delay(len(expected) + 1))

    def test_gone_disables_the_endpoint(self):
        self.receiver.reset((410, {}, b"gone"))
        with trap_jobs() as trap, mute_logger("odoo.addons.ps_billing_events.models.ps_webhook_delivery_sending"):
            event = self._emit(EVENT, self.engagement)
            perform_all(trap)
            self.assertEqual(self.endpoint.state, "disabled")
            self.assertIn("410", self.endpoint.disabled_reason)
            self.assertEqual(self._delivery(event).state, "cancelled")
            # Nothing goes to a disabled endpoint.
            later = self._emit(EVENT, self.engagement)
            perform_all(trap)
        self.assertFalse(self._delivery(later))
        self.assertEqual(len(self.receiver.requests), 1)

    def test_too_many_requests_with_retry_after_schedules_the_next_attempt_then(self):
        self.receiver.reset((429, {"Retry-After": "120"}, b"slow down"))
        with trap_jobs() as trap:
            event = self._emit(EVENT, self.engagement)
            trap.perform_enqueued_jobs()
            delivery = self._delivery(event)
            self.assertEqual(delivery.next_attempt_on, NOW + timedelta(seconds=120))
            self.assertEqual(trap.calls[-1].properties["eta"], NOW + timedelta(seconds=120))
            perform_all(trap)
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(delivery.attempt_ids.mapped("status_code"), [429, 200])

    def test_redirect_is_not_followed(self):
        self.receiver.reset((302, {"Location": self.receiver.url("/elsewhere")}, b""))
        with trap_jobs() as trap:
            event = self._emit(EVENT, self.engagement)
            trap.perform_enqueued_jobs()
        self.assertEqual([r["path"] for r in self.receiver.requests], ["/hook"], "/elsewhere is never called")
        delivery = self._delivery(event)
        self.assertEqual(delivery.state, "retrying")
        self.assertIn("not followed", delivery.attempt_ids.error)

    def test_replay_sends_the_same_id_again(self):
        event = self._emit_and_deliver(EVENT, self.engagement)
        delivery = self._delivery(event)
        with trap_jobs() as trap:
            event.with_user(self.administrator).action_replay()
            perform_all(trap)
            delivery.with_user(self.administrator).action_replay()
            perform_all(trap)
        self.assertEqual(self.receiver.ids(), [event.uuid] * 3)
        self.assertEqual(len(self.receiver.bodies()), 3)
        self.assertEqual(self.receiver.requests[0]["body"], self.receiver.requests[2]["body"], "the same body")
        self.assertEqual(delivery.attempt_count, 3)
        self.assertEqual(delivery.state, "delivered")
        with self.assertRaises(AccessError):
            event.with_user(self.controller).action_replay()

    def test_exhausted_retries_make_a_dead_letter_the_administrator_sees(self):
        self.receiver.reset(*[(500, {}, b"error")] * 10)
        logger = "odoo.addons.ps_billing_events.models.ps_webhook_delivery_sending"
        with trap_jobs() as trap, mute_logger(logger):
            event = self._emit(EVENT, self.engagement)
            perform_all(trap)
        delivery = self._delivery(event)
        self.assertEqual(delivery.attempt_count, 10, "the first attempt and 9 retries")
        self.assertEqual(delivery.state, "dead")
        self.assertEqual(event.state, "dead")
        activity = self.endpoint.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.administrator)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("ps_billing_events.mail_activity_type_webhook_dead_letter")
        )
        health = self.env["ps.webhook.health"].with_user(self.administrator).create({})
        self.assertEqual(health.dead_count, 1)
        self.assertEqual(health.oldest_undelivered_on, event.occurred_on)
        action = self.env["ps.billing.readiness"].with_user(self.administrator).action_ps_open_integration_health()
        self.assertEqual(action["res_model"], "ps.webhook.health")
        with self.assertRaises(AccessError):
            self.env["ps.billing.readiness"].with_user(self.controller).action_ps_open_integration_health()
        # The board's banner says it to administrators, and nothing to anyone else.
        banner = self.env["ps.webhook.health"].with_user(self.administrator)._ps_get_banner()
        self.assertIn("<span>1</span> dead letters", str(banner["html"]))
        self.assertIn("<span>0</span> endpoints disabled", str(banner["html"]))
        self.assertEqual(self.env["ps.webhook.health"].with_user(self.controller)._ps_get_banner(), {})
        # A second dead letter adds no second activity; a replay delivers it.
        with trap_jobs() as trap:
            delivery.with_user(self.administrator).action_replay()
            perform_all(trap)
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(len(self.endpoint.activity_ids), 1)

    def test_rotation_signs_with_both_secrets_during_the_overlap_only(self):
        old = self.secret
        action = self.endpoint.with_user(self.administrator).action_rotate_secret()
        wizard = self.env["ps.webhook.secret"].with_user(self.administrator).browse(action["res_id"])
        new = wizard.secret
        self.assertTrue(new.startswith("whsec_") and new != old)
        self.assertGreaterEqual(len(base64.b64decode(new[6:])), 24)
        with self.assertRaises(AccessError):
            self.env["ps.webhook.secret"].with_user(self.controller).browse(action["res_id"]).read(["secret"])
        event = self._emit_and_deliver(EVENT, self.engagement)
        request = self.receiver.requests[-1]
        self.assertEqual(len(request["headers"]["webhook-signature"].split(" ")), 2)
        Webhook(old).verify(request["body"], request["headers"])
        Webhook(new).verify(request["body"], request["headers"])
        self.assertTrue(event)
        # After the overlap, the new secret alone signs.
        with freeze_time(NOW + timedelta(hours=25)):
            self._emit_and_deliver(EVENT, self.engagement)
            request = self.receiver.requests[-1]
            self.assertEqual(len(request["headers"]["webhook-signature"].split(" ")), 1)
            Webhook(new).verify(request["body"], request["headers"])
            with self.assertRaises(WebhookVerificationError):
                Webhook(old).verify(request["body"], request["headers"])

    def test_send_test_event_to_one_endpoint(self):
        with trap_jobs() as trap:
            self.endpoint.with_user(self.administrator).action_send_test_event()
            perform_all(trap)
        body = json.loads(self.receiver.requests[0]["body"])
        self.assertEqual(body["type"], "webhook.test")
        Webhook(self.secret).verify(self.receiver.requests[0]["body"], self.receiver.requests[0]["headers"])

    def test_endpoint_without_a_secret_receives_nothing(self):
        endpoint = self.endpoint.copy({"name": "No secret"})
        self.assertFalse(endpoint.secret_set_on)
        event = self._emit_and_deliver(EVENT, self.engagement)
        self.assertEqual(self._delivery(event).endpoint_id, self.endpoint)
        with self.assertRaises(UserError):
            endpoint.with_user(self.administrator).action_send_test_event()
