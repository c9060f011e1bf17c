# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools.sql import SQL

from ..problems import ApiProblem

_logger = logging.getLogger(__name__)

TTL_PARAM = "ps_billing_api.idempotency_ttl_hours"
DEFAULT_TTL_HOURS = 24
CRON_BATCH = 5000


class PsApiIdempotencyKey(models.Model):
    """The stored response of a request sent with an ``Idempotency-Key`` header (IETF
    draft-ietf-httpapi-idempotency-key-header): the same key and body replay it until it expires.

    The row is written in the transaction of the request it answers, so a stored response always
    matches what was committed. While that transaction runs, it holds a transaction-level advisory
    lock on (client, key): a second request with the key cannot take it and is answered 409.
    """

    _name = "ps.api.idempotency.key"
    _description = "API Idempotency Key"
    _order = "id desc"
    _rec_name = "key"

    user_id = fields.Many2one(
        "res.users",
        "API Client",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        help="The user whose API key sent the request: keys are per client.",
    )
    key = fields.Char(required=True, readonly=True, help="The Idempotency-Key header of the request.")
    operation = fields.Char(required=True, readonly=True, help="Method and path, e.g. POST /timesheets:batch.")
    request_hash = fields.Char(required=True, readonly=True, help="SHA-256 of the request's canonical body.")
    status_code = fields.Integer("Status", readonly=True, help="The HTTP status of the stored response.")
    response_body = fields.Text("Response", readonly=True, help="The stored response, replayed as is.")
    expires_on = fields.Datetime(
        required=True, readonly=True, index=True, help="After this time the key can be used again."
    )

    _sql_constraints = [("user_key_uniq", "unique(user_id, key)", "A client uses an idempotency key once.")]

    @api.model
    def _ps_get_ttl(self):
        """Return how long a key is kept (ir.config_parameter ps_billing_api.idempotency_ttl_hours)."""
        value = self.env["ir.config_parameter"].sudo().get_param(TTL_PARAM)
        try:
            hours = float(value) if value else DEFAULT_TTL_HOURS
        except ValueError:
            hours = DEFAULT_TTL_HOURS
        return timedelta(hours=hours if hours > 0 else DEFAULT_TTL_HOURS)

    @api.model
    def _ps_begin(self, key, operation, request_hash):
        """Take ``key`` of the current client for this transaction.

        Return the stored (status, body) when the same request was answered before (a replay), or
        None when the request is to be processed. Raise ApiProblem 409 while another request with the
        key is in flight, 422 when the key was used for another request.
        """
        uid = self.env.uid
        # The lock is released when this transaction ends: a crashed or rolled back request frees the key.
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(hashtext(%s), hashtext(%s))",
                f"ps_billing_api.idempotency:{uid}",
                key,
            )
        )
        if not self.env.cr.fetchone()[0]:
            raise ApiProblem(
                409,
                "idempotency-key-in-flight",
                _("A request with this Idempotency-Key is in progress"),
                _("Retry after the first request with this key has been answered."),
            )
        stored = self.sudo().search([("user_id", "=", uid), ("key", "=", key)])
        if stored and stored.expires_on <= fields.Datetime.now():
            stored.unlink()
            stored = self.browse()
        if not stored:
            return None
        if stored.operation != operation or stored.request_hash != request_hash:
            raise ApiProblem(
                422,
                "idempotency-key-reused",
                _("This Idempotency-Key was used for another request"),
                _("The key was first used for %s with another body; use a new key.", stored.operation),
            )
        return stored.status_code, json.loads(stored.response_body)

    @api.model
    def _ps_store(self, key, operation, request_hash, status, body):
        """Store the response of the request sent with ``key``, in the request's transaction."""
        now = fields.Datetime.now()
        # ON CONFLICT: a concurrent request that committed this key after this transaction's snapshot
        # makes PostgreSQL raise a serialization failure, and Odoo retries the request (then a replay).
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO ps_api_idempotency_key (user_id, key, operation, request_hash, status_code,
                                                    response_body, expires_on, create_uid, write_uid,
                                                    create_date, write_date)
                VALUES (%(uid)s, %(key)s, %(operation)s, %(hash)s, %(status)s, %(body)s, %(expires)s,
                        %(uid)s, %(uid)s, %(now)s, %(now)s)
                ON CONFLICT (user_id, key) DO NOTHING
                """,
                uid=self.env.uid,
                key=key,
                operation=operation,
                hash=request_hash,
                status=status,
                body=json.dumps(body, default=str),
                expires=now + self._ps_get_ttl(),
                now=now,
            )
        )

    @api.model
    def _cron_purge_expired(self, limit=CRON_BATCH):
        """Delete expired keys, a batch at a time; trigger itself again while more remain."""
        expired = self.sudo().search([("expires_on", "<=", fields.Datetime.now())], limit=limit + 1)
        expired[:limit].unlink()
        if len(expired) > limit:
            self.env.ref("ps_billing_api.ir_cron_purge_idempotency_keys")._trigger()
        return len(expired[:limit])
