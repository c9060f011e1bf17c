# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools

KINDS = [
    ("time", "Time"),
    ("milestone", "Milestones"),
    ("expense", "Expenses"),
    ("other", "Other Deliveries"),
]


class PsUnbilledWipReport(models.Model):
    """Work delivered on engagements and not invoiced yet, valued at what it will bill.

    - Time: every timesheet line not invoiced, in hours and at its cost; it has a billable
      value only on a sales line billed on timesheets (invoiced on delivery), at the line's
      rate in the line's unit of measure (hours converted to days where it is sold in days).
      Time on fixed-fee, milestone and retainer lines bills nothing by itself: hours and
      cost only, its value is the fee's.
    - Milestones, re-invoiceable expenses and other deliveries: sales lines invoiced on
      delivery, for what is delivered and not invoiced yet, at the line's price.

    Amounts are in the engagement's currency (``amount``) and in the company's currency at
    today's rate (``amount_company``, the one to add up across engagements); ages and
    "today" are the company's (its calendar's time zone).
    """

    _name = "ps.unbilled.wip.report"
    _description = "Unbilled WIP"
    _auto = False
    _order = "date desc, id"

    date = fields.Date(readonly=True)
    kind = fields.Selection(KINDS, readonly=True)
    billable = fields.Boolean(
        "Billed on Delivery",
        readonly=True,
        help="Whether this work bills by itself (time on an hourly line, a reached milestone, an expense): "
        "time on a fixed-fee, milestone or retainer line is part of the fee and has no value of its own.",
    )
    sale_order_id = fields.Many2one("sale.order", "Engagement", readonly=True)
    sale_line_id = fields.Many2one("sale.order.line", "Sales Order Item", readonly=True)
    partner_id = fields.Many2one("res.partner", "Client", readonly=True)
    project_id = fields.Many2one("project.project", readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    product_id = fields.Many2one("product.product", "Service", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", "Currency", readonly=True)
    company_currency_id = fields.Many2one("res.currency", "Company Currency", readonly=True)
    age_bucket = fields.Selection(
        [("0_30", "0-30 days"), ("31_60", "31-60 days"), ("61_90", "61-90 days"), ("90_plus", "Over 90 days")],
        readonly=True,
    )
    hours = fields.Float(readonly=True, help="Hours logged (time only).")
    quantity = fields.Float(
        readonly=True, digits="Product Unit of Measure", help="What will bill, in the sales line's unit of measure."
    )
    amount = fields.Monetary(readonly=True, string="Unbilled", help="What will bill, in the engagement's currency.")
    amount_company = fields.Monetary(
        "Unbilled (Company Currency)",
        currency_field="company_currency_id",
        readonly=True,
        help="What will bill, in the company's currency at today's rate.",
    )
    cost = fields.Monetary(
        currency_field="company_currency_id",
        readonly=True,
        help="Cost of the time logged, in the company's currency.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                WITH company_day AS (
                    -- Today in each company's time zone (its calendar's, else its address's).
                    SELECT c.id AS company_id, c.currency_id,
                           split_part(c.parent_path, '/', 1)::int AS root_id,
                           (now() AT TIME ZONE COALESCE(cal.tz, p.tz, 'UTC'))::date AS today
                      FROM res_company c
                      JOIN res_partner p ON p.id = c.partner_id
                 LEFT JOIN resource_calendar cal ON cal.id = c.resource_calendar_id
                ),
                rate AS (
                    -- Each currency's rate in each company today, as res.currency._get_rates reads it.
                    SELECT cd.company_id, cur.id AS currency_id,
                           COALESCE((SELECT r.rate FROM res_currency_rate r
                                      WHERE r.currency_id = cur.id AND r.name <= cd.today
                                        AND (r.company_id IS NULL OR r.company_id = cd.root_id)
                                   ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0) AS rate
                      FROM company_day cd CROSS JOIN res_currency cur
                ),
                line AS (
                    SELECT sol.id AS sale_line_id, sol.order_id AS sale_order_id, sol.product_id,
                           sol.product_uom, sol.qty_delivered_method, sol.is_expense,
                           sol.qty_delivered, sol.qty_invoiced,
                           sol.price_unit * (1 - COALESCE(sol.discount, 0) / 100.0) AS net_price,
                           COALESCE(sol.project_id, so.project_id) AS line_project_id,
                           so.partner_id, so.company_id, so.currency_id, so.date_order,
                           pt.invoice_policy = 'delivery' AS on_delivery,
                           cd.today, cd.currency_id AS company_currency_id,
                           rc.rate / ro.rate AS to_company
                      FROM sale_order_line sol
                      JOIN sale_order so ON so.id = sol.order_id
                      JOIN product_product pp ON pp.id = sol.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      JOIN company_day cd ON cd.company_id = so.company_id
                      JOIN rate ro ON ro.company_id = so.company_id AND ro.currency_id = so.currency_id
                      JOIN rate rc ON rc.company_id = so.company_id AND rc.currency_id = cd.currency_id
                     WHERE so.state = 'sale' AND sol.display_type IS NULL
                ),
                work AS (
                    SELECT aal.id * 2 AS id, aal.date, 'time' AS kind, line.*,
                           aal.employee_id, aal.project_id, aal.unit_amount AS hours, -aal.amount AS cost,
                           (line.qty_delivered_method = 'timesheet' AND line.on_delivery) AS billable,
                           CASE WHEN uf.id IS NULL OR ut.id IS NULL OR uf.id = ut.id
                                  OR uf.category_id != ut.category_id THEN aal.unit_amount
                                ELSE aal.unit_amount / uf.factor * ut.factor END AS line_quantity
                      FROM account_analytic_line aal
                      JOIN line ON line.sale_line_id = aal.so_line
                 LEFT JOIN uom_uom uf ON uf.id = aal.product_uom_id
                 LEFT JOIN uom_uom ut ON ut.id = line.product_uom
                 LEFT JOIN account_move inv ON inv.id = aal.timesheet_invoice_id
                     WHERE aal.project_id IS NOT NULL
                       AND (aal.timesheet_invoice_id IS NULL OR inv.state = 'cancel')
                    UNION ALL
                    -- Sales lines invoiced on delivery other than by timesheets (milestones, expenses):
                    -- what is delivered and not invoiced, dated by its last delivery.
                    SELECT line.sale_line_id * 2 + 1 AS id,
                           COALESCE(
                               CASE WHEN line.qty_delivered_method = 'milestones' THEN
                                   (SELECT MAX(m.reached_date) FROM project_milestone m
                                     WHERE m.sale_line_id = line.sale_line_id AND m.is_reached)
                               ELSE (SELECT MAX(a.date) FROM account_analytic_line a
                                      WHERE a.so_line = line.sale_line_id)
                               END, (line.date_order AT TIME ZONE 'UTC')::date) AS date,
                           CASE WHEN line.qty_delivered_method = 'milestones' THEN 'milestone'
                                WHEN line.is_expense THEN 'expense'
                                ELSE 'other' END AS kind,
                           line.*, NULL::int AS employee_id, line.line_project_id AS project_id,
                           0.0 AS hours, 0.0 AS cost, TRUE AS billable,
                           line.qty_delivered - line.qty_invoiced AS line_quantity
                      FROM line
                     WHERE line.on_delivery AND line.qty_delivered_method != 'timesheet'
                       AND line.qty_delivered > line.qty_invoiced
                )
                SELECT w.id, w.date, w.kind, w.billable, w.sale_order_id, w.sale_line_id, w.partner_id,
                       w.project_id, w.employee_id, w.product_id, w.company_id, w.currency_id,
                       w.company_currency_id,
                       CASE WHEN w.today - w.date <= 30 THEN '0_30'
                            WHEN w.today - w.date <= 60 THEN '31_60'
                            WHEN w.today - w.date <= 90 THEN '61_90'
                            ELSE '90_plus' END AS age_bucket,
                       w.hours,
                       CASE WHEN w.billable THEN w.line_quantity ELSE 0.0 END AS quantity,
                       CASE WHEN w.billable THEN w.line_quantity * w.net_price ELSE 0.0 END AS amount,
                       CASE WHEN w.billable THEN w.line_quantity * w.net_price * w.to_company
                            ELSE 0.0 END AS amount_company,
                       w.cost
                  FROM work w
            )
        """)  # noqa: S608 -- the table name is the model's own
