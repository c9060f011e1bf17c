# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import uuid

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

GROUP_ADMINISTRATOR = "ps_billing_readiness.group_administrator"

EVENT_STATES = [
    ("no_endpoint", "No Endpoint"),
    ("pending", "Pending"),
    ("delivered", "Delivered"),
    ("failing", "Failing"),
    ("dead", "Dead Letter"),
]


class PsBillingEvent(models.Model):
    """One business event, written in the transaction of the change that causes it (transactional
    outbox): a change rolled back emits nothing. Immutable once written; its deliveries carry it
    to each subscribed endpoint, and any of them can be replayed with the same id.
    """

    _name = "ps.billing.event"
    _description = "Billing Event"
    _order = "id desc"
    _rec_name = "uuid"
    _check_company_auto = True

    uuid = fields.Char(
        "Event ID",
        required=True,
        readonly=True,
        index=True,
        copy=False,
        default=lambda self: str(uuid.uuid4()),
        help="Sent as the webhook-id header: the same on every attempt and replay, so consumers deduplicate.",
    )
    type_id = fields.Many2one("ps.billing.event.type", "Type", required=True, readonly=True, ondelete="restrict")
    event_type = fields.Char("Type Code", related="type_id.code", store=True, index=True)
    occurred_on = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    res_model = fields.Char("Model", required=True, readonly=True)
    res_id = fields.Many2oneReference("Record ID", model_field="res_model", readonly=True)
    reference = fields.Char(compute="_compute_reference", help="The record the event is about.")
    sale_order_id = fields.Many2one("sale.order", "Engagement", readonly=True, index=True, check_company=True)
    sequence_number = fields.Integer(
        readonly=True, help="The event's number among its engagement's events: consumers order them by it."
    )
    body = fields.Text(readonly=True, help="The JSON body sent, signed as is, on every attempt and replay.")
    delivery_ids = fields.One2many("ps.webhook.delivery", "event_id", "Deliveries", readonly=True)
    delivery_count = fields.Integer(compute="_compute_delivery_count")
    state = fields.Selection(
        EVENT_STATES,
        compute="_compute_state",
        store=True,
        index=True,
        help="The worst of its deliveries: dead, failing, pending, delivered; no endpoint subscribes to it.",
    )

    _sql_constraints = [("uuid_uniq", "unique(uuid)", "An event id is unique.")]

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("res_model", "res_id")
    def _compute_reference(self):
        # The record's name as people know it (one read per model), or its model and id once deleted.
        names = {}
        for res_model, events in self.grouped("res_model").items():
            if res_model in self.env:
                records = self.env[res_model].sudo().browse(events.mapped("res_id")).exists()
                names.update({(res_model, record.id): record.display_name for record in records})
        for event in self:
            key = (event.res_model, event.res_id)
            event.reference = names.get(key) or (f"{event.res_model},{event.res_id}" if event.res_model else False)

    def _compute_delivery_count(self):
        counts = dict(
            self.env["ps.webhook.delivery"]._read_group([("event_id", "in", self.ids)], ["event_id"], ["__count"])
        )
        for event in self:
            event.delivery_count = counts.get(event, 0)

    @api.depends("delivery_ids.state")
    def _compute_state(self):
        for event in self:
            states = set(event.delivery_ids.mapped("state"))
            if not states - {"cancelled"}:
                event.state = "no_endpoint"
            elif "dead" in states:
                event.state = "dead"
            elif "retrying" in states:
                event.state = "failing"
            elif "pending" in states:
                event.state = "pending"
            else:
                event.state = "delivered"

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_can_replay(self):
        if not self.env.user.has_group(GROUP_ADMINISTRATOR):
            raise AccessError(_("Only a Billing Control administrator can replay events."))
        self.check_access_rule("read")

    def action_replay(self):
        """Send these events again, with their ids, to every endpoint that received them or subscribes now."""
        self._check_can_replay()
        events = self.sudo()
        endpoints = self.env["ps.webhook.endpoint"].sudo().search([])
        missing = []
        for event in events:
            for endpoint in endpoints._ps_filter_subscribed(event):
                if endpoint not in event.delivery_ids.endpoint_id:
                    missing.append(
                        {"event_id": event.id, "endpoint_id": endpoint.id, "company_id": event.company_id.id}
                    )
        self.env["ps.webhook.delivery"].sudo().create(missing)
        deliveries = events.delivery_ids.filtered(lambda d: d.state != "cancelled" or d.endpoint_id.state == "enabled")
        if not deliveries:
            raise UserError(_("No endpoint subscribes to these events: there is nowhere to replay them."))
        deliveries._ps_replay()
        return True

    def action_open_deliveries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ps_billing_events.ps_webhook_delivery_action")
        action["domain"] = [("event_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _ps_get_body(self):
        """Return the body to send, as bytes (stored: the same bytes on every attempt and replay)."""
        self.ensure_one()
        return (self.body or "{}").encode()

    @api.model
    def _ps_prepare_body(self, event_uuid, event_type, occurred_on, company, order, number, data):
        """Return the JSON text of an event's body: the Standard Webhooks envelope (type, timestamp, data)
        with the event's id, company, engagement and its sequence number."""
        return json.dumps(
            {
                "id": event_uuid,
                "type": event_type,
                "timestamp": occurred_on.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "company_id": company.id,
                "engagement": {"id": order.id, "name": order.name} if order else None,
                "sequence": number or None,
                "data": data,
            },
            sort_keys=True,
            default=str,
        )
