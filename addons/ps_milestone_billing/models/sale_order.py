# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ps_milestone_acceptance_required = fields.Boolean(
        "Milestone Acceptance Required",
        compute="_compute_ps_milestone_acceptance_required",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Only milestones the client accepted count as delivered and are billed. On by default for "
        "milestone billing where the company's policy asks for it (Settings).",
    )
    ps_milestone_evidence_required = fields.Boolean(
        "Milestone Evidence Required",
        tracking=True,
        help="A milestone can only be accepted once evidence is attached to it.",
    )
    ps_deemed_acceptance_days = fields.Integer(
        "Deemed Acceptance After (days)",
        default=0,
        tracking=True,
        help="A milestone awaiting acceptance this many days without a rejection is deemed accepted; 0 means never.",
    )

    @api.depends("ps_billing_model")
    def _compute_ps_milestone_acceptance_required(self):
        for order in self:
            order.ps_milestone_acceptance_required = (
                order.ps_billing_model == "milestone" and order.company_id.ps_milestone_acceptance_required
            )

    def write(self, vals):
        res = super().write(vals)
        if {"ps_milestone_acceptance_required", "ps_billing_model"} & set(vals):
            self._ps_recompute_milestone_delivery()
        return res

    def _ps_recompute_milestone_delivery(self):
        """Whether the client must accept decides what milestone lines delivered: recompute them."""
        self.flush_recordset(["ps_milestone_acceptance_required"])
        lines = self.order_line.filtered(lambda line: line.qty_delivered_method == "milestones")
        if lines:
            self.env.add_to_compute(self.env["sale.order.line"]._fields["qty_delivered"], lines)

    @api.constrains("ps_deemed_acceptance_days")
    def _check_ps_deemed_acceptance_days(self):
        if any(order.ps_deemed_acceptance_days < 0 for order in self):
            raise ValidationError(_("The deemed acceptance delay cannot be negative (0 means never)."))

    @api.model
    def _get_ps_readiness_watched_fields(self):
        """Milestones feed the acceptance check; vendor bills on a project feed the subcontractor check."""
        watched = super()._get_ps_readiness_watched_fields()
        watched["project.milestone"] = {
            "is_reached",
            "reached_date",
            "sale_line_id",
            "quantity_percentage",
            "ps_acceptance_state",
            "ps_awaiting_since",
            "ps_reject_reason",
        }
        watched["account.move.line"] = {"analytic_distribution", "balance", "display_type"}
        return watched

    @api.model
    def _get_ps_terms_fields(self):
        return super()._get_ps_terms_fields() + (
            "ps_milestone_acceptance_required",
            "ps_milestone_evidence_required",
            "ps_deemed_acceptance_days",
        )
