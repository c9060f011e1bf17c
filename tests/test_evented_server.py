"""Odoo's evented process starts with the suite's pinned dependencies and upgrades /websocket.

With ``workers`` > 0 (``odoo.conf``, ``bin/serve``), live updates (bus,
notifications, activity counters, chatter) go through ``odoo-bin gevent`` on
the gevent port. It once died at start-up on dependencies the pinned
``setuptools`` could not read; every browser tab then got an error on
``/websocket``, silently.
"""

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import websocket

import odoo
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_threaded_server(case, db, port, env=None):
    """Start ``odoo-bin`` for ``db`` on ``port`` as ``bin/serve`` does (one threaded process, no cron), stop it
    at ``case``'s cleanup, and return the process once ``/web/health`` answers (90 s at the most)."""
    odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
    server = subprocess.Popen(  # noqa: S603 -- our own interpreter and Odoo's own launcher
        [
            sys.executable,
            str(odoo_bin),
            "-c",
            odoo.tools.config.rcfile,
            "-d",
            db,
            "--db-filter",
            f"^{db}$",
            "--http-port",
            str(port),
            "--gevent-port",
            str(_free_port()),
            "--workers",
            "0",
            "--max-cron-threads",
            "0",
            "--log-level",
            "warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    case.addCleanup(_stop, server)
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/health", timeout=10).status_code == 200:
                return server
        except requests.RequestException:
            pass
        case.assertLess(time.monotonic(), deadline, "the server did not start within 90 s")
        case.assertIsNone(server.poll(), "the server died at start-up")
        time.sleep(0.5)


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@tagged("post_install", "-at_install")
class TestEventedServer(BaseCase):
    def test_gevent_process_answers_the_websocket_handshake_with_101(self):
        odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
        gevent_port, http_port = _free_port(), _free_port()
        db = get_db_name()
        process = subprocess.Popen(  # noqa: S603 -- our own interpreter and Odoo's own launcher
            [
                sys.executable,
                str(odoo_bin),
                "gevent",
                "-c",
                odoo.tools.config.rcfile,
                "-d",
                db,
                "--db-filter",
                f"^{db}$",
                "--gevent-port",
                str(gevent_port),
                "--http-port",
                str(http_port),
                "--max-cron-threads",
                "0",
                "--log-level",
                "warn",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"ws://127.0.0.1:{gevent_port}/websocket"
            origin = f"http://127.0.0.1:{gevent_port}"
            deadline = time.monotonic() + 90
            connection = None
            while connection is None:
                self.assertIsNone(process.poll(), "odoo-bin gevent exited at start-up")
                try:
                    connection = websocket.create_connection(url, origin=origin, timeout=10)
                except (ConnectionRefusedError, websocket.WebSocketException, OSError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            try:
                self.assertEqual(connection.getstatus(), 101)
            finally:
                connection.close()
        finally:
            process.terminate()
            output = process.communicate(timeout=30)[0].decode(errors="replace")
        self.assertNotIn("DistributionNotFound", output)
