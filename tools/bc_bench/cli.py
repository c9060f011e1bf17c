"""Command line of the generator and the benchmark (called by bin/generate-firm and bin/benchmark).

python -m bc_bench.cli generate -c CONFIG -d DB --size S --seed 42
python -m bc_bench.cli benchmark -c CONFIG -d DB [--runs 5] [--output FILE] [--oca-db DB_OCA]
"""

import argparse
import logging
import sys
import time


def _environment(config, database):
    import odoo

    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    return _open(database)


def _open(database):
    """Return (cursor, superuser environment) of ``database`` (its registry loaded in this process)."""
    import odoo
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(database)
    cr = registry.cursor()
    return cr, api.Environment(cr, SUPERUSER_ID, {})


def _print(message):
    # A command line prints its report.
    print(message, flush=True)  # pylint: disable=print-used


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
    bench.add_argument(
        "--only", help="comma-separated measurements (readiness,drafting,compliance,routing,monthend,events,triage)"
    )
    bench.add_argument(
        "--profile", help="MEASURE=FILE: a pyinstrument profile of one measurement (HTML, or text for .txt)"
    )
    bench.add_argument("--oca-db", help="the copy of the firm with OCA's tier validation (routing compared to it)")
    args = parser.parse_args(argv)

    logging.getLogger("odoo").setLevel(logging.WARNING)
    cr, env = _environment(args.config, args.database)
    try:
        if args.command == "generate":
            from .generator import generate

            _print(f"Generating a firm of size {args.size} (seed {args.seed}) into {args.database}")
            generate(env, size=args.size, seed=args.seed, anchor=args.anchor, log=_print)
            started = time.perf_counter()
            # The generated firm is what the command makes.
            cr.commit()  # pylint: disable=invalid-commit
            _print(f"{'commit':<28} {time.perf_counter() - started:8.1f} s")
        else:
            from .benchmark import run

            only = set(args.only.split(",")) if args.only else None
            opened = []

            def oca_env():
                opened.append(_open(args.oca_db))
                return opened[-1][1]

            try:
                result = run(
                    env,
                    runs=args.runs,
                    log=_print,
                    only=only,
                    profile=args.profile,
                    oca_env_factory=oca_env if args.oca_db else None,
                )
            finally:
                for oca_cr, _oca in opened:
                    oca_cr.rollback()
                    oca_cr.close()
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
