"""Engagements due and ready on the month-end day, added to the firm before the run.

A generated firm is as untidy as a real one at month-end: at size tiny every period of last month is
blocked by something (unapproved time, an expense linked to no order, unconfirmed terms), so the run
would evaluate and draft nothing. These engagements are the kind that does get drafted: time and
materials, terms confirmed, last month's time approved, no expense; the run drafts each once.
"""

from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command

NAME = "Cluster check"


def add_ready_engagements(env, day, count):
    """Create ``count`` engagements whose last month is due and ready on ``day``; return the orders."""
    if not count:
        return env["sale.order"]
    last_month = day.replace(day=1) - relativedelta(months=1)
    hour = env.ref("uom.product_uom_hour")
    product = env["product.product"].create(
        {
            "name": f"{NAME} consulting",
            "type": "service",
            "list_price": 150.0,
            "uom_id": hour.id,
            "uom_po_id": hour.id,
            "service_tracking": "task_in_project",
            "invoice_policy": "delivery",
            "service_type": "timesheet",
        }
    )
    # A client each: the firm's own engagements already show what clients with several engagements do.
    partners = env["res.partner"].create(
        [{"name": f"{NAME} client {index}", "is_company": True} for index in range(1, count + 1)]
    )
    employee = env["hr.employee"].create({"name": f"{NAME} consultant"})
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 100})],
            }
            for partner in partners
        ]
    )
    orders.action_confirm()
    orders.write({"date_order": datetime.combine(last_month - timedelta(days=15), time(9))})
    orders._do_confirm_terms()
    Line = env["account.analytic.line"]
    lines = Line.create(
        [
            {
                "name": "Workshop",
                "employee_id": employee.id,
                "project_id": order.order_line.task_id.project_id.id,
                "task_id": order.order_line.task_id.id,
                "unit_amount": float(index),
                "date": last_month + timedelta(days=11),
            }
            for index, order in enumerate(orders, 1)
        ]
    )
    if "ps_state" in Line._fields:
        # The consultant submitted, the controller approved (ps_timesheet_compliance's own transitions).
        lines._do_ps_submit()
        lines._do_ps_approve()
    return orders
