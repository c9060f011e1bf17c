from . import ps_sync_mapping
from . import ps_api_batch_mixin
from . import ps_api_idempotency_key
from . import ps_api_timesheet_batch
from . import ps_api_expense_batch
from . import ps_api_readiness
from . import fastapi_endpoint
from . import ps_billing_event
