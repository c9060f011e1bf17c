# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deliveries: one attempt over HTTP (Standard Webhooks headers and signature), and what follows it."""

import logging
import random
import time
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from odoo import _, fields, models

_logger = logging.getLogger(__name__)

# Standard Webhooks' retry schedule: the delays before the 2nd, 3rd, ... attempt (with jitter).
RETRY_SCHEDULE = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
]
JITTER = 0.1
# What a receiver's Retry-After may ask for, at most.
MAX_RETRY_AFTER = timedelta(hours=24)
RESPONSE_EXCERPT = 1024
USER_AGENT = "Odoo-Billing-Control-Webhooks/1.0"


class _PinnedTlsAdapter(HTTPAdapter):
    """Connects to an address given in the URL while TLS speaks to, and checks the certificate of, the
    endpoint's host name (SNI and hostname verification as if the name had been resolved again)."""

    def __init__(self, hostname):
        self._ps_hostname = hostname
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["server_hostname"] = self._ps_hostname
        kwargs["assert_hostname"] = self._ps_hostname
        return super().init_poolmanager(*args, **kwargs)


def _post_pinned(url, addresses, **kwargs):
    """POST to ``url`` at one of ``addresses`` (those its host was checked to have), in their order, as
    a client tries a name's addresses; return the response of the first that connects."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    headers = {**kwargs.pop("headers", {}), "Host": f"{parts.hostname}{port}"}
    error = None
    for address in addresses:
        literal = f"[{address}]" if ":" in address else address
        pinned = urlunsplit((parts.scheme, f"{literal}{port}", parts.path, parts.query, ""))
        session = requests.Session()
        if parts.scheme == "https":
            session.mount(f"https://{literal}{port}/", _PinnedTlsAdapter(parts.hostname))
        try:
            return session.post(pinned, headers=headers, **kwargs)
        except requests.ConnectionError as exc:
            error = exc
    raise error


class PsWebhookDelivery(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.webhook.delivery"  # pylint: disable=consider-merging-classes-inherited

    def _ps_prepare_headers(self, timestamp, body):
        """Return the headers of an attempt at ``timestamp`` (seconds) of ``body`` (bytes)."""
        self.ensure_one()
        return {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": self.event_uuid,
            "webhook-timestamp": str(int(timestamp)),
            "webhook-signature": self.endpoint_id._ps_sign(self.event_uuid, timestamp, body),
        }

    def _ps_attempt(self):
        """Make one attempt of this delivery now and record it; return the outcome: ``delivered``,
        ``failed`` (the receiver answered otherwise), ``unreachable`` (no answer), ``refused`` (the URL may
        not be called), ``gone`` (410: the endpoint is disabled) or ``waiting`` (the endpoint is disabled)."""
        self.ensure_one()
        endpoint = self.endpoint_id
        if not endpoint.active or endpoint.state != "enabled" or not endpoint.secret_set_on:
            # Waits for the endpoint: replayed or sent once it is enabled again.
            self.write({"next_attempt_on": False})
            return "waiting"
        started = time.monotonic()
        attempt = {"delivery_id": self.id, "number": self.attempt_count + 1, "attempted_on": fields.Datetime.now()}
        response, outcome, retry_after = None, "failed", None
        error, addresses = endpoint._ps_resolve_url()
        if error:
            outcome = "refused"
        else:
            body = self.event_id._ps_get_body()
            try:
                response = _post_pinned(
                    endpoint.url,
                    addresses,
                    data=body,
                    headers=self._ps_prepare_headers(time.time(), body),
                    timeout=endpoint.timeout,
                    allow_redirects=False,
                    stream=True,
                )
                attempt["response_excerpt"] = self._ps_read_excerpt(response)
            except requests.RequestException as exc:
                outcome, error = "unreachable", f"{type(exc).__name__}: {exc}"[:500]
        attempt["duration_ms"] = int((time.monotonic() - started) * 1000)
        if response is not None:
            attempt["status_code"] = response.status_code
            if 200 <= response.status_code < 300:
                outcome = "delivered"
            elif response.status_code == 410:
                outcome, error = "gone", _("410 Gone: the receiver asked to stop; the endpoint is disabled.")
            elif 300 <= response.status_code < 400:
                error = _(
                    "Redirect to %s not followed: give the endpoint its final URL.",
                    response.headers.get("Location", "?"),
                )
            else:
                error = _("HTTP %s", response.status_code)
                if response.status_code in (429, 503):
                    retry_after = self._ps_parse_retry_after(response.headers.get("Retry-After"))
        attempt["error"] = error or False
        self.env["ps.webhook.attempt"].create(attempt)
        self._ps_after_attempt(outcome, attempt, retry_after)
        return outcome

    def _ps_after_attempt(self, outcome, attempt, retry_after=None):
        """Settle this delivery after an attempt: delivered, the next attempt enqueued, or dead."""
        vals = {
            "attempt_count": attempt["number"],
            "last_status_code": attempt.get("status_code", 0),
            "last_error": attempt["error"],
        }
        if outcome == "delivered":
            self.write(
                {**vals, "state": "delivered", "delivered_on": attempt["attempted_on"], "next_attempt_on": False}
            )
            return
        if outcome == "gone":
            self.write({**vals, "state": "cancelled", "next_attempt_on": False})
            self.endpoint_id._ps_disable(attempt["error"])
            _logger.warning("Webhooks: %s answered 410 Gone, endpoint disabled", self.endpoint_id.name)
            return
        delay = self._ps_get_retry_delay(attempt["number"], retry_after)
        if delay is None:
            self.write({**vals, "state": "dead", "next_attempt_on": False})
            self.endpoint_id._ps_notify_dead_letter()
            _logger.warning(
                "Webhooks: event %s to %s is a dead letter after %s attempts",
                self.event_uuid,
                self.endpoint_id.name,
                attempt["number"],
            )
            return
        self.write({**vals, "state": "retrying"})
        self._ps_enqueue_attempt(eta=fields.Datetime.now() + delay)

    def _ps_get_retry_delay(self, attempts, retry_after=None):
        """Return how long to wait before the attempt after ``attempts`` ones (with jitter, or the receiver's
        ``retry_after``), or None when the schedule is exhausted."""
        if attempts > len(RETRY_SCHEDULE):
            return None
        if retry_after is not None:
            return retry_after
        delay = RETRY_SCHEDULE[attempts - 1]
        return delay * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 -- jitter, not security

    def _ps_parse_retry_after(self, value):
        """Return the delay a Retry-After header asks for (seconds or an HTTP date), capped; None if unreadable."""
        if not value:
            return None
        value = value.strip()
        if value.isdigit():
            delay = timedelta(seconds=int(value))
        else:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            if when is None:
                return None
            delay = when.replace(tzinfo=None) - fields.Datetime.now()
        return min(max(delay, timedelta(0)), MAX_RETRY_AFTER)

    def _ps_read_excerpt(self, response):
        """Return the first kilobyte of ``response``'s body as text, and close it (never read a huge answer)."""
        try:
            raw = response.raw.read(RESPONSE_EXCERPT, decode_content=True) or b""
        except Exception:  # noqa: BLE001 -- an excerpt is a courtesy, the status decides
            raw = b""
        finally:
            response.close()
        return raw[:RESPONSE_EXCERPT].decode("utf-8", errors="replace")
