# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A generated billing history with seeded outliers, to measure the triage (tests and ``bin/benchmark``).

Pure Python with a seeded generator: the same seed gives the same history on any machine.
"""

import random

# How a seeded outlier departs from its engagement's usual invoice.
OUTLIER_KINDS = ("hours_high", "hours_low", "rate", "discount", "expense_share", "lines", "amount")


def _invoice(rng, base, hours_factor=1.0, **changes):
    hours = max(1.0, base["hours"] * rng.gauss(1.0, 0.12) * hours_factor)
    rate = changes.get("rate", base["rate"])
    discount = changes.get("discount", base["discount"])
    expense_share = changes.get("expense_share", max(0.0, base["expense_share"] + rng.gauss(0.0, 0.01)))
    lines = changes.get("lines", base["lines"] + (1 if rng.random() < 0.15 else 0))
    time_amount = hours * rate * (1 - discount / 100)
    amount = time_amount / (1 - expense_share) * changes.get("amount_factor", 1.0)
    return {
        "amount": round(amount, 2),
        "hours": round(hours, 2),
        "rate": rate,
        "discount": discount,
        "expense_share": round(expense_share, 4),
        "lines": lines,
    }


def outlier(rng, base, kind):
    """Return a draft of ``base``'s engagement that departs from it in one way, ``kind``."""
    if kind == "hours_high":
        return _invoice(rng, base, hours_factor=rng.uniform(2.5, 4.0))
    if kind == "hours_low":
        return _invoice(rng, base, hours_factor=rng.uniform(0.15, 0.35))
    if kind == "rate":
        return _invoice(rng, base, rate=round(base["rate"] * rng.choice((0.5, 1.6, 2.0)), 2))
    if kind == "discount":
        return _invoice(rng, base, discount=base["discount"] + rng.uniform(12.0, 30.0))
    if kind == "expense_share":
        return _invoice(rng, base, expense_share=base["expense_share"] + rng.uniform(0.3, 0.5))
    if kind == "lines":
        return _invoice(rng, base, lines=base["lines"] + rng.randint(5, 10))
    return _invoice(rng, base, amount_factor=rng.uniform(2.5, 4.0))


def generate(seed=42, engagements=60, history=12, outlier_share=0.5):
    """Return a list of (history, draft, is_outlier): ``history`` the engagement's last posted invoices
    (feature dicts), ``draft`` a normal draft or, for ``outlier_share`` of the engagements, a seeded outlier."""
    rng = random.Random(seed)
    cases = []
    for index in range(engagements):
        base = {
            "hours": rng.uniform(20.0, 160.0),
            "rate": float(rng.choice((95, 120, 140, 165, 190))),
            "discount": rng.choice((0.0, 0.0, 0.0, 5.0)),
            "expense_share": rng.choice((0.0, 0.03, 0.06, 0.1)),
            "lines": rng.randint(1, 6),
        }
        past = [_invoice(rng, base) for _i in range(history)]
        is_outlier = index < engagements * outlier_share
        draft = outlier(rng, base, OUTLIER_KINDS[index % len(OUTLIER_KINDS)]) if is_outlier else _invoice(rng, base)
        cases.append((past, draft, is_outlier))
    return cases


def measure(cases, triage):
    """Return {"recall", "false_flag_rate", "outliers", "normal"} of ``triage(draft, history, scope)``."""
    flagged = [(bool(triage(draft, past, "engagement")), is_outlier) for past, draft, is_outlier in cases]
    outliers = [hit for hit, is_outlier in flagged if is_outlier]
    normal = [hit for hit, is_outlier in flagged if not is_outlier]
    return {
        "recall": sum(outliers) / len(outliers) if outliers else 1.0,
        "false_flag_rate": sum(normal) / len(normal) if normal else 0.0,
        "outliers": len(outliers),
        "normal": len(normal),
    }
