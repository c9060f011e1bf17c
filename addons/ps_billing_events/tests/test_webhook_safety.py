# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where Odoo may send: https only, loopback and private networks only when an administrator allows them."""

import datetime
import os
import socket
import tempfile
from unittest.mock import patch

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from freezegun import freeze_time

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import BillingEventsCase, Receiver, perform_all


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

    def test_attempt_connects_to_the_address_checked_not_to_a_new_answer_of_the_name(self):
        """DNS rebinding: the name answers the address the check accepts, then another one when the
        connection resolves it again. The attempt goes to the address checked, with the name as Host."""
        other = Receiver(host="127.0.0.2", port=self.receiver.port)
        self.addCleanup(other.stop)
        self.endpoint.url = f"http://localhost:{self.receiver.port}/hook"
        real_getaddrinfo = socket.getaddrinfo
        answers = []

        def rebinding(host, *args, **kwargs):
            if host == "localhost":
                address = "127.0.0.1" if not answers else "127.0.0.2"
                answers.append(address)
                return real_getaddrinfo(address, *args, **kwargs)
            return real_getaddrinfo(host, *args, **kwargs)

        with patch("socket.getaddrinfo", side_effect=rebinding), trap_jobs() as trap:
            event = self._emit("readiness.ready", self.engagement)
            perform_all(trap)
        self.assertEqual(answers, ["127.0.0.1"], "the name is resolved once, by the check")
        self.assertEqual(other.requests, [], "nothing reaches the address of the second answer")
        self.assertEqual(len(self.receiver.requests), 1)
        self.assertEqual(self.receiver.requests[0]["headers"]["Host"], f"localhost:{self.receiver.port}")
        self.assertEqual(event.delivery_ids.state, "delivered")

    def test_https_to_the_address_checked_verifies_the_certificate_of_the_name(self):
        """The attempt connects to an address but speaks TLS to the name: the receiver's certificate,
        issued to "localhost", is verified against the name (SNI too), not against 127.0.0.1."""
        folder = tempfile.mkdtemp()
        cert_file, key_file = self._self_signed_certificate(folder, "localhost")
        receiver = Receiver(tls=(cert_file, key_file))
        self.addCleanup(receiver.stop)
        self.endpoint.url = f"https://localhost:{receiver.port}/hook"
        with patch.dict(os.environ, {"REQUESTS_CA_BUNDLE": cert_file}), trap_jobs() as trap:
            event = self._emit("readiness.ready", self.engagement)
            perform_all(trap)
        self.assertEqual(event.delivery_ids.state, "delivered", event.delivery_ids.attempt_ids.mapped("error"))
        self.assertEqual(receiver.requests[0]["headers"]["Host"], f"localhost:{receiver.port}")
        # A certificate of another name is refused.
        other_cert, other_key = self._self_signed_certificate(tempfile.mkdtemp(), "billing.example")
        impostor = Receiver(tls=(other_cert, other_key))
        self.addCleanup(impostor.stop)
        self.endpoint.url = f"https://localhost:{impostor.port}/hook"
        with patch.dict(os.environ, {"REQUESTS_CA_BUNDLE": other_cert}), trap_jobs() as trap:
            event = self._emit("readiness.ready", self.engagement)
            trap.perform_enqueued_jobs()
        self.assertEqual(impostor.requests, [])
        self.assertEqual(event.delivery_ids.state, "retrying")
        self.assertIn("SSLError", event.delivery_ids.attempt_ids.error)

    def _self_signed_certificate(self, folder, name):
        """Write a self-signed certificate for ``name`` and its key in ``folder``; return their paths."""
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            # Fixed dates: TLS checks them against the real clock, which the frozen time of the test is not.
            .not_valid_before(datetime.datetime(2020, 1, 1))
            .not_valid_after(datetime.datetime(2099, 12, 31))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        cert_file, key_file = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
        with open(cert_file, "wb") as handle:
            handle.write(certificate.public_bytes(serialization.Encoding.PEM))
        with open(key_file, "wb") as handle:
            handle.write(
                key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            )
        return cert_file, key_file
