# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import fields
from odoo.addons.ps_billing_readiness.ps_install_history import recall_companies, remember_companies
from odoo.tools import split_every

_logger = logging.getLogger(__name__)
HISTORY_PARAM = "ps_timesheet_compliance.companies_with_history"


def _companies_with_unbilled_time(cr):
    """Return the ids of the companies whose sold time is logged and not invoiced yet."""
    cr.execute(
        """
        SELECT DISTINCT l.company_id
          FROM account_analytic_line l
          LEFT JOIN account_move m ON m.id = l.timesheet_invoice_id
         WHERE l.so_line IS NOT NULL AND l.project_id IS NOT NULL AND (m.id IS NULL OR m.state = 'cancel')
        """
    )
    return sorted(company_id for (company_id,) in cr.fetchall() if company_id)


def pre_init_hook(env):
    """Remember which companies invoice time already: the policy must not stop their invoicing."""
    companies = _companies_with_unbilled_time(env.cr)
    remember_companies(env, HISTORY_PARAM, companies)


def _apply_install_policies(env, company_ids, with_demo):
    """Approved-only invoicing starts off for companies that had unbilled time when the module was
    installed (their delivered time would stop being invoiceable until approved), on elsewhere.
    A database installed with demo data is a trial: its policies stay on."""
    if with_demo or not company_ids:
        return env["res.company"]
    companies = env["res.company"].browse(company_ids).exists()
    companies.write({"ps_timesheet_approved_only": False})
    _logger.warning(
        "Billing Control: %s had unbilled time at installation; approved-only invoicing starts off there "
        "(Settings > Billing Control to switch it on once the time is approved).",
        ", ".join(companies.mapped("name")),
    )
    return companies


def post_init_hook(env):
    """Time already invoiced before the module was installed counts as approved; approved-only
    invoicing starts off where unbilled time existed before (see ``_apply_install_policies``)."""
    env.cr.execute(
        """
        SELECT l.id
          FROM account_analytic_line l
          JOIN account_move m ON m.id = l.timesheet_invoice_id
         WHERE m.state != 'cancel' AND l.project_id IS NOT NULL
        """
    )
    # The time of a whole history, invoiced and locked: not through write() (which refuses to
    # change invoiced time) but through the suite's bulk write, which tells the ORM what changed.
    now = fields.Datetime.now()
    for ids in split_every(10000, [line_id for (line_id,) in env.cr.fetchall()]):
        env["ps.batch.runner"]._write_rows(
            "account.analytic.line", ["ps_state", "ps_approved_on"], [(line_id, "approved", now) for line_id in ids]
        )
    _apply_install_policies(env, *recall_companies(env, HISTORY_PARAM, "ps_timesheet_compliance"))
    # Delivered quantities of timesheet services now count approved time only (where the policy is on).
    lines = env["sale.order.line"].search([("qty_delivered_method", "=", "timesheet"), ("state", "=", "sale")])
    env.add_to_compute(env["sale.order.line"]._fields["qty_delivered"], lines)
    env.flush_all()
