"""Parse Odoo's test log into results; compare the runs of bin/odoo-conformance.

results.py parse <odoo.log> <results.json>
results.py compare <dir with odoo.json, off.json, on.json> <intended-differences.txt>
"""

import json
import re
import sys
from pathlib import Path

# "ERROR db odoo.addons.sale_timesheet.tests.test_x: FAIL: TestClass.test_method"
FAILURE = re.compile(r" (?:ERROR|CRITICAL) \S+ (odoo\.addons\.(\w+)\.[\w.]+): (FAIL|ERROR): (.+?)\s*$")
# "ERROR db odoo.tests.suite: ERROR: setUpClass (odoo.addons.project.tests.test_x.TestClass)"
CLASS_FAILURE = re.compile(
    r" (?:ERROR|CRITICAL) \S+ odoo\.tests\.suite: (FAIL|ERROR): (\w+) \(odoo\.addons\.(\w+)\.[\w.]+\.(\w+)\)"
)
# "ERROR db odoo.modules.loading: Module sale_project: 0 failures, 1 errors of 0 tests" (tests that could not load)
MODULE_FAILURE = re.compile(r" odoo\.modules\.loading: Module (\w+): (\d+) failures, (\d+) errors of (\d+) tests")
TOTALS = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
CASES = {"off": "the suite installed, its policies off", "on": "the suite installed as for a new database"}


# The last line of a traceback: "odoo.exceptions.UserError: Cannot create an invoice. ..."
EXCEPTION = re.compile(r"^([\w.]+(?:Error|Exception|Warning|Failure|Violation)): ")
# A refusal Odoo raises on purpose (nothing to invoice, a rule): not a crash.
REFUSALS = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError")


def parse(log_path, out_path):
    failures, runs, pending = {}, 0, None
    for line in Path(log_path).read_text(errors="replace").splitlines():
        if pending and EXCEPTION.match(line):
            exception = EXCEPTION.match(line).group(1)
            failures[pending] = "REFUSED" if exception in REFUSALS else "ERROR"
            pending = None
        match = FAILURE.search(line)
        if match:
            _logger, module, kind, test = match.groups()
            failures[f"{module}: {test}"] = kind
            pending = f"{module}: {test}" if kind == "ERROR" else None
        match = CLASS_FAILURE.search(line)
        if match:
            kind, method, module, test_class = match.groups()
            failures[f"{module}: {test_class}.{method}"] = kind
        match = MODULE_FAILURE.search(line)
        if match and (int(match.group(2)) or int(match.group(3))) and not int(match.group(4)):
            failures[f"{match.group(1)}: (tests of the module could not run)"] = "ERROR"
        totals = TOTALS.search(line)
        if totals:
            runs += int(totals.group(3))
    if not runs:
        sys.exit(f"no test result in {log_path}: the run did not reach Odoo's tests")
    Path(out_path).write_text(json.dumps({"tests": runs, "failures": failures}, indent=1, sort_keys=True))
    print(f"{Path(out_path).stem}: {runs} tests, {len(failures)} failures and errors")


def read_intended(path):
    """{case: {test: reason}} from lines "<case> | <module>: <Class.test> | <reason>"."""
    intended = {case: {} for case in CASES}
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or parts[0] not in CASES or not parts[2]:
            sys.exit(f"{path}:{number}: expected '<off|on> | <module>: <Class.test> | <reason>'")
        if parts[0] == "off":
            sys.exit(f"{path}:{number}: with its policies off the suite must change nothing; fix it instead")
        intended[parts[0]][parts[1]] = parts[2]
    return intended


def compare(directory, intended_path):
    directory = Path(directory)
    base = json.loads((directory / "odoo.json").read_text())
    intended = read_intended(intended_path)
    print(f"without the suite: {base['tests']} tests, {len(base['failures'])} failures and errors (Odoo's own)")
    unlisted = 0
    for case, label in CASES.items():
        path = directory / f"{case}.json"
        if not path.exists():
            print(f"{case}: not run")
            continue
        run = json.loads(path.read_text())
        new = sorted(set(run["failures"]) - set(base["failures"]))
        fixed = sorted(set(base["failures"]) - set(run["failures"]))
        print(f"\n{case} ({label}): {run['tests']} tests, {len(new)} differences")
        for test in new:
            reason = intended[case].get(test)
            if reason and run["failures"][test] == "ERROR":
                # An exception other than Odoo's refusals (a crash, an access error): no policy excuses one.
                unlisted += 1
                print(f"  CRASH      ERROR {test} (listed as: {reason})")
            elif reason:
                print(f"  intended   {run['failures'][test]:7} {test}: {reason}")
            else:
                unlisted += 1
                print(f"  UNLISTED   {run['failures'][test]:7} {test}")
        for test in fixed:
            print(f"  passes with the suite only: {test}")
        stale = sorted(set(intended[case]) - set(new))
        for test in stale:
            print(f"  listed but not different (remove it): {test}")
            unlisted += 1
    if unlisted:
        sys.exit(f"\n{unlisted} differences are not listed in {intended_path}")
    print("\nevery difference is intended")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"parse": parse, "compare": compare}[command](*args)
