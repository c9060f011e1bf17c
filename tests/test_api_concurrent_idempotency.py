"""Two requests at once with one Idempotency-Key, on two real connections: one is answered, the other 409.

Odoo's test server answers the requests of a test one at a time, on the test's cursor, so
ps_billing_api's own test of a request in flight holds the key's lock from a second database
connection. Here a real Odoo server (odoo-bin, threaded, ``workers = 0``) runs on a copy of the test
database, with a firm of its own committed by tools/bench_api.py's set-up (an engagement, employees
and their mappings, an API client and its key). A batch of 1,000 timesheet lines is sent; once the
server holds the key's lock (seen in ``pg_locks`` from a connection of the test: the key's row is
written in the request's transaction, so it is not visible before the end), the same request is sent
again from a second thread. The copy is dropped at the end.
"""

import json
import subprocess
import sys
import threading
import time
import uuid
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import requests
import test_cluster_check  # the suite's copy of the test database (tests/ is on sys.path under pytest)
import test_evented_server  # the suite's free loopback port

import odoo
from odoo.sql_db import close_db, db_connect
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

REPO = Path(__file__).resolve().parents[1]
LINES = 1000
EMPLOYEES = 20
# tools/bench_api.py's set-up commits the firm of its benchmark into a database: reused as is.
SETUP = """
import json, sys
sys.path.insert(0, sys.argv[3])
import bench_api
print(json.dumps(bench_api.setup(sys.argv[1], sys.argv[2], int(sys.argv[4]))))
"""


@tagged("post_install", "-at_install")
class TestApiConcurrentIdempotency(BaseCase):
    def setUp(self):
        super().setUp()
        self.db = f"{get_db_name()}_api_idem"
        test_cluster_check.TestClusterCheck._copy_test_database(self, self.db)
        self.addCleanup(close_db, self.db)
        setup = subprocess.run(  # noqa: S603 -- our interpreter and our own script
            [sys.executable, "-c", SETUP, odoo.tools.config.rcfile, self.db, str(REPO / "tools"), str(EMPLOYEES)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        self.assertEqual(setup.returncode, 0, setup.stderr[-3000:])
        self.firm = json.loads(setup.stdout.strip().splitlines()[-1])
        self.port = test_evented_server._free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        test_evented_server.start_threaded_server(self, self.db, self.port)

    def _body(self):
        employees = [external for external, _id in self.firm["employees"]]
        today = date.today()
        lines = [
            {
                "source": self.firm["source"],
                "external_id": f"idem-{index}",
                "employee": employees[index % EMPLOYEES],
                "project": "p",
                # 20 employees over 50 days: each line a day of its own for its employee.
                "date": (today - timedelta(days=1 + index // EMPLOYEES)).isoformat(),
                "hours": 0.5,
                "description": "Concurrent sync",
            }
            for index in range(LINES)
        ]
        return json.dumps({"lines": lines})

    def _post(self, body, key):
        return requests.post(
            f"{self.base}/billing/v1/timesheets:batch",
            data=body,
            headers={
                "Authorization": f"Bearer {self.firm['api_key']}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            },
            timeout=120,
        )

    def _key_locked(self, cr, key):
        """Whether a transaction of the server holds the advisory lock of ``key`` (any client)."""
        cr.execute(
            """
            SELECT count(*) FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND objid = hashtext(%s)::oid
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            [key],
        )
        locked = cr.fetchone()[0] > 0
        cr.rollback()
        return locked

    def test_same_key_at_once_on_two_connections_one_answered_one_409_then_replayed(self):
        body, key = self._body(), f"concurrent-{uuid.uuid4()}"
        responses = {}

        def send(name):
            responses[name] = self._post(body, key)

        first = threading.Thread(target=send, args=("first",))
        with closing(db_connect(self.db).cursor()) as cr:
            first.start()
            deadline = time.monotonic() + 60
            while not self._key_locked(cr, key):
                self.assertTrue(first.is_alive(), "the first request was answered before it was seen in flight")
                self.assertLess(time.monotonic(), deadline, "the first request never took the key's lock")
                time.sleep(0.005)
            # The first request is in flight: the same request again, from a second thread.
            second = threading.Thread(target=send, args=("second",))
            second.start()
            second.join(60)
            first.join(120)
            self.assertFalse(first.is_alive() or second.is_alive(), "a request did not end within 2 minutes")

            answered, refused = responses["first"], responses["second"]
            self.assertEqual(answered.status_code, 200, answered.text[:2000])
            self.assertEqual(answered.json()["summary"]["created"], LINES)
            self.assertNotIn("Idempotent-Replayed", answered.headers)
            self.assertEqual(
                (refused.status_code, refused.headers["Content-Type"]), (409, "application/problem+json"), refused.text
            )
            self.assertEqual(refused.json()["type"].rsplit("/", 1)[1], "idempotency-key-in-flight")

            # Once the first has been answered, the same request is its stored response, replayed.
            replay = self._post(body, key)
            self.assertEqual((replay.status_code, replay.json()), (200, answered.json()))
            self.assertEqual(replay.headers.get("Idempotent-Replayed"), "true")

            # The lines exist once: one mapping and one timesheet line each, one stored response.
            cr.execute(
                """
                SELECT count(*), count(DISTINCT l.id)
                  FROM ps_sync_mapping m JOIN account_analytic_line l ON l.id = m.res_id
                 WHERE m.source = %s AND m.res_model = 'account.analytic.line'
                """,
                [self.firm["source"]],
            )
            self.assertEqual(cr.fetchone(), (LINES, LINES))
            cr.execute(
                "SELECT count(*) FROM account_analytic_line WHERE name = 'Concurrent sync' AND project_id = %s",
                [self.firm["project"]],
            )
            self.assertEqual(cr.fetchone()[0], LINES)
            cr.execute("SELECT status_code FROM ps_api_idempotency_key WHERE key = %s", [key])
            self.assertEqual(cr.fetchall(), [(200,)])
