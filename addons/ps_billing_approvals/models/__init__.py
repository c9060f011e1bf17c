from . import (
    account_move,
    account_move_line,
    ps_approval_delegation,
    ps_approval_request,
    ps_approval_rule,
    ps_billing_readiness,
    ps_demo_firm,
    res_company,
    res_config_settings,
)
