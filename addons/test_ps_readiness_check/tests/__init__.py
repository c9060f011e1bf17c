from . import test_added_check
