# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsWebhookSecret(models.TransientModel):
    """The dialog that shows a new signing secret once: its administrator copies it to the receiver.
    Readable by its creator only (record rule); vacuumed with the other dialogs."""

    _name = "ps.webhook.secret"
    _description = "New Webhook Signing Secret"

    endpoint_id = fields.Many2one("ps.webhook.endpoint", required=True, readonly=True, ondelete="cascade")
    secret = fields.Char(readonly=True)
    previous_secret_expires_on = fields.Datetime(related="endpoint_id.previous_secret_expires_on")
