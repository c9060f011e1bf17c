# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.osv import expression

from .account_analytic_line import GROUP_CONSULTANT, GROUP_FINANCE_CONTROLLER


class HrEmployee(models.Model):
    _name = "hr.employee"
    # The compliance scan runs as jobs on batches of employees (ps.cron.mixin).
    _inherit = ["ps.readiness.watch.mixin", "ps.cron.mixin", "hr.employee"]

    ps_timesheet_required = fields.Boolean(
        "Expected to Log Time",
        compute="_compute_ps_timesheet_required",
        store=True,
        readonly=False,
        groups="hr.group_hr_user",
        tracking=True,
        help="Whether timesheet compliance expects this employee's time (working calendar less leaves), "
        "reminds them and escalates to their manager. Set when the employee gets a user: on for Billing "
        "Control consultants and project managers, off for finance controllers, administrators and "
        "employees without a user. HR officers change it here.",
    )
    ps_timesheet_approver_id = fields.Many2one(
        "res.users",
        "Timesheet Approver",
        compute="_compute_ps_timesheet_approver_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="Approves this employee's time besides the managers of their projects; defaults to their manager.",
    )

    @api.depends("user_id")
    def _compute_ps_timesheet_required(self):
        expected = self._ps_get_expected_by_default()
        for employee in self:
            employee.ps_timesheet_required = employee in expected

    def _ps_get_expected_by_default(self):
        """Return those of these employees expected to log time unless HR decides otherwise: whose
        user is a Billing Control consultant or project manager, not a finance controller."""
        consultants = self.env.ref(GROUP_CONSULTANT).sudo()
        finance = self.env.ref(GROUP_FINANCE_CONTROLLER).sudo()
        # Implied groups are stored on the user: a project manager has the consultant group too,
        # an administrator the finance controller's.
        return self.filtered(
            lambda employee: consultants in employee.user_id.sudo().groups_id
            and finance not in employee.user_id.sudo().groups_id
        )

    def write(self, vals):
        res = super().write(vals)
        if {"ps_timesheet_required", "user_id"} & set(vals):
            # Their compliance now says "Not expected", or is judged again.
            self.env["ps.timesheet.compliance"]._refresh_employees(self)
        return res

    @api.depends("parent_id.user_id")
    def _compute_ps_timesheet_approver_id(self):
        for employee in self:
            employee.ps_timesheet_approver_id = employee.parent_id.user_id

    def _job_scan_compliance_batch(self):
        """Job: scan the compliance of those of these employees not scanned today (their company's day);
        return {"scanned": count}."""
        Compliance = self.env["ps.timesheet.compliance"]
        employees = self.sudo().search(
            expression.AND([Compliance._get_scan_todo_domain(), [("id", "in", self.ids)]]), order="id"
        )
        failed = self._ps_run_batch(employees, Compliance._scan_employees, "scan the timesheets of")
        return {"scanned": len(employees) - len(failed)}

    def _ps_get_readiness_orders(self):
        """The engagements of the projects these employees logged time on lately (the missing-time look-back)."""
        since = (self.company_id[:1] or self.env.company)._ps_today() - relativedelta(months=3)
        projects = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [("employee_id", "in", self.ids), ("project_id", "!=", False), ("date", ">=", since)],
                ["project_id"],
            )
        )
        return self.env["sale.order"].union(*(project.sale_order_id for (project,) in projects))


class HrEmployeePublic(models.Model):
    _inherit = "hr.employee.public"

    # Who approves someone's time is no secret (like their manager): without it here, any read of
    # an employee by a user without HR rights (an expense report's owner) fails on this field.
    ps_timesheet_approver_id = fields.Many2one("res.users", "Timesheet Approver", readonly=True)
