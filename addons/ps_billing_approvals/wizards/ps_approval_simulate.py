# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import _, api, fields, models


class PsApprovalSimulate(models.TransientModel):
    """Show, for one invoice draft, which approval rules match and why, without routing it."""

    _name = "ps.approval.simulate"
    _description = "Simulate Approval Routing"

    move_id = fields.Many2one(
        "account.move",
        "Invoice Draft",
        required=True,
        domain=[("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "draft")],
    )
    result_html = fields.Html("Result", compute="_compute_result_html", sanitize=False)
    matching_rule_ids = fields.Many2many("ps.approval.rule", string="Matching Rules", compute="_compute_result_html")

    @api.depends("move_id")
    def _compute_result_html(self):
        for wizard in self:
            wizard.result_html = False
            wizard.matching_rule_ids = False
            if not wizard.move_id:
                continue
            explained = wizard.move_id._get_ps_matching_rules(explain=True).get(wizard.move_id.id, [])
            facts = wizard.move_id._get_ps_approval_facts()[wizard.move_id.id]
            wizard.matching_rule_ids = [rule.id for rule, matches, _checks in explained if matches]
            wizard.result_html = wizard._render(explained, facts)

    def _render(self, explained, facts):
        if not explained:
            return Markup("<p>%s</p>") % _("No active approval rule in this company.")
        rows = Markup()
        for rule, matches, checks in explained:
            items = Markup().join(
                Markup("<li>%s %s: %s</li>") % ("✔" if passed else "✘", label, text) for label, passed, text in checks
            )
            approvers = rule._get_rule_approvers(facts).mapped("name")
            rows += Markup(
                "<tr class='%s'><td>%s</td><td>%s</td><td>%s</td><td><ul class='mb-0'>%s</ul></td><td>%s</td></tr>"
            ) % (
                "table-success" if matches else "text-muted",
                rule.level,
                rule.name,
                _("Matches") if matches else _("No match"),
                items,
                ", ".join(approvers) or _("nobody"),
            )
        header = Markup("<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            _("Level"),
            _("Rule"),
            _("Result"),
            _("Why"),
            _("Would route to"),
        )
        summary = (
            _("Straight-through: no rule matches, the draft can be posted without approval.")
            if not any(matches for _r, matches, _c in explained)
            else _("Approval required by the highlighted rules, level by level.")
        )
        return Markup(
            "<p><strong>%s</strong></p><table class='table table-sm'><thead>%s</thead><tbody>%s</tbody>" "</table>"
        ) % (escape(summary), header, rows)
