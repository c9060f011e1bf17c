from . import ps_protected_mixin
from . import ps_readiness_watch_mixin
from . import ps_batch_runner
from . import ps_period_mixin
from . import ps_cron_mixin
from . import account_analytic_line
from . import account_move
from . import hr_expense
from . import ps_billing_model
from . import ps_billing_readiness
from . import ps_billing_readiness_evaluation
from . import ps_billing_readiness_checks
from . import ps_billing_readiness_drafting
from . import ps_billing_readiness_run
from . import ps_demo_firm
from . import ps_exception_flag
from . import ps_readiness_check
from . import ps_readiness_finding
from . import ps_unbilled_wip_report
from . import res_company
from . import res_config_settings
from . import sale_order
from . import sale_order_line

# After sale_order: they extend its actions.
from . import ps_billing_digest
from . import ps_billing_readiness_digest
from . import queue_job
