"""Benchmark of POST /billing/v1/timesheets:batch against the same lines through JSON-RPC ``create``.

    $VENV/bin/python tools/bench_api.py -c CONFIG -d DB --url http://localhost:8069 --lines 20000
    $VENV/bin/python tools/bench_api.py -c CONFIG -d COPY_OF_A_FIRM --url ... --firm --lines 10000

CONFIG and DB are those of a running server at URL (a scratch database: the script commits its firm:
an engagement, employees, mappings, an API client and its key). With --firm, the database holds a
firm of bin/generate-firm (a copy: the script commits into it): the lines go to its engagements
(--engagements of them, open time-and-materials ones, each line a day inside its engagement) and its
employees, which the script maps under a source of its own; it adds the API client and its key. It
then sends the lines three ways, each with lines of its own, and prints lines/s:
  - api:         POST /timesheets:batch, 1,000 lines a request (validated, upserted, mapped);
  - rpc-batch:   JSON-RPC execute_kw account.analytic.line create, 1,000 lines a call (no checks, no upsert);
  - rpc-single:  JSON-RPC create one line a call, as a naive sync does (on --single lines).
"""

import argparse
import json
import random
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
            "projects": [("p", project.id, (date.today() - timedelta(days=79)).isoformat(), None)],
            "api_key": api_key,
            "admin_id": admin.id,
            "admin_key": admin_key,
        }


def setup_firm(config, db, engagements, employees):
    """Map ``engagements`` open time-and-materials engagements and ``employees`` employees of the firm
    in ``db`` under a source of the script's own; add an API client, its key and the admin's key."""
    import odoo
    from odoo import Command, api, fields

    odoo.tools.config.parse_config(["-c", config, "-d", db])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        stamp = str(int(time.time()))
        yesterday = date.today() - timedelta(days=1)
        projects = []
        candidates = env["project.project"].search(
            [("allow_billable", "=", True), ("sale_line_id", "!=", False)], order="id"
        )
        for project in candidates:
            order = project.sale_line_id.order_id
            if order.state != "sale" or order.locked:
                continue
            if project.sale_line_id.product_id.service_policy != "delivered_timesheet":
                continue
            start = max(filter(None, [order.date_order and order.date_order.date(), project.date_start]))
            end = min(filter(None, [project.date, yesterday]))
            if (end - start).days < 7:
                continue
            projects.append((f"p{project.id}", project.id, start.isoformat(), end.isoformat()))
            if len(projects) == engagements:
                break
        company = env["project.project"].browse(projects[0][1]).company_id if projects else env.company
        people = env["hr.employee"].search([("company_id", "in", [company.id, False])], order="id", limit=employees)
        if not projects or not people:
            sys.exit("no open time-and-materials engagement or no employee in the firm")
        source = f"bench-{stamp}"
        env["ps.sync.mapping"].create(
            [
                {"source": source, "res_model": "hr.employee", "external_id": f"e{i}", "res_id": e.id}
                for i, e in enumerate(people)
            ]
            + [
                {"source": source, "res_model": "project.project", "external_id": external, "res_id": project_id}
                for external, project_id, __, __ in projects
            ]
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
        print(
            f"firm: {len(projects)} engagements, {len(people)} employees mapped; "
            f"{env['account.analytic.line'].search_count([('project_id', '!=', False)])} timesheet lines "
            f"in the database ({fields.Date.today()})"
        )
        return {
            "source": source,
            "employees": [(f"e{i}", e.id) for i, e in enumerate(people)],
            "projects": projects,
            "task": False,
            "api_key": api_key,
            "admin_id": admin.id,
            "admin_key": admin_key,
        }


def lines(firm, count, prefix):
    """Yield ``count`` lines: (index, employee's external id, employee id, project's external id,
    project id, day), an engagement and an employee at random, a day inside the engagement."""
    rng = random.Random(f"{prefix}-{count}")  # noqa: S311 -- reproducible test data, no secret
    employees, projects = firm["employees"], firm["projects"]
    today = date.today()
    for index in range(count):
        external, employee_id = rng.choice(employees)
        project_external, project_id, start, end = rng.choice(projects)
        first = date.fromisoformat(start)
        last = date.fromisoformat(end) if end else today - timedelta(days=1)
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        yield index, external, employee_id, project_external, project_id, day


def run_api(url, firm, count, tag="api"):
    session = requests.Session()
    headers = {"Authorization": f"Bearer {firm['api_key']}", "Content-Type": "application/json"}
    batch, start = [], time.perf_counter()
    for index, external, __, project_external, __, day in lines(firm, count, tag):
        batch.append(
            {
                "source": firm["source"],
                "external_id": f"{tag}-{index}",
                "employee": external,
                "project": project_external,
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


def rpc_vals(firm, employee_id, project_id, day):
    return {
        "name": "bench",
        "employee_id": employee_id,
        "project_id": project_id,
        "task_id": firm["task"],
        "date": day.isoformat(),
        "unit_amount": 0.25,
    }


def run_rpc_batch(url, db, firm, count, tag="rpc"):
    session = requests.Session()
    batch, start = [], time.perf_counter()
    for __, __, employee_id, __, project_id, day in lines(firm, count, tag):
        batch.append(rpc_vals(firm, employee_id, project_id, day))
        if len(batch) == BATCH:
            rpc(session, url, db, firm, "create", [batch])
            batch = []
    if batch:
        rpc(session, url, db, firm, "create", [batch])
    return time.perf_counter() - start


def run_rpc_single(url, db, firm, count):
    session = requests.Session()
    start = time.perf_counter()
    for __, __, employee_id, __, project_id, day in lines(firm, count, "single"):
        rpc(session, url, db, firm, "create", [rpc_vals(firm, employee_id, project_id, day)])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=1_000)
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="alternate the API and JSON-RPC batches in rounds")
    parser.add_argument("--firm", action="store_true", help="use the firm in the database (a copy of one)")
    parser.add_argument("--engagements", type=int, default=200, help="with --firm: engagements the lines go to")
    options = parser.parse_args()
    if options.firm:
        firm = setup_firm(options.config, options.database, options.engagements, options.employees)
    else:
        firm = setup(options.config, options.database, options.employees)
    # In rounds, the API and JSON-RPC batches in turn: a load on the machine that comes and goes
    # weighs on both alike.
    per_round = max(1, options.lines // options.rounds)
    api_seconds = rpc_seconds = 0.0
    for round_ in range(options.rounds):
        api_seconds += run_api(options.url, firm, per_round, f"api{round_}")
        rpc_seconds += run_rpc_batch(options.url, options.database, firm, per_round, f"rpc{round_}")
    results = {
        "api": (per_round * options.rounds, api_seconds),
        "rpc-batch": (per_round * options.rounds, rpc_seconds),
        "rpc-single": (options.single, run_rpc_single(options.url, options.database, firm, options.single)),
    }
    for name, (count, seconds) in results.items():
        print(f"{name:11} {count:7d} lines in {seconds:7.1f} s: {count / seconds:7.0f} lines/s")
    api_rate = results["api"][0] / results["api"][1]
    for name in ("rpc-batch", "rpc-single"):
        count, seconds = results[name]
        print(f"api / {name}: {api_rate / (count / seconds):.2f}x")


if __name__ == "__main__":
    main()
