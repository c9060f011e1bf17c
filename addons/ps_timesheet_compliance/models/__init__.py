from . import (
    account_analytic_line,
    account_move,
    account_move_line,
    hr_employee,
    ps_billing_readiness,
    ps_timesheet_compliance,
    ps_timesheet_reminder,
    res_company,
    res_config_settings,
    sale_order_line,
)
