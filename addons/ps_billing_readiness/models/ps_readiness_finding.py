# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import SQL

# The stored values that make a finding: an evaluation that finds the same keeps the finding.
FINDING_KEY = (
    "readiness_id",
    "check_id",
    "check_code",
    "severity",
    "message",
    "amount_at_risk",
    "res_model",
    "res_id",
)


class PsReadinessFinding(models.Model):
    """The result of one check on one readiness record, pointing at the record
    that needs fixing. Findings are replaced at every evaluation."""

    _name = "ps.readiness.finding"
    _description = "Readiness Finding"
    _inherit = ["ps.protected.mixin"]
    _order = "severity, amount_at_risk desc, id"

    readiness_id = fields.Many2one("ps.billing.readiness", required=True, ondelete="cascade", index=True)
    check_id = fields.Many2one("ps.readiness.check", "Readiness Check", ondelete="set null", index=True)
    check_code = fields.Char(required=True, index=True)
    name = fields.Char(related="check_id.name", string="Check")
    severity = fields.Selection([("blocking", "Blocking"), ("warning", "Warning")], required=True, default="blocking")
    message = fields.Text(required=True)
    currency_id = fields.Many2one(related="readiness_id.currency_id")
    amount_at_risk = fields.Monetary(currency_field="currency_id")
    res_model = fields.Char("Related Model")
    res_id = fields.Many2oneReference("Related Record", model_field="res_model")
    res_name = fields.Char("About", compute="_compute_res_name")
    # Precomputed: set in the INSERT of a batch of findings instead of one UPDATE per readiness record.
    sale_order_id = fields.Many2one(related="readiness_id.sale_order_id", store=True, index=True, precompute=True)
    owner_id = fields.Many2one(related="readiness_id.owner_id", store=True, precompute=True)
    company_id = fields.Many2one(related="readiness_id.company_id", store=True, precompute=True)

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        ids_by_model = {}
        for finding in self:
            if finding.res_model and finding.res_id:
                ids_by_model.setdefault(finding.res_model, set()).add(finding.res_id)
        names = {}
        for model, ids in ids_by_model.items():
            records = self.env[model].browse(ids).exists()
            names.update({(model, record.id): record.display_name for record in records.sudo()})
        for finding in self:
            finding.res_name = names.get((finding.res_model, finding.res_id), False)

    @api.model
    def _get_ps_protected_fields(self):
        """Return every stored field: findings are the result of an evaluation, never edited."""
        return (
            super()._get_ps_protected_fields()
            | set(FINDING_KEY)
            | {
                "sale_order_id",
                "owner_id",
                "company_id",
            }
        )

    @api.model
    def _replace_findings(self, readiness, vals_list):
        """Make the findings of ``readiness`` those of ``vals_list`` (an evaluation's): the findings that
        are the same as before stay, those gone are deleted, the new ones are inserted.

        Most findings come back unchanged from one day's evaluation to the next: keeping them
        spares the daily re-evaluation the delete and re-insert of thousands of rows (at size M
        about 9,000 findings). The old ones are read in one query and deleted through the ORM;
        the new ones are inserted by the suite's bulk helper (``ps.batch.runner._insert_rows``,
        which tells the ORM), given the stored related fields the ORM would compute, one read
        per readiness record.
        """
        if not readiness:
            return
        self.flush_model(list(FINDING_KEY))
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM ps_readiness_finding WHERE readiness_id = ANY(%s) ORDER BY id",
                SQL(", ").join(SQL.identifier(fname) for fname in FINDING_KEY),
                readiness.ids,
            )
        )
        kept = defaultdict(list)  # {finding's key: ids of the existing findings with it}
        for row in self.env.cr.fetchall():
            kept[self._ps_finding_key(row[1:])].append(row[0])
        new_vals = []
        for vals in vals_list:
            same = kept.get(self._ps_finding_key(vals.get(fname) for fname in FINDING_KEY))
            if same:
                same.pop(0)
            else:
                new_vals.append(vals)
        gone = [finding_id for ids in kept.values() for finding_id in ids]
        if gone:
            self.sudo().browse(gone).unlink()
        if not new_vals:
            return
        related = {
            record.id: {
                "sale_order_id": record.sale_order_id.id,
                "owner_id": record.owner_id.id,
                "company_id": record.company_id.id,
            }
            for record in readiness
        }
        self.env["ps.batch.runner"]._insert_rows(
            self._name, [{**vals, **related[vals["readiness_id"]]} for vals in new_vals]
        )

    @api.model
    def _ps_finding_key(self, values):
        """Return what makes two findings the same, from their values in the order of ``FINDING_KEY``."""
        key = []
        for fname, value in zip(FINDING_KEY, values, strict=True):
            if fname == "amount_at_risk":
                key.append(round(value or 0.0, 6))
            else:
                key.append(value or None)
        return tuple(key)

    def action_open_record(self):
        """Open the record the finding is about."""
        self.ensure_one()
        if not (self.res_model and self.res_id):
            raise UserError(_("This finding is about the engagement as a whole."))
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_ps_retry_job(self):
        """Retry the failed or stuck month-end job this finding names (Finance Controllers only)."""
        self.ensure_one()
        if self.check_code != "month_end_jobs" or self.res_model != "queue.job":
            raise UserError(_("This finding names no month-end job to retry."))
        return self.env["queue.job"].browse(self.res_id).exists().action_ps_requeue()
