# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who is expected to log time, and the hours expected so far.

Until 17.0.1.0.0 every employee with a user was expected to log time, finance
included, and a period was judged against its whole working time from its
first day. Employees whose user is not a consultant or project manager (finance
controllers, administrators, users of other apps) stop being expected, unless
HR had turned the flag off already; the open periods are judged again.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Employee = env["hr.employee"].with_context(active_test=False)
    expected = Employee.search([("ps_timesheet_required", "=", True)])
    # The write refreshes their compliance records: "Not expected".
    (expected - expected._ps_get_expected_by_default()).write({"ps_timesheet_required": False})
    Compliance = env["ps.timesheet.compliance"]
    Compliance._scan_employees(Employee.search(Compliance._get_scan_employee_domain()))
