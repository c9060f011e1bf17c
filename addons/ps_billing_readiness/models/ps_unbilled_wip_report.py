# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools


class PsUnbilledWipReport(models.Model):
    """Time delivered on engagements and not invoiced yet, valued at the sold rate."""

    _name = "ps.unbilled.wip.report"
    _description = "Unbilled WIP"
    _auto = False
    _order = "date desc"

    date = fields.Date(readonly=True)
    sale_order_id = fields.Many2one("sale.order", "Engagement", readonly=True)
    sale_line_id = fields.Many2one("sale.order.line", "Sales Order Item", readonly=True)
    partner_id = fields.Many2one("res.partner", "Client", readonly=True)
    project_id = fields.Many2one("project.project", readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    product_id = fields.Many2one("product.product", "Service", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    age_bucket = fields.Selection(
        [("0_30", "0-30 days"), ("31_60", "31-60 days"), ("61_90", "61-90 days"), ("90_plus", "Over 90 days")],
        readonly=True,
    )
    hours = fields.Float(readonly=True)
    amount = fields.Monetary(readonly=True, help="Hours at the sold rate, in the engagement's currency.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT aal.id, aal.date, sol.order_id AS sale_order_id, sol.id AS sale_line_id,
                       so.partner_id, aal.project_id, aal.employee_id, sol.product_id, so.company_id,
                       so.currency_id,
                       CASE WHEN current_date - aal.date <= 30 THEN '0_30'
                            WHEN current_date - aal.date <= 60 THEN '31_60'
                            WHEN current_date - aal.date <= 90 THEN '61_90'
                            ELSE '90_plus' END AS age_bucket,
                       aal.unit_amount AS hours,
                       aal.unit_amount * sol.price_unit * (1 - COALESCE(sol.discount, 0) / 100.0) AS amount
                  FROM account_analytic_line aal
                  JOIN sale_order_line sol ON sol.id = aal.so_line
                  JOIN sale_order so ON so.id = sol.order_id
             LEFT JOIN account_move inv ON inv.id = aal.timesheet_invoice_id
                 WHERE aal.project_id IS NOT NULL
                   AND so.state = 'sale'
                   AND (aal.timesheet_invoice_id IS NULL OR inv.state = 'cancel')
            )
        """)  # noqa: S608 -- the table name is the model's own
