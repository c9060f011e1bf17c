from . import ps_timesheet_reject_wizard
