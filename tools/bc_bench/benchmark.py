"""Measure the Billing Control suite on a generated firm, against the performance targets of size M.

Every measurement runs inside a savepoint that is rolled back, so runs are repeatable on the same
database and the tests can run them in their transaction. Time is ``time.perf_counter``, queries are
deltas of ``cr.sql_log_count``, memory is the process's peak resident set. Every timing is reported
as its median with its spread (minimum–maximum over the runs); each target that compares two things
(read side and SQL floor, our routing and OCA's, jobs and direct, our drafting and Odoo's wizard)
compares them measured in the same run, one after the other, the order alternating between runs.
"""

import time
from collections import defaultdict
from contextlib import contextmanager, nullcontext
from datetime import date, timedelta

from odoo import fields

from . import events, monthend
from .generator import ANCHOR_PARAM, SIZE_PARAM
from .measure import Measure, Samples, machine, peak_memory_mb, rolled_back
from .routing import BATCH_SIZES, create_drafts, install_tier_definitions
from .triage import measure_triage, triage_rows

# Targets at size M (issue #15, "Performance").
READ_SIDE_FLOOR_RATIO = 10.0
FIRST_EVALUATION_SECONDS = 3.0
DAILY_EVALUATION_SECONDS = 1.5
MATCHING_MS_PER_DRAFT = 2.0
ROUTING_OCA_RATIO = 0.5
JOBS_DIRECT_RATIO = 1.15
EVENTS_OVERHEAD_RATIO = 1.10
DRAFTING_RATIO = 1.2
COMPLIANCE_SECONDS = 5.0
MEMORY_MB = 1024.0

# The SQL floor: warm runs after one discarded, its minimum is the reference; EXPLAIN ANALYZE beside it.
FLOOR_RUNS = 5
EXPLAIN_RUNS = 3
EVALUATION_BATCHES = (50, 200)

FLOOR_QUERY = """
    SELECT l.so_line, l.ps_state, SUM(l.unit_amount),
           SUM(l.unit_amount * sol.price_unit * (1.0 - COALESCE(sol.discount, 0.0) / 100.0))
      FROM account_analytic_line l
      JOIN sale_order_line sol ON sol.id = l.so_line
     WHERE sol.order_id = ANY(%s)
       AND l.project_id IS NOT NULL
       AND l.date <= %s
       AND l.timesheet_invoice_id IS NULL
  GROUP BY l.so_line, l.ps_state
"""

PROFILE_NAMES = (
    "evaluate",
    "daily",
    "read",
    "draft_ours",
    "draft_odoo",
    "scan",
    "match",
    "route",
    "route_oca",
    "monthend_jobs",
    "monthend_direct",
    "events_on",
)
MEASUREMENTS = ("readiness", "drafting", "compliance", "routing", "monthend", "events", "triage")


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else float("inf")


