"""The month-end run on the cluster, from its enqueueing to its last job, with one node killed in the middle.

To kill a node while it runs evaluation jobs, whatever the speed of the machine, the check holds a
row lock (the *gate*), in a transaction of its own, on the engagements of the last evaluation batches
(up to the channel's capacity) as soon as the evaluate step has enqueued them: their jobs start on
whichever node nginx gives them to and wait there, in flight, while the other evaluation jobs finish.
The check then SIGKILLs the whole process group of a node that has such jobs (the one whose runner
dispatches, when it has some), and opens the gate: the killed node's transactions roll back, the
surviving runner (after winning the advisory lock, if the dead node held it) requeues the dead jobs,
and the other node runs them and the rest of the month-end.
"""

import contextlib
import json
import math
import time
from dataclasses import dataclass, field

import psycopg2
import requests

import odoo
from odoo import SUPERUSER_ID, api

from .firm import add_ready_engagements
from .nodes import node_of_app_name, runner_holder

BILLING_CHANNEL = "root.billing"
OPEN_STATES = ("wait_dependencies", "pending", "enqueued", "started")
EVALUATE = "_job_evaluate_batch"
STEP = "_job_billing_step"


class CheckError(Exception):
    """The cluster did not do what the check waits for (with what it saw instead)."""


@dataclass
class Job:
    id: int
    uuid: str
    state: str
    method: str
    model: str
    record_ids: list
    args: list
    worker_pid: int
    retry: int
    date_started: object
    date_done: object
    channel: str
    name: str

    @property
    def step(self):
        return self.args[0] if self.method == STEP and self.args else None

    @property
    def seconds(self):
        if self.date_started and self.date_done:
            return (self.date_done - self.date_started).total_seconds()
        return None


@dataclass
class Timeline:
    started: float = 0.0
    enqueued: float = 0.0
    killed: float = 0.0
    requeued: float = 0.0
    done: float = 0.0
    marks: dict = field(default_factory=dict)

    def since(self, moment):
        return moment - self.enqueued if moment else None


