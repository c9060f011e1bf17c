# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading
from collections import defaultdict

from odoo import api, models
from odoo.tools.sql import SQL

_logger = logging.getLogger(__name__)


class PsBatchRunner(models.AbstractModel):
    """How every scheduled action of the suite works through its batches (house rule 7):
    a savepoint per batch, or per record once a batch failed, so that one bad record
    cannot sink the others; a commit between batches outside tests; the activities it
    schedules, once each, in one batch.

    Modules call it as ``self.env["ps.batch.runner"]._run_batch(...)``.
    """

    _name = "ps.batch.runner"
    _description = "Scheduled Action Batch Runner"

    @api.model
    def _run_batch(self, records, func, what, on_failure=None):
        """Run ``func`` on the whole batch in one savepoint; if it fails, run it record by record.
        Return the records that failed (logged, handed to ``on_failure(record, error)``, skipped)."""
        try:
            with self.env.cr.savepoint():
                func(records)
            return records.browse()
        except Exception as error:  # noqa: BLE001 -- the culprit is isolated below
            if len(records) == 1:
                self._handle_failure(records, error, what, on_failure)
                return records
            _logger.info("Billing Control: a batch failed to %s; retrying one by one", what)
        return records.browse([item.id for item in self._run_each(records, func, what, on_failure)])

    @api.model
    def _run_each(self, items, func, what, on_failure=None):
        """Run ``func`` on each item in its own savepoint; return the list of items that failed."""
        failed = []
        for item in items:
            try:
                with self.env.cr.savepoint():
                    func(item)
            except Exception as error:  # noqa: BLE001 -- one record must not sink the batch
                self._handle_failure(item, error, what, on_failure)
                failed.append(item)
        return failed

    @api.model
    def _handle_failure(self, item, error, what, on_failure):
        name = item.display_name if isinstance(item, models.BaseModel) else item
        _logger.warning("Billing Control: could not %s %s: %s", what, name, error)
        if on_failure:
            with self.env.cr.savepoint():
                on_failure(item, error)

    @api.model
    def _commit_between_batches(self):
        # A scheduled action works through thousands of records: committing each
        # batch keeps its work if the next one is interrupted. Tests run inside one
        # transaction that must not be committed (pytest-odoo marks the thread,
        # browser tests put the registry in test mode).
        testing = self.env.registry.in_test_mode() or getattr(threading.current_thread(), "testing", False)
        if not testing and not self.env.context.get("ps_no_commit"):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _write_rows(self, model, fnames, rows):
        """Write ``rows`` to the table of ``model`` in one UPDATE: each row is the record's id,
        then its values of the stored fields ``fnames``.

        The ORM issues one UPDATE per record when the values differ, so a batch's query
        count would grow with its size.
        """
        if not rows:
            return
        model = self.env[model]
        model.flush_model()
        casts = {"date": "::date", "datetime": "::timestamp"}
        row = ", ".join(["%s", *(f"%s{casts.get(model._fields[fname].type, '')}" for fname in fnames)])
        query = SQL(
            """
            UPDATE %s AS t
               SET %s, write_uid = %s, write_date = now() at time zone 'UTC'
              FROM (VALUES %s) AS v(%s)
             WHERE t.id = v.id
            """,
            SQL.identifier(model._table),
            SQL(", ").join(SQL("%s = v.%s", SQL.identifier(fname), SQL.identifier(fname)) for fname in fnames),
            self.env.uid,
            SQL(", ").join(SQL(f"({row})", *values) for values in rows),
            SQL(", ").join(SQL.identifier(fname) for fname in ["id", *fnames]),
        )
        self.env.cr.execute(query)
        model.browse([values[0] for values in rows]).invalidate_recordset([*fnames, "write_uid", "write_date"])

    @api.model
    def _get_activity_keys(self, records, activity_type):
        """Return {(record id, user id)} of the open activities of ``activity_type`` on ``records``."""
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        return {(activity.res_id, activity.user_id.id) for activity in activities}

    @api.model
    def _create_activities(self, vals_list):
        """Create activities in one batch; they show in the assignees' to-do lists without one email each.

        The activities' stored computed fields (the document's name, not done yet) are
        given, so that Odoo does not write them back one UPDATE per activity.
        """
        if not vals_list:
            return
        model_names = {
            vals["res_model_id"]: self.env["ir.model"].browse(vals["res_model_id"]).model for vals in vals_list
        }
        ids_by_model = defaultdict(set)
        for vals in vals_list:
            ids_by_model[model_names[vals["res_model_id"]]].add(vals["res_id"])
        names = {
            (model, record.id): record.display_name
            for model, ids in ids_by_model.items()
            for record in self.env[model].sudo().browse(list(ids))
        }
        vals_list = [
            {"res_name": names[(model_names[vals["res_model_id"]], vals["res_id"])], "date_done": False, **vals}
            for vals in vals_list
        ]
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
