"""A message reaches an open web client live, through /websocket, on a server started as bin/serve starts it.

Odoo's test server cannot show this (the bus does not notify inside a test
transaction), so the test starts a real Odoo process like ``bin/serve`` does
(threaded, ``workers = 0``: HTTP and /websocket on one port) on the test
database, opens the web client in headless Chromium as Fiona (a demo finance
controller), and has Sofia (a demo engagement lead) write to her in Discuss
over JSON-RPC. The message must appear in Fiona's open tab without a reload.
The chat it creates is deleted at the end.
"""

import base64
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import requests
import test_evented_server  # the suite's server start and free loopback port (tests/ is on sys.path)
import websocket

from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name


def _lift_address_space_limit():
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


class _DevTools:
    """The few Chrome DevTools Protocol calls this test needs, over websocket-client."""

    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self.last_id = 0

    def call(self, method, **params):
        self.last_id += 1
        self.ws.send(json.dumps({"id": self.last_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.last_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(self, expression, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.25)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@tagged("post_install", "-at_install")
class TestLiveNotification(BaseCase):
    def setUp(self):
        super().setUp()
        self.chromium = shutil.which("chromium") or shutil.which("google-chrome")
        self.assertTrue(self.chromium, "Chromium is needed (bin/test checks it is installed)")
        self.db = get_db_name()
        self.port = test_evented_server._free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # On the machine's clock, as PostgreSQL is (bin/test-dates fakes the tests' clock only):
        # the bus drops notifications that look older than its history to a server in the future.
        clock = {key: value for key, value in os.environ.items() if key != "LD_PRELOAD" and "FAKETIME" not in key}
        self.server = test_evented_server.start_threaded_server(self, self.db, self.port, env=clock)

    @staticmethod
    def _stop(process):
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()

    def _session(self, login):
        session = requests.Session()
        response = session.post(
            f"{self.base}/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": self.db, "login": login, "password": login}},
            timeout=30,
        )
        result = response.json().get("result")
        self.assertTrue(result and result.get("uid"), f"{login} logs in")
        return session, result

    def _call(self, session, model, method, *args, **kwargs):
        response = session.post(
            f"{self.base}/web/dataset/call_kw",
            json={"jsonrpc": "2.0", "params": {"model": model, "method": method, "args": args, "kwargs": kwargs}},
            timeout=30,
        )
        payload = response.json()
        self.assertNotIn("error", payload, payload.get("error"))
        return payload["result"]

    def _browser(self, session):
        profile = tempfile.mkdtemp(prefix="bc-live-")
        self.addCleanup(shutil.rmtree, profile, True)
        log_path = Path(profile).with_suffix(".log")
        self.addCleanup(log_path.unlink, missing_ok=True)
        log = log_path.open("w")  # noqa: SIM115 -- Chromium writes to it while it runs
        self.addCleanup(log.close)
        browser = subprocess.Popen(  # noqa: S603 -- the machine's Chromium
            [
                self.chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "--window-size=1366,768",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
            # Odoo's test server caps this process's address space (limit_memory_hard), which
            # Chromium inherits and dies of; Odoo's own browser tests lift the cap the same way.
            preexec_fn=_lift_address_space_limit,  # noqa: PLW1509 -- no thread runs in the child before exec
        )
        self.addCleanup(self._stop, browser)
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 90  # a loaded machine starts Chromium slowly
        while not port_file.exists() or not port_file.read_text().strip():
            self.assertIsNone(browser.poll(), f"Chromium exited: {Path(log.name).read_text()[-2000:]}")
            self.assertLess(time.monotonic(), deadline, f"Chromium did not start: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.2)
        devtools_port = port_file.read_text().split()[0]
        pages = requests.get(f"http://127.0.0.1:{devtools_port}/json", timeout=10).json()
        page = next(page for page in pages if page.get("type") == "page")
        tab = _DevTools(page["webSocketDebuggerUrl"])
        self.addCleanup(tab.ws.close)
        tab.call("Network.enable")
        tab.call(
            "Network.setCookie",
            name="session_id",
            value=session.cookies["session_id"],
            url=self.base,
        )
        return tab

    def test_a_message_appears_in_an_open_web_client_without_reload(self):
        fiona, fiona_info = self._session("demo.fiona")
        sofia, _sofia_info = self._session("demo.sofia")
        tab = self._browser(fiona)
        tab.call("Page.navigate", url=f"{self.base}/web")
        tab.wait_for("!!document.querySelector('.o_main_navbar')", 60, "the web client")
        tab.wait_for(
            "!!(window.odoo && odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root)", 60, "the web client to start"
        )
        time.sleep(2)  # the bus worker opens /websocket once the client runs
        counter = "parseInt(document.querySelector('.o-mail-MessagingMenu-counter')?.innerText || '0') || 0"
        before = tab.evaluate(counter)
        token = f"Live check {uuid.uuid4().hex[:8]}"
        fiona_partner = fiona_info["partner_id"]
        channel = self._call(sofia, "discuss.channel", "channel_get", partners_to=[fiona_partner])
        channel_id = channel["id"] if isinstance(channel, dict) else channel
        try:
            self._call(
                sofia,
                "discuss.channel",
                "message_post",
                [channel_id],
                body=token,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            tab.wait_for(
                f"document.body.innerText.includes({json.dumps(token)}) || ({counter}) > {before}",
                30,
                "the message to reach Fiona's open tab",
            )
            screenshot = tab.call("Page.captureScreenshot", format="png")["data"]
            out = Path(tempfile.gettempdir()) / "bc-live-notification.png"
            out.write_bytes(base64.b64decode(screenshot))
        finally:
            admin = requests.Session()
            admin.post(
                f"{self.base}/web/session/authenticate",
                json={"jsonrpc": "2.0", "params": {"db": self.db, "login": "admin", "password": "admin"}},
                timeout=30,
            )
            self._call(admin, "discuss.channel", "unlink", [channel_id])
