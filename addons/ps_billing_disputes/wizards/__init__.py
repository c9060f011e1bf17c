from . import ps_dispute_decision
from . import account_move_reversal
