# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models

# What another system's ids may stand for: the records a sync names (employees, projects, tasks, expense
# products) and the records it writes (timesheet lines and expenses, upserted by their external id).
MAPPED_MODELS = [
    ("hr.employee", "Employee"),
    ("project.project", "Project"),
    ("project.task", "Task"),
    ("product.product", "Expense Product"),
    ("account.analytic.line", "Timesheet Line"),
    ("hr.expense", "Expense"),
]


class PsSyncMapping(models.Model):
    """One record of another system (a source such as a PSA or time tracker) and its Odoo record."""

    _name = "ps.sync.mapping"
    _description = "Sync Mapping"
    _order = "source, res_model, external_id"
    _rec_name = "external_id"

    source = fields.Char(required=True, index=True, help="The system the id comes from, e.g. harvest or jira.")
    res_model = fields.Selection(
        MAPPED_MODELS, "Kind", required=True, index=True, help="What the external id stands for in Odoo."
    )
    external_id = fields.Char("External ID", required=True, index=True, help="The id the source sends in its batches.")
    res_id = fields.Many2oneReference(
        "Record ID", model_field="res_model", required=True, index=True, help="The id of the Odoo record."
    )
    record_ref = fields.Reference(
        MAPPED_MODELS,
        "Odoo Record",
        compute="_compute_record_ref",
        inverse="_inverse_record_ref",
        help="The Odoo record the external id stands for.",
    )
    created_by_sync = fields.Boolean(
        readonly=True, help="Written by the API for a record the sync created (timesheet lines, expenses)."
    )

    _sql_constraints = [
        (
            "source_model_external_uniq",
            "unique(source, res_model, external_id)",
            "An external id of a source stands for one record of each kind.",
        )
    ]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for mapping in self:
            mapping.record_ref = (
                f"{mapping.res_model},{mapping.res_id}" if mapping.res_model and mapping.res_id else False
            )

    def _inverse_record_ref(self):
        for mapping in self.filtered("record_ref"):
            mapping.res_model = mapping.record_ref._name
            mapping.res_id = mapping.record_ref.id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # The screen picks a record: its model and id are stored (the reference is computed).
            record = vals.pop("record_ref", None)
            if record:
                res_model, __, res_id = (
                    record.partition(",") if isinstance(record, str) else (record._name, 0, record.id)
                )
                vals.update(res_model=res_model, res_id=int(res_id))
        return super().create(vals_list)

    @api.model
    def _ps_resolve(self, res_model, keys):
        """Return {(source, external id): record id} of the mappings of ``res_model`` among ``keys``
        (an iterable of (source, external id)): one query for the batch."""
        keys = {key for key in keys if key[0] and key[1]}
        if not keys:
            return {}
        rows = self.sudo().search_read(
            [
                ("res_model", "=", res_model),
                ("source", "in", list({source for source, __ in keys})),
                ("external_id", "in", list({external for __, external in keys})),
            ],
            ["source", "external_id", "res_id"],
        )
        return {
            (row["source"], row["external_id"]): row["res_id"]
            for row in rows
            if (row["source"], row["external_id"]) in keys
        }

    @api.model
    def _ps_map_created(self, res_model, created):
        """Record the mappings of records the sync created: ``created`` is {(source, external id): id}."""
        by_source = defaultdict(list)
        for (source, external_id), res_id in created.items():
            by_source[source].append(
                {
                    "source": source,
                    "res_model": res_model,
                    "external_id": external_id,
                    "res_id": res_id,
                    "created_by_sync": True,
                }
            )
        return self.sudo().create([vals for vals_list in by_source.values() for vals in vals_list])
