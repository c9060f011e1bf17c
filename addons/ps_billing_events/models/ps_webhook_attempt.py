# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsWebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: what the receiver answered, how fast, or why it could not be sent."""

    _name = "ps.webhook.attempt"
    _description = "Webhook Delivery Attempt"
    _order = "delivery_id, number"

    delivery_id = fields.Many2one("ps.webhook.delivery", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="delivery_id.company_id", store=True)
    number = fields.Integer(readonly=True)
    attempted_on = fields.Datetime(readonly=True)
    status_code = fields.Integer("Status", readonly=True, help="The receiver's HTTP status; 0: no answer.")
    duration_ms = fields.Integer("Duration (ms)", readonly=True)
    response_excerpt = fields.Char("Response", readonly=True, help="The first kilobyte of the receiver's answer.")
    error = fields.Char(readonly=True)
