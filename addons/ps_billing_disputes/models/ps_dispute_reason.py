# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsDisputeReason(models.Model):
    """Why a client disputes an invoice, or why a credit note was issued: a code the firm counts."""

    _name = "ps.dispute.reason"
    _description = "Dispute Reason"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    code = fields.Char(required=True, help="Stable key: the classifier's labels and the KPIs use it.")
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_unique", "unique(code)", "A reason code is used once.")]
