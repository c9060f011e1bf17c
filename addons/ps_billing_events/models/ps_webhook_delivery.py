# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.addons.queue_job.job import identity_exact
from odoo.exceptions import AccessError, UserError

from .ps_billing_event import GROUP_ADMINISTRATOR

# The channel of the webhook deliveries (odoo.conf, [queue_job] channels: its capacity). A sibling of
# root.billing, not a child: a slow receiver never takes the month-end's capacity, and a delivery job
# is no month-end job (the core's failed-job findings watch root.billing and its children).
EVENTS_CHANNEL = "root.billing_events"
# First attempts: one job per endpoint and batch of this many deliveries.
FIRST_ATTEMPT_BATCH = 50

DELIVERY_STATES = [
    ("pending", "Pending"),
    ("retrying", "Retrying"),
    ("delivered", "Delivered"),
    ("dead", "Dead Letter"),
    ("cancelled", "Cancelled"),
]


class PsWebhookDelivery(models.Model):
    """One event on its way to one endpoint, with its attempts. Each attempt is a job on the
    ``root.billing_events`` channel; a failed attempt enqueues the next one with its ``eta`` on the
    Standard Webhooks schedule, until the receiver answers 2xx or the retries are exhausted (dead letter).
    """

    _name = "ps.webhook.delivery"
    _description = "Webhook Delivery"
    _order = "id desc"
    _rec_name = "event_id"
    _check_company_auto = True

    event_id = fields.Many2one(
        "ps.billing.event", "Event", required=True, readonly=True, ondelete="cascade", index=True
    )
    endpoint_id = fields.Many2one(
        "ps.webhook.endpoint", "Endpoint", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    event_uuid = fields.Char("Event ID", related="event_id.uuid")
    event_type = fields.Char("Type", related="event_id.event_type")
    sale_order_id = fields.Many2one(related="event_id.sale_order_id")
    sequence_number = fields.Integer(related="event_id.sequence_number")
    state = fields.Selection(DELIVERY_STATES, default="pending", required=True, readonly=True, index=True)
    attempt_count = fields.Integer("Attempts", readonly=True)
    attempt_ids = fields.One2many("ps.webhook.attempt", "delivery_id", "Attempt History", readonly=True)
    next_attempt_on = fields.Datetime("Next Attempt", readonly=True)
    delivered_on = fields.Datetime(readonly=True)
    last_status_code = fields.Integer("Last Status", readonly=True)
    last_error = fields.Char(readonly=True)
    job_token = fields.Integer(
        readonly=True,
        copy=False,
        help="The number of the attempt job that may run: a replay enqueues a new one, any older job does nothing.",
    )

    _sql_constraints = [
        ("event_endpoint_uniq", "unique(event_id, endpoint_id)", "An event is delivered once per endpoint.")
    ]

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_can_replay(self):
        if not self.env.user.has_group(GROUP_ADMINISTRATOR):
            raise AccessError(_("Only a Billing Control administrator can replay webhook deliveries."))
        self.check_access_rule("read")

    def action_replay(self):
        """Send these deliveries' events again, now, with the same event ids."""
        self._check_can_replay()
        self.sudo()._ps_replay()
        return True

    # ------------------------------------------------------------
    # Business: jobs
    # ------------------------------------------------------------

    def _ps_delayable(self, description, eta=None):
        return self.delayable(channel=EVENTS_CHANNEL, identity_key=identity_exact, description=description, eta=eta)

    def _ps_enqueue_first_attempts(self):
        """Enqueue the first attempt of these new deliveries: one job per endpoint, on its first batch; each
        batch job enqueues the next when it is done (an emission of a thousand events inside the month-end
        writes one job per endpoint, not one per batch)."""
        for endpoint, deliveries in self.grouped("endpoint_id").items():
            deliveries.sorted("id")[:FIRST_ATTEMPT_BATCH]._ps_enqueue_batch(endpoint)

    def _ps_enqueue_batch(self, endpoint):
        """Enqueue the first attempt of these deliveries to ``endpoint`` as one job."""
        self._ps_delayable(
            _("Webhooks: send %(count)s events to %(endpoint)s", count=len(self), endpoint=endpoint.name)
        )._job_deliver_batch().delay()

    def _ps_enqueue_attempt(self, eta=None):
        """Enqueue the next attempt of each of these deliveries at ``eta`` (now by default); any job enqueued
        before for them does nothing any more."""
        for delivery in self:
            token = delivery.job_token + 1
            delivery.write({"job_token": token, "next_attempt_on": eta or fields.Datetime.now()})
            delivery._ps_delayable(
                _(
                    "Webhooks: send %(event)s to %(endpoint)s",
                    event=delivery.event_uuid,
                    endpoint=delivery.endpoint_id.name,
                ),
                eta=eta,
            )._job_deliver(token).delay()

    def _job_deliver_batch(self):
        """Job: the first attempt of those of these deliveries never attempted yet, in the order of their
        events; return {"delivered": count, "failed": count}."""
        todo = self.sudo().exists().filtered(lambda d: d.state == "pending" and not d.attempt_count).sorted("id")
        result = {"delivered": 0, "failed": 0}
        unreachable = {}  # {endpoint id: when its failed delivery is tried next}
        for delivery in todo:
            endpoint_id = delivery.endpoint_id.id
            if endpoint_id in unreachable:
                # The receiver did not answer the previous one: no attempt now (each would wait for the
                # timeout); the next one together with the delivery that failed.
                delivery._ps_enqueue_attempt(eta=unreachable[endpoint_id])
                continue
            outcome = delivery._ps_attempt()
            result["delivered" if outcome == "delivered" else "failed"] += 1
            if outcome == "unreachable" and delivery.state == "retrying":
                unreachable[endpoint_id] = delivery.next_attempt_on
        # The next batch of each endpoint's deliveries never attempted, oldest first.
        for endpoint in self.sudo().exists().endpoint_id:
            following = self.sudo().search(
                [
                    ("endpoint_id", "=", endpoint.id),
                    ("state", "=", "pending"),
                    ("attempt_count", "=", 0),
                    ("id", "not in", self.ids),
                ],
                order="id",
                limit=FIRST_ATTEMPT_BATCH,
            )
            if following:
                following._ps_enqueue_batch(endpoint)
        return result

    def _job_deliver(self, token):
        """Job: the attempt ``token`` of this delivery, unless a replay superseded it or it is settled;
        return the outcome."""
        delivery = self.sudo().exists()
        if not delivery or delivery.job_token != token or delivery.state not in ("pending", "retrying"):
            return "skipped"
        return delivery._ps_attempt()

    def _ps_replay(self):
        """Send these deliveries again now with their events' ids (run as superuser after the checks)."""
        usable = self.filtered(lambda d: d.endpoint_id.active and d.endpoint_id.state == "enabled")
        if not usable:
            raise UserError(_("The endpoints of these deliveries are disabled or archived: enable them first."))
        usable.write({"state": "pending", "last_error": False})
        usable._ps_enqueue_attempt()
        return usable

    @api.model
    def _ps_get_health(self, companies=None):
        """Return the integration's health counters for ``companies`` (the user's by default), one
        ``_read_group`` per model: deliveries failing (retrying) and dead, retries pending, endpoints
        disabled, the oldest undelivered event."""
        companies = companies or self.env.companies
        Delivery = self.sudo()
        by_state = dict(Delivery._read_group([("company_id", "in", companies.ids)], ["state"], ["__count"]))
        # Events are numbered in the order they occur: the smallest id waiting is the oldest.
        oldest_id = Delivery._read_group(
            [("company_id", "in", companies.ids), ("state", "in", ("pending", "retrying", "dead"))],
            [],
            ["event_id:min"],
        )[0][0]
        oldest = self.env["ps.billing.event"].sudo().browse(oldest_id or [])
        disabled = (
            self.env["ps.webhook.endpoint"]
            .sudo()
            .search_count([("company_id", "in", companies.ids), ("state", "=", "disabled")])
        )
        return {
            "failing": by_state.get("retrying", 0),
            "dead": by_state.get("dead", 0),
            "pending": by_state.get("pending", 0) + by_state.get("retrying", 0),
            "endpoints_disabled": disabled,
            "oldest_undelivered_on": oldest.occurred_on if oldest else False,
        }
