# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..problems import ApiProblem, line_error

_logger = logging.getLogger(__name__)

MAX_BATCH = 1000
# What a line's write may raise that names a business reason (not a bug): the line is refused.
WRITE_ERRORS = (UserError, ValidationError, AccessError, psycopg2.IntegrityError)


class _UndoBatch(Exception):
    """Raised inside a savepoint to undo what was written to find the failing lines."""


class PsApiBatchMixin(models.AbstractModel):
    """What the batch endpoints share: mapping lookups, the engagement checks, upserts by external id
    and the two modes (``atomic``: all lines or none; ``partial``: the valid lines)."""

    _name = "ps.api.batch.mixin"
    _description = "API Batch Import"

    # The model the batch writes (timesheet lines, expenses); set by each batch model.
    _ps_target_model = None

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    @api.model
    def _ps_import(self, lines, mode="atomic"):
        """Upsert ``lines`` (dicts as the API validated their shape) by (source, external id).

        Return the result document (a summary and one entry per line). In atomic mode, raise
        ApiProblem 422 with one entry per rejected line, and write nothing, when any line is rejected.
        """
        if len(lines) > MAX_BATCH:
            raise ApiProblem(
                413, "batch-too-large", _("Too many lines"), _("A batch holds at most %s lines.", MAX_BATCH)
            )
        context = self._ps_prepare_batch_context(lines)
        planned, errors = [], []
        seen = set()
        for index, line in enumerate(lines):
            key = (line["source"], line["external_id"])
            if key in seen:
                errors.append(line_error(index, line, "duplicate", _("This external id is twice in the batch.")))
                continue
            seen.add(key)
            line_errors, action = self._ps_plan_line(index, line, context)
            if line_errors:
                errors.extend(line_errors)
            else:
                planned.append(action)
        if errors and mode != "partial":
            raise ApiProblem(
                422,
                "lines-rejected",
                _("Lines rejected"),
                _(
                    "%(count)s of %(total)s lines were rejected; nothing was written.",
                    count=len({e["index"] for e in errors}),
                    total=len(lines),
                ),
                errors,
            )
        written, write_errors = self._ps_write_planned(planned, lines, mode)
        errors.extend(write_errors)
        return self._ps_prepare_result(lines, written, errors, mode)

    @api.model
    def _ps_prepare_batch_context(self, lines):
        """Hook: return what planning the lines needs, read once for the batch (mappings, records)."""
        mapping = self.env["ps.sync.mapping"]
        keys = {(line["source"], line["external_id"]) for line in lines}
        existing = mapping._ps_resolve(self._ps_target_model, keys)
        records = self.env[self._ps_target_model].sudo().browse(set(existing.values())).exists()
        return {
            "existing": existing,
            "existing_records": records,
            "existing_by_id": {record.id: record for record in records},
            "today": fields.Date.context_today(self),
        }

    @api.model
    def _ps_resolve_records(self, res_model, lines, field):
        """Return {(source, external id): record} of the ``field`` external ids of ``lines``."""
        keys = {(line["source"], line[field]) for line in lines if line.get(field)}
        resolved = self.env["ps.sync.mapping"]._ps_resolve(res_model, keys)
        records = self.env[res_model].sudo().with_context(active_test=False).browse(set(resolved.values())).exists()
        by_id = {record.id: record for record in records}
        return {key: by_id[res_id] for key, res_id in resolved.items() if res_id in by_id}

    @api.model
    def _ps_check_engagement(self, index, line, project, day, context, order_line=None):
        """Return the errors of a line logged on ``project`` (on ``order_line``, its own by default) on
        ``day``: an engagement with an open sales line, billable, and the day inside the engagement."""
        errors = []
        if not project.active:
            return [line_error(index, line, "project_archived", _("The project is archived."), "project")]
        if not project.allow_billable:
            errors.append(line_error(index, line, "not_billable", _("The project is not billable."), "project"))
        order_line = order_line or project.sale_line_id
        order = order_line.order_id or project.sale_order_id
        if not order_line or order.state != "sale" or order.locked:
            errors.append(
                line_error(
                    index, line, "no_open_sales_line", _("The project has no open sales line to bill."), "project"
                )
            )
        if order:
            start = order.date_order and fields.Date.context_today(self, order.date_order)
            if project.date_start and (not start or project.date_start > start):
                start = project.date_start
            if start and day < start:
                errors.append(
                    line_error(
                        index,
                        line,
                        "before_engagement",
                        _("The date is before the engagement starts (%s).", start),
                        "date",
                    )
                )
            if project.date and day > project.date:
                errors.append(
                    line_error(
                        index,
                        line,
                        "after_engagement",
                        _("The date is after the engagement ends (%s).", project.date),
                        "date",
                    )
                )
        if day > context["today"]:
            errors.append(line_error(index, line, "future_date", _("The date is in the future."), "date"))
        return errors

    @api.model
    def _ps_write_planned(self, planned, lines, mode):
        """Write the planned actions; return ({index: (status, record)}, errors).

        All at once; when that fails, one line at a time so that the failing lines are named. In atomic
        mode a failure undoes everything and raises ApiProblem 422 naming the lines refused.
        """
        try:
            with self.env.cr.savepoint():
                return self._ps_apply(planned), []
        except WRITE_ERRORS:
            _logger.info("A batch of %s lines failed as a whole: writing it line by line", len(planned))
        if mode == "partial":
            return self._ps_apply_one_by_one(planned, lines)
        errors = []
        try:
            with self.env.cr.savepoint():
                __, errors = self._ps_apply_one_by_one(planned, lines)
                raise _UndoBatch()
        except _UndoBatch:
            _logger.info("Atomic batch refused: %s lines refused when written", len(errors))
        raise ApiProblem(
            422, "lines-rejected", _("Lines rejected"), _("Lines were refused; nothing was written."), errors
        )

    @api.model
    def _ps_apply_one_by_one(self, planned, lines):
        written, errors = {}, []
        for action in planned:
            try:
                with self.env.cr.savepoint():
                    written.update(self._ps_apply([action]))
            except WRITE_ERRORS as error:
                errors.append(
                    line_error(action["index"], lines[action["index"]], "refused", self._ps_error_text(error))
                )
        return written, errors

    @api.model
    def _ps_error_text(self, error):
        return error.args[0] if getattr(error, "args", None) else str(error)

    @api.model
    def _ps_apply(self, actions):
        """Hook: write ``actions`` (creates and updates); return {index: (status, record)}."""
        raise NotImplementedError

    @api.model
    def _ps_check_employee(self, index, line, employee):
        """Return the errors of a line's employee: not mapped, or archived."""
        if not employee:
            return [line_error(index, line, "employee_unmapped", _("The employee is not mapped."), "employee")]
        if not employee.active:
            return [line_error(index, line, "employee_inactive", _("The employee is archived."), "employee")]
        return []

    @api.model
    def _ps_match_existing(self, action, context):
        """Give ``action`` the record its (source, external id) has already and whether the line changes it;
        return whether it would change a record a sync may not change (``context["locked"]``)."""
        record = context["existing_by_id"].get(context["existing"].get(action["key"]))
        if not record:
            return False
        action["record"] = record
        action["changed"] = self._ps_changed(record, action["vals"])
        return action["changed"] and record in context["locked"]

    @api.model
    def _ps_changed(self, record, vals):
        """Hook: return whether ``vals`` change ``record``."""
        raise NotImplementedError

    @api.model
    def _ps_upsert(self, actions):
        """Create the new records of ``actions`` in one ``create`` (and map them to their external ids),
        write those that changed; return {index: (status, record)}, status created, updated or unchanged."""
        written = {}
        res_model = self._ps_target_model
        creates = [action for action in actions if not action.get("record")]
        # One create for the batch: the readiness marks and the compliance refresh run once.
        created = self.env[res_model].sudo().create([action["vals"] for action in creates])
        for action, record in zip(creates, created, strict=True):
            written[action["index"]] = ("created", record)
        self.env["ps.sync.mapping"]._ps_map_created(
            res_model, {action["key"]: record.id for action, record in zip(creates, created, strict=True)}
        )
        for action in actions:
            if action.get("record"):
                if action["changed"]:
                    action["record"].write(action["vals"])
                written[action["index"]] = ("updated" if action["changed"] else "unchanged", action["record"])
        return written

    @api.model
    def _ps_prepare_result(self, lines, written, errors, mode):
        errors_by_index = {}
        for error in errors:
            errors_by_index.setdefault(error["index"], []).append(error)
        counts = dict.fromkeys(("created", "updated", "unchanged", "rejected"), 0)
        results = []
        for index, line in enumerate(lines):
            if index in errors_by_index:
                status, record = "rejected", None
            else:
                status, record = written[index]
            counts[status] += 1
            results.append(
                {
                    "index": index,
                    "source": line["source"],
                    "external_id": line["external_id"],
                    "status": status,
                    "id": record.id if record else None,
                    "errors": errors_by_index.get(index, []),
                }
            )
        return {"mode": mode, "summary": counts, "lines": results}
