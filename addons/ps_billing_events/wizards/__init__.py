from . import ps_webhook_secret
