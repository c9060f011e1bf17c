# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import ps_kpi_snapshot
from . import ps_kpi_engine
from . import ps_billing_readiness
from . import ps_invoice_anomaly
from . import account_move
from . import ps_demo_firm
