"""Repository-wide pytest policy: silence is never green.

Odoo turns a missing Chromium or websocket-client into a *skipped* browser
test, so a run with skips would look green while proving nothing. Any skipped
test therefore fails the run (pytest already exits 5 when no test ran).
"""

import pytest


def _skipped_reports(config):
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return reporter.stats.get("skipped", []) if reporter else []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = _skipped_reports(config)
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} test(s) were skipped: the run fails (see the skip reasons above).",
            red=True,
            bold=True,
        )


def pytest_sessionfinish(session, exitstatus):
    if exitstatus == pytest.ExitCode.OK and _skipped_reports(session.config):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
