# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.addons.mail.models.mail_activity import MailActivity
from odoo.addons.mail.models.mail_thread import MailThread
from odoo.tools import split_every
from odoo.tools.sql import SQL

# The field types whose value in the cache is the value written (converted without validation): _write_rows
# puts them in the cache as write does, instead of reading them again.
CACHED_TYPES = {"boolean", "char", "date", "datetime", "float", "integer", "many2one", "monetary", "selection", "text"}


class PsBatchRunner(models.AbstractModel):
    """The suite's batch helpers: the one documented bulk write around the ORM's per-record
    work (``_write_rows`` updates, ``_insert_rows`` creates; both tell the ORM what changed)
    and the one way every module schedules activities (``_schedule_activities``).

    Modules call them as ``self.env["ps.batch.runner"]._write_rows(...)``.
    """

    _name = "ps.batch.runner"
    _description = "Billing Control Batch Helpers"

    @api.model
    def _write_rows(self, model, fnames, rows):
        """Write ``rows`` to the table of ``model`` in one UPDATE, as the ORM would have: each row
        is the record's id, then its values of the stored columns ``fnames`` (many2one as ids, JSON as
        its text: ``json.dumps(value)``), plain values passed to PostgreSQL as parameters.

        The suite's one write around the ORM, for a batch whose records each get values of
        their own (the ORM issues one UPDATE per record then, so the query count of an
        evaluation would grow with its size). Like ``write``, it tells the ORM: the cache
        holds the written values (or forgets them, for types whose cached value is not the
        one given) and ``modified()`` marks every stored field
        depending on them (of this model or any other, through other modules' overrides of
        the dependencies) to be recomputed. It does not call ``write`` overrides: only the
        model's own engine uses it, on fields people cannot write.
        """
        if not rows:
            return
        model = self.env[model]
        many2one = []
        for fname in fnames:
            field = model._fields[fname]
            if not field.store or field.type in ("one2many", "many2many"):
                raise ValueError(f"_write_rows writes stored columns only, not {model._name}.{fname}")
            if field.type == "many2one":
                many2one.append(field)
        records = model.browse([values[0] for values in rows])
        records.flush_recordset(fnames)
        if many2one:
            # A relation's old value leads to other records whose dependents change too.
            records.modified([field.name for field in many2one], before=True)
        # A VALUES list types its columns from the values: dates, datetimes and JSON (given as its text) are cast.
        casts = {"date": "::date", "datetime": "::timestamp", "json": "::jsonb"}
        row = "({})".format(", ".join(["%s", *(f"%s{casts.get(model._fields[fname].type, '')}" for fname in fnames)]))
        # One row template and a flat list of parameters, as in _insert_rows: an SQL object per row
        # costs more than the statement. Names are identifiers quoted by SQL.identifier; values are parameters.
        columns = [SQL.identifier(fname).code for fname in fnames]
        query = """
            UPDATE {table} AS t
               SET {sets}, write_uid = %s, write_date = now() at time zone 'UTC'
              FROM (VALUES {rows}) AS v(id, {columns})
             WHERE t.id = v.id
        """.format(  # noqa: S608
            table=SQL.identifier(model._table).code,
            sets=", ".join(f"{column} = v.{column}" for column in columns),
            rows=", ".join([row] * len(rows)),
            columns=", ".join(columns),
        )
        params = [self.env.uid]
        for values in rows:
            params.extend(values)
        self.env.cr.execute(query, params)
        # As write does, the values written are put in the cache (the batch is read again at once: the
        # events of the evaluation, the digests), for the fields whose value in the cache is the one given
        # (plain values, many2one ids); the others are invalidated and read again when needed.
        invalidated = ["write_uid", "write_date"]
        for index, fname in enumerate(fnames, start=1):
            field = model._fields[fname]
            if field.type not in CACHED_TYPES or field.translate or model.pool.field_depends_context[field]:
                invalidated.append(fname)
                continue
            self.env.cache.update(
                records, field, [field.convert_to_cache(values[index], model, validate=False) for values in rows]
            )
        records.invalidate_recordset(invalidated)
        for field in many2one:
            for inverse in model.pool.field_inverses[field]:
                self.env[inverse.model_name].invalidate_model([inverse.name])
        records.modified(fnames)

    @api.model
    def _insert_rows(self, model, vals_list):
        """Create records of ``model`` from ``vals_list`` with one INSERT (per ten thousand rows), as the ORM would
        have: every stored field of the model that ``create`` would compute or default must be given (the
        values are written as given, without defaults or precomputation; a stored computed field not
        given is computed at the next flush, as after ``create``); returns the new records.

        For a table the engine owns whose rows it replaces by the thousand at every evaluation
        (the findings): the ORM's ``create`` spends most of an evaluation in its per-record
        bookkeeping there (measured at size M: re-evaluation 18.1 s through ``create`` against
        8.9 s). Like ``create``, it tells the ORM: ``modified()`` marks every stored field
        depending on the new records, and the cache of the one2many fields they belong to
        is invalidated; Python constraints are checked. It does not call ``create`` overrides.
        """
        model = self.env[model]
        if not vals_list:
            return model
        fnames = sorted({fname for vals in vals_list for fname in vals})
        for fname in fnames:
            field = model._fields[fname]
            if not field.store or field.type in ("one2many", "many2many") or field.automatic:
                raise ValueError(f"_insert_rows writes stored columns only, not {model._name}.{fname}")
        # Plain values are written as given (monetary amounts rounded by the caller in their currency:
        # the ORM would build a record per row to find it); the other types as the ORM converts them.
        plain = {"char", "text", "selection", "integer", "float", "monetary", "date", "datetime"}

        def converter(field):
            if field.type == "boolean":
                return lambda value, _vals: bool(value)
            if field.type in plain and not field.translate:
                return lambda value, _vals: None if value is False else value
            return lambda value, vals: field.convert_to_column(value, model, vals)

        convert = {fname: converter(model._fields[fname]) for fname in fnames}
        # One row template and a flat list of parameters: composing thousands of SQL objects costs more.
        # The table and column names are identifiers quoted by SQL.identifier; values are parameters.
        row = "(%s, %%s, %%s, now() at time zone 'UTC', now() at time zone 'UTC')" % ", ".join(["%s"] * len(fnames))
        query = "INSERT INTO {} ({}, create_uid, write_uid, create_date, write_date) VALUES {{}} RETURNING id".format(  # noqa: S608
            SQL.identifier(model._table).code, ", ".join(SQL.identifier(fname).code for fname in fnames)
        )
        ids = []
        # One statement for a whole batch (the ORM inserts by the hundred, so its statements grow with the
        # batch): psycopg2 composes it on the client, with no limit on parameters; 10,000 rows make ~3 MB.
        for chunk in split_every(10000, vals_list):
            params = []
            for vals in chunk:
                params += [convert[fname](vals.get(fname), vals) for fname in fnames]
                params += [self.env.uid, self.env.uid]
            self.env.cr.execute(query.format(", ".join([row] * len(chunk))), params)
            ids += [row_id for (row_id,) in self.env.cr.fetchall()]
        records = model.browse(ids)
        for fname in fnames:
            for inverse in model.pool.field_inverses[model._fields[fname]]:
                self.env[inverse.model_name].invalidate_model([inverse.name])
        # As create does: the computed fields given are kept (not computed again at the next flush, one
        # UPDATE a record), every field counts as new for what depends on it, constraints are checked.
        given = [model._fields[fname] for fname in fnames if model._fields[fname].compute]
        with self.env.protecting(given, records):
            records.modified(model._fields, create=True)
        records._validate_fields(fnames)
        return records

    @api.model
    def _read_group_ids(self, model, domain, groupby, aggregates):
        """Return the rows of ``self.env[model]._read_group(domain, groupby, aggregates)`` with the
        values of relational groupby fields as ids (0 for none) instead of records.

        The same query as ``_read_group`` (Odoo's domain, access rights, record rules and
        flush, its SQL for each groupby and aggregate); only the rows are left as PostgreSQL
        returns them: ``_read_group`` builds a record for every value of every row, which for
        the timesheets of a thousand engagements (a hundred thousand rows) costs more than the
        query. For reading many rows whose ids the caller maps itself.
        """
        Model = self.env[model]
        Model.check_access_rights("read")
        query = Model._search(domain)
        fnames = set()
        terms = []
        for spec in groupby:
            term, used = Model._read_group_groupby(spec, query)
            terms.append(term)
            fnames.update(used)
        selects = []
        for spec in aggregates:
            term, used = Model._read_group_select(spec, query)
            selects.append(term)
            fnames.update(used)
        Model._flush_search(domain, fnames)
        if fnames:
            Model._read_group_check_field_access_rights(fnames)
        parts = [SQL("SELECT %s", SQL(", ").join(terms + selects)), SQL("FROM %s", query.from_clause)]
        if query.where_clause:
            parts.append(SQL("WHERE %s", query.where_clause))
        if terms:
            parts.append(SQL("GROUP BY %s", SQL(", ").join(terms)))
        self.env.cr.execute(SQL("\n").join(parts))
        # What _read_group gives for NULL, except for relations: 0, not an empty recordset.
        empty = [
            0 if isinstance(value, models.BaseModel) else value
            for value in (Model._read_group_empty_value(spec) for spec in (*groupby, *aggregates))
        ]
        return [
            tuple(empty[index] if value is None else value for index, value in enumerate(row))
            for row in self.env.cr.fetchall()
        ]

    @api.model
    def _schedule_activities(self, activity_type, items):
        """Schedule activities of ``activity_type`` in one batch: the one way the suite's modules do.

        ``items``: dicts of ``record`` (any model with activities), ``user`` (the assignee),
        ``summary``, ``date_deadline`` and optionally ``note`` (HTML). A record that already
        has an open activity of this type for that user gets no second one. The activities
        show in the assignees' to-do lists and are not e-mailed one by one (a scheduled
        action assigns hundreds); the stored computed fields of the activity are given, so
        Odoo does not write them back one UPDATE per activity. Returns the new activities.

        Each assignee follows their records and is told over the bus as Odoo's
        ``mail.activity.create`` does it, but for the whole batch at once: Odoo subscribes
        the assignees with one ``message_subscribe`` per user (about five queries each), so
        a batch reaching many people cost queries per person. Where another module
        overrides that creation or the subscription of a model, its override must run:
        the activities are then created through ``create``, one subscription per user.
        """
        items = [item for item in items if item["user"]]
        if not items:
            return self.env["mail.activity"]
        groups = self._group_records([item["record"] for item in items])
        existing = set()
        for records in groups:
            existing |= {(records._name, *key) for key in self._get_activity_keys(records, activity_type)}
        vals_list, seen = [], set()
        for item in items:
            record = item["record"]
            key = (record._name, record.id, item["user"].id)
            if key in existing or key in seen:
                continue
            seen.add(key)
            vals_list.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id(record._name),
                    "res_id": record.id,
                    "res_name": record.sudo().display_name,
                    "date_done": False,
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "user_id": item["user"].id,
                    "summary": item["summary"],
                    "note": item.get("note") or False,
                    "date_deadline": item["date_deadline"],
                }
            )
        Activity = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)
        if not vals_list:
            return Activity
        if type(Activity).create is not MailActivity.create or any(
            getattr(type(records), "message_subscribe", None) is not MailThread.message_subscribe
            or getattr(type(records), "_message_subscribe", None) is not MailThread._message_subscribe
            for records in groups
        ):
            return Activity.create(vals_list)
        # Odoo's own creation without its tail (e-mail, subscriptions, bus), done below for the whole batch;
        # the e-mail is off here anyway (``mail_activity_quick_update``).
        activities = super(MailActivity, Activity).create(vals_list)
        # The assignees follow their records as Odoo's message_subscribe makes them: active partners (and the
        # current user's) with the model's default subtypes, the external ones for a customer (a partner
        # sharing no internal user) unless it is the current user's; who already follows is left as they are.
        me = self.env.user.partner_id
        Followers = self.env["mail.followers"].sudo().with_context(default_partner_id=False)
        follower_vals = []
        for records in groups:
            model_activities = activities.filtered(lambda activity, model=records._name: activity.res_model == model)
            partners = model_activities.user_id.partner_id.filtered(lambda partner: partner.active or partner == me)
            allowed = set(partners.ids)
            if not allowed:
                continue
            following = {
                (res_id, partner_id)
                for _fid, res_id, partner_id, _sids in Followers._get_subscription_data(
                    [(records._name, records.ids)], partners.ids
                )
            }
            default, _internal, external = self.env["mail.message.subtype"].default_subtypes(records._name)
            for activity in model_activities:
                partner = activity.user_id.partner_id
                if partner.id not in allowed or (activity.res_id, partner.id) in following:
                    continue
                following.add((activity.res_id, partner.id))
                subtypes = external if partner.partner_share and partner != me else default
                follower_vals.append(
                    {
                        "res_model": records._name,
                        "res_id": activity.res_id,
                        "partner_id": partner.id,
                        "subtype_ids": [Command.set(subtypes.ids)],
                    }
                )
        Followers.create(follower_vals)
        # Each assignee's counter of activities due is refreshed, as Odoo does it: one bus message per activity.
        due = activities.filtered(lambda activity: activity.date_deadline <= fields.Date.today())
        if due:
            self.env["bus.bus"]._sendmany(
                [(activity.user_id.partner_id, "mail.activity/updated", {"activity_created": True}) for activity in due]
            )
        return activities

    @api.model
    def _group_records(self, records_list):
        """Return the records of ``records_list`` as one recordset per model, each record once."""
        by_model = defaultdict(dict)
        for record in records_list:
            by_model[record._name][record.id] = None
        return [self.env[model].browse(ids) for model, ids in by_model.items()]

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
