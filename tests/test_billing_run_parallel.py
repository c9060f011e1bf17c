"""Two job workers at once, in two processes on one database, performing the jobs of one billing
run, draft what one worker alone drafts, once.

The database is a copy of the core's test database (``<test db>_core_template``, the copy of
``<test db>_core`` that bin/test keeps for this: the core's tests may run on the core meanwhile) with
twelve engagements due today; a second copy runs the billing run with one worker. The scheduled
action enqueues the run (OCA queue_job); each worker performs the jobs of the billing channel as
a queue_job worker does, with OCA's own code: each job in its transaction, one that loses a race
(a lock, a concurrent update) rolled back and set pending again. Both databases are dropped at
the end.
"""

import json
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import odoo
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

WORKER = str(Path(__file__).with_name("billing_run_worker.py"))


@tagged("post_install", "-at_install")
class TestBillingRunParallel(BaseCase):
    def _worker(self, database, mode):
        return subprocess.run(  # noqa: S603 -- our interpreter and our own script
            [sys.executable, WORKER, odoo.tools.config.rcfile, database, mode],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        ).stdout

    def _createdb(self, name, template):
        subprocess.run(["dropdb", "--if-exists", name], check=True)  # noqa: S603,S607
        subprocess.run(["createdb", "-T", template, name], check=True)  # noqa: S603,S607
        self.addCleanup(subprocess.run, ["dropdb", "--if-exists", name], check=False)

    def test_two_workers_at_once_draft_what_one_worker_drafts_and_each_period_once(self):
        db = get_db_name()
        template = f"{db}_core_template"
        with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
            cr.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [template])
            exists = cr.fetchone()[0]
        self.assertEqual(exists, 1, f"{template} (the copy of the core's test database that bin/test makes) is needed")
        parallel, alone = f"{db}_parallel", f"{db}_alone"
        self._createdb(parallel, template)
        self._worker(parallel, "setup")
        self._createdb(alone, parallel)

        self._worker(alone, "dispatch")
        self._worker(alone, "work")
        done_before = json.loads(self._worker(parallel, "jobs")).get("done", 0)
        self._worker(parallel, "dispatch")
        workers = [
            subprocess.Popen(  # noqa: S603
                [sys.executable, WORKER, odoo.tools.config.rcfile, parallel, "work"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _index in range(2)
        ]
        performed = []
        for process in workers:
            out, err = process.communicate(timeout=600)
            self.assertEqual(process.returncode, 0, err[-2000:])
            performed.append(json.loads(out.strip().splitlines()[-1])["performed"])
        for database in (alone, parallel):
            states = json.loads(self._worker(database, "jobs"))
            self.assertEqual(set(states) - {"done"}, set(), f"every job of the run is done in {database}")
        done = json.loads(self._worker(parallel, "jobs"))["done"] - done_before
        self.assertEqual(sum(performed), done, "each job performed by one worker, once")

        expected = json.loads(self._worker(alone, "drafts"))
        found = json.loads(self._worker(parallel, "drafts"))
        amounts = {amount for _order, _period, _move, amount in expected}
        self.assertLessEqual({150.0 * hours for hours in range(1, 13)}, amounts, "the twelve engagements are drafted")
        self.assertEqual(
            [(order, period, amount) for order, period, _move, amount in found],
            [(order, period, amount) for order, period, _move, amount in expected],
            "the same periods drafted, for the same amounts",
        )
        periods = [(order, period) for order, period, _move, _amount in found]
        self.assertEqual(len(periods), len(set(periods)), "each period drafted once")
        moves_by_order = {}
        for order, _period, move, _amount in found:
            moves_by_order.setdefault(order, set()).add(move)
        self.assertTrue(all(len(moves) == 1 for moves in moves_by_order.values()), "one draft per engagement")
