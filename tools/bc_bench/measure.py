"""How the benchmark measures: time and queries of a block, savepoints rolled back, statistics of samples."""

import os
import platform
import resource
import statistics
import time
import uuid
from contextlib import contextmanager, suppress


def machine():
    """Return a one-line description of this machine: CPU model, cores, RAM."""
    model = platform.processor() or "unknown CPU"
    with suppress(OSError, StopIteration), open("/proc/cpuinfo") as handle:
        model = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    try:
        with open("/proc/meminfo") as handle:
            kib = int(next(line.split()[1] for line in handle if line.startswith("MemTotal")))
        ram = f"{kib / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        ram = "unknown RAM"
    return f"{model}, {os.cpu_count()} cores, {ram}"


def peak_memory_mb():
    """Return the peak resident set of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Measure:
    """Time and queries of one block: ``with Measure(env) as m: ...`` then ``m.seconds``, ``m.queries``.

    Pending writes are flushed and the cache emptied before the block, and the block's writes flushed
    before the clock stops, so that each block pays for its own reads and writes.
    """

    def __init__(self, env):
        self.env = env
        self.seconds = 0.0
        self.queries = 0

    def __enter__(self):
        self.env.flush_all()
        self.env.invalidate_all()
        self._queries = self.env.cr.sql_log_count
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.env.flush_all()
        self.seconds = time.perf_counter() - self._started
        self.queries = self.env.cr.sql_log_count - self._queries
        return False

    @property
    def ms(self):
        return self.seconds * 1000.0


@contextmanager
def rolled_back(env):
    """Run the block in a savepoint rolled back afterwards, with a clean cache."""
    env.flush_all()
    name = f"bc_bench_{uuid.uuid4().hex[:12]}"
    env.cr.execute(f'SAVEPOINT "{name}"')
    try:
        yield
    finally:
        # Pending writes go to the savepoint before it is rolled back, so the cache holds nothing stale.
        try:
            env.flush_all()
        finally:
            env.cr.execute(f'ROLLBACK TO SAVEPOINT "{name}"')
            env.cr.execute(f'RELEASE SAVEPOINT "{name}"')
            env.invalidate_all(flush=False)
            env.cr.precommit.clear()
            env.cr.postcommit.clear()


class Samples:
    """Samples of one measurement: median, minimum, maximum, and how they read in a table."""

    def __init__(self, values=()):
        self.values = list(values)

    def __bool__(self):
        return bool(self.values)

    def add(self, value):
        self.values.append(value)

    @property
    def median(self):
        return statistics.median(self.values)

    @property
    def min(self):
        return min(self.values)

    @property
    def max(self):
        return max(self.values)

    def spread(self, fmt="{:.0f}"):
        """Return "min–max" of the samples (the one value when there is one sample)."""
        if len(self.values) == 1 or self.min == self.max:
            return fmt.format(self.min)
        return f"{fmt.format(self.min)}–{fmt.format(self.max)}"

    def text(self, fmt="{:.0f}", unit=""):
        """Return "median unit (min–max)" of the samples: the median with its spread beside it."""
        unit = f" {unit}" if unit else ""
        if len(self.values) == 1:
            return f"{fmt.format(self.median)}{unit} (1 run)"
        return f"{fmt.format(self.median)}{unit} ({self.spread(fmt)})"

    def counts(self):
        """Return the distinct values of a count, "n" or "n–m" (query counts are the same run after run)."""
        return self.spread("{:.0f}")
