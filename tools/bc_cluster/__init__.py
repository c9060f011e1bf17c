"""The month-end on a cluster: two Odoo nodes behind nginx on one PostgreSQL, one node killed mid-run.

bin/cluster-check starts the nodes and nginx; ``cli check`` (``monthend.MonthEnd``) enqueues the
billing run, holds some of its evaluation jobs in flight, SIGKILLs a node that runs them, lets the
other node finish, then ``audit`` proves that nothing was done twice or left undone and prints the
report (docs/cluster-check.md).
"""
