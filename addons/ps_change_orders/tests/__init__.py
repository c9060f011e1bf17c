from . import test_change_order_lifecycle
from . import test_change_order_portal
from . import test_change_order_check
from . import test_change_order_access_http
