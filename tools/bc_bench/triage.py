# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Anomaly triage of invoice drafts (``ps_billing_analytics``): its quality on a generated history with
seeded outliers, and its time per draft on drafts of the firm.

Quality: ``ps_billing_analytics.triage_sample`` generates engagements with 12 posted invoices each and
one draft, half of them a seeded outlier (one feature off: hours, rate, discount, expense share,
lines or amount); recall is the share of outliers flagged, the false-flag rate the share of normal
drafts flagged. Time: ``account.move._ps_triage_anomalies`` on a batch of drafts of the firm's
engagements (``routing.create_drafts``), history read from the firm's posted invoices.
"""

import time
from datetime import timedelta

from .measure import Measure, rolled_back
from .routing import create_drafts

TRIAGE_SEED = 42
TRIAGE_ENGAGEMENTS = 400
TRIAGE_DRAFTS = 100
# Posted invoices made first (rolled back) so that the drafts have a history: the generated firm has none.
# The same lines as the drafts', six times: each engagement among them gets six invoices a line billed.
TRIAGE_HISTORY_ROUNDS = 6
TRIAGE_RECALL = 0.90
TRIAGE_FALSE_FLAGS = 0.05


def measure_triage(env, result):
    """Add the triage's recall, false-flag rate and times to ``result`` (a ``benchmark.Result``)."""
    from odoo.addons.ps_billing_analytics import triage_sample
    from odoo.addons.ps_billing_analytics.models.ps_invoice_anomaly import triage

    cases = triage_sample.generate(seed=TRIAGE_SEED, engagements=TRIAGE_ENGAGEMENTS)
    started = time.perf_counter()
    quality = triage_sample.measure(cases, triage)
    result.add("triage_sample_ms", (time.perf_counter() - started) * 1000.0 / len(cases))
    result.add("triage_recall", quality["recall"])
    result.add("triage_false_flags", quality["false_flag_rate"])
    result.context["triage_cases"] = (quality["outliers"], quality["normal"])
    with rolled_back(env):
        _post_history(env)
        drafts = create_drafts(env, TRIAGE_DRAFTS)
        with Measure(env) as measured:
            flags = drafts._ps_triage_anomalies()
        result.add("triage_ms", measured.ms / len(drafts))
        result.add("triage_queries", measured.queries)
        result.add("triage_flagged", len(flags.move_id))


def _post_history(env):
    """Post ``TRIAGE_HISTORY_ROUNDS`` invoices of each line the drafts bill, one a week back from the firm's
    day, with the approval matrix archived (rolled back with the rest: a benchmark's fixture)."""
    if "ps.approval.rule" in env:
        env["ps.approval.rule"].search([]).write({"active": False})
    history = env["account.move"].concat(
        *(create_drafts(env, TRIAGE_DRAFTS) for _round in range(TRIAGE_HISTORY_ROUNDS))
    )
    today = env.company._ps_today()
    for index, move in enumerate(history):
        move.invoice_date = today - timedelta(days=7 * (index % 52 + 1))
    history.action_post()
    return history


def triage_rows(result):
    """Return the rows of the triage measurement (see ``benchmark.Result.rows``)."""
    if not result.has("triage_recall"):
        return []
    outliers, normal = result.context["triage_cases"]
    recall, false_flags = result.median("triage_recall"), result.median("triage_false_flags")
    return [
        (
            f"Triage quality on a generated history (seed {TRIAGE_SEED}: {outliers} seeded outliers, "
            f"{normal} normal drafts, 12 invoices of history each)",
            f"recall {recall * 100:.1f} %, false flags {false_flags * 100:.1f} %",
            f"{result.text('triage_sample_ms', '{:.1f}', 'ms')} per draft (statistics alone)",
            "",
            f"recall ≥ {TRIAGE_RECALL * 100:.0f} %, false flags ≤ {TRIAGE_FALSE_FLAGS * 100:.0f} %",
            recall >= TRIAGE_RECALL and false_flags <= TRIAGE_FALSE_FLAGS,
        ),
        (
            f"Triage of {TRIAGE_DRAFTS} drafts of the firm against {TRIAGE_HISTORY_ROUNDS * TRIAGE_DRAFTS} posted "
            "invoices of the same engagements (made for the measurement, rolled back)",
            f"{result.text('triage_ms', '{:.1f}', 'ms')} per draft, "
            f"{result.samples['triage_queries'].counts()} queries, "
            f"{result.median('triage_flagged'):.0f} drafts flagged",
            "",
            "",
            "",
            None,
        ),
    ]