class Result:
    """The samples of every measurement, and the table of targets they make."""

    def __init__(self, runs):
        self.runs = runs
        self.samples = defaultdict(Samples)
        self.notes = {}
        self.context = {}

    def add(self, key, value):
        self.samples[key].add(value)

    def has(self, key):
        return bool(self.samples.get(key))

    def median(self, key, default=None):
        samples = self.samples.get(key)
        return samples.median if samples else default

    def text(self, key, fmt="{:.0f}", unit=""):
        return self.samples[key].text(fmt, unit)

    def pair_ratios(self, numerator, denominator):
        """Return the ratios of two measurements taken in the same runs, run by run (their spread)."""
        return Samples(
            _ratio(a, b) for a, b in zip(self.samples[numerator].values, self.samples[denominator].values, strict=False)
        )

    # ------------------------------------------------------------
    # Rows: (measurement, ours, reference, ratio, target, met); met is True, False or None (no target)
    # ------------------------------------------------------------

    def rows(self):
        rows = []
        for part in (
            self._readiness_rows,
            self._routing_rows,
            self._monthend_rows,
            self._drafting_rows,
            self._events_rows,
        ):
            rows += part()
        rows += triage_rows(self)
        if self.has("scan_s"):
            rows += [
                (
                    f"Compliance scan ({self.context['employees']} employees, first scan of the periods)",
                    f"{self.text('scan_s', '{:.2f}', 's')}, {self.samples['scan_queries'].counts()} queries",
                    "",
                    "",
                    f"< {COMPLIANCE_SECONDS:.0f} s",
                    self.median("scan_s") < COMPLIANCE_SECONDS,
                ),
                (
                    "Compliance rescan (records exist)",
                    f"{self.text('rescan_s', '{:.2f}', 's')}, {self.samples['rescan_queries'].counts()} queries",
                    "",
                    "",
                    "",
                    None,
                ),
            ]
        memory = self.context.get("peak_mb") or peak_memory_mb()
        rows.append(
            ("Peak memory of the process", f"{memory:.0f} MB", "", "", f"< {MEMORY_MB:.0f} MB", memory < MEMORY_MB)
        )
        return rows

    def _readiness_rows(self):
        if not self.has("read_ms"):
            return []
        m, ctx = self.median, self.context
        floor = self.samples["floor_ms"]
        ratio = _ratio(m("read_ms"), floor.min)
        rows = [
            (
                "Readiness: read side (deliverable + every check) against the SQL floor (one aggregate over the "
                f"same rows: minimum of {len(floor.values)} warm runs)",
                f"{self.text('read_ms', unit='ms')}, {self.samples['read_queries'].counts()} queries",
                f"floor {floor.min:.1f} ms (warm runs {floor.spread('{:.1f}')} ms; EXPLAIN ANALYZE execution "
                f"{self.samples['floor_explain_ms'].min:.1f} ms)",
                f"{ratio:.1f}× (best run {_ratio(self.samples['read_ms'].min, floor.min):.1f}×)",
                f"≤ {READ_SIDE_FLOOR_RATIO:.0f}× floor",
                ratio <= READ_SIDE_FLOOR_RATIO,
            ),
            (
                f"Readiness: first evaluation of the period ({ctx['orders']} engagements, {ctx['readiness']} "
                "periods: records, findings and digests)",
                f"{self.text('evaluate_s', '{:.2f}', 's')}, {self.samples['evaluate_queries'].counts()} queries "
                f"(digests {self.text('evaluate_digest_s', '{:.2f}', 's')})",
                "",
                "",
                f"≤ {FIRST_EVALUATION_SECONDS:.0f} s",
                m("evaluate_s") <= FIRST_EVALUATION_SECONDS,
            ),
            (
                "Readiness: daily re-evaluation (the next day: records exist; digests refreshed)",
                f"{self.text('daily_s', '{:.2f}', 's')}, {self.samples['daily_queries'].counts()} queries "
                f"(digests {self.text('daily_digest_s', '{:.2f}', 's')})",
                "",
                "",
                f"≤ {DAILY_EVALUATION_SECONDS} s",
                m("daily_s") <= DAILY_EVALUATION_SECONDS,
            ),
        ]
        sizes = ctx.get("batches") or []
        for key, label in (("first", "first evaluation"), ("daily", "daily re-evaluation")):
            counts = [m(f"batch_{key}_{size}") for size in sizes]
            digests = [
                m(f"batch_digest_{key}_{size}") for size in sizes if f"batch_digest_{key}_{size}" in self.samples
            ]
            if counts:
                rows.append(
                    (
                        f"Readiness: queries per batch, {label} (a job of the run's evaluate step: "
                        f"{' / '.join(f'{n} engagements' for n in sizes)}; the digests, refreshed once per run by "
                        "its last step, apart)",
                        " / ".join(f"{count:.0f}" for count in counts)
                        + (f" (digest step: {' / '.join(f'{count:.0f}' for count in digests)})" if digests else ""),
                        "",
                        "",
                        "constant",
                        len(set(counts)) == 1,
                    )
                )
        return rows

    def _routing_rows(self):
        sizes = self.context.get("routing_batches")
        if not sizes:
            return []
        m, rules = self.median, self.context["rules"]
        large, small = max(sizes), min(sizes)
        oca = self.has(f"oca_ms_{large}")
        rows = [
            (
                f"Approval matching per draft ({rules} rules; batches of {small} / {large})",
                f"{self.text(f'match_ms_{small}', '{:.2f}', 'ms')} / {self.text(f'match_ms_{large}', '{:.2f}', 'ms')}",
                "",
                "",
                f"≤ {MATCHING_MS_PER_DRAFT:.0f} ms",
                m(f"match_ms_{large}") <= MATCHING_MS_PER_DRAFT,
            )
        ]
        ours = f"{self.text(f'route_ms_{large}', '{:.2f}', 'ms')}"
        if oca:
            ratio = _ratio(m(f"route_ms_{large}"), m(f"oca_ms_{large}"))
            per_run = self.pair_ratios(f"route_ms_{large}", f"oca_ms_{large}")
            rows.append(
                (
                    f"Approval routing per draft ({rules} rules, batches of {large}: requests, activities, notes) "
                    f"against OCA's tier validation (request_validation(), {rules} tier definitions, same drafts)",
                    ours,
                    f"OCA {self.text(f'oca_ms_{large}', '{:.2f}', 'ms')}",
                    f"{ratio:.2f}× (per run {per_run.spread('{:.2f}')})",
                    f"≤ {ROUTING_OCA_RATIO}× OCA",
                    ratio <= ROUTING_OCA_RATIO,
                )
            )
        else:
            rows.append(
                (
                    f"Approval routing per draft ({rules} rules, batches of {large})",
                    ours,
                    "OCA not measured (bin/benchmark installs it in its own database; see --no-oca)",
                    "",
                    f"≤ {ROUTING_OCA_RATIO}× OCA",
                    None,
                )
            )
        ours_counts = [m(f"route_queries_{size}") for size in sizes]
        match_counts = [m(f"match_queries_{size}") for size in sizes]
        oca_counts = [m(f"oca_queries_{size}") for size in sizes] if oca else []
        rows.append(
            (
                f"Approval routing: queries per batch ({' / '.join(f'{n} drafts' for n in sizes)})",
                " / ".join(f"{c:.0f}" for c in ours_counts)
                + f" (matching {' / '.join(f'{c:.0f}' for c in match_counts)})",
                ("OCA " + " / ".join(f"{c:.0f}" for c in oca_counts)) if oca else "",
                "",
                "constant",
                len(set(ours_counts)) == 1 and len(set(match_counts)) == 1,
            )
        )
        return rows

    def _monthend_rows(self):
        if not self.has("monthend_jobs_s"):
            return []
        m = self.median
        ratio = _ratio(m("monthend_jobs_s"), m("monthend_direct_s"))
        per_run = self.pair_ratios("monthend_jobs_s", "monthend_direct_s")
        return [
            (
                f"Month-end (billing run of {self.context['month_end_day']}, the day after the cutoff: evaluate, "
                "draft, escalate, digest) through "
                f"queue_job jobs ({self.samples['monthend_job_count'].counts()} jobs performed in-process) "
                "against the same work run directly",
                f"{self.text('monthend_jobs_s', '{:.2f}', 's')}, {self.samples['monthend_jobs_queries'].counts()} "
                "queries",
                f"direct {self.text('monthend_direct_s', '{:.2f}', 's')}, "
                f"{self.samples['monthend_direct_queries'].counts()} queries",
                f"{ratio:.3f}× (per run {per_run.spread('{:.3f}')})",
                f"≤ {JOBS_DIRECT_RATIO}× direct",
                ratio <= JOBS_DIRECT_RATIO,
            )
        ]

    def _events_rows(self):
        if not self.has("events_on_s"):
            return []
        m = self.median
        ratio = _ratio(m("events_on_s"), m("events_off_s"))
        per_run = self.pair_ratios("events_on_s", "events_off_s")
        written = m("events_written")
        extra = m("events_on_s") - m("events_off_s")
        ours = f"{self.text('events_on_s', '{:.2f}', 's')}, {self.samples['events_on_queries'].counts()} queries"
        if extra > 0:
            ours += f"; {written / extra:.0f} events written per second of the time they add"
        return [
            (
                f"Business events in the first evaluation ({written:.0f} events, {m('events_deliveries'):.0f} "
                "deliveries and their jobs to one endpoint subscribed to every type) against the same evaluation "
                "with every event type archived",
                ours,
                f"without events {self.text('events_off_s', '{:.2f}', 's')}, "
                f"{self.samples['events_off_queries'].counts()} queries",
                f"{ratio:.3f}× (per run {per_run.spread('{:.3f}')})",
                f"< {EVENTS_OVERHEAD_RATIO:.2f}× (overhead < {(EVENTS_OVERHEAD_RATIO - 1) * 100:.0f} %)",
                ratio < EVENTS_OVERHEAD_RATIO,
            )
        ]

    def _drafting_rows(self):
        if not self.has("ours_ms"):
            return []
        m, count = self.median, max(self.context["drafted"], 1)
        ratio = _ratio(m("ours_ms"), m("odoo_ms"))
        per_run = self.pair_ratios("ours_ms", "odoo_ms")
        return [
            (
                f"Drafting: readiness engine against Odoo's invoicing wizard ({self.context['drafted']} ready "
                "engagements, the same orders)",
                f"{m('ours_ms') / count:.0f} ms per order ({self.text('ours_ms', unit='ms')} in all), "
                f"{m('ours_queries') / count:.0f} queries per order",
                f"Odoo {m('odoo_ms') / count:.0f} ms per order ({self.text('odoo_ms', unit='ms')} in all), "
                f"{m('odoo_queries') / count:.0f} queries per order",
                f"{ratio:.2f}× (per run {per_run.spread('{:.2f}')})",
                f"≤ {DRAFTING_RATIO}× Odoo",
                ratio <= DRAFTING_RATIO,
            )
        ]

    def markdown(self):
        ctx = self.context
        lines = [
            f"Size {ctx.get('size', '?')}: {ctx.get('orders', '?')} engagements, {ctx.get('employees', '?')} "
            f"employees, {ctx.get('lines', '?')} timesheet lines, {ctx.get('rules', '?')} approval rules; firm's "
            f"day {ctx.get('day', '?')}; {self.runs} run(s): median (minimum–maximum); "
            f"{fields.Date.to_string(date.today())}, {machine()}.",
            "",
            "| measurement | ours: median (min–max) | compared with, same run | ratio | target (size M) | met |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for name, ours, reference, ratio, target, met in self.rows():
            verdict = "" if met is None else ("yes" if met else "**NO**")
            lines.append(f"| {name} | {ours} | {reference} | {ratio} | {target} | {verdict} |")
        notes = dict(self.notes)
        for key, label in (("requests", "ours: approval requests"), ("reviews", "OCA: tier reviews")):
            if ctx.get(key):
                notes[f"routing, {label} created"] = ", ".join(
                    f"{count} for {size} drafts" for size, count in sorted(ctx[key].items())
                )
        if notes:
            lines.append("")
            lines += [f"- {key}: {value}" for key, value in notes.items()]
        return "\n".join(lines)


class Benchmark:
    def __init__(self, env, runs=5, log=None, profile=None, oca_env=None, oca_env_factory=None):
        self.env = env
        self.oca_env = oca_env
        self.oca_env_factory = oca_env_factory
        self.runs = runs
        self.log = log or (lambda message: None)
        self.profile = profile
        self.result = Result(runs)
        params = env["ir.config_parameter"].sudo()
        anchor = params.get_param(ANCHOR_PARAM)
        self.day = fields.Date.to_date(anchor) if anchor else fields.Date.context_today(env["res.users"])
        # The month-end: the first day the previous month's periods are due (the day after the cutoff).
        cutoff_day = env.company.ps_billing_cutoff_day
        self.month_end_day = self.day
        if self.day.day <= cutoff_day:
            self.month_end_day = self.day.replace(day=cutoff_day) + timedelta(days=1)
        self.orders = env["sale.order"].search([("state", "=", "sale"), ("ps_has_services", "=", True)], order="id")
        self.employees = env["hr.employee"].search(env["ps.timesheet.compliance"]._get_scan_employee_domain())
        self.result.context.update(
            size=params.get_param(SIZE_PARAM) or "?",
            day=fields.Date.to_string(self.day),
            month_end_day=fields.Date.to_string(self.month_end_day),
            orders=len(self.orders),
            employees=len(self.employees),
            lines=env["account.analytic.line"].search_count([("project_id", "!=", False)]),
            rules=env["ps.approval.rule"].search_count([]),
        )

    @contextmanager
    def _profiled(self, name):
        if self.profile and self.profile.startswith(name + "="):
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
            try:
                yield
            finally:
                profiler.stop()
                path = self.profile.split("=", 1)[1]
                with open(path, "w") as handle:
                    # HTML to browse, text (.txt) to paste into a report.
                    if path.endswith(".txt"):
                        handle.write(profiler.output_text(unicode=True, color=False, show_all=False))
                    else:
                        handle.write(profiler.output_html())
                self.log(f"profile of {name} written to {path}")
                self.profile = None
        else:
            yield

    # ------------------------------------------------------------
    # Readiness
    # ------------------------------------------------------------

    def _evaluate(self, orders, day, digest_key=None):
        """The evaluation of the billing run: records, findings, then every digest; add the digests' seconds."""
        Readiness = self.env["ps.billing.readiness"]
        records = Readiness._evaluate_orders(orders, day)
        self.env.flush_all()
        started = time.perf_counter()
        Readiness._ps_refresh_digests()
        self.env.flush_all()
        if digest_key:
            self.result.add(digest_key, time.perf_counter() - started)
        return records

    def _floor(self, records):
        """Time the SQL floor: one discarded run, then ``FLOOR_RUNS`` warm ones and EXPLAIN ANALYZE's execution."""
        cr, result = self.env.cr, self.result
        params = (records.sale_order_id.ids, max(records.mapped("period_end")))
        cr.execute(FLOOR_QUERY, params)
        cr.fetchall()
        for _index in range(FLOOR_RUNS):
            started = time.perf_counter()
            cr.execute(FLOOR_QUERY, params)
            cr.fetchall()
            result.add("floor_ms", (time.perf_counter() - started) * 1000)
        for _index in range(EXPLAIN_RUNS):
            cr.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + FLOOR_QUERY, params)
            plan = cr.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else plan
            result.add("floor_explain_ms", plan["Execution Time"])

    def measure_readiness(self, run):
        env, result = self.env, self.result
        next_day = self.day + timedelta(days=1)
        with rolled_back(env):
            with self._profiled("evaluate"), Measure(env) as first:
                records = self._evaluate(self.orders, self.day, "evaluate_digest_s")
            result.add("evaluate_s", first.seconds)
            result.add("evaluate_queries", first.queries)
            result.context["readiness"] = len(records)
            states = defaultdict(int)
            for record in records:
                states[record.state] += 1
            result.notes["readiness states after the first evaluation"] = ", ".join(
                f"{n} {s}" for s, n in sorted(states.items())
            )
            # The run of the next day: every engagement evaluated again, its records exist.
            with self._profiled("daily"), Measure(env) as daily:
                self._evaluate(self.orders, next_day, "daily_digest_s")
            result.add("daily_s", daily.seconds)
            result.add("daily_queries", daily.queries)
            with self._profiled("read"), Measure(env) as read:
                per_check = {}
                records._ps_run_checks(self.day, per_check)
            result.add("read_ms", read.ms)
            result.add("read_queries", read.queries)
            for code, seconds in per_check.items():
                result.add(f"check_{code}", seconds * 1000)
            self._floor(records)
        if run == 0:
            self._measure_evaluation_batches(next_day)
        result.notes["read side by check, median ms"] = ", ".join(
            f"{key[6:]} {result.median(key):.0f}" for key in result.samples if key.startswith("check_")
        )

    def _measure_evaluation_batches(self, next_day):
        """Count the queries of the first and the daily evaluation of the first engagements, at two batch sizes."""
        env, result = self.env, self.result
        small, large = EVALUATION_BATCHES
        sizes = sorted({max(1, min(small, len(self.orders) // 4)), min(large, len(self.orders))})
        result.context["batches"] = sizes
        Readiness = env["ps.billing.readiness"]
        # Odoo's caches (groups, xml ids, defaults, languages) filled first, so that no batch counts their queries.
        with rolled_back(env):
            Readiness._evaluate_orders(self.orders[: sizes[0]], self.day)
            env.flush_all()
        for size in sizes:
            with rolled_back(env):
                # A batch is what one job of the billing run's "evaluate" step does (_job_evaluate_batch);
                # the digests are refreshed once per run by its last step, counted apart.
                for key, day in (("first", self.day), ("daily", next_day)):
                    with Measure(env) as batch:
                        Readiness._evaluate_orders(self.orders[:size], day)
                        env.flush_all()
                    with Measure(env) as digests:
                        Readiness._ps_refresh_digests()
                        env.flush_all()
                    result.add(f"batch_{key}_{size}", batch.queries)
                    result.add(f"batch_digest_{key}_{size}", digests.queries)

    # ------------------------------------------------------------
    # Business events
    # ------------------------------------------------------------

    def measure_events(self, run):
        """The first evaluation with business events written, and with every event type archived."""
        env, result = self.env, self.result
        if not events.installed(env):
            return
        with rolled_back(env):
            events.subscribe_everything(env)
            for active in (True, False) if run % 2 else (False, True):
                key = "events_on" if active else "events_off"
                with rolled_back(env):
                    events.set_types_active(env, active)
                    before = events.count(env)
                    with self._profiled(key), Measure(env) as measure:
                        self._evaluate(self.orders, self.day)
                    after = events.count(env)
                result.add(f"{key}_s", measure.seconds)
                result.add(f"{key}_queries", measure.queries)
                if active:
                    result.add("events_written", after[0] - before[0])
                    result.add("events_deliveries", after[1] - before[1])
                    result.add("events_jobs", after[2] - before[2])

    # ------------------------------------------------------------
    # Drafting
    # ------------------------------------------------------------

    def _ready_records(self):
        Readiness = self.env["ps.billing.readiness"]
        Readiness._evaluate_orders(self.orders, self.day)
        domain = [("sale_order_id", "in", self.orders.ids), ("state", "=", "ready"), ("invoice_id", "=", False)]
        due = Readiness.search(domain + [("cutoff_date", "<", self.day)])
        ready = due or Readiness.search(domain)
        # As the billing run: a period that an earlier blocked one of its engagement holds back waits.
        return ready - ready._get_held_by_earlier()

    def _draft_with_engine(self, ready):
        # As the drafting job drafts: the routing of its drafts is the next job (measured under routing).
        return ready._create_invoice_drafts(in_job=True)

    def _draft_with_wizard(self, ready):
        env = self.env
        moves = env["account.move"]
        # One draft per engagement up to its latest ready period, as the engine drafts.
        by_end = defaultdict(lambda: env["sale.order"])
        for order, period_end in ready._get_last_period_end_by_order().items():
            by_end[period_end] |= order
        for period_end, orders in by_end.items():
            wizard = (
                env["sale.advance.payment.inv"]
                .with_context(active_model="sale.order", active_ids=orders.ids)
                .create(
                    {
                        "advance_payment_method": "delivered",
                        "consolidated_billing": False,
                        "date_end_invoice_timesheet": period_end,
                    }
                )
            )
            before = set(orders.invoice_ids.ids)
            wizard.create_invoices()
            moves |= orders.invoice_ids.filtered(lambda move, b=before: move.id not in b)
        return moves

    def measure_drafting(self, run):
        env, result = self.env, self.result
        with rolled_back(env):
            ready = self._ready_records()
            result.context["drafted"] = len(ready)
            if not ready:
                result.notes["drafting"] = "no ready engagement: nothing to draft"
                return
            sides = [("ours", self._draft_with_engine), ("odoo", self._draft_with_wizard)]
            # Alternate which side runs first so that neither always gets the warm caches.
            for key, func in sides if run % 2 == 0 else reversed(sides):
                with rolled_back(env):
                    with self._profiled(f"draft_{key}"), Measure(env) as drafting:
                        moves = func(ready)
                    result.add(f"{key}_ms", drafting.ms)
                    result.add(f"{key}_queries", drafting.queries)
                    result.notes[f"drafts ({key})"] = (
                        f"{len(moves)} invoices, {sum(len(move.invoice_line_ids) for move in moves)} lines"
                    )

    # ------------------------------------------------------------
    # Compliance
    # ------------------------------------------------------------

    def measure_compliance(self):
        env, result = self.env, self.result
        Compliance = env["ps.timesheet.compliance"]
        with rolled_back(env):
            with self._profiled("scan"), Measure(env) as scan:
                Compliance._scan_employees(self.employees, self.day)
            with Measure(env) as rescan:
                records = Compliance._scan_employees(self.employees, self.day)
            result.add("scan_s", scan.seconds)
            result.add("scan_queries", scan.queries)
            result.add("rescan_s", rescan.seconds)
            result.add("rescan_queries", rescan.queries)
            states = defaultdict(int)
            for record in records:
                states[record.state] += 1
            result.notes["compliance states"] = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))

    # ------------------------------------------------------------
    # Month-end: jobs against direct
    # ------------------------------------------------------------

    def _month_end(self, direct):
        env = self.env
        first_move = monthend.last_move_id(env)
        if direct:
            with self._profiled("monthend_direct"), Measure(env) as run:
                monthend.dispatch(env, self.month_end_day, direct=True)
            jobs = None
        else:
            after = monthend.last_job_id(env)
            with self._profiled("monthend_jobs"), Measure(env) as run:
                monthend.dispatch(env, self.month_end_day)
                jobs = monthend.perform_stored_jobs(env, after)
        return run, jobs, monthend.outcome(env, self.orders, first_move)

    def measure_monthend(self, run):
        result = self.result
        outcomes = {}
        sides = [False, True] if run % 2 == 0 else [True, False]
        for direct in sides:
            key = "direct" if direct else "jobs"
            with rolled_back(self.env):
                measure, jobs, outcomes[key] = self._month_end(direct)
            result.add(f"monthend_{key}_s", measure.seconds)
            result.add(f"monthend_{key}_queries", measure.queries)
            if jobs is not None:
                result.add("monthend_job_count", len(jobs))
                steps = defaultdict(int)
                for job in jobs:
                    steps[job.method_name] += 1
                result.notes["month-end jobs performed"] = ", ".join(f"{n} {name}" for name, n in steps.items())
        same = outcomes["jobs"] == outcomes["direct"]
        result.notes["month-end outcome"] = (
            outcomes["jobs"] if same else f"DIFFERENT: jobs {outcomes['jobs']} / direct {outcomes['direct']}"
        )

    # ------------------------------------------------------------
    # Approval routing: ours against OCA's tier validation
    # ------------------------------------------------------------

    def _route_ours(self, batch, size):
        env, result = self.env, self.result
        with rolled_back(env):
            with self._profiled("match"), Measure(env) as matching:
                batch._get_ps_matching_rules()
        with rolled_back(env):
            with self._profiled("route"), Measure(env) as routing:
                batch._ps_route_approval()
            requests = env["ps.approval.request"].search_count([("move_id", "in", batch.ids)])
        result.add(f"match_ms_{size}", matching.ms / size)
        result.add(f"match_queries_{size}", matching.queries)
        result.add(f"route_ms_{size}", routing.ms / size)
        result.add(f"route_queries_{size}", routing.queries)
        result.context.setdefault("requests", {})[size] = requests

    def _route_oca(self, batch, size):
        env, result = self.oca_env, self.result
        with rolled_back(env):
            with self._profiled("route_oca"), Measure(env) as routing:
                reviews = batch.request_validation()
        result.add(f"oca_ms_{size}", routing.ms / size)
        result.add(f"oca_queries_{size}", routing.queries)
        result.context.setdefault("reviews", {})[size] = len(reviews)

    def measure_routing(self):
        env, oca_env, result = self.env, self.oca_env, self.result
        sizes = list(BATCH_SIZES)
        result.context["routing_batches"] = sizes
        with rolled_back(env), rolled_back(oca_env) if oca_env else nullcontext():
            drafts = create_drafts(env, sum(sizes))
            oca_drafts = None
            if oca_env:
                definitions = install_tier_definitions(oca_env)
                oca_drafts = create_drafts(oca_env, sum(sizes))
                result.notes["OCA tier definitions"] = (
                    f"{len(definitions)} on account.move, one per approval rule (its conditions as a domain)"
                )
                result.notes["drafts routed (ours / OCA)"] = (
                    f"{len(drafts)} / {len(oca_drafts)}, untaxed {sum(drafts.mapped('amount_untaxed')):,.2f} / "
                    f"{sum(oca_drafts.mapped('amount_untaxed')):,.2f}"
                )
            # A warm-up of both sides, rolled back: the first batch measured would pay the one-off loading
            # of the caches (rules, groups, subtypes: about a dozen queries) that no later batch pays.
            with rolled_back(env):
                drafts[: sizes[0]]._ps_route_approval()
            if oca_drafts is not None:
                with rolled_back(oca_env):
                    oca_drafts[: sizes[0]].request_validation()
            for run in range(self.runs):
                start = 0
                for size in sizes:
                    sides = [lambda s=start, n=size: self._route_ours(drafts[s : s + n], n)]
                    if oca_drafts is not None:
                        sides.append(lambda s=start, n=size: self._route_oca(oca_drafts[s : s + n], n))
                    for side in sides if run % 2 == 0 else reversed(sides):
                        side()
                    start += size

    # ------------------------------------------------------------
    # Driver
    # ------------------------------------------------------------

    def run(self, only=None):
        wanted = set(only or MEASUREMENTS)
        for run in range(self.runs):
            started = time.perf_counter()
            if "readiness" in wanted:
                self.measure_readiness(run)
            if "drafting" in wanted:
                self.measure_drafting(run)
            if "compliance" in wanted:
                self.measure_compliance()
            if "monthend" in wanted:
                self.measure_monthend(run)
            if "events" in wanted:
                self.measure_events(run)
            if "triage" in wanted and "ps.invoice.anomaly" in self.env:
                measure_triage(self.env, self.result)
            self.log(f"run {run + 1}/{self.runs} done in {time.perf_counter() - started:.1f} s")
        # Before OCA's registry is loaded (routing), the process holds only the suite's.
        self.result.context["peak_mb"] = peak_memory_mb()
        if "routing" in wanted:
            started = time.perf_counter()
            if self.oca_env is None and self.oca_env_factory:
                self.oca_env = self.oca_env_factory()
            self.measure_routing()
            self.log(f"routing runs done in {time.perf_counter() - started:.1f} s")
        self.result.notes["peak memory at the end (both registries loaded)"] = f"{peak_memory_mb():.0f} MB"
        return self.result


def run(env, runs=5, log=None, only=None, profile=None, oca_env=None, oca_env_factory=None):
    """Run the benchmark on the firm in ``env`` (rolled back) and return its ``Result``; OCA's routing is
    measured in ``oca_env`` (or the environment ``oca_env_factory()`` returns, opened after the other
    measurements so that the peak memory is the suite's alone)."""
    benchmark = Benchmark(env, runs=runs, log=log, profile=profile, oca_env=oca_env, oca_env_factory=oca_env_factory)
    return benchmark.run(only=only)
