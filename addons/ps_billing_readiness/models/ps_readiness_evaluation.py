# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One evaluation of a batch of readiness records: everything a readiness check reads.

A check is a method ``ps.billing.readiness._ps_check_<code>(evaluation)`` that reads
this object only (never the context or a cache) and returns its findings as plain
values made by ``evaluation.finding()``. See the readme's "How to add a check".
"""

from collections import defaultdict
from datetime import timedelta
from functools import cached_property

from odoo import fields
from odoo.osv import expression
from odoo.tools import get_lang

from .ps_labels import Labels


class ReadinessEvaluation:
    """The inputs of one evaluation of ``records`` (sudo) as on ``day``, read once each, when first asked.

    While a check runs, ``check`` is its ``ps.readiness.check`` record and ``targets``
    the records of the batch it applies to (by billing model).

    Inputs of the core (properties, read on first use):

    - ``earliest_ids``: ids of the records that are the earliest open period of their
      engagement: such a period takes everything not yet invoiced up to its end;
    - ``timesheet_lines``: the engagements' sales lines billed on timesheets (delivered by
      timesheets and invoiced on delivery: not a fixed fee with time logged on it);
    - ``hours``: {sale line id: [(date, quantity)]}, time logged and not invoiced up to
      the last period end (dated the 1st of its month where periods are whole months);
    - ``deliverable``: {record id: value delivered and not invoiced in its period};
    - ``expenses``: the re-invoiceable expenses of the engagements, not refused, up to the
      last period end; ``project_expenses``: those linked to no engagement and charged to
      the analytic accounts of their projects.

    What a module adds: ``evaluation.inputs[name]``, computed on first use by the
    function ``ps.billing.readiness._ps_get_evaluation_inputs()[name](evaluation)``.
    """

    def __init__(self, records, day):
        self.env = records.env
        self.records = records
        self.day = day
        self.orders = records.sale_order_id
        self.last_end = max(records.mapped("period_end"))
        self.check = records.env["ps.readiness.check"]
        self._check_values = (False, False, False)
        self.targets = records
        self.inputs = _Inputs(self, records._ps_get_evaluation_inputs())
        # The language of the texts, looked up once: format_amount and format_date
        # would look it up for each of the thousands of amounts and dates of a batch.
        self.lang_code = get_lang(records.env).code
        self.labels = Labels(records.env, self.lang_code)

    # ------------------------------------------------------------
    # Inputs of the core
    # ------------------------------------------------------------

    @cached_property
    def earliest_ids(self):
        rows = self.records._read_group(
            [("sale_order_id", "in", self.orders.ids), ("state", "!=", "invoiced")],
            ["sale_order_id"],
            ["period_start:min"],
        )
        first = {order.id: start for order, start in rows}
        return frozenset(r.id for r in self.records if first.get(r.sale_order_id.id) == r.period_start)

    @cached_property
    def timesheet_lines(self):
        return self.orders.order_line._ps_filter_billed_on_timesheets()

    @cached_property
    def row_granularity(self):
        """{order id: "month" or "day"}: how finely timesheet rows are read for each engagement.

        A record takes the rows of its period (or up to its end), so rows summed by month
        are exact for an engagement whose periods here are all whole calendar months, with
        far fewer rows than by day; the others (weekly cycles) are read by day.
        """
        granularity = defaultdict(lambda: "month")
        for record in self.records:
            if record.period_start.day != 1 or (record.period_end + timedelta(days=1)).day != 1:
                granularity[record.sale_order_id.id] = "day"
        return granularity

    @cached_property
    def hours(self):
        lines = self.timesheet_lines
        if not lines:
            return {}
        rows = self.read_timesheet_rows(
            lines,
            expression.AND(
                [
                    lines._timesheet_compute_delivered_quantity_domain(),
                    ["|", ("timesheet_invoice_id", "=", False), ("timesheet_invoice_id.state", "=", "cancel")],
                ]
            ),
            ["so_line", "product_uom_id"],
            ["unit_amount:sum"],
        )
        result = defaultdict(list)
        # Each line's unit read once, not once per row (a line has a row per month or day).
        line_uoms = {line.id: line.product_uom for line in lines}
        Uom = self.env["uom.uom"]
        for sale_line_id, uom_id, day, quantity in rows:
            line_uom = line_uoms[sale_line_id]
            if uom_id and uom_id != line_uom.id:
                uom = Uom.browse(uom_id)
                if uom.category_id == line_uom.category_id:
                    quantity = uom._compute_quantity(quantity, line_uom, rounding_method="HALF-UP")
            result[sale_line_id].append((day, quantity))
        return result

    @cached_property
    def deliverable(self):
        return self.records._ps_compute_deliverable(self)

    def _read_expenses(self, domain):
        return (
            self.env["hr.expense"]
            .sudo()
            .search(
                expression.AND(
                    [
                        domain,
                        [
                            ("product_id.expense_policy", "in", ("cost", "sales_price")),
                            ("state", "!=", "refused"),
                            ("date", "<=", self.last_end),
                        ],
                    ]
                )
            )
        )

    @cached_property
    def expenses(self):
        return self._read_expenses([("sale_order_id", "in", self.orders.ids)])

    @cached_property
    def project_expenses(self):
        accounts = self.records.project_id.analytic_account_id
        if not accounts:
            return self.env["hr.expense"]
        return self._read_expenses([("sale_order_id", "=", False), ("analytic_distribution", "in", accounts.ids)])

    # ------------------------------------------------------------
    # What checks use
    # ------------------------------------------------------------

    def lower_bound(self, record):
        """Return the first day of what ``record`` takes: None for the earliest open period of its
        engagement (everything before its end), its start for a later one."""
        return None if record.id in self.earliest_ids else record.period_start

    def takes(self, record, day):
        """Return whether something dated ``day`` belongs to ``record`` (see ``lower_bound``)."""
        lower = self.lower_bound(record)
        return day <= record.period_end and (lower is None or day >= lower)

    def uninvoiced_hours(self, record, line):
        """Return the hours of sale ``line`` logged, not invoiced, that ``record`` takes."""
        return self.hours_between(line.id, self.lower_bound(record), record.period_end)

    def hours_between(self, line_id, lower, end):
        """Return the hours of the sale line ``line_id`` logged, not invoiced, dated up to ``end`` and from
        ``lower`` (None: from the beginning); for a loop that reads a record's bounds once for its lines."""
        return sum(qty for day, qty in self.hours.get(line_id, ()) if day <= end and (lower is None or day >= lower))

    def read_timesheet_rows(self, sale_lines, domain, groupby, aggregates):
        """Return the ``_read_group`` rows of the timesheets of ``sale_lines`` matching ``domain`` up to
        the last period end, by ``groupby`` then their date (see ``row_granularity``); the date is
        the last column before the aggregates. Relations are ids, not records (``_read_group_ids``:
        an evaluation at size M reads a hundred thousand rows)."""
        rows = []
        granularity = self.row_granularity
        Runner = self.env["ps.batch.runner"].sudo()
        for lines in sale_lines.grouped(lambda line: granularity[line.order_id.id]).values():
            rows += Runner._read_group_ids(
                "account.analytic.line",
                expression.AND([[("so_line", "in", lines.ids), ("date", "<=", self.last_end)], domain]),
                [*groupby, f"date:{granularity[lines[:1].order_id.id]}"],
                aggregates,
            )
        count = len(groupby)
        return [(*row[:count], fields.Date.to_date(row[count]), *row[count + 1 :]) for row in rows]

    def finding(
        self, record, message, amount=0.0, about=None, severity=None, within_deliverable=False, whole_period=False
    ):
        """Return the values of a finding of the running check on ``record`` about the record ``about``
        (the engagement itself by default), holding back ``amount``; ``severity`` overrides the check's.

        ``within_deliverable``: the amount is a part of the period's deliverable (time waiting for
        approval, a milestone waiting for acceptance), not money of its own (an expense not billed
        yet, a rate below the pricelist): the findings about the whole engagement then carry only
        the rest, so that each amount of money appears once (``_ps_attribute_amounts``).
        ``whole_period``: it holds back the whole period like a finding about the engagement, though
        it is ``about`` another record (a failed month-end job): it shares the deliverable with them.
        """
        check_id, check_code, check_severity = self._check_values
        return {
            "within_deliverable": within_deliverable,
            "whole_period": whole_period,
            "readiness_id": record.id,
            "check_id": check_id,
            "check_code": check_code,
            "severity": severity or check_severity,
            "message": message,
            # Most findings hold back nothing: 0.0 needs no rounding in the record's currency.
            "amount_at_risk": record.currency_id.round(amount) if amount else 0.0,
            "res_model": about._name if about else "sale.order",
            "res_id": about.id if about else record.sale_order_id.id,
        }

    def format_amount(self, amount, currency):
        """Return ``amount`` as Odoo writes it in ``currency`` (``format_amount``), in the evaluation's language."""
        return self.labels.amount(amount, currency)

    def format_date(self, day):
        """Return ``day`` as Odoo writes it (``format_date``), in the evaluation's language."""
        return self.labels.date(day)

    def run_check(self, check, targets):
        """Return the findings of ``check`` on ``targets`` (its method reads this evaluation)."""
        self.check, self.targets = check, targets
        # What each finding of the check carries, read once for its thousands of findings.
        self._check_values = (check.id, check.code, check.severity)
        try:
            return getattr(self.records, f"_ps_check_{check.code}")(self) or []
        finally:
            self.check, self.targets = self.env["ps.readiness.check"], self.records
            self._check_values = (False, False, False)


class _Inputs:
    """The inputs modules add to an evaluation: each computed once, when a check first reads it."""

    def __init__(self, evaluation, loaders):
        self._evaluation = evaluation
        self._loaders = loaders
        self._values = {}

    def __getitem__(self, name):
        if name not in self._values:
            if name not in self._loaders:
                raise KeyError(f"No readiness evaluation input {name!r}: see _ps_get_evaluation_inputs()")
            self._values[name] = self._loaders[name](self._evaluation)
        return self._values[name]
