from . import ps_client_hold
