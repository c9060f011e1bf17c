# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, format_amount


def compare_cents(value1, value2):
    """Return ``float_compare(value1, value2, precision_digits=2)``, without its rounding when the values
    are clearly apart: the matrix compares every draft of a batch with every rule."""
    delta = value1 - value2
    if delta > 0.02:
        return 1
    if delta < -0.02:
        return -1
    return float_compare(value1, value2, precision_digits=2)


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

    # Conditions
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
        help="Matches drafts whose margin over the cost of the time and expenses they bill is below this "
        "percentage (0: no margin condition).",
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
    # Business: matching
    # ------------------------------------------------------------

    def _get_conditions(self):
        """Return {rule id: conditions} read once for the batch, in plain Python values."""
        return {
            rule.id: {
                "company_id": rule.company_id.id,
                "currency": rule.currency_id,
                "amount_min": rule.amount_min,
                "amount_max": rule.amount_max,
                "margin_below": rule.margin_below,
                "partner_ids": set(rule.partner_ids.ids),
                "partner_names": rule.partner_ids,
                "category_ids": set(rule.partner_category_ids.ids),
                "categories": rule.partner_category_ids,
                "billing_models": {model.code: model.name for model in rule.billing_model_ids},
                "flag_ids": set(rule.exception_flag_ids.ids),
                "flags": rule.exception_flag_ids,
            }
            for rule in self
        }

    @api.model
    def _matches(self, conditions, facts):
        """Return whether the rule of ``conditions`` catches the draft of ``facts``: the plain test of
        ``_explain``, without building any text (no query, no translation, no formatting)."""
        if conditions["company_id"] != facts["company_id"]:
            return False
        amount = facts["amount"]
        if conditions["amount_min"] and compare_cents(amount, conditions["amount_min"]) < 0:
            return False
        if conditions["amount_max"] and compare_cents(amount, conditions["amount_max"]) >= 0:
            return False
        if conditions["margin_below"] and not (
            facts["has_amount"] and compare_cents(facts["margin"], conditions["margin_below"]) < 0
        ):
            return False
        if conditions["partner_ids"] and facts["partner_id"] not in conditions["partner_ids"]:
            return False
        if conditions["category_ids"] and conditions["category_ids"].isdisjoint(facts["category_ids"]):
            return False
        if conditions["billing_models"] and conditions["billing_models"].keys().isdisjoint(facts["billing_models"]):
            return False
        if conditions["flag_ids"] and conditions["flag_ids"].isdisjoint(facts["flag_ids"]):
            return False
        return True

    def _explain(self, conditions, facts):
        """Return (matches, [(condition, passed, explanation)]) of this rule on the facts of one draft.

        ``conditions`` come from ``_get_conditions``, ``facts`` from
        ``account.move._get_ps_approval_facts``: no query is made here.
        """
        self.ensure_one()
        env = self.env
        currency = conditions["currency"]
        checks = []
        amount = facts["amount"]
        if conditions["amount_min"]:
            checks.append(
                (
                    _("Amount from"),
                    compare_cents(amount, conditions["amount_min"]) >= 0,
                    _(
                        "untaxed %(amount)s vs. from %(bound)s",
                        amount=format_amount(env, amount, currency),
                        bound=format_amount(env, conditions["amount_min"], currency),
                    ),
                )
            )
        if conditions["amount_max"]:
            checks.append(
                (
                    _("Amount below"),
                    compare_cents(amount, conditions["amount_max"]) < 0,
                    _(
                        "untaxed %(amount)s vs. below %(bound)s",
                        amount=format_amount(env, amount, currency),
                        bound=format_amount(env, conditions["amount_max"], currency),
                    ),
                )
            )
        if conditions["margin_below"]:
            checks.append(
                (
                    _("Margin below"),
                    facts["has_amount"] and compare_cents(facts["margin"], conditions["margin_below"]) < 0,
                    _(
                        "margin %(margin).1f %% vs. below %(bound).1f %%",
                        margin=facts["margin"],
                        bound=conditions["margin_below"],
                    ),
                )
            )
        if conditions["partner_ids"]:
            checks.append(
                (
                    _("Client"),
                    facts["partner_id"] in conditions["partner_ids"],
                    _(
                        "client %(client)s vs. %(clients)s",
                        client=facts["partner_name"],
                        clients=", ".join(conditions["partner_names"].mapped("display_name")),
                    ),
                )
            )
        if conditions["category_ids"]:
            checks.append(
                (
                    _("Client tag"),
                    bool(facts["category_ids"] & conditions["category_ids"]),
                    _(
                        "client tags %(tags)s vs. %(wanted)s",
                        tags=", ".join(facts["category_names"]) or _("none"),
                        wanted=", ".join(conditions["categories"].mapped("name")),
                    ),
                )
            )
        if conditions["billing_models"]:
            models_found = facts["billing_models"]
            checks.append(
                (
                    _("Billing model"),
                    bool(set(models_found) & set(conditions["billing_models"])),
                    _(
                        "billing model %(found)s vs. %(wanted)s",
                        found=", ".join(models_found.values()) or _("none"),
                        wanted=", ".join(conditions["billing_models"].values()),
                    ),
                )
            )
        if conditions["flag_ids"]:
            checks.append(
                (
                    _("Exception flags"),
                    bool(facts["flag_ids"] & conditions["flag_ids"]),
                    _(
                        "flags %(found)s vs. any of %(wanted)s",
                        found=", ".join(facts["flag_names"]) or _("none"),
                        wanted=", ".join(conditions["flags"].mapped("name")),
                    ),
                )
            )
        if not checks:
            checks.append((_("Every draft"), True, _("no condition: every draft of the company")))
        matches = conditions["company_id"] == facts["company_id"] and all(passed for _c, passed, _e in checks)
        return matches, checks

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
