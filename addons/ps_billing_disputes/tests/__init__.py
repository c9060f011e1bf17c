from . import test_dispute_lifecycle
from . import test_credit_note_reason
from . import test_dispute_access_http
from . import test_dispute_mail_gateway
from . import test_dispute_classifier
from . import test_dispute_kpi
from . import test_dispute_tour
