from . import (
    test_access_rights,
    test_common_firm,
    test_engagement_terms,
    test_exception_flags,
    test_exception_queue,
    test_invoice_drafting,
    test_readiness_checks,
    test_readiness_evaluation,
    test_security_groups,
    test_ui,
)
