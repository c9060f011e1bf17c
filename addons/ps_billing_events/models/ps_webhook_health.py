# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from .ps_billing_event import GROUP_ADMINISTRATOR


class PsWebhookHealth(models.TransientModel):
    """The integration's health, as the board shows it: what is failing, waiting or dead, and since when."""

    _name = "ps.webhook.health"
    _description = "Integration Health"

    failing_count = fields.Integer("Deliveries Failing", compute="_compute_health")
    dead_count = fields.Integer("Dead Letters", compute="_compute_health")
    pending_count = fields.Integer("Retries Pending", compute="_compute_health")
    endpoints_disabled_count = fields.Integer("Endpoints Disabled", compute="_compute_health")
    oldest_undelivered_on = fields.Datetime("Oldest Undelivered Event", compute="_compute_health")

    @api.depends_context("allowed_company_ids")
    def _compute_health(self):
        health = self.env["ps.webhook.delivery"]._ps_get_health()
        for record in self:
            record.failing_count = health["failing"]
            record.dead_count = health["dead"]
            record.pending_count = health["pending"]
            record.endpoints_disabled_count = health["endpoints_disabled"]
            record.oldest_undelivered_on = health["oldest_undelivered_on"]

    @api.model
    def _ps_get_banner(self):
        """Return the board's banner: {"html": the integration's health} for a Billing Control
        administrator of a company with webhook endpoints, {} for anyone else (no banner)."""
        if not self.env.user.has_group(GROUP_ADMINISTRATOR):
            return {}
        companies = self.env.companies
        if not self.env["ps.webhook.endpoint"].sudo().search_count([("company_id", "in", companies.ids)]):
            return {}
        health = self.env["ps.webhook.delivery"]._ps_get_health(companies)
        html = self.env["ir.qweb"]._render("ps_billing_events.board_health_banner", {"health": health})
        return {"html": html}

    @api.model
    def _ps_get_action(self):
        """Return the action that opens the health panel."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Integration Health"),
            "res_model": self._name,
            "res_id": self.create({}).id,
            "view_mode": "form",
            "target": "new",
        }

    def _ps_open_deliveries(self, domain):
        action = self.env["ir.actions.act_window"]._for_xml_id("ps_billing_events.ps_webhook_delivery_action")
        action["domain"] = domain
        action["context"] = {}
        return action

    def action_open_failing(self):
        return self._ps_open_deliveries([("state", "=", "retrying")])

    def action_open_dead(self):
        return self._ps_open_deliveries([("state", "=", "dead")])

    def action_open_pending(self):
        return self._ps_open_deliveries([("state", "in", ("pending", "retrying"))])

    def action_open_endpoints(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("ps_billing_events.ps_webhook_endpoint_action")
        action["domain"] = [("state", "=", "disabled")]
        return action
