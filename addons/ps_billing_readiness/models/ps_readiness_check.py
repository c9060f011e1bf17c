# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PsReadinessCheck(models.Model):
    """A readiness check: configuration as a record, logic as the method
    ``ps.billing.readiness._ps_check_<code>(evaluation)`` that a module ships with it."""

    _name = "ps.readiness.check"
    _description = "Readiness Check"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, readonly=True, help="Names the method _ps_check_<code> of the readiness model.")
    sequence = fields.Integer(default=10)
    severity = fields.Selection(
        [("blocking", "Blocking"), ("warning", "Warning")],
        required=True,
        default="blocking",
        help="A blocking finding stops the engagement from being drafted; a warning only informs.",
    )
    active = fields.Boolean(default=True)
    billing_model_ids = fields.Many2many(
        "ps.billing.model",
        string="Billing Models",
        help="The engagements' billing models this check applies to; empty means all.",
    )
    description = fields.Text(translate=True)
    finding_count = fields.Integer(compute="_compute_finding_count")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A readiness check exists once per code."),
    ]

    def _compute_finding_count(self):
        counts = dict(
            self.env["ps.readiness.finding"]._read_group([("check_id", "in", self.ids)], ["check_id"], ["__count"])
        )
        for check in self:
            check.finding_count = counts.get(check, 0)

    @api.constrains("code")
    def _check_method_exists(self):
        Readiness = self.env["ps.billing.readiness"]
        for check in self:
            if not callable(getattr(Readiness, f"_ps_check_{check.code}", None)):
                raise ValidationError(
                    _(
                        "The readiness check %(name)s has no method _ps_check_%(code)s.",
                        name=check.name,
                        code=check.code,
                    )
                )

    def _applies_to(self, billing_model):
        """Return whether this check applies to engagements of ``billing_model`` (a code)."""
        self.ensure_one()
        return not self.billing_model_ids or billing_model in self.billing_model_ids.mapped("code")
