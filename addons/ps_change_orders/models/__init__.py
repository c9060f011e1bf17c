from . import ps_change_order
from . import ps_change_order_line
from . import ps_billing_readiness
from . import sale_order
