from . import test_milestone_acceptance
from . import test_milestone_automation
from . import test_milestone_delivery
from . import test_milestone_portal
from . import test_readiness_checks
from . import test_ui
from . import test_same_day_readiness
from . import test_install_policies
