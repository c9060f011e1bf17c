# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


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
        return super()._get_ps_protected_fields() | {
            "readiness_id",
            "check_id",
            "check_code",
            "severity",
            "message",
            "amount_at_risk",
            "res_model",
            "res_id",
            "sale_order_id",
            "owner_id",
            "company_id",
        }

    @api.model
    def _replace_findings(self, readiness, vals_list):
        """Replace the findings of ``readiness`` by new ones made of ``vals_list`` (an evaluation's).

        The old ones are deleted through the ORM (at size M, 6,095 findings in 0.25 s); the new
        ones, thousands at every evaluation, are inserted by the suite's bulk helper
        (``ps.batch.runner._insert_rows``, which tells the ORM), given the stored related fields
        the ORM would compute, one read per readiness record.
        """
        if not readiness:
            return
        self.sudo().search([("readiness_id", "in", readiness.ids)]).unlink()
        related = {
            record.id: {
                "sale_order_id": record.sale_order_id.id,
                "owner_id": record.owner_id.id,
                "company_id": record.company_id.id,
            }
            for record in readiness
        }
        self.env["ps.batch.runner"]._insert_rows(
            self._name, [{**vals, **related[vals["readiness_id"]]} for vals in vals_list]
        )

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
