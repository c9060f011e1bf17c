# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where Odoo may send: https only, loopback and private networks only when an administrator allows them."""

from freezegun import freeze_time

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import BillingEventsCase, perform_all


@tagged("post_install", "-at_install")
@freeze_time("2026-11-10 09:00:00")
class TestWebhookSafety(BillingEventsCase):
    def test_only_https_or_http_to_localhost_is_accepted(self):
        Endpoint = self.env["ps.webhook.endpoint"]
        for url in ("http://example.com/hook", "ftp://example.com/hook", "file:///etc/passwd", "https://", "nonsense"):
            with self.assertRaises(ValidationError, msg=url):
                Endpoint.create({"name": "Bad", "url": url})
        for url in ("https://example.com/hook", "http://localhost:5678/webhook", "http://[::1]:8080/x"):
            self.assertTrue(Endpoint.create({"name": "Good", "url": url}))

    def test_private_and_reserved_addresses_are_refused_unless_allowed(self):
        endpoint = self.env["ps.webhook.endpoint"].create({"name": "Internal", "url": "https://10.0.0.1/hook"})
        for url in (
            "https://10.0.0.1/hook",
            "https://192.168.1.20/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[fd00::1]/hook",
            "https://0.0.0.0/hook",
            "https://[::ffff:127.0.0.1]/hook",
            "https://127.0.0.1/hook",
        ):
            endpoint.url = url
            self.assertIn("refused", endpoint._ps_get_url_error(), url)
        endpoint.allow_private_network = True
        endpoint.url = "https://10.0.0.1/hook"
        self.assertFalse(endpoint._ps_get_url_error())
        endpoint.url = "https://93.184.215.14/hook"
        endpoint.allow_private_network = False
        self.assertFalse(endpoint._ps_get_url_error(), "a public address is fine")

    def test_a_refused_address_is_never_called_and_is_retried(self):
        # The receiver runs on the loopback interface: without the administrator's permission, nothing
        # reaches it.
        self.endpoint.allow_private_network = False
        with trap_jobs() as trap:
            event = self._emit("readiness.ready", self.engagement)
            trap.perform_enqueued_jobs()
        delivery = event.delivery_ids
        self.assertEqual(self.receiver.requests, [])
        self.assertEqual(delivery.state, "retrying")
        self.assertIn("refused", delivery.attempt_ids.error)
        self.assertEqual(delivery.attempt_ids.status_code, 0)
        # Allowed again: the retry goes through.
        self.endpoint.allow_private_network = True
        with trap_jobs() as trap:
            delivery._ps_enqueue_attempt()
            perform_all(trap)
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(len(self.receiver.requests), 1)

    def test_payload_carries_no_secret(self):
        event = self._emit("readiness.ready", self.engagement)
        self.assertNotIn(self.secret, event.body)
        self.assertNotIn(self.secret[6:], event.body)
