from . import ps_approval_decision, ps_approval_simulate
