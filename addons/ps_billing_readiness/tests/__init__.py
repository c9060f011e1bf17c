from . import test_common_firm
from . import test_security_groups
from . import test_readiness_checks
from . import test_ui
