from . import (
    test_milestone_acceptance,
    test_milestone_automation,
    test_milestone_delivery,
    test_milestone_portal,
    test_readiness_checks,
    test_ui,
)
