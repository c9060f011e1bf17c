from . import (
    test_approval_access_rights,
    test_approval_delegation,
    test_approval_escalation,
    test_approval_history,
    test_approval_performance,
    test_approval_posting,
    test_approval_routing,
    test_approval_rule_matching,
    test_approval_segregation,
    test_ui,
)
