from . import account_move
from . import project_milestone, ps_billing_readiness, res_company, res_config_settings, sale_order, sale_order_line
