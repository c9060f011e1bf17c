from . import ps_readiness_draft_anyway
