# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class PsApprovalDelegation(models.Model):
    """A user hands their invoice approvals to another user for a date range."""

    _name = "ps.approval.delegation"
    _description = "Invoice Approval Delegation"
    _order = "date_from desc, id desc"

    user_id = fields.Many2one(
        "res.users",
        "Delegated By",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        domain=[("share", "=", False)],
        ondelete="cascade",
    )
    delegate_id = fields.Many2one(
        "res.users",
        "Delegate",
        required=True,
        index=True,
        domain=[("share", "=", False)],
        ondelete="cascade",
    )
    # The firm's calendar decides when a delegation runs (see ps.approval.request._apply_delegations).
    date_from = fields.Date("From", required=True, default=lambda self: self.env.company._ps_today())
    date_to = fields.Date("To", required=True)
    note = fields.Char()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("dates_check", "check(date_from <= date_to)", "A delegation cannot end before it starts."),
        ("delegate_check", "check(user_id != delegate_id)", "Nobody delegates to themselves."),
    ]

    @api.depends("user_id", "delegate_id", "date_from", "date_to")
    def _compute_display_name(self):
        for delegation in self:
            delegation.display_name = _(
                "%(user)s → %(delegate)s (%(start)s – %(end)s)",
                user=delegation.user_id.name,
                delegate=delegation.delegate_id.name,
                start=format_date(self.env, delegation.date_from),
                end=format_date(self.env, delegation.date_to),
            )

    @api.constrains("user_id", "date_from", "date_to", "active")
    def _check_no_overlap(self):
        for delegation in self.filtered("active"):
            if self.search_count(
                [
                    ("id", "!=", delegation.id),
                    ("user_id", "=", delegation.user_id.id),
                    ("date_from", "<=", delegation.date_to),
                    ("date_to", ">=", delegation.date_from),
                ]
            ):
                raise ValidationError(
                    _("%s already delegates their approvals over part of these dates.", delegation.user_id.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        delegations = super().create(vals_list)
        delegations._reroute_pending_requests()
        return delegations

    @api.model
    def _get_delegates(self, users, day):
        """Return {user id: (delegate, delegation)} of ``users`` on ``day``, following chains of delegations."""
        if not users:
            return {}
        delegations = self.sudo().search([("date_from", "<=", day), ("date_to", ">=", day)])
        direct = {delegation.user_id.id: delegation for delegation in delegations}
        result = {}
        for user in users:
            delegation, seen = direct.get(user.id), {user.id}
            found = None
            while delegation and delegation.delegate_id.id not in seen:
                found = delegation
                seen.add(delegation.delegate_id.id)
                delegation = direct.get(delegation.delegate_id.id)
            if found:
                result[user.id] = (found.delegate_id, direct[user.id])
        return result

    def _reroute_pending_requests(self):
        """Send the pending requests of the delegating users to their delegates where the delegation runs
        today (each request's company's today)."""
        requests = (
            self.env["ps.approval.request"]
            .sudo()
            .search(
                [
                    ("state", "=", "pending"),
                    ("approver_ids", "in", self.user_id.ids),
                ]
            )
        )
        requests._apply_delegations()
