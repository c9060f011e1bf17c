"""Repository-wide pytest policy: silence is never green.

Odoo turns a missing Chromium or websocket-client into a *skipped* browser
test, so a run with skips would look green while proving nothing. Any skipped
test therefore fails the run (pytest already exits 5 when no test ran).
"""

import logging

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


class _ErrorResponsesOnly:
    """Let through the server's request lines whose status is 400 or more."""

    def filter(self, record):
        if record.levelno >= logging.WARNING:
            return True
        args = record.args if isinstance(record.args, tuple) else ()
        return len(args) == 3 and str(args[1]).isdigit() and int(args[1]) >= 400


@pytest.fixture(scope="session", autouse=True)
def _log_error_responses():
    """Log every HTTP response of status 400 or more that the test server sends (a tour once failed on
    a JSON request answered with an HTML error page: the next such failure names the request)."""
    logger = logging.getLogger("werkzeug")
    level, error_filter = logger.level, _ErrorResponsesOnly()
    logger.setLevel(logging.INFO)
    logger.addFilter(error_filter)
    yield
    logger.removeFilter(error_filter)
    logger.setLevel(level)
