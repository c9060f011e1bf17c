# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The core's readiness checks.

Each is ``_ps_check_<code>(evaluation)``, named by the ``code`` of its
``ps.readiness.check`` record: it reads ``evaluation`` only (its ``targets``, the
inputs, the helpers) and returns the findings of the whole batch as values made by
``evaluation.finding()``.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import float_compare, float_is_zero


class PsBillingReadiness(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.billing.readiness"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _ps_check_month_end_jobs(self, evaluation):
        """A month-end job of the engagement failed or is stuck: its period waits until it is retried."""
        Job = self.env["queue.job"]
        failed = Job._ps_get_failed_by_order()
        findings = []
        for record in evaluation.targets:
            for job in failed.get(record.sale_order_id.id, Job):
                findings.append(
                    evaluation.finding(
                        record,
                        Job._ps_get_failure_message(job),
                        evaluation.deliverable[record.id],
                        about=job,
                        whole_period=True,
                    )
                )
        return findings

    @api.model
    def _ps_check_terms_confirmed(self, evaluation):
        # The texts translated once, not once per period (a translation looks the language up each time).
        no_model = _("%s has no billing model: set it in the engagement's billing terms.")
        not_confirmed = _("The billing terms of %s are not confirmed by finance.")
        waiting = _("%s waits on them.")
        findings = []
        for record in evaluation.targets:
            order = record.sale_order_id
            deliverable = evaluation.deliverable[record.id]
            if not order.ps_billing_model:
                message = no_model % order.name
            elif not order.ps_terms_confirmed:
                message = not_confirmed % order.name
                if not record.currency_id.is_zero(deliverable):
                    message += " " + waiting % evaluation.format_amount(deliverable, record.currency_id)
            else:
                continue
            findings.append(evaluation.finding(record, message, deliverable))
        return findings

    @api.model
    def _ps_check_po_reference(self, evaluation):
        missing = _("%(client)s requires a purchase order on %(order)s and none is recorded.")
        held = _("%s cannot be billed without it.")
        findings = []
        for record in evaluation.targets:
            order = record.sale_order_id
            if not order.ps_po_required or order.ps_client_po_ref:
                continue
            deliverable = evaluation.deliverable[record.id]
            message = missing % {"client": record.partner_id.display_name, "order": order.name}
            if not record.currency_id.is_zero(deliverable):
                message += " " + held % evaluation.format_amount(deliverable, record.currency_id)
            findings.append(evaluation.finding(record, message, deliverable))
        return findings

    @api.model
    def _ps_check_expenses_validated(self, evaluation):
        order_ids = set(evaluation.targets.sale_order_id.ids)
        expenses = evaluation.expenses.filtered(
            lambda e: e.sale_order_id.id in order_ids and e.state in ("draft", "reported", "submitted")
        )
        states = dict(expenses._fields["state"]._description_selection(self.env))
        text = _('Expense "%(expense)s" of %(employee)s (%(date)s, %(amount)s) is not approved yet (%(state)s).')
        return self._ps_expense_findings(
            evaluation,
            expenses,
            lambda record: record.sale_order_id.id,
            lambda expense: [expense.sale_order_id.id],
            lambda expense, amount, day: text
            % {
                "expense": expense.name,
                "employee": expense.employee_id.name,
                "date": day,
                "amount": amount,
                "state": states[expense.state],
            },
        )

    @api.model
    def _ps_check_expenses_unlinked(self, evaluation):
        accounts = set(evaluation.targets.project_id.analytic_account_id.ids)
        if not accounts:
            return []

        def accounts_of(expense):
            return {int(account) for key in (expense.analytic_distribution or {}) for account in key.split(",")}

        expenses = evaluation.project_expenses.filtered(lambda e: accounts_of(e) & accounts)
        text = _(
            'Expense "%(expense)s" of %(employee)s (%(date)s, %(amount)s) is charged to the project but '
            "linked to no sales order: it will never be re-invoiced."
        )
        return self._ps_expense_findings(
            evaluation,
            expenses,
            lambda record: record.project_id.analytic_account_id.id,
            accounts_of,
            lambda expense, amount, day: text
            % {"expense": expense.name, "employee": expense.employee_id.name, "date": day, "amount": amount},
        )

    @api.model
    def _ps_expense_findings(self, evaluation, expenses, record_key, expense_keys, message):
        """Return a finding per target record and expense of its key (its order, its project's account)
        that the record takes (dated in its period, or before it for the earliest open period: an
        expense is at risk in one period only); ``message(expense, amount, date)`` gets them formatted."""
        by_key = defaultdict(list)
        for expense in expenses:
            for key in expense_keys(expense):
                by_key[key].append(expense)
        findings = []
        for record in evaluation.targets:
            for expense in by_key.get(record_key(record), ()):
                if not evaluation.takes(record, expense.date):
                    continue
                amount = expense.company_currency_id._convert(
                    expense.total_amount, record.currency_id, record.company_id, expense.date or record.period_end
                )
                text = message(
                    expense,
                    evaluation.format_amount(amount, record.currency_id),
                    evaluation.format_date(expense.date),
                )
                findings.append(evaluation.finding(record, text, amount, expense))
        return findings

    @api.model
    def _ps_check_rate_mismatch(self, evaluation):
        order_ids = set(evaluation.targets.sale_order_id.ids)
        lines = evaluation.timesheet_lines.filtered(lambda line: line.order_id.id in order_ids)
        if not lines:
            return []
        lines_by_order = lines.grouped("order_id")
        list_prices = {}
        for pricelist, pl_lines in lines.grouped(lambda line: line.order_id.pricelist_id).items():
            if pricelist:
                prices = pricelist._get_products_price(pl_lines.product_id, 1.0)
            else:
                prices = {product.id: product.lst_price for product in pl_lines.product_id}
            for line in pl_lines:
                list_prices[line.id] = prices.get(line.product_id.id, 0.0)
        text = _(
            "%(product)s is sold at %(sold)s an hour on %(order)s, below the pricelist's %(list)s: "
            "%(hours).2f hours lose %(amount)s."
        )
        findings = []
        for record in evaluation.targets:
            currency = record.currency_id
            for line in lines_by_order.get(record.sale_order_id, ()):
                sold = line.price_unit * (1.0 - (line.discount or 0.0) / 100.0)
                list_price = list_prices[line.id]
                if float_compare(sold, list_price, precision_rounding=currency.rounding) >= 0:
                    continue
                qty = evaluation.uninvoiced_hours(record, line)
                if float_is_zero(qty, precision_digits=2):
                    continue
                at_risk = (list_price - sold) * qty
                message = text % {
                    "product": line.product_id.display_name,
                    "sold": evaluation.format_amount(sold, currency),
                    "order": line.order_id.name,
                    "list": evaluation.format_amount(list_price, currency),
                    "hours": qty,
                    "amount": evaluation.format_amount(at_risk, currency),
                }
                findings.append(evaluation.finding(record, message, at_risk, line))
        return findings

    @api.model
    def _ps_check_stale_draft(self, evaluation):
        records = evaluation.targets
        now = fields.Datetime.now()
        limit = now - timedelta(days=min(records.company_id.mapped("ps_stale_draft_days") or [0]))
        drafts = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "draft"),
                    ("create_date", "<", limit),
                    ("line_ids.sale_line_ids.order_id", "in", records.sale_order_id.ids),
                ]
            )
        )
        drafts_by_order = defaultdict(list)
        for move in drafts:
            for order in move.line_ids.sale_line_ids.order_id:
                drafts_by_order[order.id].append(move)
        findings = []
        for record in records:
            stale_limit = now - timedelta(days=record.company_id.ps_stale_draft_days)
            for move in drafts_by_order.get(record.sale_order_id.id, ()):
                if move.create_date >= stale_limit:
                    continue
                message = _(
                    "Invoice draft %(move)s of %(amount)s has waited %(days)s days without being posted.",
                    move=move.display_name,
                    amount=evaluation.format_amount(move.amount_untaxed, move.currency_id),
                    days=(now - move.create_date).days,
                )
                findings.append(evaluation.finding(record, message, move.amount_untaxed, move))
        return findings
