"""What the month-end on the cluster left behind, checked: nothing done twice, nothing left undone,
both nodes at work, the killed node's jobs requeued and finished by the other one."""

from dataclasses import dataclass, field

from odoo import SUPERUSER_ID, api

from .monthend import BILLING_CHANNEL, EVALUATE, OPEN_STATES, STEP
from .nodes import read_runjob_requests

# queue_job counts each run of a job in ``retry`` (1 for a job run once), and the runner adds one when
# it requeues a job it found dead: a dead job run again to its end has 2.
REQUEUED_RETRY = 2


@dataclass
class Audit:
    failures: list = field(default_factory=list)
    numbers: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)

    def expect(self, condition, message):
        """Record ``message`` as a failed assertion unless ``condition``; return ``condition``."""
        if not condition:
            self.failures.append(message)
        return condition


def audit(monthend, jobs, nginx_log):
    """Check the database, the jobs, nginx's log and the nodes' logs after ``monthend`` ran; return the Audit."""
    result = Audit()
    with monthend.registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        _audit_engagements(result, env, monthend)
        _audit_drafts(result, env, monthend)
        _audit_queue(result, cr)
    _audit_nodes(result, monthend, jobs, nginx_log)
    _report(result, monthend, jobs)
    return result


def _audit_engagements(result, env, monthend):
    cr, today = env.cr, monthend.today
    cr.execute(
        "SELECT name FROM sale_order WHERE id = ANY(%s) AND ps_readiness_evaluated_on IS DISTINCT FROM %s ORDER BY id",
        [monthend.stale_ids, today],
    )
    missed = [row[0] for row in cr.fetchall()]
    result.expect(
        not missed,
        f"{len(missed)} of the {len(monthend.stale_ids)} engagements to evaluate were not evaluated on {today}: "
        + ", ".join(missed[:10]),
    )
    cr.execute(
        """
        SELECT so.name, r.period_start, count(*)
          FROM ps_billing_readiness r JOIN sale_order so ON so.id = r.sale_order_id
         GROUP BY so.name, r.period_start HAVING count(*) > 1
        """
    )
    twice = cr.fetchall()
    result.expect(
        not twice,
        "periods with more than one readiness record: "
        + ", ".join(f"{name} {start} ({count})" for name, start, count in twice[:10]),
    )
    result.numbers["engagements"] = len(monthend.stale_ids)
    result.numbers["evaluated"] = len(monthend.stale_ids) - len(missed)


def _audit_drafts(result, env, monthend):
    cr, today = env.cr, monthend.today
    first_move = monthend.first_move_id
    # Customer invoices created by the run, per engagement (an engagement's due periods share one draft).
    cr.execute(
        """
        SELECT so.name, count(DISTINCT am.id)
          FROM account_move am
          JOIN account_move_line aml ON aml.move_id = am.id
          JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
          JOIN sale_order_line sol ON sol.id = rel.order_line_id
          JOIN sale_order so ON so.id = sol.order_id
         WHERE am.id >= %s AND am.move_type = 'out_invoice'
         GROUP BY so.name HAVING count(DISTINCT am.id) > 1
        """,
        [first_move],
    )
    doubled = cr.fetchall()
    result.expect(
        not doubled,
        "engagements drafted more than once by the run: "
        + ", ".join(f"{name} ({count} drafts)" for name, count in doubled[:10]),
    )
    cr.execute(
        """
        SELECT am.id, am.state
          FROM account_move am
         WHERE am.id >= %s AND am.move_type = 'out_invoice'
           AND NOT EXISTS (SELECT 1 FROM ps_billing_readiness r WHERE r.invoice_id = am.id)
        """,
        [first_move],
    )
    orphans = cr.fetchall()
    result.expect(not orphans, f"{len(orphans)} invoice(s) created by the run belong to no readiness period")
    cr.execute(
        """
        SELECT invoice_id, count(DISTINCT sale_order_id)
          FROM ps_billing_readiness WHERE invoice_id IS NOT NULL
         GROUP BY invoice_id HAVING count(DISTINCT sale_order_id) > 1
        """
    )
    shared = cr.fetchall()
    result.expect(not shared, f"{len(shared)} invoice(s) shared by the periods of different engagements")
    cr.execute(
        """
        SELECT count(*), count(DISTINCT r.invoice_id),
               (SELECT COALESCE(sum(amount_untaxed), 0) FROM account_move
                 WHERE id IN (SELECT invoice_id FROM ps_billing_readiness WHERE invoice_id >= %s))
          FROM ps_billing_readiness r
         WHERE r.invoice_id >= %s
        """,
        [first_move, first_move],
    )
    periods, invoices, amount = cr.fetchone()
    Readiness = env["ps.billing.readiness"]
    left = Readiness._get_due_orders(today)
    reasons = []
    for name in left[:10].mapped("name"):
        for node in monthend.nodes:
            lines = node.log_lines(f"could not draft the invoice of {name}")
            reasons += [f"node {node.name}: {line}" for line in lines]
    result.expect(
        not left,
        f"{len(left)} engagement(s) still have a due period not drafted after the run: "
        + ", ".join(left[:10].mapped("name"))
        + "".join(f"\n      {reason}" for reason in reasons),
    )
    result.expect(
        periods > 0,
        f"the run drafted nothing: no period was due on {today}; the check proved nothing about drafting",
    )
    _audit_ready_engagements(result, cr, monthend)
    cr.execute("SELECT state, count(*) FROM ps_billing_readiness GROUP BY state ORDER BY state")
    result.numbers.update(
        periods_drafted=periods,
        invoices=invoices,
        amount=float(amount),
        periods_by_state=dict(cr.fetchall()),
        duplicates=len(doubled) + len(orphans) + len(shared),
        due_left=len(left),
    )


