from . import ps_milestone_decision
