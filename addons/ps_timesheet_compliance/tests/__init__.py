from . import test_anomaly_flags
from . import test_approved_only_invoicing
from . import test_compliance_scan
from . import test_readiness_checks
from . import test_reminders
from . import test_timesheet_access_rights
from . import test_timesheet_states
from . import test_ui
