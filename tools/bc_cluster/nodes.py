"""The processes of the cluster as the check sees them: the nodes' process groups, their logs, nginx's log."""

import os
import re
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

# queue_job's jobrunner/runner.py: the advisory lock that elects the runner that dispatches.
RUNNER_LOCK_ID = 2293787760715711918
REQUEUED = re.compile(r"Re-queued dead job with uuid: (\S+)")
# Each node's connections are named so by bin/cluster-check (ODOO_PGAPPNAME=bc_cluster-<node>-{pid}); the
# pid is the one that first connected (the master that preloads the registry), not always the worker's.
APP_NAME = re.compile(r"^bc_cluster-(?P<node>[^-]+)-(?P<pid>\d+)$")


@dataclass
class Node:
    """One Odoo node: its master process leads a process group that holds its workers and job runner."""

    name: str
    pgid: int
    port: int
    log: str
    seen_pids: set = field(default_factory=set)

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def pids(self):
        """Return the live processes of the node's process group (zombies excluded); remember them."""
        pids = process_group(self.pgid)
        self.seen_pids |= pids
        return pids

    def kill(self):
        """SIGKILL the whole process group (master, HTTP workers, job runner); return how many processes
        it had."""
        count = len(self.pids())
        os.killpg(self.pgid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while process_group(self.pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
        return count

    def log_count(self, text):
        """Return how many times ``text`` occurs in the node's log."""
        path = Path(self.log)
        return path.read_text(errors="replace").count(text) if path.exists() else 0

    def log_lines(self, text):
        """Return the lines of the node's log that hold ``text`` (from the Odoo logger's name on)."""
        path = Path(self.log)
        if not path.exists():
            return []
        return [line.split(" odoo.", 1)[-1] for line in path.read_text(errors="replace").splitlines() if text in line]

    def requeued_uuids(self):
        """Return the uuids of the jobs this node's job runner logged as requeued dead."""
        path = Path(self.log)
        if not path.exists():
            return set()
        return set(REQUEUED.findall(path.read_text(errors="replace")))


def process_group(pgid):
    """Return the pids of the live (not zombie) processes of process group ``pgid``."""
    pids = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        fields_ = stat[stat.rindex(")") + 2 :].split()
        if fields_[0] != "Z" and int(fields_[2]) == pgid:
            pids.add(int(entry.name))
    return pids


def node_of_app_name(app_name, nodes):
    """Return (node, pid) of a PostgreSQL connection named by a node, else (None, None)."""
    match = APP_NAME.match(app_name or "")
    if not match:
        return None, None
    return next((node for node in nodes if node.name == match["node"]), None), int(match["pid"])


def runner_holder(cr, nodes):
    """Return the node whose job runner holds the database's advisory lock (the dispatching one), or None."""
    cr.execute(
        """
        SELECT a.application_name
          FROM pg_locks l
          JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND ((l.classid::bigint << 32) | l.objid::bigint) = %s
        """,
        [RUNNER_LOCK_ID],
    )
    row = cr.fetchone()
    return node_of_app_name(row[0], nodes)[0] if row else None


@dataclass
class Request:
    """One /queue_job/runjob request in nginx's log: the node that answered it last, and how."""

    time: str
    status: str
    upstreams: list
    upstream_statuses: list
    upstream_time: str
    uuid: str

    @property
    def final_upstream(self):
        return self.upstreams[-1] if self.upstreams else None


def read_runjob_requests(path):
    """Return the /queue_job/runjob requests of nginx's log (format ``cluster`` of
    deploy/nginx-cluster.conf.template), in the order they ended."""
    requests = []
    log = Path(path)
    if not log.exists():
        return requests
    for line in log.read_text(errors="replace").splitlines():
        parts = line.split("|", 6)
        if len(parts) != 7 or not parts[6].startswith("/queue_job/runjob"):
            continue
        when, status, addrs, statuses, upstream_time, _request_time, uri = parts
        uuid = parse_qs(urlsplit(uri).query).get("job_uuid", [""])[0]
        requests.append(
            Request(
                time=when,
                status=status,
                upstreams=_split_upstreams(addrs),
                upstream_statuses=_split_upstreams(statuses),
                upstream_time=upstream_time,
                uuid=uuid,
            )
        )
    return requests


def _split_upstreams(value):
    # nginx separates the servers it tried with ", " (and groups with " : ").
    return [item for item in re.split(r"\s*[,:]\s+", value.strip()) if item and item != "-"]