def _audit_ready_engagements(result, cr, monthend):
    """The engagements added due and ready (firm.py): one draft each, for its hours at 150.00."""
    if not monthend.ready_ids:
        return
    cr.execute(
        """
        SELECT so.id, so.name, count(DISTINCT am.id), COALESCE(sum(DISTINCT am.amount_untaxed), 0)
          FROM sale_order so
          LEFT JOIN ps_billing_readiness r ON r.sale_order_id = so.id
          LEFT JOIN account_move am ON am.id = r.invoice_id
         WHERE so.id = ANY(%s)
         GROUP BY so.id, so.name
        """,
        [monthend.ready_ids],
    )
    drafted = {row[0]: row[1:] for row in cr.fetchall()}
    wrong = []
    for hours, order_id in enumerate(monthend.ready_ids, 1):
        name, count, amount = drafted[order_id]
        if count != 1 or round(float(amount), 2) != round(150.0 * hours, 2):
            wrong.append(f"{name}: {count} draft(s) for {float(amount):.2f} (expected 1 for {150.0 * hours:.2f})")
    result.expect(not wrong, "engagements due and ready not drafted exactly once: " + "; ".join(wrong))
    result.numbers["ready_drafted"] = len(monthend.ready_ids) - len(wrong)


def _audit_queue(result, cr):
    cr.execute(
        """
        SELECT state, count(*) FROM queue_job
         WHERE (channel = %s OR channel LIKE %s) AND state IN %s
         GROUP BY state
        """,
        [BILLING_CHANNEL, BILLING_CHANNEL + ".%", (*OPEN_STATES, "failed")],
    )
    left = dict(cr.fetchall())
    result.expect(not left, f"jobs left on {BILLING_CHANNEL}: {left}")


def _audit_nodes(result, monthend, jobs, nginx_log):
    nodes, killed = monthend.nodes, monthend.killed
    survivors = [node for node in nodes if node is not killed]
    by_address = {node.address: node for node in nodes}
    requests = read_runjob_requests(nginx_log)
    # The node that ran a job is the one that answered its last request: a request cut by the kill is
    # passed on by nginx to the other node, which finds the job started and leaves it to the requeue.
    last_request = {request.uuid: request for request in requests}
    ran_nginx = {node.name: 0 for node in nodes}
    for request in last_request.values():
        node = by_address.get(request.final_upstream)
        if node:
            ran_nginx[node.name] += 1
    cut = [request for request in requests if _cut_by(request, killed)]
    errors = [request for request in requests if request.status.startswith("5") and request not in cut]
    ran = {node.name: 0 for node in nodes}
    for job in jobs:
        for node in nodes:
            if job.state == "done" and job.worker_pid in node.seen_pids:
                ran[node.name] += 1
    for node in nodes:
        result.expect(
            ran_nginx[node.name] > 0,
            f"nginx's log shows no job run by node {node.name} ({node.address}): no /queue_job/runjob request "
            "answered by it last",
        )
        result.expect(ran[node.name] > 0, f"no job of the run was done by a process of node {node.name}")
    requeue_logged = set().union(*(node.requeued_uuids() for node in survivors))
    by_uuid = {job.uuid: job for job in jobs}
    result.expect(bool(monthend.in_flight), f"node {killed.name} had no job in flight when it was killed")
    for dead in monthend.in_flight:
        job = by_uuid.get(dead.uuid)
        result.expect(
            job is not None and (job.retry >= REQUEUED_RETRY or dead.uuid in requeue_logged),
            f"job {dead.uuid} ({dead.name}) in flight on the killed node was not requeued "
            "(no retry, no 'Re-queued dead job' line)",
        )
        result.expect(
            job is not None and job.state == "done", f"job {dead.uuid} in flight on the killed node is not done"
        )
        finisher = next((node for node in survivors if job and job.worker_pid in node.seen_pids), None)
        last = last_request.get(dead.uuid)
        result.expect(
            finisher is not None and last is not None and by_address.get(last.final_upstream) in survivors,
            f"job {dead.uuid} in flight on the killed node was not finished by the other node "
            f"(worker pid {job and job.worker_pid}, last request answered by "
            f"{last.final_upstream if last else 'nobody'} in nginx's log)",
        )
    result.numbers.update(
        ran_nginx=ran_nginx,
        ran=ran,
        requests=len(requests),
        cut=len(cut),
        errors=len(errors),
        requeued=sum(
            1 for dead in monthend.in_flight if by_uuid.get(dead.uuid) and by_uuid[dead.uuid].retry >= REQUEUED_RETRY
        ),
        requeue_logged=len(requeue_logged),
        dependents_retry_bug=sum(node.log_count("in _enqueue_dependent_jobs") for node in survivors),
    )


