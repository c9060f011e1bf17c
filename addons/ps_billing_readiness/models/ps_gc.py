# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fewer passes of Python's cyclic garbage collector while the engine works on a batch."""

import functools
import gc

# Odoo's later releases start every server with these thresholds (odoo/init.py: "handling requests
# can sometimes allocate over 5k new objects"): Python's defaults, (700, 10, 10), run a collection
# every 700 new objects, and an evaluation of a thousand engagements makes millions (records,
# rows, values). Measured at size M: the read side of an evaluation 14 % shorter (median of 5
# runs alternating in one process, 1,754 -> 1,510 ms; with the collector off, 1,437 ms).
BATCH_THRESHOLD = (12000, 20, 25)


def fewer_gc_passes(method):
    """Decorate an engine method that works on a whole batch: while it runs, the collector runs
    less often (``BATCH_THRESHOLD``; thresholds already higher are kept); the thresholds are
    restored when it returns or raises. Nothing is left uncollected: the collector still runs,
    after 12,000 new objects instead of 700.

    The thresholds belong to the process: another thread's request running meanwhile collects
    less often too, and a batch ending first restores them for a batch still running; both only
    change when the collector runs, never what it frees.
    """

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        before = gc.get_threshold()
        wanted = tuple(max(old, new) for old, new in zip(before, BATCH_THRESHOLD, strict=False))
        if wanted == before:
            return method(*args, **kwargs)
        gc.set_threshold(*wanted)
        try:
            return method(*args, **kwargs)
        finally:
            gc.set_threshold(*before)

    return wrapper
