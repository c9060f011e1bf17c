# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
from datetime import timedelta
from math import floor
from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .ps_billing_event import GROUP_ADMINISTRATOR

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
ACTIVITY_DEAD_LETTER = "ps_billing_events.mail_activity_type_webhook_dead_letter"


class PsWebhookEndpoint(models.Model):
    """Where events go: a consumer's URL (n8n, a data warehouse...), the types it subscribes to, and
    the secret that signs what it receives (Standard Webhooks). Managed by administrators only."""

    _name = "ps.webhook.endpoint"
    _description = "Webhook Endpoint"
    # Not ps.protected.mixin: the suite's test of protected fields enumerates the models of its four
    # modules; the outer ring guards its fields the same way, in create and write below.
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    url = fields.Char(
        "URL",
        required=True,
        tracking=True,
        help="https only (http for a loopback address when private networks are allowed). Redirects are "
        "never followed: give the final URL.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, tracking=True
    )
    active = fields.Boolean(default=True, tracking=True)
    state = fields.Selection(
        [("enabled", "Enabled"), ("disabled", "Disabled")],
        default="enabled",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        help="Disabled when the receiver answered 410 Gone, or by an administrator; nothing is sent until enabled.",
    )
    disabled_reason = fields.Char(readonly=True, copy=False)
    disabled_on = fields.Datetime(readonly=True, copy=False)
    type_ids = fields.Many2many(
        "ps.billing.event.type",
        string="Event Types",
        help="The types sent to this endpoint; none: every type.",
    )
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        help="Gets an activity when a delivery to this endpoint exhausts its retries (dead letter).",
    )
    timeout = fields.Integer(
        "Timeout (s)", default=10, help="Seconds to wait for the receiver's answer to one attempt (1 to 30)."
    )
    allow_private_network = fields.Boolean(
        tracking=True,
        help="Allow a host that resolves to a private, loopback, link-local or reserved address (an "
        "on-premise n8n). Off: such an address is refused at every attempt, against server-side request forgery.",
    )
    rotation_overlap_hours = fields.Integer(
        "Rotation Overlap (h)",
        default=24,
        help="After a rotation, the previous secret still signs (a second signature) for this many hours, "
        "while the receiver switches to the new one.",
    )
    # The secrets: never shown in a view, never written but by the actions (protected), read as superuser
    # only to sign. An administrator sees a new secret once, in the dialog of its rotation.
    secret = fields.Char(groups="base.group_system", copy=False)
    previous_secret = fields.Char(groups="base.group_system", copy=False)
    previous_secret_expires_on = fields.Datetime("Previous Secret Signs Until", readonly=True, copy=False)
    secret_set_on = fields.Datetime(readonly=True, copy=False)
    secret_hint = fields.Char(readonly=True, copy=False, help="The last characters of the current secret.")
    delivery_ids = fields.One2many("ps.webhook.delivery", "endpoint_id", "Deliveries", readonly=True)
    delivery_failing_count = fields.Integer("Failing", compute="_compute_delivery_counts")
    delivery_dead_count = fields.Integer("Dead Letters", compute="_compute_delivery_counts")
    delivery_pending_count = fields.Integer("Pending", compute="_compute_delivery_counts")

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    def _compute_delivery_counts(self):
        counts = {
            (endpoint.id, state): count
            for endpoint, state, count in self.env["ps.webhook.delivery"]._read_group(
                [("endpoint_id", "in", self.ids)], ["endpoint_id", "state"], ["__count"]
            )
        }
        for endpoint in self:
            endpoint.delivery_failing_count = counts.get((endpoint.id, "retrying"), 0)
            endpoint.delivery_dead_count = counts.get((endpoint.id, "dead"), 0)
            endpoint.delivery_pending_count = counts.get((endpoint.id, "pending"), 0)

    # ------------------------------------------------------------
    # Constrains
    # ------------------------------------------------------------

    @api.constrains("url")
    def _check_url(self):
        for endpoint in self:
            error = endpoint._ps_get_url_error(resolve=False)
            if error:
                raise ValidationError(error)

    @api.constrains("timeout", "rotation_overlap_hours")
    def _check_timeout(self):
        for endpoint in self:
            if not 1 <= endpoint.timeout <= 30:
                raise ValidationError(_("The timeout of an endpoint is 1 to 30 seconds."))
            if not 0 <= endpoint.rotation_overlap_hours <= 24 * 7:
                raise ValidationError(_("The rotation overlap is 0 to 168 hours."))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return the secrets and the state: changed only by rotation, enabling, and the receiver's 410."""
        return {
            "secret",
            "previous_secret",
            "previous_secret_expires_on",
            "secret_set_on",
            "secret_hint",
            "state",
            "disabled_reason",
            "disabled_on",
        }

    @api.model_create_multi
    def create(self, vals_list):
        protected = self._get_ps_protected_fields()
        # A default_<field> context key is the client's request: dropped, even for the superuser.
        context = {
            key: value for key, value in self.env.context.items() if key.removeprefix("default_") not in protected
        }
        records = self.with_env(self.env(context=context))
        if not self.env.su:
            neutral = records.default_get(list(protected))
            given = {
                name
                for vals in vals_list
                for name in protected & set(vals)
                if vals[name] and vals[name] != neutral.get(name)
            }
            if given:
                raise AccessError(self._ps_protected_error(given))
        return super(PsWebhookEndpoint, records).create(vals_list).with_env(self.env)

    def write(self, vals):
        if not self.env.su:
            forbidden = set(vals) & self._get_ps_protected_fields()
            if forbidden:
                raise AccessError(self._ps_protected_error(forbidden))
        return super().write(vals)

    def _ps_protected_error(self, names):
        return _(
            "%(fields)s of a webhook endpoint change only through its actions (generate or rotate the secret, "
            "enable, disable), not by editing or importing them.",
            fields=", ".join(sorted(self._fields[name].get_description(self.env)["string"] for name in names)),
        )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_can_manage(self):
        if not self.env.user.has_group(GROUP_ADMINISTRATOR):
            raise AccessError(_("Only a Billing Control administrator manages webhook endpoints."))
        self.check_access_rights("write")
        self.check_access_rule("write")

    def action_rotate_secret(self):
        """Give this endpoint a new secret, shown once; the previous one still signs during the overlap."""
        self.ensure_one()
        self._check_can_manage()
        secret = self.sudo()._ps_rotate_secret()
        wizard = self.env["ps.webhook.secret"].create({"endpoint_id": self.id, "secret": secret})
        return {
            "type": "ir.actions.act_window",
            "name": _("New signing secret"),
            "res_model": "ps.webhook.secret",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_send_test_event(self):
        """Send a ``webhook.test`` event to this endpoint only (to check the receiver and its verification)."""
        self.ensure_one()
        self._check_can_manage()
        if not self.sudo().secret_set_on:
            raise UserError(_("Generate the endpoint's secret first: every event is signed."))
        event = self.env["ps.billing.event"].sudo()._ps_record_test_event(self)
        return event.with_env(self.env).action_open_deliveries()

    def action_enable(self):
        """Enable these disabled endpoints again (after the receiver was fixed)."""
        self._check_can_manage()
        self.sudo().write({"state": "enabled", "disabled_reason": False, "disabled_on": False})
        return True

    def action_disable(self):
        """Stop sending to these endpoints; pending deliveries wait until enabled (or are replayed)."""
        self._check_can_manage()
        self.sudo()._ps_disable(_("Disabled by %s.", self.env.user.name))
        return True

    def action_open_deliveries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ps_billing_events.ps_webhook_delivery_action")
        action["domain"] = [("endpoint_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _ps_rotate_secret(self):
        """Write a new secret (``whsec_`` + base64 of 32 random bytes); keep the previous one signing for the
        overlap; return the new secret (run as superuser after the caller's checks)."""
        self.ensure_one()
        now = fields.Datetime.now()
        secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()
        vals = {"secret": secret, "secret_set_on": now, "secret_hint": "…" + secret[-4:]}
        if self.secret and self.rotation_overlap_hours:
            vals.update(
                previous_secret=self.secret,
                previous_secret_expires_on=now + timedelta(hours=self.rotation_overlap_hours),
            )
        else:
            vals.update(previous_secret=False, previous_secret_expires_on=False)
        self.write(vals)
        self.message_post(body=_("Signing secret rotated by %s.", self.env.user.name))
        return secret

    def _ps_disable(self, reason):
        self.write({"state": "disabled", "disabled_reason": reason, "disabled_on": fields.Datetime.now()})

    def _ps_filter_subscribed(self, event):
        """Return those of these endpoints (sudo) that receive ``event``: enabled, with a secret, of its
        company and subscribed to its type."""
        return self.filtered(
            lambda e: e.active
            and e.state == "enabled"
            and e.secret_set_on
            and e.company_id == event.company_id
            and (not e.type_ids or event.type_id in e.type_ids)
        )

    def _ps_get_signing_secrets(self):
        """Return the secrets that sign now: the current one, and the previous one during its overlap."""
        self.ensure_one()
        endpoint = self.sudo()
        result = [endpoint.secret] if endpoint.secret else []
        if (
            endpoint.previous_secret
            and (endpoint.previous_secret_expires_on or fields.Datetime.now()) > fields.Datetime.now()
        ):
            result.append(endpoint.previous_secret)
        return result

    def _ps_sign(self, msg_id, timestamp, body):
        """Return the ``webhook-signature`` header of ``body`` (bytes): a ``v1,<base64 HMAC-SHA256>`` of
        ``{id}.{timestamp}.{body}`` per signing secret, space-separated (Standard Webhooks)."""
        to_sign = f"{msg_id}.{floor(timestamp)}.".encode() + body
        signatures = []
        for secret in self._ps_get_signing_secrets():
            key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
            digest = hmac.new(key, to_sign, hashlib.sha256).digest()
            signatures.append("v1," + base64.b64encode(digest).decode())
        return " ".join(signatures)

    def _ps_get_url_error(self, resolve=True):
        """Return why this endpoint's URL may not be called now (its scheme, its host's addresses), or False."""
        return self._ps_resolve_url(resolve)[0]

    def _ps_resolve_url(self, resolve=True):
        """Return (why this endpoint's URL may not be called now, or False; the addresses to call).

        The addresses are those the host resolved to when they were checked: the attempt connects to
        them, never to what the name resolves to a moment later (DNS rebinding: a name that answers a
        public address to the check and a private one to the connection).

        https only; http for a loopback host (a receiver on the same machine). A host that resolves to a
        private, loopback, link-local, reserved, multicast or unspecified address is refused unless the
        administrator allowed private networks on the endpoint: Odoo must not become a way to reach the
        firm's internal services (server-side request forgery). Checked at every attempt, on the
        addresses the host has then.
        """
        self.ensure_one()
        try:
            parts = urlsplit(self.url or "")
            host, port = parts.hostname, parts.port
        except ValueError:
            return _("%s is not a valid URL.", self.url), None
        if not host:
            return _("%s has no host.", self.url), None
        loopback_name = host.lower() in LOOPBACK_NAMES
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback_name):
            return _("Webhooks are sent over https only (http for localhost only): %s", self.url), None
        if not resolve:
            return False, None
        try:
            infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            return _("The host %(host)s cannot be resolved: %(error)s", host=host, error=error), None
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%")[0])
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            internal = (
                address.is_private
                or address.is_loopback
                or address.is_link_local
                or address.is_reserved
                or address.is_multicast
                or address.is_unspecified
            )
            if internal and not self.allow_private_network:
                return _(
                    "%(host)s resolves to the private or reserved address %(address)s: refused unless the "
                    "endpoint allows private networks.",
                    host=host,
                    address=address,
                ), None
        if parts.scheme == "http" and not self.allow_private_network:
            return _("http to localhost is allowed only when the endpoint allows private networks."), None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if not addresses:
            return _("The host %s has no address.", host), None
        return False, addresses

    def _ps_notify_dead_letter(self):
        """Tell each endpoint's responsible, with one open activity per endpoint, that deliveries died."""
        activity_type = self.env.ref(ACTIVITY_DEAD_LETTER)
        for endpoint in self:
            if endpoint.activity_ids.filtered(lambda a, t=activity_type: a.activity_type_id == t):
                continue
            user = endpoint.user_id if endpoint.user_id.active else self.env.ref("base.user_admin")
            endpoint.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=user.id,
                summary=_("Webhook deliveries failed"),
                note=_(
                    "Deliveries to %(endpoint)s exhausted their retries: check the receiver, then replay them "
                    "from the deliveries (dead letters).",
                    endpoint=endpoint.name,
                ),
            )
