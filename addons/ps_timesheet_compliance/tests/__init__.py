from . import (
    test_anomaly_flags,
    test_approved_only_invoicing,
    test_compliance_scan,
    test_readiness_checks,
    test_reminders,
    test_timesheet_access_rights,
    test_timesheet_states,
    test_ui,
)
