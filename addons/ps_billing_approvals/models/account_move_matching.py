# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import models
from odoo.addons.ps_billing_readiness.models.ps_billing_model import BILLING_MODELS
from odoo.addons.ps_billing_readiness.models.ps_gc import fewer_gc_passes

from .account_move import CUSTOMER_MOVE_TYPES


class AccountMove(models.Model):
    """The facts of a batch of drafts, and the rules of the matrix that catch them."""

    # The model is split by concern across files (house style), on purpose.
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Business: facts and matching (batched, constant number of queries)
    # ------------------------------------------------------------

    def _get_ps_approval_facts(self):
        """Return {move id: facts} the approval rules are evaluated on, read for the whole batch at once.

        Every relation is read through the ORM's prefetching, so the queries do
        not grow with the number of drafts: one per model and relation.
        """
        model_names = dict(BILLING_MODELS)
        # A union of recordsets prefetches only its own records: read what each draft's unions reach
        # for the whole batch first (else one read of projects per draft).
        all_lines = self.invoice_line_ids.sale_line_ids
        (all_lines.project_id | all_lines.task_id.project_id | all_lines.order_id.project_id).mapped("user_id")
        (self.commercial_partner_id | self.partner_id).mapped("category_id.name")
        facts = {}
        for move in self:
            partner = move.commercial_partner_id
            categories = partner.category_id | move.partner_id.category_id
            sale_lines = move.invoice_line_ids.sale_line_ids
            orders = sale_lines.order_id
            projects = sale_lines.project_id | sale_lines.task_id.project_id | orders.project_id
            facts[move.id] = {
                "company_id": move.company_id.id,
                # In company currency, converted at the invoice date (Odoo's rate date of the draft's
                # lines: its invoice date, else its accounting date).
                "amount": abs(move.amount_untaxed_signed),
                "currency_rounding": move.company_currency_id.rounding,
                "has_amount": not move.company_currency_id.is_zero(move.amount_untaxed_signed),
                # The draft's own currency, for the explanation of a foreign-currency draft.
                "document_amount": abs(move.amount_untaxed),
                "document_currency": move.currency_id,
                "rate_date": move.invoice_date or move.date,
                # None: a line's cost is unknown, so is the margin (the margin conditions decide what it means).
                "margin": move.ps_margin_percent if move.ps_cost_known else None,
                "partner_id": partner.id,
                "partner_name": partner.display_name,
                "category_ids": set(categories.ids),
                "category_names": categories.mapped("name"),
                "billing_models": {
                    code: model_names.get(code, code) for code in orders.mapped("ps_billing_model") if code
                },
                "flag_ids": set(move.ps_exception_flag_ids.ids),
                "flag_names": move.ps_exception_flag_ids.mapped("name"),
                "project_managers": projects.user_id,
                "salespersons": move.invoice_user_id or orders.user_id,
            }
        return facts

    @fewer_gc_passes
    def _get_ps_matching_rules(self, explain=False, facts=None):
        """Return {move id: [(rule, checks)]} of the active rules matching these customer drafts.

        With ``explain``, every rule of the draft's company is returned with
        ``(rule, matches, checks)``. Both come from the one evaluation of the
        rules' condition table (``ps.approval.rule._evaluate``): a rule matches
        exactly when its explanation has no failing condition. One search for the
        rules and one read per relation: the queries grow neither with the rules
        nor with the drafts. ``facts`` may be given when the caller already read
        them (``_get_ps_approval_facts``).
        """
        moves = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES)
        if not moves:
            return {}
        if facts is None:
            facts = moves._get_ps_approval_facts()
        # Active rules only, whatever the caller's context says (active_test comes from the client).
        Rule = self.env["ps.approval.rule"].with_context(active_test=True)
        rules = Rule.search([("company_id", "in", moves.company_id.ids)])
        conditions = rules._get_conditions()
        by_company = defaultdict(list)
        for rule in rules:
            by_company[rule.company_id.id].append((rule, conditions[rule.id]))
        cache = {}
        if explain:
            return {
                move.id: [
                    (rule, *rule._evaluate(rule_conditions, facts[move.id], explain=True, cache=cache))
                    for rule, rule_conditions in by_company.get(facts[move.id]["company_id"], ())
                ]
                for move in moves
            }
        # Rule by rule over the batch, condition by condition over the drafts still in: a rule's first
        # condition usually leaves few drafts, so most (draft, rule) pairs cost one test, not an
        # evaluation (measured at size M, 100 drafts against 200 rules: evaluating every pair took
        # 150-200 ms, 1.5-2 ms a draft). The tests are the table's, as _evaluate runs them; _evaluate
        # then decides and explains the drafts left (their checks are what a request shows).
        result = {move.id: [] for move in moves}
        by_company_facts = defaultdict(list)
        for move in moves:
            by_company_facts[facts[move.id]["company_id"]].append((move.id, facts[move.id]))
        for company_id, company_facts in by_company_facts.items():
            for rule, rule_conditions in by_company.get(company_id, ()):
                candidates = company_facts
                for condition, setting in rule_conditions:
                    candidates = [
                        (move_id, move_facts)
                        for move_id, move_facts in candidates
                        if condition.test(setting, move_facts)
                    ]
                    if not candidates:
                        break
                for move_id, move_facts in candidates:
                    matches, checks = rule._evaluate(rule_conditions, move_facts, cache=cache)
                    if matches:
                        result[move_id].append((rule, checks))
        return result

    def _get_ps_sod_excluded_users(self):
        """Return {move id: users} who may not approve it: its creator and who approved the work it bills."""
        work_approvers = self._get_ps_work_approvers()
        return {move.id: move.create_uid | work_approvers.get(move.id, self.env["res.users"]) for move in self}
