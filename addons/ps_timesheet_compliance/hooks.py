# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Time already invoiced before the module was installed counts as approved."""
    env.cr.execute(
        """
        UPDATE account_analytic_line l
           SET ps_state = 'approved', ps_approved_on = now() at time zone 'UTC'
          FROM account_move m
         WHERE m.id = l.timesheet_invoice_id AND m.state != 'cancel' AND l.project_id IS NOT NULL
        """
    )
    env["account.analytic.line"].invalidate_model(["ps_state", "ps_approved_on"])
    # Delivered quantities of timesheet services now count approved time only.
    lines = env["sale.order.line"].search([("qty_delivered_method", "=", "timesheet"), ("state", "=", "sale")])
    env.add_to_compute(env["sale.order.line"]._fields["qty_delivered"], lines)
    env.flush_all()
