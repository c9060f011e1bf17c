"""Command line of the generator and the benchmark (called by bin/generate-firm and bin/benchmark).

python -m bc_bench.cli generate -c CONFIG -d DB --size S --seed 42
python -m bc_bench.cli benchmark -c CONFIG -d DB [--runs 5] [--output FILE]
"""

import argparse
import logging
import sys
import time


def _environment(config, database):
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(database)
    cr = registry.cursor()
    return cr, api.Environment(cr, SUPERUSER_ID, {})


def _print(message):
    print(message, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bc_bench")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="fill a database with a synthetic firm")
    bench = commands.add_parser("benchmark", help="measure the suite on a generated firm")
    for sub in (gen, bench):
        sub.add_argument("-c", "--config", required=True)
        sub.add_argument("-d", "--database", required=True)
    gen.add_argument("--size", choices=("tiny", "S", "M"), default="S")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--anchor", help="the firm's today (YYYY-MM-DD); default: today")
    bench.add_argument("--runs", type=int, default=5)
    bench.add_argument("--output", help="also write the markdown table to this file")
    bench.add_argument("--only", help="comma-separated measurements (readiness,drafting,compliance,routing)")
    bench.add_argument("--profile", help="write a pyinstrument profile of one measurement to this HTML file")
    args = parser.parse_args(argv)

    logging.getLogger("odoo").setLevel(logging.WARNING)
    cr, env = _environment(args.config, args.database)
    try:
        if args.command == "generate":
            from .generator import generate

            _print(f"Generating a firm of size {args.size} (seed {args.seed}) into {args.database}")
            generate(env, size=args.size, seed=args.seed, anchor=args.anchor, log=_print)
            started = time.perf_counter()
            cr.commit()
            _print(f"{'commit':<28} {time.perf_counter() - started:8.1f} s")
        else:
            from .benchmark import run

            only = set(args.only.split(",")) if args.only else None
            result = run(env, runs=args.runs, log=_print, only=only, profile=args.profile)
            table = result.markdown()
            _print("")
            _print(table)
            if args.output:
                with open(args.output, "w") as handle:
                    handle.write(table + "\n")
                _print(f"\n(written to {args.output})")
            cr.rollback()
    finally:
        cr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
