# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

BILLING_MODELS = [
    ("time_materials", "Time and Materials"),
    ("fixed_fee", "Fixed Fee"),
    ("milestone", "Milestones"),
    ("retainer", "Retainer"),
]


class PsBillingModel(models.Model):
    """A billing model as a record, so that checks and approval rules can
    target several of them with a many2many (the engagement itself keeps a
    selection whose values are these codes)."""

    _name = "ps.billing.model"
    _description = "Billing Model"
    _order = "sequence, id"

    code = fields.Selection(BILLING_MODELS, required=True, readonly=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A billing model exists once per code."),
    ]
