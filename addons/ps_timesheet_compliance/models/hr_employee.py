# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["ps.readiness.watch.mixin", "hr.employee"]

    ps_timesheet_required = fields.Boolean(
        "Timesheets Required",
        compute="_compute_ps_timesheet_required",
        store=True,
        readonly=False,
        groups="hr.group_hr_user",
        help="The compliance scan expects this employee's time; on by default for employees with a user.",
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
        for employee in self:
            if not employee.ps_timesheet_required:
                employee.ps_timesheet_required = bool(employee.user_id)

    @api.depends("parent_id.user_id")
    def _compute_ps_timesheet_approver_id(self):
        for employee in self:
            employee.ps_timesheet_approver_id = employee.parent_id.user_id

    def _ps_get_readiness_orders(self):
        """The engagements of the projects these employees logged time on lately (the missing-time look-back)."""
        since = fields.Date.context_today(self) - relativedelta(months=3)
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
