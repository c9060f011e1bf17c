# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every control over the external API: low-rights users (and an administrator beyond the actions) call
/web/dataset/call_kw with hostile values and contexts; the database is checked afterwards."""

from odoo.addons.ps_billing_readiness.tests.common import CallKwMixin
from odoo.tests import HttpCase, tagged

from .common import BillingEventsCase

HOSTILE = {
    "active_test": False,
    "uid": 1,
    "su": True,
    "default_state": "enabled",
    "default_secret": "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "default_allow_private_network": True,
    "tracking_disable": True,
}


@tagged("post_install", "-at_install")
class TestWebhookAccessOverHttp(CallKwMixin, HttpCase, BillingEventsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.event = cls.env["ps.billing.event.hook"]._ps_emit_event("readiness.ready", cls.engagement) or cls.env[
            "ps.billing.event"
        ].search([], limit=1)
        cls.delivery = cls.event.delivery_ids[:1]

    def _call_context(self, context):
        """Every call sends the hostile context, unless it brings its own: then it sends that one alone."""
        return context or HOSTILE

    def _snapshot(self):
        self.env.invalidate_all()
        endpoint = self.endpoint.sudo()
        return (
            endpoint.url,
            endpoint.secret,
            endpoint.previous_secret,
            endpoint.state,
            endpoint.allow_private_network,
            self.env["ps.webhook.endpoint"].sudo().with_context(active_test=False).search_count([]),
            self.env["ps.billing.event"].sudo().search_count([]),
            self.delivery.sudo().state,
            self.delivery.sudo().job_token,
        )

    def test_low_rights_users_cannot_touch_endpoints_secrets_events_or_deliveries(self):
        before = self._snapshot()
        endpoint, event, delivery = self.endpoint.id, self.event.id, self.delivery.id
        for login in ("bc_consultant", "bc_manager", "bc_controller"):
            self._refused(login, "ps.webhook.endpoint", "create", [{"name": "x", "url": "https://evil.example.com"}])
            self._refused(login, "ps.webhook.endpoint", "write", [[endpoint], {"url": "https://evil.example.com"}])
            self._refused(login, "ps.webhook.endpoint", "read", [[endpoint], ["secret", "url"]])
            self._refused(login, "ps.webhook.endpoint", "search_read", [[]], {"fields": ["secret"]})
            self._refused(login, "ps.webhook.endpoint", "action_rotate_secret", [[endpoint]])
            self._refused(login, "ps.webhook.endpoint", "action_enable", [[endpoint]])
            self._refused(login, "ps.webhook.endpoint", "action_send_test_event", [[endpoint]])
            self._refused(login, "ps.billing.event", "create", [{"type_id": self.event.type_id.id, "res_model": "x"}])
            self._refused(login, "ps.billing.event", "write", [[event], {"body": "{}"}])
            self._refused(login, "ps.billing.event", "unlink", [[event]])
            self._refused(login, "ps.billing.event", "action_replay", [[event]])
            self._refused(login, "ps.webhook.delivery", "write", [[delivery], {"state": "delivered"}])
            self._refused(login, "ps.webhook.delivery", "action_replay", [[delivery]])
            self._refused(login, "ps.webhook.delivery", "_job_deliver", [[delivery], 1])
            self._refused(login, "ps.billing.event.hook", "_ps_emit_event", ["invoice.posted", []])
            self._refused(login, "ps.billing.readiness", "action_ps_open_integration_health", [[]])
            # The board's banner route answers them nothing, whatever context they send.
            self.authenticate(login, login)
            banner = self.make_jsonrpc_request("/ps_billing_events/board_health", {"context": HOSTILE})
            self.assertEqual(banner, {}, login)
        self.assertEqual(self._snapshot(), before)
        # An administrator's board shows it.
        self.authenticate("bc_events_admin", "bc_events_admin")
        banner = self.make_jsonrpc_request("/ps_billing_events/board_health", {})
        self.assertIn("Integration Health", banner["html"])
        # A controller reads the events (what happened), not where they went.
        self._call("bc_controller", "ps.billing.event", "read", [[event], ["uuid", "event_type"]])
        self._refused("bc_controller", "ps.webhook.delivery", "read", [[delivery], ["state"]])

    def test_administrator_changes_secrets_and_states_through_the_actions_only(self):
        login = "bc_events_admin"
        endpoint = self.endpoint.id
        before = self._snapshot()
        self._refused(login, "ps.webhook.endpoint", "write", [[endpoint], {"secret": "whsec_AAAA"}])
        self._refused(login, "ps.webhook.endpoint", "write", [[endpoint], {"state": "disabled"}])
        self._refused(login, "ps.webhook.endpoint", "write", [[endpoint], {"previous_secret": "whsec_AAAA"}])
        self._refused(login, "ps.webhook.endpoint", "read", [[endpoint], ["secret"]])
        self._refused(login, "ps.webhook.delivery", "write", [[self.delivery.id], {"state": "delivered"}])
        self._refused(login, "ps.billing.event", "write", [[self.event.id], {"body": "{}"}])
        self.assertEqual(self._snapshot(), before)
        # A new endpoint made with a hostile context gets no secret from it.
        new_id = self._call(
            login, "ps.webhook.endpoint", "create", [{"name": "n8n", "url": "https://n8n.example.com/x"}]
        )
        new = self.env["ps.webhook.endpoint"].sudo().browse(new_id)
        self.assertFalse(new.secret)
        self.assertFalse(new.secret_set_on)
        self.assertEqual(new.state, "enabled")
        # The action rotates; the secret is shown in its dialog to its author only.
        action = self._call(login, "ps.webhook.endpoint", "action_rotate_secret", [[new_id]])
        secret = self._call(login, "ps.webhook.secret", "read", [[action["res_id"]], ["secret"]])[0]["secret"]
        self.env.invalidate_all()
        self.assertEqual(new.secret, secret)
        self._refused("bc_controller", "ps.webhook.secret", "read", [[action["res_id"]], ["secret"]])
