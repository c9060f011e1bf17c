# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

APPROVER_TYPES = [
    ("group", "Members of a Group"),
    ("users", "Specific Users"),
    ("project_manager", "Project Manager of the Engagement"),
    ("salesperson", "Salesperson (Account Manager)"),
]


class PsApprovalRule(models.Model):
    """One line of the approval matrix: the invoice drafts it catches and who approves them.

    Conditions are optional and combined with AND; an empty condition does not
    filter. Rules of the same level are approved in parallel, levels in order.
    How each condition matches and explains itself is the condition table of
    ``ps_approval_rule_evaluation.py``.
    """

    _name = "ps.approval.rule"
    _description = "Invoice Approval Rule"
    _inherit = ["mail.thread"]
    _order = "level, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    level = fields.Integer(
        default=1,
        required=True,
        tracking=True,
        help="Levels are approved in order: level 2 is asked only once every level 1 request is approved.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Text(help="Why the firm wants this approval.")

    # Conditions: each is read, matched and explained by its entry of the condition table
    # (APPROVAL_CONDITIONS, ps_approval_rule_evaluation.py).
    amount_min = fields.Monetary(
        "Untaxed Amount From",
        tracking=True,
        help="Matches drafts whose untaxed amount, in company currency at the invoice date, is at least this "
        "(0: no lower bound).",
    )
    amount_max = fields.Monetary(
        "Untaxed Amount Below",
        tracking=True,
        help="Matches drafts whose untaxed amount, in company currency at the invoice date, is below this "
        "(0: no upper bound).",
    )
    margin_below = fields.Float(
        "Margin Below (%)",
        tracking=True,
        help="Matches drafts whose margin (untaxed amount less the cost of the time, expenses and products they "
        "bill, over the untaxed amount, in company currency) is below this percentage, and drafts whose margin is "
        "unknown because the cost of a line is: a margin nobody can see is approved, never let through "
        "(0: no margin condition).",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "ps_approval_rule_partner_rel",
        "rule_id",
        "partner_id",
        string="Clients",
        domain=[("is_company", "=", True)],
        help="Matches drafts of these clients (commercial partners).",
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        "ps_approval_rule_partner_category_rel",
        "rule_id",
        "category_id",
        string="Client Tags",
        help="Matches drafts of clients carrying any of these tags (client tiers).",
    )
    billing_model_ids = fields.Many2many(
        "ps.billing.model",
        "ps_approval_rule_billing_model_rel",
        "rule_id",
        "billing_model_id",
        string="Billing Models",
        help="Matches drafts billing an engagement of any of these billing models.",
    )
    exception_flag_ids = fields.Many2many(
        "ps.exception.flag",
        "ps_approval_rule_exception_flag_rel",
        "rule_id",
        "flag_id",
        string="Exception Flags",
        help="Matches drafts carrying any of these exception flags.",
    )

    # Approver
    approver_type = fields.Selection(APPROVER_TYPES, required=True, default="group", tracking=True)
    group_id = fields.Many2one("res.groups", "Approver Group", tracking=True)
    user_ids = fields.Many2many(
        "res.users",
        "ps_approval_rule_user_rel",
        "rule_id",
        "user_id",
        string="Approvers",
        domain=[("share", "=", False)],
    )
    request_count = fields.Integer(compute="_compute_request_count")

    _sql_constraints = [
        ("level_positive", "check(level > 0)", "Approval levels start at 1."),
    ]

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    def _compute_request_count(self):
        counts = dict(
            self.env["ps.approval.request"]._read_group([("rule_id", "in", self.ids)], ["rule_id"], ["__count"])
        )
        for rule in self:
            rule.request_count = counts.get(rule, 0)

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("approver_type", "group_id", "user_ids")
    def _check_approver(self):
        for rule in self:
            if rule.approver_type == "group" and not rule.group_id:
                raise ValidationError(_("Rule %s routes to a group: choose the group.", rule.name))
            if rule.approver_type == "users" and not rule.user_ids:
                raise ValidationError(_("Rule %s routes to specific users: choose at least one.", rule.name))

    @api.constrains("amount_min", "amount_max", "margin_below")
    def _check_bounds(self):
        for rule in self:
            if rule.amount_min < 0 or rule.amount_max < 0:
                raise ValidationError(_("Amount bounds of rule %s cannot be negative.", rule.name))
            if rule.amount_max and float_compare(rule.amount_min, rule.amount_max, precision_digits=2) >= 0:
                raise ValidationError(_("The lower amount of rule %s must be below its upper amount.", rule.name))
            if not -100 <= rule.margin_below <= 100:
                raise ValidationError(_("The margin of rule %s is a percentage.", rule.name))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_simulate(self):
        """Open the simulation: pick a draft, see which rules match and why."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Simulate Approval Routing"),
            "res_model": "ps.approval.simulate",
            "view_mode": "form",
            "target": "new",
        }

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ps_billing_approvals.ps_approval_request_action_all")
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------
    # Business: approvers
    # ------------------------------------------------------------

    def _get_rule_approvers(self, move_facts, cache=None):
        """Return the users this rule routes one draft to, before delegation and segregation of duties.

        ``cache``, a dict kept over a batch, saves filtering the same group or users again for every draft.
        """
        self.ensure_one()
        if self.approver_type == "group":
            users = self.group_id.users
        elif self.approver_type == "users":
            users = self.user_ids
        elif self.approver_type == "project_manager":
            users = move_facts["project_managers"]
        else:
            users = move_facts["salespersons"]
        company_id = move_facts["company_id"]
        key = (users._ids, company_id)
        if cache is not None and key in cache:
            return cache[key]
        approvers = users.filtered(
            lambda user: user.active
            and not user.share
            and user.id != SUPERUSER_ID
            and company_id in user.company_ids.ids
        )
        if cache is not None:
            cache[key] = approvers
        return approvers
