# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The revenue-operations KPIs of one month, as rows of ``ps.kpi.snapshot``.

Definitions: the README, "Revenue operations analytics".
"""

import math
import statistics
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, models

# The standard DSO's window: receivables at month end over the sales of the last 90 days.
DSO_WINDOW_DAYS = 90
# Odoo's invoicing dashboard multiplies by the days of a year whatever its period.
ODOO_DSO_DAYS = 365
# An invoice credited within this many days of its date was reworked.
REWORK_CREDIT_DAYS = 60
WIP_BUCKETS = ((30, "0_30"), (60, "31_60"), (90, "61_90"))
DIMENSION_KEYS = {
    "company": None,
    "client": "partner_id",
    "practice": "department_id",
    "billing_model": "billing_model",
}
INVOICE_DIMENSIONS = ("company", "client", "practice", "billing_model")


def percentile(values, share):
    """Return the nearest-rank percentile ``share`` (0-1) of ``values``: the smallest value with at least
    that share of the values at or below it (no interpolation: a figure that was observed)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def aggregate_days(facts):
    """Median and 90th percentile of the facts' ``days``."""
    days = [fact["days"] for fact in facts]
    return {"value": statistics.median(days), "value_p90": percentile(days, 0.9), "count": len(days)}


def aggregate_rate(facts):
    """Share of the facts that are ``hit``, in percent."""
    hits = sum(1 for fact in facts if fact["hit"])
    return {"numerator": hits, "denominator": len(facts), "value": 100.0 * hits / len(facts), "count": len(facts)}


def aggregate_amount(facts):
    """Sum of the facts' ``amount``."""
    amount = sum(fact["amount"] for fact in facts)
    return {"amount": amount, "value": amount, "count": len(facts)}


def aggregate_hours(facts):
    """Mean and 90th percentile of the facts' ``hours``."""
    hours = [fact["hours"] for fact in facts]
    return {"value": sum(hours) / len(hours), "value_p90": percentile(hours, 0.9), "count": len(hours)}


