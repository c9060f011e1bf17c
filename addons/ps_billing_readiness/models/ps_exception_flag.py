# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsExceptionFlag(models.Model):
    """An exception an invoice draft carries (a manual edit, a discount…),
    raised by the hook ``account.move._get_ps_exception_flag_codes``."""

    _name = "ps.exception.flag"
    _description = "Invoice Exception Flag"
    _order = "sequence, id"

    code = fields.Char(required=True, readonly=True)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "An exception flag exists once per code."),
    ]
