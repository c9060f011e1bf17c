# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.addons.ps_billing_readiness.models.ps_billing_model import BILLING_MODELS
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

GROUP_ADMINISTRATOR = "ps_billing_readiness.group_administrator"

KPI_CODES = [
    ("cycle_time", "Billing Cycle Time (days)"),
    ("wip_aging", "Unbilled WIP Aging"),
    ("dso", "Days Sales Outstanding"),
    ("dso_odoo", "DSO (Odoo Invoicing Dashboard Formula)"),
    ("approval_latency", "Approval Latency (hours)"),
    ("timesheet_compliance", "Timesheet Compliance Rate"),
    ("dispute_rate", "Dispute Rate"),
    ("rework_rate", "Invoice Rework Rate"),
    ("leakage_prevented", "Leakage Prevented"),
    ("blocked_value", "Blocked Value by Reason"),
]
DIMENSIONS = [
    ("company", "Company"),
    ("client", "Client"),
    ("practice", "Practice"),
    ("billing_model", "Billing Model"),
    ("approver", "Approver"),
]


class PsKpiSnapshot(models.Model):
    """One figure of one KPI for one month, company and dimension, as computed at month end.

    A month once snapshotted is history: the scheduled action never writes it again, whatever is
    corrected later. An administrator's explicit recomputation archives the rows it supersedes
    (who, when, why stay on them and on the new rows) and writes new ones.
    """

    _name = "ps.kpi.snapshot"
    _description = "Billing Control KPI Snapshot"
    _inherit = ["ps.cron.mixin"]
    _order = "month desc, kpi_code, dimension, id"
    _check_company_auto = True

    month = fields.Date(required=True, readonly=True, index=True, help="First day of the month measured.")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    kpi_code = fields.Selection(KPI_CODES, "KPI", required=True, readonly=True, index=True)
    dimension = fields.Selection(
        DIMENSIONS,
        required=True,
        readonly=True,
        default="company",
        help="What this row is broken down by: the company total, or one client, practice, billing model or "
        "approver. Add up rows of one dimension only.",
    )
    partner_id = fields.Many2one("res.partner", "Client", readonly=True, index=True)
    department_id = fields.Many2one("hr.department", "Practice", readonly=True)
    billing_model = fields.Selection(BILLING_MODELS, readonly=True)
    approver_id = fields.Many2one("res.users", "Approver", readonly=True)
    level = fields.Integer(readonly=True, group_operator=False)
    reason = fields.Char(readonly=True, help="The bucket, reason or kind of the figure (WIP age, block reason).")
    value = fields.Float(
        readonly=True,
        digits=(16, 2),
        group_operator="avg",
        help="The KPI: days, hours or a rate in percent; for money KPIs the amount.",
    )
    value_p90 = fields.Float("90th Percentile", readonly=True, digits=(16, 2), group_operator="max")
    numerator = fields.Float(readonly=True, digits=(16, 2))
    denominator = fields.Float(readonly=True, digits=(16, 2))
    amount = fields.Monetary(readonly=True, currency_field="currency_id", help="Company currency.")
    count = fields.Integer(readonly=True, help="How many items (invoices, people, decisions) the figure is over.")
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    computed_on = fields.Datetime(required=True, readonly=True)
    active = fields.Boolean(default=True, readonly=True)
    superseded_on = fields.Datetime(readonly=True)
    superseded_by_id = fields.Many2one("res.users", "Superseded By", readonly=True)
    recompute_reason = fields.Text(readonly=True)

    # ------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------

    @api.model
    def _cron_snapshot_months(self, months=1):
        """Enqueue the snapshot of the last ``months`` closed months of each company not snapshotted yet;
        return how many jobs."""
        todo = []
        for company in self.env["res.company"].search([]):
            first = company._ps_today().replace(day=1)
            for back in range(months, 0, -1):
                todo.append((company, first - relativedelta(months=back)))
        done = self._ps_get_snapshotted({company for company, _month in todo})
        jobs = 0
        for company, month in todo:
            if (company.id, month) in done:
                continue
            self.browse()._ps_enqueue(
                "_job_ps_kpi_snapshot",
                company.id,
                fields.Date.to_string(month),
                description=_("Billing Control: KPI snapshot of %(month)s", month=month.strftime("%Y-%m")),
            )
            jobs += 1
        return jobs

    @api.model
    def _job_ps_kpi_snapshot(self, company_id, month):
        """Job: snapshot ``month`` of the company (kept if it exists); return {"rows": how many written}."""
        company = self.env["res.company"].browse(company_id).exists()
        if not company:
            return {"rows": 0}
        return {"rows": len(self._ps_snapshot_month(company, month))}

    @api.model
    def _ps_get_snapshotted(self, companies):
        """Return the set of (company id, month) already snapshotted (active rows) for ``companies``."""
        groups = self.sudo()._read_group(
            [("company_id", "in", [c.id for c in companies])], ["company_id", "month:day"], ["__count"]
        )
        return {(company.id, month) for company, month, _count in groups}

    @api.model
    def _ps_snapshot_month(self, company, month, reason=None):
        """Write the snapshot of ``month`` (its first day) for ``company`` unless it exists; return the new rows.

        ``reason``: an explicit recomputation, which archives the existing rows first (``action_ps_recompute``).
        """
        month = fields.Date.to_date(month).replace(day=1)
        Snapshot = self.sudo()
        existing = Snapshot.search([("company_id", "=", company.id), ("month", "=", month)])
        if existing and not reason:
            _logger.info("KPI snapshot of %s for %s exists: kept as history.", month, company.name)
            return Snapshot
        now = fields.Datetime.now()
        if existing:
            existing.write({"active": False, "superseded_on": now, "superseded_by_id": self.env.uid})
        rows = self.env["ps.kpi.engine"]._ps_compute_month(company, month)
        return Snapshot.create(
            [
                {
                    **row,
                    "company_id": company.id,
                    "month": month,
                    "computed_on": now,
                    "recompute_reason": reason or False,
                }
                for row in rows
            ]
        )

    @api.model
    def _ps_load_demo_snapshots(self, months=3):
        """Demo: post the drafts of the demo firm's last billing run on the day it ran (every other one paid
        two weeks later), then snapshot the last ``months`` closed months, so the dashboard opens on
        figures. Drafts another module holds back (an approval pending) stay drafts."""
        company = self.env.company
        drafts = self.env["account.move"].search(
            [("company_id", "=", company.id), ("state", "=", "draft"), ("ps_readiness_id", "!=", False)]
        )
        today = company._ps_today()
        for index, move in enumerate(drafts.sorted("id")):
            try:
                with self.env.cr.savepoint():
                    move.invoice_date = move.ps_readiness_id.cutoff_date
                    move.action_post()
                    # Every other client pays within two weeks: receivables and DSO look like a firm's.
                    if index % 2 == 0 and move.invoice_date + relativedelta(days=14) <= today:
                        register = self.env["account.payment.register"].with_context(
                            active_model="account.move", active_ids=move.ids
                        )
                        register.create({"payment_date": move.invoice_date + relativedelta(days=14)})._create_payments()
            except (UserError, AccessError) as error:
                _logger.info("Demo: %s stays a draft: %s", move.display_name, error)
        first = company._ps_today().replace(day=1)
        for back in range(months, 0, -1):
            self._ps_snapshot_month(company, first - relativedelta(months=back))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    @api.model
    def action_ps_recompute(self, month, reason, company_id=None):
        """Recompute the snapshot of ``month`` (an administrator's decision, with its reason); return the rows."""
        self._check_can_recompute(reason)
        company = self.env["res.company"].browse(company_id) if company_id else self.env.company
        if company not in self.env.user.company_ids:
            raise AccessError(_("You can only recompute the KPIs of your companies."))
        try:
            month = fields.Date.to_date(month)
        except (TypeError, ValueError) as error:
            raise UserError(_("Give the month to recompute as a date (YYYY-MM-DD).")) from error
        if not month or month.replace(day=1) >= company._ps_today().replace(day=1):
            raise UserError(_("Only a closed month can be recomputed."))
        return self._ps_snapshot_month(company, month, reason=reason.strip())

    @api.model
    def _check_can_recompute(self, reason):
        if not self.env.user.has_group(GROUP_ADMINISTRATOR):
            raise AccessError(_("Only a Billing Control administrator can recompute KPI history."))
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(_("Say why the month is recomputed: its history is replaced."))
