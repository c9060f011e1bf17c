# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models
from odoo.tools import float_compare

from ..problems import line_error

MAX_HOURS = 24.0


class PsApiTimesheetBatch(models.AbstractModel):
    """``POST /timesheets:batch``: timesheet lines from a time tracker or PSA, upserted by external id."""

    _name = "ps.api.timesheet.batch"
    _inherit = "ps.api.batch.mixin"
    _description = "API Timesheet Batch"

    _ps_target_model = "account.analytic.line"

    @api.model
    def _ps_prepare_batch_context(self, lines):
        context = super()._ps_prepare_batch_context(lines)
        context["employees"] = self._ps_resolve_records("hr.employee", lines, "employee")
        context["projects"] = self._ps_resolve_records("project.project", lines, "project")
        context["tasks"] = self._ps_resolve_records("project.task", lines, "task")
        context["locked"] = context["existing_records"]._ps_get_sync_locked_lines()
        return context

    @api.model
    def _ps_plan_line(self, index, line, context):
        """Return (errors, action) of one line: what is wrong with it, or what to write."""
        errors = []
        source = line["source"]
        employee = context["employees"].get((source, line["employee"]))
        project = context["projects"].get((source, line["project"]))
        task = context["tasks"].get((source, line["task"])) if line.get("task") else None
        errors += self._ps_check_employee(index, line, employee)
        if not project:
            errors.append(line_error(index, line, "project_unmapped", _("The project is not mapped."), "project"))
        else:
            order_line = task.sale_line_id if task and task.project_id == project else None
            errors += self._ps_check_engagement(index, line, project, line["date"], context, order_line)
            if employee and employee.company_id and employee.company_id != project.company_id:
                errors.append(
                    line_error(
                        index, line, "company_mismatch", _("The employee works for another company."), "employee"
                    )
                )
        if line.get("task") and not task:
            errors.append(line_error(index, line, "task_unmapped", _("The task is not mapped."), "task"))
        elif task and project and task.project_id != project:
            errors.append(
                line_error(index, line, "task_project_mismatch", _("The task is not of the project."), "task")
            )
        hours = line["hours"]
        if not 0 < hours <= MAX_HOURS:
            errors.append(
                line_error(index, line, "hours_out_of_range", _("Hours must be above 0 and at most 24."), "hours")
            )
        if errors:
            return errors, None
        vals = {
            "name": line.get("description") or "/",
            "employee_id": employee.id,
            "project_id": project.id,
            "task_id": task.id if task else False,
            "date": line["date"],
            "unit_amount": hours,
        }
        action = {
            "index": index,
            "vals": vals,
            "submit": line.get("state") == "submitted",
            "key": (source, line["external_id"]),
        }
        if self._ps_match_existing(action, context):
            return [
                line_error(index, line, "line_locked", _("The line is approved: a sync cannot change it any more."))
            ], None
        return [], action

    @api.model
    def _ps_changed(self, record, vals):
        """Return whether ``vals`` change the timesheet line ``record``."""
        return (
            record.name != vals["name"]
            or record.employee_id.id != vals["employee_id"]
            or record.project_id.id != vals["project_id"]
            or record.task_id.id != (vals["task_id"] or False)
            or record.date != vals["date"]
            or float_compare(record.unit_amount, vals["unit_amount"], precision_digits=6) != 0
        )

    @api.model
    def _ps_apply(self, actions):
        Line = self.env["account.analytic.line"].sudo()
        self._ps_prepare_costs([action for action in actions if not action.get("record")])
        written = self._ps_upsert(actions)
        to_submit = Line.browse([written[action["index"]][1].id for action in actions if action["submit"]])
        if to_submit:
            to_submit._ps_sync_submit()
        return written

    @api.model
    def _ps_prepare_costs(self, actions):
        """Give the new lines of ``actions`` their cost (``amount``) as Odoo computes it after ``create``
        (hours x the employee's hourly cost, negative), where that needs no conversion: Odoo then has
        nothing to write line by line. Where it does (another currency, employee rates of a project),
        the line gets no cost here and Odoo computes it as for any line."""
        Employee = self.env["hr.employee"].sudo()
        Project = self.env["project.project"].sudo()
        employees = {employee.id: employee for employee in Employee.browse({a["vals"]["employee_id"] for a in actions})}
        projects = Project.browse({action["vals"]["project_id"] for action in actions})
        currencies = {
            project.id: project.analytic_account_id.currency_id or project.company_id.currency_id
            for project in projects
        }
        pricing = {project.id: project.pricing_type for project in projects}
        for action in actions:
            vals = action["vals"]
            employee = employees[vals["employee_id"]]
            if pricing[vals["project_id"]] == "employee_rate" or employee.currency_id != currencies[vals["project_id"]]:
                continue
            vals["amount"] = -vals["unit_amount"] * (employee.hourly_cost or 0.0)
