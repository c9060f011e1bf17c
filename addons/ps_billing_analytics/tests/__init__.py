# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_kpi_invoicing
from . import test_kpi_receivables
from . import test_kpi_blocked
from . import test_kpi_hooks
from . import test_kpi_snapshot
from . import test_dashboard_data
from . import test_triage
from . import test_analytics_access_http
from . import test_dashboard_screenshot
