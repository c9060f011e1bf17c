# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo.addons.ps_billing_readiness.ps_install_history import recall_companies, remember_companies

_logger = logging.getLogger(__name__)
HISTORY_PARAM = "ps_milestone_billing.companies_with_history"


def pre_init_hook(env):
    """Remember which companies bill milestones already: acceptance must not stop their invoicing."""
    env.cr.execute(
        """
        SELECT DISTINCT o.company_id
          FROM sale_order o
          JOIN sale_order_line l ON l.order_id = o.id
         WHERE o.state = 'sale' AND l.qty_delivered_method = 'milestones'
        """
    )
    companies = sorted(company_id for (company_id,) in env.cr.fetchall() if company_id)
    remember_companies(env, HISTORY_PARAM, companies)


def _apply_install_policies(env, company_ids, with_demo):
    """Milestone acceptance starts off for companies that billed milestones before the module was
    installed, and their engagements keep billing a milestone once it is reached, as before. A
    database installed with demo data is a trial: its policies stay on."""
    if with_demo or not company_ids:
        return env["res.company"]
    companies = env["res.company"].browse(company_ids).exists()
    companies.write({"ps_milestone_acceptance_required": False})
    # The engagements' own setting was computed when the column was made, before this decision;
    # not through write(), which would withdraw finance's confirmation of their terms.
    orders = env["sale.order"].search([("company_id", "in", companies.ids)])
    env["ps.batch.runner"]._write_rows(
        "sale.order", ["ps_milestone_acceptance_required"], [(order_id, False) for order_id in orders.ids]
    )
    orders._ps_recompute_milestone_delivery()
    env.flush_all()
    _logger.warning(
        "Billing Control: %s billed milestones before; client acceptance of milestones starts off there "
        "(Settings > Billing Control to switch it on).",
        ", ".join(companies.mapped("name")),
    )
    return companies


def post_init_hook(env):
    _apply_install_policies(env, *recall_companies(env, HISTORY_PARAM, "ps_milestone_billing"))
