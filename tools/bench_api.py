"""Benchmark of POST /billing/v1/timesheets:batch against the same lines through JSON-RPC ``create``.

    $VENV/bin/python tools/bench_api.py -c CONFIG -d DB --url http://localhost:8069 --lines 20000

CONFIG and DB are those of a running server at URL (a scratch database: the script commits its firm:
an engagement, employees, mappings, an API client and its key). It then sends the lines three ways,
each with lines of its own, and prints lines/s:
  - api:         POST /timesheets:batch, 1,000 lines a request (validated, upserted, mapped);
  - rpc-batch:   JSON-RPC execute_kw account.analytic.line create, 1,000 lines a call (no checks, no upsert);
  - rpc-single:  JSON-RPC create one line a call, as a naive sync does (on --single lines).
"""

import argparse
import itertools
import json
import sys
import time
from datetime import date, timedelta

import requests

BATCH = 1000


def setup(config, db, employees):
    import odoo
    from odoo import Command, api

    odoo.tools.config.parse_config(["-c", config, "-d", db])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        stamp = str(int(time.time()))
        product = env["product.product"].create(
            {
                "name": f"Bench consulting {stamp}",
                "type": "service",
                "list_price": 100.0,
                "service_tracking": "task_in_project",
                "service_type": "timesheet",
                "invoice_policy": "delivery",
                "uom_id": env.ref("uom.product_uom_hour").id,
                "uom_po_id": env.ref("uom.product_uom_hour").id,
            }
        )
        client = env["res.partner"].create({"name": f"Bench client {stamp}", "is_company": True})
        order = env["sale.order"].create(
            {
                "partner_id": client.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1_000_000})],
            }
        )
        order.action_confirm()
        order.date_order = date.today() - timedelta(days=90)
        project = order.order_line.project_id[:1]
        task = order.order_line.task_id[:1]
        people = env["hr.employee"].create([{"name": f"Bench {stamp} {i}"} for i in range(employees)])
        source = f"bench-{stamp}"
        env["ps.sync.mapping"].create(
            [
                {"source": source, "res_model": "hr.employee", "external_id": f"e{i}", "res_id": e.id}
                for i, e in enumerate(people)
            ]
            + [{"source": source, "res_model": "project.project", "external_id": "p", "res_id": project.id}]
        )
        client_user = env["res.users"].create(
            {
                "name": f"Bench sync {stamp}",
                "login": f"bench_sync_{stamp}",
                "groups_id": [Command.set([env.ref("ps_billing_api.group_api_sync").id])],
            }
        )
        api_key = env["res.users.apikeys"].with_user(client_user)._generate(None, "bench")
        admin = env.ref("base.user_admin")
        admin_key = env["res.users.apikeys"].with_user(admin)._generate(None, "bench")
        cr.commit()
        return {
            "source": source,
            "employees": [(f"e{i}", e.id) for i, e in enumerate(people)],
            "project": project.id,
            "task": task.id,
            "api_key": api_key,
            "admin_id": admin.id,
            "admin_key": admin_key,
        }


def lines(firm, count, prefix):
    days = [date.today() - timedelta(days=d) for d in range(1, 80)]
    combos = itertools.cycle(itertools.product(firm["employees"], days))
    for index in range(count):
        (external, employee_id), day = next(combos)
        yield index, external, employee_id, day


def run_api(url, firm, count):
    session = requests.Session()
    headers = {"Authorization": f"Bearer {firm['api_key']}", "Content-Type": "application/json"}
    batch, start = [], time.perf_counter()
    for index, external, __, day in lines(firm, count, "api"):
        batch.append(
            {
                "source": firm["source"],
                "external_id": f"api-{index}",
                "employee": external,
                "project": "p",
                "date": day.isoformat(),
                "hours": 0.25,
                "description": "bench",
            }
        )
        if len(batch) == BATCH:
            post_batch(session, url, headers, batch)
            batch = []
    if batch:
        post_batch(session, url, headers, batch)
    return time.perf_counter() - start


def post_batch(session, url, headers, batch):
    response = session.post(
        f"{url}/billing/v1/timesheets:batch", data=json.dumps({"lines": batch}), headers=headers, timeout=600
    )
    if response.status_code != 200:
        sys.exit(f"batch refused: {response.status_code} {response.text[:500]}")


def rpc(session, url, db, firm, method, args):
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [db, firm["admin_id"], firm["admin_key"], "account.analytic.line", method, args],
        },
    }
    response = session.post(f"{url}/jsonrpc", json=payload, timeout=600).json()
    if "error" in response:
        sys.exit(f"rpc error: {response['error']['data']['message']}")
    return response["result"]


def rpc_vals(firm, employee_id, day):
    return {
        "name": "bench",
        "employee_id": employee_id,
        "project_id": firm["project"],
        "task_id": firm["task"],
        "date": day.isoformat(),
        "unit_amount": 0.25,
    }


def run_rpc_batch(url, db, firm, count):
    session = requests.Session()
    batch, start = [], time.perf_counter()
    for __, __, employee_id, day in lines(firm, count, "rpc"):
        batch.append(rpc_vals(firm, employee_id, day))
        if len(batch) == BATCH:
            rpc(session, url, db, firm, "create", [batch])
            batch = []
    if batch:
        rpc(session, url, db, firm, "create", [batch])
    return time.perf_counter() - start


def run_rpc_single(url, db, firm, count):
    session = requests.Session()
    start = time.perf_counter()
    for __, __, employee_id, day in lines(firm, count, "single"):
        rpc(session, url, db, firm, "create", [rpc_vals(firm, employee_id, day)])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=1_000)
    parser.add_argument("--employees", type=int, default=200)
    options = parser.parse_args()
    firm = setup(options.config, options.database, options.employees)
    results = {
        "api": (options.lines, run_api(options.url, firm, options.lines)),
        "rpc-batch": (options.lines, run_rpc_batch(options.url, options.database, firm, options.lines)),
        "rpc-single": (options.single, run_rpc_single(options.url, options.database, firm, options.single)),
    }
    for name, (count, seconds) in results.items():
        print(f"{name:11} {count:7d} lines in {seconds:7.1f} s: {count / seconds:7.0f} lines/s")


if __name__ == "__main__":
    main()