def _cut_by(request, node):
    """Return whether ``request`` was on ``node`` when it died (nginx got no answer from it)."""
    if node.address not in request.upstreams:
        return False
    index = request.upstreams.index(node.address)
    statuses = request.upstream_statuses
    return (statuses[index] if index < len(statuses) else "") in ("", "502", "504")


def _report(result, monthend, jobs):
    n, t, killed = result.numbers, monthend.timeline, monthend.killed
    steps = {}
    for job in jobs:
        if job.method == STEP:
            key = "steps"
        elif job.method == EVALUATE:
            key = "evaluate"
        else:
            key = job.method.removeprefix("_job_").removesuffix("_batch")
        steps[key] = steps.get(key, 0) + 1
    durations = [job.seconds for job in jobs if job.seconds is not None]
    survivor = next(node for node in monthend.nodes if node is not killed)
    master_start, master_end = monthend.master_at_start, monthend.master_at_end
    runner = f"node {master_start.name} dispatched at the start"
    if master_end and master_end is not master_start:
        runner += f", node {master_end.name} took over"
    elif master_end:
        runner += " and to the end"
    result.lines = [
        f"Month-end on two nodes behind nginx: {monthend.database}, as on {monthend.today}, "
        f"batches of {monthend.limit}",
        f"  engagements  {n['evaluated']}/{n['engagements']} evaluated on {monthend.today} "
        f"({len(monthend.ready_ids)} added due and ready, {n.get('ready_drafted', 0)} of them drafted once "
        "for their hours)",
        f"  drafts       {n['periods_drafted']} period(s) drafted into {n['invoices']} invoice(s), "
        f"{n['amount']:,.2f} untaxed; {n['due_left']} due left, {n['duplicates']} duplicate(s); "
        f"periods by state {n['periods_by_state']}",
        f"  jobs         {len(jobs)} done: " + ", ".join(f"{key} {count}" for key, count in sorted(steps.items())),
        "  per node     "
        + ", ".join(
            f"{node.name} (:{node.port}) ran {n['ran'][node.name]} (nginx: {n['ran_nginx'][node.name]})"
            for node in monthend.nodes
        )
        + f"; {n['requests']} runjob requests in nginx's log, {n['cut']} cut by the kill and passed on, "
        f"{n['errors']} other 5xx",
        f"  runner       {runner}",
        f"  kill         node {killed.name} (SIGKILL to {monthend.killed_processes} processes) "
        f"{t.since(t.killed):.1f} s after the run was enqueued, {len(monthend.in_flight)} job(s) in flight, "
        f"{t.marks.get('evaluations done before the kill', 0)} evaluation job(s) done",
        f"  requeued     {n['requeued']} job(s) (retry 2: found dead, run again), "
        f"{n['requeue_logged']} 'Re-queued dead job' line(s); "
        f"requeued {t.requeued - t.killed:.1f} s after the kill, run by node {survivor.name}"
        if t.requeued
        else f"  requeued     {n['requeued']} job(s)",
        f"  durations    run {t.since(t.done):.1f} s, kill to end {t.done - t.killed:.1f} s; "
        f"jobs {sum(durations) / max(1, len(durations)):.2f} s on average, {max(durations or [0]):.2f} s at most",
    ]
    if n["dependents_retry_bug"]:
        result.lines.append(
            f"  note         {n['dependents_retry_bug']} runjob request(s) ended 500 after their job was done: two "
            "jobs of a group finished at once and queue_job 17.0 retried enqueue_waiting in an aborted "
            "transaction (OCA/queue#855, fixed in 18.0 by #867); the other one had released the next step"
        )
