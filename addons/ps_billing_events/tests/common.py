# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A webhook receiver on the loopback interface, and a firm with an endpoint pointing at it."""

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.addons.ps_billing_readiness.tests.common import (
    GROUP_ADMINISTRATOR,
    BillingControlCase,
)
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests.common import new_test_user


class Receiver:
    """An HTTP server in a thread on ``host`` (127.0.0.1; port 0: any free one) that records what it receives and
    answers from a script of (status, headers, body), then 200."""

    def __init__(self, host="127.0.0.1", port=0, tls=None):
        self.requests = []
        self.script = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 -- http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status, headers, answer = receiver.script.pop(0) if receiver.script else (200, {}, b"ok")
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST  # noqa: N815 -- a redirect followed would arrive as a GET

            def log_message(self, *args):
                return

        self.server = ThreadingHTTPServer((host, port), Handler)
        if tls:  # (certificate file, key file): https
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.port}{path}"

    def reset(self, *script):
        self.requests.clear()
        self.script[:] = list(script)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def ids(self):
        """Return the webhook-id of each request received, in order."""
        return [request["headers"].get("webhook-id") for request in self.requests]

    def bodies(self):
        return [json.loads(request["body"]) for request in self.requests]


def perform_all(trap, limit=50):
    """Perform the trapped jobs, and those they enqueue (the retries, whatever their eta), until none is
    left; return the number of jobs performed."""
    count = 0
    while trap.enqueued_jobs and count < limit:
        count += len(trap.enqueued_jobs)
        trap.perform_enqueued_jobs()
    return count


class BillingEventsCase(BillingControlCase):
    """The small firm, a Billing Control administrator and an endpoint on a receiver of the test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = Receiver()
        cls.addClassCleanup(cls.receiver.stop)
        cls.administrator = new_test_user(
            cls.env, login="bc_events_admin", name="Ada Administrator", groups=GROUP_ADMINISTRATOR
        )
        cls.Event = cls.env["ps.billing.event"]
        cls.Delivery = cls.env["ps.webhook.delivery"]
        cls.endpoint = cls.env["ps.webhook.endpoint"].create(
            {
                "name": "Test receiver",
                "url": cls.receiver.url(),
                "allow_private_network": True,
                "user_id": cls.administrator.id,
                "timeout": 5,
            }
        )
        cls.secret = cls.endpoint.sudo()._ps_rotate_secret()

    def setUp(self):
        super().setUp()
        self.receiver.reset()

    def _emit(self, event_type, records, **kwargs):
        """Emit ``event_type`` about ``records`` through the core's hook; return the new events."""
        before = self.Event.search([]).ids
        self.env["ps.billing.event.hook"]._ps_emit_event(event_type, records, **kwargs)
        return self.Event.search([("id", "not in", before)], order="id")

    def _emit_and_deliver(self, event_type, records):
        with trap_jobs() as trap:
            events = self._emit(event_type, records)
            perform_all(trap)
        return events
