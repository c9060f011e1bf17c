"""The month-end on a cluster of two Odoo nodes behind nginx, one of them killed mid-run (bin/cluster-check).

bin/cluster-check starts its own nodes, nginx and database: this test runs it as a subprocess on a
copy of the test database (the four addons with their demo data; the check generates a tiny firm
into its own copy), and reads its verdict. docs/cluster-check.md says what it asserts.
"""

import os
import subprocess
from pathlib import Path

import odoo
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

REPO = Path(__file__).resolve().parents[1]
PASSED = "cluster-check passed: "


@tagged("post_install", "-at_install")
class TestClusterCheck(BaseCase):
    def _copy_test_database(self, name):
        """Copy the test database into ``name`` (pg_dump: the test session keeps it open)."""
        subprocess.run(["dropdb", "--if-exists", name], check=True)  # noqa: S603,S607
        subprocess.run(["createdb", "-T", "template0", name], check=True)  # noqa: S603,S607
        self.addCleanup(subprocess.run, ["dropdb", "--if-exists", name], check=False)
        dump = subprocess.Popen(["pg_dump", "--no-owner", get_db_name()], stdout=subprocess.PIPE)  # noqa: S603,S607
        restore = subprocess.run(  # noqa: S603,S607
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", name], stdin=dump.stdout, capture_output=True, check=False
        )
        dump.stdout.close()
        self.assertEqual(dump.wait(), 0, "pg_dump of the test database failed")
        self.assertEqual(restore.returncode, 0, restore.stderr[-2000:])

    def test_month_end_survives_a_killed_node_and_does_everything_once(self):
        source = f"{get_db_name()}_cluster"
        self._copy_test_database(source)
        self.addCleanup(subprocess.run, ["dropdb", "--if-exists", f"{source}_run"], check=False)
        # Ports of their own, next to this test server's: two test runs side by side do not collide.
        port = int(odoo.tools.config["http_port"])
        env = dict(
            os.environ,
            BC_CLUSTER_PORT_A=str(port + 11),
            BC_CLUSTER_PORT_B=str(port + 21),
            BC_CLUSTER_NGINX_PORT=str(port + 31),
            BC_CLUSTER_TIMEOUT="300",
        )
        check = subprocess.Popen(  # noqa: S603 -- our own script
            [str(REPO / "bin" / "cluster-check"), "--size", "tiny", "--db", source],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        try:
            output, _err = check.communicate(timeout=1200)
        except subprocess.TimeoutExpired:
            # SIGTERM: the script's trap stops the nodes and nginx it started (SIGKILL would leave them).
            check.terminate()
            output, _err = check.communicate(timeout=60)
            self.fail("bin/cluster-check did not finish within 20 minutes:\n" + output[-6000:])
        self.assertEqual(check.returncode, 0, output[-6000:])
        verdict = [line for line in output.splitlines() if line.startswith(PASSED)]
        self.assertEqual(len(verdict), 1, output[-6000:])
        self.assertIn("drafted once", verdict[0])
        self.assertIn("requeued and finished by the other node", verdict[0])
