from . import ps_change_order_decision
