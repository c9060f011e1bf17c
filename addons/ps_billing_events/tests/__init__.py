from . import test_event_outbox
from . import test_webhook_delivery
from . import test_webhook_safety
from . import test_webhook_access
from . import test_month_end_events
