# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, models


class PsBillingReadiness(models.Model):
    _inherit = "ps.billing.readiness"

    @api.model
    def _ps_before_billing_run(self, today, limit):
        """Milestones awaiting past their delay are deemed accepted before the evaluation reads them."""
        res = super()._ps_before_billing_run(today, limit)
        self.env["project.milestone"]._ps_deem_accepted_now(limit=limit)
        return res

    @api.model
    def _ps_check_milestones_accepted(self, evaluation):
        """Milestones reached in the period (or earlier, for the earliest open one) that are not accepted."""
        records = evaluation.targets
        orders = records.sale_order_id.filtered("ps_milestone_acceptance_required")
        if not orders:
            return []
        milestones = (
            self.env["project.milestone"]
            .sudo()
            .search(
                [
                    ("sale_line_id.order_id", "in", orders.ids),
                    ("is_reached", "=", True),
                    ("ps_acceptance_state", "in", ("awaiting", "rejected")),
                    ("reached_date", "<=", evaluation.last_end),
                ],
                order="reached_date, id",
            )
        )
        if not milestones:
            return []
        by_order = defaultdict(list)
        for milestone in milestones:
            by_order[milestone.sale_line_id.order_id.id].append(milestone)
        findings = []
        for record in records:
            for milestone in by_order.get(record.sale_order_id.id, ()):
                line = milestone.sale_line_id
                if not evaluation.takes(record, milestone.reached_date):
                    continue
                amount = milestone.quantity_percentage * line.price_subtotal
                if milestone.ps_acceptance_state == "rejected":
                    status = _(
                        "was rejected by the client (%s)",
                        milestone.ps_reject_reason or "",
                    )
                else:
                    status = _(
                        "awaits the client's acceptance since %s",
                        evaluation.format_date(milestone.ps_awaiting_since or milestone.reached_date),
                    )
                text = _(
                    'Milestone "%(milestone)s" reached on %(date)s %(status)s: %(amount)s cannot be billed.',
                    milestone=milestone.name,
                    date=evaluation.format_date(milestone.reached_date),
                    status=status,
                    amount=evaluation.format_amount(amount, record.currency_id),
                )
                findings.append(evaluation.finding(record, text, amount, milestone))
        return findings

    @api.model
    def _ps_check_subcontractor_costs(self, evaluation):
        """Draft vendor bills charged to the engagement's project: costs not yet approved.

        Blocking for milestone billing (the milestone's margin is unknown until
        they are approved), the check's own severity otherwise.
        """
        records = evaluation.targets
        accounts = records.project_id.analytic_account_id
        if not accounts:
            return []
        bill_lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("move_id.move_type", "in", ("in_invoice", "in_refund")),
                    ("parent_state", "=", "draft"),
                    ("display_type", "=", "product"),
                    ("analytic_distribution", "in", accounts.ids),
                ]
            )
        )
        if not bill_lines:
            return []
        # {(bill, analytic account id): cost in company currency charged to that account}
        account_ids = set(accounts.ids)
        costs = defaultdict(lambda: defaultdict(float))  # {account id: {bill: cost}}
        for line in bill_lines:
            for key, percentage in (line.analytic_distribution or {}).items():
                for account_id in key.split(","):
                    if int(account_id) in account_ids:
                        costs[int(account_id)][line.move_id] += line.balance * percentage / 100.0
        findings, rates = [], {}
        for record in records:
            account = record.project_id.analytic_account_id
            severity = "blocking" if record.billing_model == "milestone" else None
            for bill, cost in costs.get(account.id, {}).items():
                bill_date = bill.invoice_date or bill.date
                if bill_date and bill_date > record.period_end:
                    continue
                # The rate of each currency pair and day once (Odoo's _convert looks it up for each amount).
                key = (bill.company_currency_id, record.currency_id, record.company_id, bill_date or record.period_end)
                if key not in rates:
                    rates[key] = key[0]._get_conversion_rate(*key[:4])
                amount = record.currency_id.round(cost * rates[key])
                text = _(
                    "Vendor bill %(bill)s of %(vendor)s charges %(amount)s to project %(project)s and is still "
                    "a draft: the cost is not approved.",
                    bill=bill.ref or bill.display_name,
                    vendor=bill.partner_id.display_name or _("an unknown vendor"),
                    amount=evaluation.format_amount(amount, record.currency_id),
                    project=record.project_id.display_name,
                )
                findings.append(evaluation.finding(record, text, amount, bill, severity=severity))
        return findings
