# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Readiness records: which periods exist, and how a batch of them is evaluated."""

import time
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import clean_context, float_compare

from .ps_gc import fewer_gc_passes
from .ps_readiness_evaluation import ReadinessEvaluation

# What an evaluation sets on a readiness record besides its date (``_apply_findings``).
EVALUATION_FIELDS = (
    "state",
    "amount_deliverable",
    "amount_blocked",
    "amount_ready",
    "amount_at_risk",
    "blocked_since",
    "escalated_on",
    "amount_deliverable_company",
    "amount_ready_company",
    "amount_blocked_company",
    "amount_at_risk_company",
)


class PsBillingReadiness(models.Model):
    # The model is split by concern across files (house style), on purpose.
    _inherit = "ps.billing.readiness"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------

    @api.model
    def _get_period(self, order, day):
        """Return (start, end, cutoff) of the billing period of ``order`` containing ``day``:
        weekly periods are due the next day, monthly ones after the company's cutoff day."""
        if order.ps_billing_cycle == "weekly":
            return self._ps_get_period("weekly", day, 1)
        return self._ps_get_period("monthly", day, order.company_id.ps_billing_cutoff_day)

    @api.model
    def _get_open_periods(self, order, day):
        """Return the periods of ``order`` to evaluate on ``day``: the previous one
        (closing, or due once its cutoff passed) and the current one."""
        current = self._get_period(order, day)
        previous = self._get_period(order, current[0] - timedelta(days=1))
        if previous[1] < fields.Date.to_date(order.date_order):
            return [current]
        return [previous, current]

    @api.model
    def _get_or_create_for_orders(self, orders, day=None):
        """Return the open readiness records of ``orders`` on ``day``: those of the open
        periods (created when missing) and any older period still not invoiced."""
        wanted = {}
        for order in orders:
            for start, end, cutoff in self._get_open_periods(order, day or order.company_id._ps_today()):
                wanted[(order.id, start)] = (order, end, cutoff)
        existing = self.search(
            [
                ("sale_order_id", "in", orders.ids),
                "|",
                ("state", "!=", "invoiced"),
                ("period_start", "in", list({start for _id, start in wanted})),
            ]
        )
        found = {(record.sale_order_id.id, record.period_start) for record in existing}
        # The projects and their managers of the whole batch in one read, not one per engagement.
        (orders.order_line.project_id | orders.project_id).mapped("user_id")
        vals_list = [
            self._prepare_readiness_vals(order, start, end, cutoff)
            for (order_id, start), (order, end, cutoff) in wanted.items()
            if (order_id, start) not in found
        ]
        created = self._ps_insert_periods(vals_list)
        return (existing | created).filtered(lambda r: r.state != "invoiced")

    @api.model
    def _ps_insert_periods(self, vals_list):
        """Create the readiness records of ``vals_list`` (from ``_prepare_readiness_vals``) as the engine
        does: in one INSERT for the batch (``ps.batch.runner._insert_rows``), not record by record.

        A new period is no news: no "created" note and no follower per record (its owner's digest
        lists it once it blocks), which is all ``mail.thread`` would add. What ``create`` computes
        before its INSERT is given here: the defaults, the fields related to the engagement and the
        name (``create`` computes them record by record: 40 % of a first evaluation at size M).
        """
        if not vals_list:
            return self.browse()
        # The engagements iterated from one recordset: their fields are read for the whole batch at once.
        orders = {order.id: order for order in self.env["sale.order"].browse({v["sale_order_id"] for v in vals_list})}
        # The model's own defaults: none from the context (``default_<field>`` keys), as for the engine's records.
        defaults = self.with_env(self.env(context=clean_context(self.env.context))).default_get(
            [name for name, field in self._fields.items() if field.store and not field.compute]
        )
        names = self._ps_get_period_names(
            [(orders[vals["sale_order_id"]].name, vals["period_start"], vals["period_end"]) for vals in vals_list]
        )
        projects = {p.id: p for p in self.env["project.project"].browse({v["project_id"] for v in vals_list} - {False})}
        rows = []
        for vals, name in zip(vals_list, names, strict=True):
            order = orders[vals["sale_order_id"]]
            # What create's company check would refuse (the company comes from the engagement itself).
            project = projects.get(vals["project_id"])
            if project and project.company_id and project.company_id != order.company_id:
                raise UserError(
                    _(
                        "The project %(project)s of %(order)s belongs to another company than the engagement.",
                        project=project.display_name,
                        order=order.name,
                    )
                )
            related = {
                "partner_id": order.partner_id.id,
                "company_id": order.company_id.id,
                "currency_id": order.currency_id.id,
                "billing_model": order.ps_billing_model,
            }
            rows.append({**defaults, **related, "name": name, **vals})
        return self.env["ps.batch.runner"]._insert_rows(self._name, rows).with_env(self.env)

    @api.model
    def _prepare_readiness_vals(self, order, start, end, cutoff):
        """Return the values of a new readiness record of ``order`` for a period."""
        project = order.order_line.project_id[:1] or order.project_id
        return {
            "sale_order_id": order.id,
            "project_id": project.id,
            "period_start": start,
            "period_end": end,
            "cutoff_date": cutoff,
            "owner_id": (project.user_id or order.user_id).id,
        }

    # ------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------

    @api.model
    @fewer_gc_passes
    def _evaluate_orders(self, orders, day=None):
        """Evaluate the open periods of ``orders`` and return their readiness records."""
        orders = orders.filtered(lambda o: o.state == "sale")
        if not orders:
            raise UserError(_("Only confirmed engagements have a billing readiness."))
        orders.check_access_rights("read")
        orders.check_access_rule("read")
        if day is None:
            # Each company's engagements as on its own today (its calendar's time zone).
            records = self.browse()
            for company, company_orders in orders.grouped("company_id").items():
                records |= self._evaluate_orders(company_orders, company._ps_today())
            return records
        # The retainers' drawdown first: their overage lines are part of what the checks read.
        orders.sudo()._ps_refresh_retainer(day)
        records = self.sudo()._get_or_create_for_orders(orders.sudo(), day)
        records._evaluate(day)
        # Bookkeeping of the engine, not tracked: no chatter to prepare for a thousand engagements.
        orders.sudo().with_context(tracking_disable=True).write(
            {"ps_readiness_dirty": False, "ps_readiness_evaluated_on": day}
        )
        orders._ps_forget_readiness_marks()
        return records.with_env(self.env)

    @fewer_gc_passes
    def _evaluate(self, day=None):
        """Run every active check over these records (as on ``day``) and update states, amounts and findings."""
        records = self.filtered(lambda r: r.state != "invoiced")
        if not records:
            return
        if day is None:
            for company, company_records in records.grouped("company_id").items():
                company_records._evaluate(company._ps_today())
            return
        evaluation, findings_vals = records._ps_run_checks(day)
        self.env["ps.readiness.finding"]._replace_findings(records, findings_vals)
        records._apply_findings(findings_vals, evaluation.deliverable, day)

    @fewer_gc_passes
    def _ps_run_checks(self, day, timings=None):
        """Return the evaluation of these records and the findings' values of every active check, writing nothing.

        ``timings``, a dict, receives the seconds of the deliverable and of each check.
        """
        evaluation = ReadinessEvaluation(self, day)
        started = time.perf_counter()
        # The deliverable first, timed apart: every check compares with it.
        if evaluation.deliverable is not None and timings is not None:
            timings["deliverable"] = time.perf_counter() - started
        by_model = defaultdict(list)  # the records of each billing model, once for every check
        for record in self:
            by_model[record.billing_model].append(record.id)
        findings_vals = []
        for check in self.env["ps.readiness.check"].search([]):
            started = time.perf_counter()
            targets = self.browse([rid for model, ids in by_model.items() if check._applies_to(model) for rid in ids])
            if targets:
                findings_vals += evaluation.run_check(check, targets)
            if timings is not None:
                timings[check.code] = time.perf_counter() - started
        self._ps_attribute_amounts(findings_vals, evaluation.deliverable)
        return evaluation, findings_vals

    def _ps_get_evaluation_inputs(self):
        """Hook: return {name: function(evaluation) -> value}, the inputs a module's checks read as
        ``evaluation.inputs[name]`` (each computed once per evaluation, when first read).
        Extend with ``res = super()...; res["name"] = loader``."""
        return {}

    def _ps_compute_deliverable(self, evaluation):
        """Return {record id: value delivered and not yet invoiced} for these records.

        The earliest open period of an engagement takes everything not yet invoiced up
        to its end (late approvals, milestones, expenses); a later period takes what was
        delivered within its own dates.
        """
        lines = self.sale_order_id.order_line.filtered(lambda line: not line.display_type)
        lines_by_order = lines.grouped("order_id")
        timesheet_ids = set(evaluation.timesheet_lines.ids)
        other_lines = lines.filtered(lambda line: line.id not in timesheet_ids)
        # Quantities delivered by each date that bounds a period: the earliest open period
        # takes all delivered by its end, a later one what was delivered within its dates.
        bounds = defaultdict(set)
        for record in self:
            bounds[record.period_end].add(record.sale_order_id.id)
            if evaluation.lower_bound(record):
                bounds[record.period_start - timedelta(days=1)].add(record.sale_order_id.id)
        other_qty = {
            day: other_lines.filtered(
                lambda line, ids=order_ids: line.order_id.id in ids
            )._ps_get_deliverable_quantities(day)
            for day, order_ids in bounds.items()
        }
        # Each line's net price and kind once (a line is in each open period of its engagement).
        line_info = {
            order.id: [
                (line.id, line.price_unit * (1.0 - (line.discount or 0.0) / 100.0), line.id in timesheet_ids)
                for line in order_lines
            ]
            for order, order_lines in lines_by_order.items()
        }
        result = {}
        for record in self:
            lower, end = evaluation.lower_bound(record), record.period_end
            before = record.period_start - timedelta(days=1)
            total = 0.0
            for line_id, price, on_timesheets in line_info.get(record.sale_order_id.id, ()):
                if on_timesheets:
                    qty = evaluation.hours_between(line_id, lower, end)
                elif lower is None:
                    qty = other_qty[end].get(line_id, 0.0)
                else:
                    qty = max(0.0, other_qty[end].get(line_id, 0.0) - other_qty[before].get(line_id, 0.0))
                total += qty * price
            result[record.id] = record.currency_id.round(total)
        return result

    def _ps_attribute_amounts(self, findings_vals, deliverable):
        """Make each amount of money appear once among the findings of these records (in place).

        Findings about the engagement as a whole (terms, PO, ...) each hold back the whole
        deliverable of their period: the first of them (blocking first, then in the order of the
        checks) carries what the findings about a part of it (``within_deliverable``: time waiting
        for approval, a milestone waiting for acceptance) do not carry already, the next ones what
        is left (nothing, for the same deliverable). Findings about money outside the deliverable
        (an expense not billed yet, a rate below the pricelist, a stale draft) keep their own.
        Across periods nothing repeats: a period takes only what is dated in it (the earliest open
        one, everything before its end), see ``ReadinessEvaluation.takes``.
        """
        order_of = {record.id: record.sale_order_id.id for record in self}
        left = defaultdict(float)
        for rid in order_of:
            left[rid] = deliverable.get(rid, 0.0)
        wide = []
        for vals in findings_vals:
            rid = vals["readiness_id"]
            within, whole = vals.pop("within_deliverable", False), vals.pop("whole_period", False)
            if within:
                left[rid] -= vals["amount_at_risk"]
            elif whole or (vals["res_model"] == "sale.order" and vals["res_id"] == order_of[rid]):
                wide.append(vals)
        currency = {record.id: record.currency_id for record in self}
        for vals in sorted(wide, key=lambda vals: vals["severity"] != "blocking"):
            rid = vals["readiness_id"]
            amount = currency[rid].round(max(0.0, min(vals["amount_at_risk"], left[rid])))
            vals["amount_at_risk"] = amount
            left[rid] -= amount

    def _ps_sum_at_risk(self, findings_vals):
        """Return ({record id: amount at risk}, {record id: amount held by blocking findings}), the
        sums of their findings' amounts (each amount of money is carried once: ``_ps_attribute_amounts``)."""
        at_risk = dict.fromkeys(self.ids, 0.0)
        blocking_amount = dict.fromkeys(self.ids, 0.0)
        for finding in findings_vals:
            at_risk[finding["readiness_id"]] += finding["amount_at_risk"]
            if finding["severity"] == "blocking":
                blocking_amount[finding["readiness_id"]] += finding["amount_at_risk"]
        return at_risk, blocking_amount

    def _ps_evaluation_unchanged(self, values, roundings):
        """Return whether this record holds ``values`` of ``EVALUATION_FIELDS`` already. ``roundings``:
        for each field, the rounding of its currency (amounts equal at it are the same: what is
        stored is rounded), or None for a value compared as it is."""
        for fname, value, rounding in zip(EVALUATION_FIELDS, values, roundings, strict=True):
            old = self[fname]
            if rounding is None:
                if (old or None) != (value or None):
                    return False
            elif abs((old or 0.0) - (value or 0.0)) >= rounding / 2:
                return False
        return True

    def _apply_findings(self, findings_vals, deliverable, day):
        """Set state, amounts and aging from the new findings (their values).

        Blocking or unblocking a period is the engine's observation: it writes no note on the
        record and schedules no activity for it; the owners' and controllers' digests list the
        blocked periods (``ps.billing.digest``, refreshed by the billing run's last step).
        """
        at_risk, blocking_amount = self._ps_sum_at_risk(findings_vals)
        blocked_ids = {finding["readiness_id"] for finding in findings_vals if finding["severity"] == "blocking"}
        now = fields.Datetime.now()
        rows, unchanged, roundings = [], [], {}
        rates = {}  # {(currency, company): the rate of the day to the company's currency}
        turned = {"blocked": [], "ready": []}  # the periods whose state turns so: business events
        for record in self:
            total = deliverable.get(record.id, 0.0)
            amount_blocked = min(total, blocking_amount[record.id])
            key = (record.currency_id, record.company_id)
            if key not in rates:
                rates[key] = record.currency_id._convert(
                    1.0, record.company_id.currency_id, record.company_id, day, False
                )
            company_currency = record.company_id.currency_id
            in_company = [
                company_currency.round(amount * rates[key])
                for amount in (total, total - amount_blocked, amount_blocked, at_risk[record.id])
            ]
            if record.id in blocked_ids:
                state = "blocked"
            elif float_compare(total, 0.0, precision_rounding=record.currency_id.rounding) > 0:
                state = "ready"
            else:
                state = "not_ready"
            if state != record.state and state in turned:
                turned[state].append(record.id)
            blocked_since, escalated_on = record.blocked_since, record.escalated_on
            if state == "blocked" and record.state != "blocked":
                blocked_since = day
            elif state != "blocked" and record.state == "blocked":
                blocked_since = escalated_on = None
            values = (
                state,
                total,
                amount_blocked,
                total - amount_blocked,
                at_risk[record.id],
                blocked_since or None,
                escalated_on or None,
                *in_company,
            )
            if key not in roundings:
                amounts = [record.currency_id.rounding] * 4
                roundings[key] = (None, *amounts, None, None, *[company_currency.rounding] * 4)
            if record._ps_evaluation_unchanged(values, roundings[key]):
                unchanged.append((record.id, now))
            else:
                rows.append((record.id, now, *values))
        # The amounts differ on each record: the ORM would write each alone (see _write_rows). A
        # period whose figures did not change (most of them, day after day) gets its date only.
        Runner = self.env["ps.batch.runner"]
        Runner._write_rows(self._name, ["evaluated_on", *EVALUATION_FIELDS], rows)
        Runner._write_rows(self._name, ["evaluated_on"], unchanged)
        for state, ids in turned.items():
            self.env["ps.billing.event.hook"]._ps_emit_event(f"readiness.{state}", self.browse(ids))
