from . import account_move
from . import project_milestone
from . import project_milestone_acceptance
from . import ps_billing_readiness
from . import res_company
from . import res_config_settings
from . import sale_order
from . import sale_order_line
