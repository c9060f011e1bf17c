from . import ps_dispute_reason
from . import ps_dispute_classifier
from . import ps_billing_dispute
from . import ps_dispute_suggestion
from . import account_move
from . import ps_kpi_hook
from . import ps_demo_firm