class MonthEnd:
    """Enqueue the billing run (and the compliance scan when it dispatches jobs), hold, kill, finish."""

    def __init__(self, database, nodes, nginx_port, limit, ready=0, capacity=4, timeout=600, log=print):
        self.database = database
        self.nodes = nodes
        self.nginx_port = nginx_port
        self.limit = limit
        self.ready = ready
        self.ready_ids = []
        self.capacity = capacity
        self.timeout = timeout
        self.log = log
        self.registry = odoo.registry(database)
        self.timeline = Timeline(started=time.monotonic())
        self.gated = set()
        self.stale_ids = []
        self.today = None
        self.first_job_id = 0
        self.first_move_id = 0
        self.compliance_jobs = None
        self.master_at_start = None
        self.master_at_end = None
        self.killed = None
        self.killed_processes = 0
        self.in_flight = []
        self.requeued_seen = set()
        self._gate = None
        self._monitor = None

    # ------------------------------------------------------------
    # Driver
    # ------------------------------------------------------------

    def run(self):
        """Run the month-end through the kill; return the run's jobs, all finished."""
        self._monitor = self._connect("monitor", autocommit=True)
        try:
            self._wait_ready()
            self._prepare()
            self._enqueue()
            self._close_gate()
            self.in_flight, self.killed = self._wait_for_kill_moment()
            self.killed_processes = self.killed.kill()
            self.timeline.killed = time.monotonic()
            self.log(
                f"SIGKILL node {self.killed.name} (process group {self.killed.pgid}, "
                f"{self.killed_processes} processes) with {len(self.in_flight)} job(s) in flight: "
                + ", ".join(job.uuid for job in self.in_flight)
            )
            self._open_gate()
            jobs = self._wait_done()
            with self._monitor.cursor() as cr:
                self.master_at_end = runner_holder(cr, self.nodes)
            return jobs
        finally:
            self._open_gate()
            self._monitor.close()

    # ------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------

    def _wait_ready(self):
        """Wait until both nodes and nginx answer and one job runner holds the advisory lock."""
        urls = [f"http://{node.address}/web/health" for node in self.nodes]
        urls.append(f"http://127.0.0.1:{self.nginx_port}/web/health")
        deadline = time.monotonic() + 180
        pending = list(urls)
        while pending:
            pending = [url for url in pending if not _answers(url)]
            if pending and time.monotonic() > deadline:
                raise CheckError("no answer from " + ", ".join(pending) + " after 180 s (see the nodes' logs)")
            if pending:
                time.sleep(0.5)
        while True:
            with self._monitor.cursor() as cr:
                self.master_at_start = runner_holder(cr, self.nodes)
            if self.master_at_start:
                break
            if time.monotonic() > deadline:
                raise CheckError("no job runner holds the advisory lock of the database after 180 s")
            time.sleep(0.5)
        for node in self.nodes:
            node.pids()
        self.log(
            "nodes ready: "
            + ", ".join(f"{node.name} on :{node.port} ({len(node.seen_pids)} processes)" for node in self.nodes)
            + f"; the job runner of node {self.master_at_start.name} dispatches"
        )

    def _prepare(self):
        """Add the engagements due and ready, and read what the run has to do."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Readiness = env["ps.billing.readiness"]
            self.today = env.company._ps_today()
            self.ready_ids = add_ready_engagements(env, self.today, self.ready).ids
            self.stale_ids = env["sale.order"].search(Readiness._get_stale_domain(self.today), order="id").ids
            cr.execute("SELECT COALESCE(max(id), 0) FROM queue_job")
            self.first_job_id = cr.fetchone()[0] + 1
            cr.execute("SELECT COALESCE(max(id), 0) FROM account_move")
            self.first_move_id = cr.fetchone()[0] + 1
        batches = math.ceil(len(self.stale_ids) / self.limit)
        if batches < 2:
            raise CheckError(
                f"{len(self.stale_ids)} engagement(s) to evaluate in batches of {self.limit}: one batch, nothing "
                "to kill in the middle of; pass a smaller --limit"
            )
        self.log(
            f"the month-end of {self.today}: {len(self.ready_ids)} engagements due and ready added; "
            f"{len(self.stale_ids)} engagements to evaluate in {batches} batches of {self.limit}"
        )

    def _close_gate(self):
        """As soon as the evaluate step has enqueued its batches, lock the engagements of the last ones.

        The runner dispatches the batches in the order of their jobs, as many at a time as the channel
        takes: the last ones are still waiting when the gate closes on them (a row already locked by a
        batch that did start is skipped, and that batch runs free). The step itself has written what
        it writes (the deemed acceptance) by then: the gate never holds it.
        """
        deadline = time.monotonic() + 180
        while True:
            jobs = self._jobs()
            self._fail_on_failed(jobs)
            batches = [job for job in jobs if job.method == EVALUATE]
            if batches:
                break
            if time.monotonic() > deadline:
                raise CheckError("the evaluate step enqueued no batch within 180 s; " + self._diagnose(jobs))
            time.sleep(0.05)
        count = min(self.capacity, len(batches) // 2)
        held = [job for job in batches[-count:] if job.state == "pending"]
        self._gate = self._connect("gate")
        with self._gate.cursor() as cr:
            cr.execute(
                "SELECT id FROM sale_order WHERE id = ANY(%s) ORDER BY id FOR UPDATE SKIP LOCKED",
                [sorted({order_id for job in held for order_id in job.record_ids})],
            )
            self.gated = {row[0] for row in cr.fetchall()}
        held = [job for job in held if set(job.record_ids) & self.gated]
        if not held:
            raise CheckError(f"every one of the {len(batches)} evaluation batches started before the gate closed")
        self.log(f"{len(batches)} evaluation batches enqueued; the last {len(held)} held in flight at the gate")

    def _open_gate(self):
        if self._gate is not None:
            with contextlib.suppress(psycopg2.Error):
                self._gate.rollback()
                self._gate.close()
            self._gate = None

    def _enqueue(self):
        """Call the scheduled actions' dispatchers as Odoo's cron would, and commit."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ps.billing.readiness"]._cron_billing_run(limit=self.limit)
            if "ps.timesheet.compliance" in env:
                self.compliance_jobs = self._enqueue_compliance_scan(env)
        self.timeline.enqueued = time.monotonic()
        scan = (
            f"the compliance scan enqueued {self.compliance_jobs} job(s)"
            if self.compliance_jobs
            else "the compliance scan dispatches no job yet: not part of this run"
        )
        self.log(f"billing run enqueued; {scan}")

    def _enqueue_compliance_scan(self, env):
        """Return how many jobs the compliance scan enqueued; a scan that still does its work inline (no
        dispatcher yet) is rolled back: it is no cluster work."""
        cr = env.cr
        cr.execute("SELECT count(*) FROM queue_job")
        before = cr.fetchone()[0]
        savepoint = cr.savepoint()
        env["ps.timesheet.compliance"]._cron_scan_compliance(limit=self.limit)
        env.flush_all()
        cr.execute("SELECT count(*) FROM queue_job")
        added = cr.fetchone()[0] - before
        savepoint.close(rollback=not added)
        if not added:
            env.invalidate_all()
        return added

    def _wait_for_kill_moment(self):
        """Wait until held evaluation jobs are in flight, after the others are done (or made no progress for
        5 s: a free batch may queue behind a node's workers that the gate holds); return (the jobs in flight
        on the node to kill, that node)."""
        deadline = time.monotonic() + min(self.timeout, 240)
        first_held, progress, progress_at = None, -1, time.monotonic()
        while True:
            jobs = self._jobs()
            self._fail_on_failed(jobs)
            evaluations = [job for job in jobs if job.method == EVALUATE]
            held = [job for job in evaluations if set(job.record_ids) & self.gated]
            free = [job for job in evaluations if job not in held]
            done = sum(job.state == "done" for job in free)
            if done != progress:
                progress, progress_at = done, time.monotonic()
            waiting = self._waiting_at_gate()
            in_flight = {}
            for node in self.nodes:
                pids = node.pids()
                jobs_here = [job for job in held if job.state == "started" and job.worker_pid in pids]
                if jobs_here and waiting.get(node.name, 0) >= len(jobs_here):
                    in_flight[node.name] = jobs_here
            if done and in_flight:
                first_held = first_held or time.monotonic()
                count = sum(len(jobs_here) for jobs_here in in_flight.values())
                settled = done == len(free) and (count >= len(held) or time.monotonic() - first_held > 5)
                if settled or time.monotonic() - progress_at > 5:
                    return self._choose_victim(in_flight)
            if time.monotonic() > deadline:
                raise CheckError(
                    f"no moment to kill a node after {min(self.timeout, 240)} s: "
                    f"{done}/{len(free)} free evaluation jobs done, "
                    f"{len(held)} held, in flight {({name: len(v) for name, v in in_flight.items()})}; "
                    + self._diagnose(jobs)
                )
            time.sleep(0.3)

    def _choose_victim(self, in_flight):
        with self._monitor.cursor() as cr:
            master = runner_holder(cr, self.nodes)
        if master and master.name in in_flight:
            name = master.name
        else:
            name = max(in_flight, key=lambda key: len(in_flight[key]))
        node = next(node for node in self.nodes if node.name == name)
        self.timeline.marks["evaluations done before the kill"] = sum(
            job.state == "done" for job in self._jobs() if job.method == EVALUATE
        )
        return in_flight[name], node

    def _wait_done(self):
        """Wait until every job of the run is done and the digest step closed it; return the jobs."""
        deadline = time.monotonic() + self.timeout
        dead = {job.uuid for job in self.in_flight}
        while True:
            jobs = self._jobs()
            self._fail_on_failed(jobs)
            for job in jobs:
                if job.uuid in dead and job.uuid not in self.requeued_seen and (job.retry or job.state != "started"):
                    self.requeued_seen.add(job.uuid)
                    if not self.timeline.requeued:
                        self.timeline.requeued = time.monotonic()
                        self.log(
                            f"dead job {job.uuid} requeued {time.monotonic() - self.timeline.killed:.1f} s "
                            "after the kill"
                        )
            open_jobs = [job for job in jobs if job.state in OPEN_STATES]
            digest = [job for job in jobs if job.step == "digest" and job.state == "done"]
            if digest and not open_jobs:
                self.timeline.done = time.monotonic()
                self.log(f"month-end done: {len(jobs)} jobs, {self.timeline.done - self.timeline.enqueued:.1f} s")
                return jobs
            if time.monotonic() > deadline:
                raise CheckError(f"the month-end did not finish within {self.timeout} s; " + self._diagnose(jobs))
            time.sleep(0.5)

    # ------------------------------------------------------------
    # What the database says
    # ------------------------------------------------------------

    def _jobs(self):
        """Return the jobs of the run (and of any scheduled action called since), oldest first."""
        with self._monitor.cursor() as cr:
            cr.execute(
                """
                SELECT id, uuid, state, method_name, model_name, records, args, worker_pid, retry,
                       date_started, date_done, channel, name
                  FROM queue_job
                 WHERE id >= %s
                 ORDER BY id
                """,
                [self.first_job_id],
            )
            rows = cr.fetchall()
        for node in self.nodes:
            node.pids()
        return [
            Job(
                id=row[0],
                uuid=row[1],
                state=row[2],
                method=row[3],
                model=row[4],
                record_ids=_loads(row[5], {}).get("ids", []),
                args=_loads(row[6], []),
                worker_pid=row[7],
                retry=row[8] or 0,
                date_started=row[9],
                date_done=row[10],
                channel=row[11],
                name=row[12],
            )
            for row in rows
        ]

    def _waiting_at_gate(self):
        """Return {node name: how many of its transactions wait for the gate's lock}."""
        if self._gate is None:
            return {}
        with self._monitor.cursor() as cr:
            cr.execute(
                "SELECT application_name FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                [self._gate.get_backend_pid()],
            )
            names = [row[0] for row in cr.fetchall()]
        waiting = {}
        for name in names:
            node, _pid = node_of_app_name(name, self.nodes)
            if node:
                waiting[node.name] = waiting.get(node.name, 0) + 1
        return waiting

    def _fail_on_failed(self, jobs):
        failed = [job for job in jobs if job.state == "failed"]
        if failed:
            with self._monitor.cursor() as cr:
                cr.execute(
                    "SELECT uuid, exc_name, exc_message FROM queue_job WHERE id = ANY(%s)", [[j.id for j in failed]]
                )
                reasons = "; ".join(f"{uuid}: {name} {message}" for uuid, name, message in cr.fetchall())
            raise CheckError(f"{len(failed)} job(s) failed: {reasons}")

    def _diagnose(self, jobs):
        """Return what the jobs and the database's sessions are doing, for a failure message."""
        states = {}
        for job in jobs:
            states[job.state] = states.get(job.state, 0) + 1
        with self._monitor.cursor() as cr:
            cr.execute(
                """
                SELECT application_name, wait_event_type, state, left(query, 120)
                  FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name LIKE 'bc_cluster-%%'
                   AND state <> 'idle'
                """
            )
            sessions = cr.fetchall()
        busy = "; ".join(f"{name} {wait or ''} {state}: {query}" for name, wait, state, query in sessions)
        open_jobs = ", ".join(
            f"{job.name or job.method} [{job.state}, pid {job.worker_pid}]" for job in jobs if job.state in OPEN_STATES
        )
        return f"jobs by state {states}; open: {open_jobs or 'none'}; busy sessions: {busy or 'none'}"

    def _connect(self, purpose, autocommit=False):
        _name, info = odoo.sql_db.connection_info_for(self.database)
        info = dict(info, application_name=f"bc_cluster_check-{purpose}")
        connection = psycopg2.connect(**info)
        connection.autocommit = autocommit
        return connection


def _answers(url):
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _loads(value, default):
    if not value:
        return default
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default