class PsKpiEngine(models.AbstractModel):
    """Computes the KPIs of a month for a company, broken down by client, practice and billing model.

    Each KPI method gathers facts (one per invoice, WIP day, decision, person...) with their
    dimensions in a few grouped reads, then ``_ps_rollup`` aggregates them per dimension. Money is
    in the company's currency; dates are the company's (invoice and period dates are already).
    ``partners`` restricts every KPI to these clients (a fixture, a what-if), else all.
    """

    _name = "ps.kpi.engine"
    _description = "Billing Control KPI Engine"

    @api.model
    def _ps_compute_month(self, company, month, partners=None):
        """Return the snapshot rows (values without company, month and timestamps) of ``month``."""
        date_from = month.replace(day=1)
        date_to = date_from + relativedelta(months=1, days=-1)
        rows = []
        for method in self._ps_get_kpi_methods():
            rows += getattr(self, method)(company, date_from, date_to, partners)
        return rows

    @api.model
    def _ps_get_kpi_methods(self):
        """Return the names of the KPI methods, each ``(company, date_from, date_to, partners) -> rows``."""
        return [
            "_ps_kpi_cycle_time",
            "_ps_kpi_wip_aging",
            "_ps_kpi_dso",
            "_ps_kpi_dso_odoo",
            "_ps_kpi_approval_latency",
            "_ps_kpi_timesheet_compliance",
            "_ps_kpi_dispute_rate",
            "_ps_kpi_rework_rate",
            "_ps_kpi_leakage_prevented",
            "_ps_kpi_blocked_value",
        ]

    # ------------------------------------------------------------
    # Dimensions
    # ------------------------------------------------------------

    @api.model
    def _ps_rollup(self, code, facts, aggregate, dimensions=INVOICE_DIMENSIONS, keys=()):
        """Return the rows of ``code``: ``aggregate(facts)`` per value of each of ``dimensions`` (and of the
        extra ``keys`` such as reason or level, in every dimension). A fact without a client, practice or
        billing model counts in the company row only."""
        rows = []
        for dimension in dimensions:
            field = DIMENSION_KEYS.get(dimension, "approver_id")
            groups = defaultdict(list)
            for fact in facts:
                if field and not fact.get(field):
                    continue
                groups[(fact[field] if field else None, *(fact.get(key) for key in keys))].append(fact)
            for (dim_value, *key_values), group in groups.items():
                row = {"kpi_code": code, "dimension": dimension, **aggregate(group)}
                if field:
                    row[field] = dim_value
                row.update({key: value for key, value in zip(keys, key_values, strict=True) if value})
                rows.append(row)
        return rows

    @api.model
    def _ps_get_order_dimensions(self, orders):
        """Return {order id: {partner_id, department_id, billing_model}}; the practice is the department of
        the engagement's project manager (else its salesperson)."""
        result = {}
        for order in orders:
            manager = order.project_ids[:1].user_id or order.user_id
            result[order.id] = {
                "partner_id": order.partner_id.commercial_partner_id.id,
                "department_id": manager.employee_ids[:1].department_id.id,
                "billing_model": order.ps_billing_model,
            }
        return result

    @api.model
    def _ps_get_invoice_dimensions(self, moves):
        """Return {move id: dimensions} of these invoices, through their readiness period or sales lines."""
        order_by_move = {
            move.id: move.ps_readiness_id.sale_order_id or move.invoice_line_ids.sale_line_ids.order_id[:1]
            for move in moves
        }
        orders = self.env["sale.order"].union(*order_by_move.values())
        by_order = self._ps_get_order_dimensions(orders)
        empty = {"department_id": False, "billing_model": False}
        return {
            move.id: {**by_order.get(order_by_move[move.id].id, empty), "partner_id": move.commercial_partner_id.id}
            for move in moves
        }

    @api.model
    def _ps_get_posted_invoices(self, company, date_from, date_to, partners):
        """Return the customer invoices posted with a date in [date_from, date_to]."""
        domain = [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("invoice_date", ">=", date_from),
            ("invoice_date", "<=", date_to),
        ]
        if partners is not None:
            domain.append(("commercial_partner_id", "in", partners.ids))
        return self.env["account.move"].search(domain, order="invoice_date, id")

    @api.model
    def _ps_invoice_facts(self, invoices, hits):
        """Return one fact per invoice with its dimensions, ``hit`` when it is among ``hits``."""
        dims = self._ps_get_invoice_dimensions(invoices)
        return [{**dims[move.id], "move_id": move.id, "hit": move in hits} for move in invoices]

    # ------------------------------------------------------------
    # KPIs
    # ------------------------------------------------------------

    @api.model
    def _ps_kpi_cycle_time(self, company, date_from, date_to, partners):
        """Days from delivery (the end of the period billed) to the invoice's date, per invoice posted."""
        invoices = self._ps_get_posted_invoices(company, date_from, date_to, partners).filtered("ps_readiness_id")
        facts = self._ps_invoice_facts(invoices, invoices.browse())
        for fact, move in zip(facts, invoices, strict=True):
            fact["days"] = max(0, (move.invoice_date - move.ps_readiness_id.period_end).days)
        return self._ps_rollup("cycle_time", facts, aggregate_days)

    @api.model
    def _ps_kpi_wip_aging(self, company, date_from, date_to, partners):
        """Value of the billable work delivered up to month end and not invoiced, by age at month end."""
        as_of = min(date_to, company._ps_today())
        domain = [("company_id", "=", company.id), ("billable", "=", True), ("date", "<=", as_of)]
        if partners is not None:
            domain.append(("partner_id", "in", partners.ids))
        # The report is a view over timesheets and sales lines: pending writes must reach the database.
        self.env.flush_all()
        groups = self.env["ps.unbilled.wip.report"]._read_group(
            domain, ["sale_order_id", "date:day"], ["amount_company:sum"]
        )
        dims = self._ps_get_order_dimensions(self.env["sale.order"].union(*(order for order, _d, _a in groups)))
        facts = []
        for order, day, amount in groups:
            age = (as_of - day).days
            bucket = next((name for limit, name in WIP_BUCKETS if age <= limit), "90_plus")
            facts.append({**dims.get(order.id, {}), "amount": amount, "reason": bucket})
        return self._ps_rollup("wip_aging", facts, aggregate_amount, keys=("reason",))

    @api.model
    def _ps_get_receivables(self, company, date_to, partners):
        """Return {commercial partner id: receivable balance at ``date_to``} (posted entries, company currency)."""
        domain = [
            ("company_id", "=", company.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("date", "<=", date_to),
        ]
        if partners is not None:
            domain.append(("partner_id", "child_of", partners.ids))
        groups = self.env["account.move.line"]._read_group(domain, ["partner_id"], ["balance:sum"])
        result = defaultdict(float)
        for partner, balance in groups:
            result[partner.commercial_partner_id.id] += balance
        return result

    @api.model
    def _ps_kpi_dso(self, company, date_from, date_to, partners):
        """Receivables at month end ÷ sales (tax included, less credit notes) of the last 90 days × 90."""
        receivable = self._ps_get_receivables(company, date_to, partners)
        domain = [
            ("company_id", "=", company.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("invoice_date", ">", date_to - timedelta(days=DSO_WINDOW_DAYS)),
            ("invoice_date", "<=", date_to),
        ]
        if partners is not None:
            domain.append(("commercial_partner_id", "in", partners.ids))
        groups = self.env["account.move"]._read_group(domain, ["commercial_partner_id"], ["amount_total_signed:sum"])
        sales = {partner.id: total for partner, total in groups}
        client_ids = sorted(set(sales) | {pid for pid, balance in receivable.items() if balance})
        rows = []
        for dimension, entries in (
            ("company", [(False, sum(receivable.values()), sum(sales.values()))]),
            ("client", [(pid, receivable.get(pid, 0.0), sales.get(pid, 0.0)) for pid in client_ids]),
        ):
            for partner_id, ar, total in entries:
                rows.append(
                    {
                        "kpi_code": "dso",
                        "dimension": dimension,
                        "partner_id": partner_id,
                        "numerator": ar,
                        "denominator": total,
                        "value": ar / total * DSO_WINDOW_DAYS if total else 0.0,
                        "amount": ar,
                        "count": DSO_WINDOW_DAYS,
                    }
                )
        return rows

    @api.model
    def _ps_kpi_dso_odoo(self, company, date_from, date_to, partners):
        """Odoo CE's invoicing dashboard DSO: receivables ÷ (income − direct costs of the fiscal year to date)
        × 365 (spreadsheet_dashboard_account, invoicing_dashboard.json, sheet Data, B10)."""
        receivable = sum(self._ps_get_receivables(company, date_to, partners).values())
        year_start = company.compute_fiscalyear_dates(date_to)["date_from"]
        domain = [
            ("company_id", "=", company.id),
            ("account_id.account_type", "in", ("income", "expense_direct_cost")),
            ("parent_state", "=", "posted"),
            ("date", ">=", year_start),
            ("date", "<=", date_to),
        ]
        if partners is not None:
            domain.append(("partner_id", "child_of", partners.ids))
        balances = defaultdict(float)
        for account, balance in self.env["account.move.line"]._read_group(domain, ["account_id"], ["balance:sum"]):
            balances[account.account_type] += balance
        gross_margin = -balances.get("income", 0.0) - balances.get("expense_direct_cost", 0.0)
        return [
            {
                "kpi_code": "dso_odoo",
                "dimension": "company",
                "numerator": receivable,
                "denominator": gross_margin,
                "value": receivable / gross_margin * ODOO_DSO_DAYS if gross_margin else 0.0,
                "amount": receivable,
                "count": ODOO_DSO_DAYS,
            }
        ]

    @api.model
    def _ps_kpi_approval_latency(self, company, date_from, date_to, partners):
        """Hours from an approval request to its decision, per level and approver (``ps.kpi.hook``)."""
        latencies = self.env["ps.kpi.hook"]._ps_kpi_approval_latencies(company, date_from, date_to)
        moves = self.env["account.move"].browse({item["move_id"] for item in latencies})
        if partners is not None:
            moves = moves.filtered(lambda m: m.commercial_partner_id in partners)
        dims = self._ps_get_invoice_dimensions(moves)
        facts = [{**dims[item["move_id"]], **item} for item in latencies if item["move_id"] in dims]
        return self._ps_rollup(
            "approval_latency", facts, aggregate_hours, dimensions=("company", "approver"), keys=("level",)
        )

    @api.model
    def _ps_kpi_timesheet_compliance(self, company, date_from, date_to, partners):
        """People who submitted their time on time ÷ people expected to (``ps.kpi.hook``)."""
        people = self.env["ps.kpi.hook"]._ps_kpi_timesheet_compliance(company, date_from, date_to)
        facts = [{**item, "hit": item["on_time"]} for item in people]
        return self._ps_rollup("timesheet_compliance", facts, aggregate_rate, dimensions=("company", "practice"))

    @api.model
    def _ps_kpi_dispute_rate(self, company, date_from, date_to, partners):
        """Invoices posted in the month with a dispute or a credit note with a reason ÷ invoices posted."""
        invoices = self._ps_get_posted_invoices(company, date_from, date_to, partners)
        disputed = self.env["ps.kpi.hook"]._ps_kpi_disputed_invoices(invoices)
        return self._ps_rollup("dispute_rate", self._ps_invoice_facts(invoices, disputed), aggregate_rate)

    @api.model
    def _ps_get_credited_within(self, invoices, days):
        """Return those of ``invoices`` reversed by a posted credit note dated within ``days`` of them."""
        refunds = self.env["account.move"].search(
            [("move_type", "=", "out_refund"), ("state", "=", "posted"), ("reversed_entry_id", "in", invoices.ids)]
        )
        return refunds.filtered(
            lambda r: (r.invoice_date - r.reversed_entry_id.invoice_date).days <= days
        ).reversed_entry_id

    @api.model
    def _ps_kpi_rework_rate(self, company, date_from, date_to, partners):
        """Invoices posted in the month changed after approval or credited within 60 days ÷ invoices posted."""
        invoices = self._ps_get_posted_invoices(company, date_from, date_to, partners)
        reworked = self.env["ps.kpi.hook"]._ps_kpi_changed_after_approval(invoices)
        reworked |= self._ps_get_credited_within(invoices, REWORK_CREDIT_DAYS)
        return self._ps_rollup("rework_rate", self._ps_invoice_facts(invoices, reworked), aggregate_rate)

    @api.model
    def _ps_kpi_leakage_prevented(self, company, date_from, date_to, partners):
        """What the controls were worth in the month, by kind (``reason``): value blocked then billed once
        fixed, time recovered after a reminder, unapproved or unaccepted value held back."""
        invoices = self._ps_get_posted_invoices(company, date_from, date_to, partners).filtered("ps_readiness_id")
        periods = self.env["ps.billing.readiness"].search(
            [("invoice_id", "in", invoices.ids), ("ps_peak_blocked_amount_company", ">", 0)]
        )
        dims = self._ps_get_order_dimensions(periods.sale_order_id)
        facts = []
        for move, move_periods in periods.grouped("invoice_id").items():
            blocked = sum(move_periods.mapped("ps_peak_blocked_amount_company"))
            amount = min(blocked, move.amount_untaxed_signed)
            facts.append({**dims[move_periods[0].sale_order_id.id], "amount": amount, "reason": "blocked_then_billed"})
        recovered = self.env["ps.kpi.hook"]._ps_kpi_time_recovered(company, date_from, date_to)
        orders = self.env["sale.order"].browse({item["sale_order_id"] for item in recovered})
        dims = self._ps_get_order_dimensions(orders)
        for item in recovered:
            if partners is None or orders.browse(item["sale_order_id"]).partner_id.commercial_partner_id in partners:
                facts.append({**dims[item["sale_order_id"]], "amount": item["amount"], "reason": "time_recovered"})
        codes = self.env["ps.kpi.hook"]._ps_kpi_held_back_check_codes()
        if codes:
            for fact in self._ps_get_blocked_facts(company, date_to, partners, codes):
                facts.append({**fact, "reason": "held_back"})
        return self._ps_rollup("leakage_prevented", facts, aggregate_amount, keys=("reason",))

    @api.model
    def _ps_get_blocked_facts(self, company, date_to, partners, codes=None):
        """Return one fact per blocking finding of the periods ended by ``date_to`` and not invoiced: its
        amount at risk in company currency, its check code as ``reason``."""
        domain = [
            ("company_id", "=", company.id),
            ("severity", "=", "blocking"),
            ("readiness_id.state", "!=", "invoiced"),
            ("readiness_id.period_end", "<=", date_to),
        ]
        if codes is not None:
            domain.append(("check_code", "in", list(codes)))
        if partners is not None:
            domain.append(("readiness_id.partner_id", "child_of", partners.ids))
        findings = self.env["ps.readiness.finding"].search(domain)
        dims = self._ps_get_order_dimensions(findings.sale_order_id)
        facts = []
        for finding in findings:
            amount = finding.currency_id._convert(
                finding.amount_at_risk, company.currency_id, company, min(date_to, company._ps_today())
            )
            facts.append({**dims[finding.sale_order_id.id], "amount": amount, "reason": finding.check_code})
        return facts

    @api.model
    def _ps_kpi_blocked_value(self, company, date_from, date_to, partners):
        """Deliverable value held back by blocking findings at month end, by check (``reason``)."""
        facts = self._ps_get_blocked_facts(company, date_to, partners)
        return self._ps_rollup("blocked_value", facts, aggregate_amount, keys=("reason",))
