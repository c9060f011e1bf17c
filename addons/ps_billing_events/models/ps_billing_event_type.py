# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsBillingEventType(models.Model):
    """A kind of business event (``invoice.posted``...): what endpoints subscribe to.

    The types are data of this module; a module that emits a new type ships its record. An
    administrator archives a type to stop recording it.
    """

    _name = "ps.billing.event.type"
    _description = "Billing Event Type"
    _order = "sequence, code"

    code = fields.Char(
        required=True, readonly=True, help='The event\'s type as consumers read it ("type" in the body).'
    )
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True, help="When the event is emitted and what its data holds.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, help="Archived: events of this type are no longer recorded.")

    _sql_constraints = [("code_uniq", "unique(code)", "An event type code is unique.")]
