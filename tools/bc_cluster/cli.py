"""Command line of the cluster check (called by bin/cluster-check).

python -m bc_cluster.cli configure CONF --queue-host 127.0.0.1 --queue-port 8790 --channels root:4,root.billing:4
python -m bc_cluster.cli check -c CONF -d DB --node A:PGID:PORT:LOG --node B:PGID:PORT:LOG
                               --nginx-port 8790 --nginx-log FILE [--limit 1] [--ready 4] [--timeout 600]
"""

import argparse
import configparser
import logging
import sys
import time

PASSED = "cluster-check passed"
FAILED = "cluster-check FAILED"


def _print(message):
    # A command line prints its report.
    print(message, flush=True)  # pylint: disable=print-used


def _progress(message):
    _print(f"[cluster-check {time.strftime('%H:%M:%S')}] {message}")


def configure(path, host, port, channels):
    """Point the job runner of the node configured by ``path`` at the load balancer, with these channels."""
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(path)
    if not cfg.has_section("queue_job"):
        cfg.add_section("queue_job")
    cfg["queue_job"].update({"channels": channels, "scheme": "http", "host": host, "port": str(port)})
    with open(path, "w") as handle:
        cfg.write(handle)


def _node(value):
    from .nodes import Node

    try:
        name, pgid, port, log = value.split(":", 3)
        return Node(name=name, pgid=int(pgid), port=int(port), log=log)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"--node NAME:PGID:PORT:LOG, got {value}") from error


def check(args):
    """Run the month-end on the cluster and audit it; return the exit status (0: every assertion held)."""
    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    from .audit import audit
    from .monthend import CheckError, MonthEnd

    monthend = MonthEnd(
        args.database, args.node, args.nginx_port, args.limit, ready=args.ready, timeout=args.timeout, log=_progress
    )
    try:
        jobs = monthend.run()
    except CheckError as error:
        _print(f"{FAILED}: {error}")
        return 1
    result = audit(monthend, jobs, args.nginx_log)
    _print("")
    for line in result.lines:
        _print(line)
    _print("")
    if result.failures:
        for failure in result.failures:
            _print(f"  - {failure}")
        _print(f"{FAILED}: {len(result.failures)} assertion(s) did not hold")
        return 1
    n = result.numbers
    _print(
        f"{PASSED}: {n['evaluated']} engagements evaluated once, {n['periods_drafted']} periods drafted once, "
        f"{len(jobs)} jobs on 2 nodes, node {monthend.killed.name} killed with {len(monthend.in_flight)} in flight, "
        f"{n['requeued']} requeued and finished by the other node"
    )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bc_cluster")
    commands = parser.add_subparsers(dest="command", required=True)
    conf = commands.add_parser("configure", help="point a node's job runner at the load balancer")
    conf.add_argument("path")
    conf.add_argument("--queue-host", required=True)
    conf.add_argument("--queue-port", type=int, required=True)
    conf.add_argument("--channels", required=True)
    run = commands.add_parser("check", help="run the month-end on the cluster, kill a node, audit")
    run.add_argument("-c", "--config", required=True)
    run.add_argument("-d", "--database", required=True)
    run.add_argument("--node", type=_node, action="append", required=True)
    run.add_argument("--nginx-port", type=int, required=True)
    run.add_argument("--nginx-log", required=True)
    run.add_argument("--limit", type=int, default=1, help="engagements per job")
    run.add_argument("--ready", type=int, default=4, help="engagements due and ready to add to the firm")
    run.add_argument("--timeout", type=int, default=600, help="seconds each phase may take")
    args = parser.parse_args(argv)
    if args.command == "configure":
        configure(args.path, args.queue_host, args.queue_port, args.channels)
        return 0
    logging.getLogger("odoo").setLevel(logging.WARNING)
    if len(args.node) != 2:
        parser.error("two --node")
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
