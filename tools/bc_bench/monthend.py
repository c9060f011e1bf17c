"""The month-end through queue_job's jobs, and the same work run directly, in one transaction.

Through jobs: the billing run's dispatcher enqueues its first step (stored ``queue.job`` records),
then the stored jobs are performed in this process, in the job runner's order (priority, then
creation), each as queue_job's controller performs one (``/queue_job/runjob``): enqueued, loaded,
started and stored, locked, performed, done and stored, its dependent jobs released; with an empty
cache, as a new request has. Commits are left out (the benchmark rolls everything back), so is the
HTTP round trip of the runner.

Directly: the same dispatch with ``queue_job__no_delay`` in the context: queue_job runs every job of
the graph at once, in order, without storing it (the same batches calling the same methods).
"""

import logging

from odoo.addons.queue_job.job import ENQUEUED, PENDING, Job

FIRST_STEP = "evaluate"


def dispatch(env, day, direct=False):
    """Enqueue the billing run of ``day`` as the scheduled action does (or run it at once when ``direct``);
    return the first step's job."""
    Readiness = env["ps.billing.readiness"]
    if direct:
        Readiness = Readiness.with_context(queue_job__no_delay=True)
        # queue_job warns once per graph run directly: the benchmark asks for it.
        logging.getLogger("odoo.addons.queue_job.utils").setLevel(logging.ERROR)
    return Readiness.browse()._ps_enqueue(
        "_job_billing_step", FIRST_STEP, day, description=f"Benchmark: billing run of {day}"
    )


def last_job_id(env):
    env.flush_all()
    env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM queue_job")
    return env.cr.fetchone()[0]


def perform_stored_jobs(env, after_id):
    """Perform the pending jobs stored after job ``after_id``, and those they enqueue, until none is left,
    as queue_job's controller does; return the jobs performed (``Job``), in their order."""
    performed = []
    cr = env.cr
    while True:
        env.flush_all()
        cr.execute(
            "SELECT uuid FROM queue_job WHERE id > %s AND state = %s ORDER BY priority, date_created, id LIMIT 1",
            (after_id, PENDING),
        )
        row = cr.fetchone()
        if not row:
            return performed
        uuid = row[0]
        # The runner marks it enqueued, then calls the controller, which locks it and loads it.
        cr.execute(
            "UPDATE queue_job SET state = %s, date_enqueued = date_trunc('seconds', now() at time zone 'utc') "
            "WHERE uuid = %s",
            (ENQUEUED, uuid),
        )
        env.invalidate_all()
        cr.execute("SELECT state FROM queue_job WHERE uuid = %s AND state = %s FOR UPDATE", (uuid, ENQUEUED))
        job = Job.load(env, uuid)
        job.set_started()
        job.store()
        env.flush_all()  # the controller commits here
        job.lock()
        job.perform()
        env.flush_all()
        job.set_done()
        job.store()
        env.flush_all()
        job.enqueue_waiting()
        performed.append(job)


def outcome(env, orders, after_move_id):
    """Return what a billing run left, to compare two runs: readiness states, drafts and their lines."""
    env.flush_all()
    env.cr.execute(
        "SELECT state, COUNT(*) FROM ps_billing_readiness WHERE sale_order_id = ANY(%s) GROUP BY state ORDER BY state",
        (orders.ids,),
    )
    states = ", ".join(f"{count} {state}" for state, count in env.cr.fetchall())
    env.cr.execute(
        "SELECT COUNT(DISTINCT m.id), COUNT(l.id) FROM account_move m "
        "LEFT JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'product' "
        "WHERE m.id > %s AND m.move_type = 'out_invoice'",
        (after_move_id,),
    )
    drafts, lines = env.cr.fetchone()
    return f"{states}; {drafts} drafts of {lines} lines"


def last_move_id(env):
    env.flush_all()
    env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_move")
    return env.cr.fetchone()[0]
