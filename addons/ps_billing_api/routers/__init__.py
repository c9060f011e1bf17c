from .billing_v1 import router
