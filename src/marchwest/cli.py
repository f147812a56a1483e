"""Command line: ``python -m marchwest {validate,export,run,site}``.

Each command lives in its own module and is imported only when used. Each skips a step whose
inputs and outputs did not change since it last succeeded (``marchwest.stamps``); ``--force``
runs it anyway.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _validate(args: argparse.Namespace) -> int:
    from marchwest.stamps import validate_step

    step = validate_step(args.ledger_dir)
    if step.skip(args.force):
        return 0
    from marchwest.ledger import validate_command

    code = validate_command(args.ledger_dir)
    if code == 0:
        step.record()
    return code


def _export(args: argparse.Namespace) -> int:
    from marchwest.stamps import export_step

    step = export_step(args.out_dir)
    if step.skip(args.force):
        return 0
    from marchwest.errors import LedgerError
    from marchwest.export import export_tables

    try:
        export_tables(args.out_dir)
    except LedgerError as error:
        print(f"nothing exported: {error}")
        return 1
    print(f"exported the tables to {args.out_dir} (CSV, Parquet, datapackage.json)")
    step.record()
    return 0


def _run(args: argparse.Namespace) -> int:
    from marchwest.paths import NOTEBOOKS_DIR
    from marchwest.stamps import notebook_steps

    notebooks = list(dict.fromkeys(args.notebooks)) or sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    steps = {step.target: step for step in notebook_steps(notebooks)}
    todo = [nb for nb, step in steps.items() if not step.skip(args.force)]
    if notebooks and not todo:
        print(f"{len(notebooks)} notebooks up to date, none ran (--force runs them)")
        return 0
    from marchwest.pipeline import run_command

    return run_command(todo, jobs=args.jobs, ran=lambda nb: steps[nb].record())


def _site(args: argparse.Namespace) -> int:
    from marchwest.stamps import site_step

    step = site_step(args.out_dir)
    if step.skip(args.force):
        return 0
    from marchwest.site import site_command

    code = site_command(args.out_dir)
    if code == 0:
        step.record()
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="marchwest", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser(
        "validate", help="check a ledger folder and report every problem"
    )
    validate.add_argument(
        "ledger_dir",
        nargs="?",
        type=Path,
        default=None,
        help="folder laid out like data/ (default: the bundled ledger)",
    )
    validate.set_defaults(func=_validate)
    force = {"action": "store_true", "help": "run even when nothing changed since the last run"}
    validate.add_argument("--force", **force)

    export = commands.add_parser(
        "export", help="write every table as CSV and Parquet plus datapackage.json"
    )
    export.add_argument("out_dir", type=Path)
    export.add_argument("--force", **force)
    export.set_defaults(func=_export)

    run = commands.add_parser("run", help="execute the notebooks in place")
    run.add_argument(
        "notebooks", nargs="*", type=Path, help="default: every notebook in notebooks/"
    )
    run.add_argument("--jobs", type=int, default=None, help="kernels at once (default: CPU count)")
    run.add_argument("--force", **force)
    run.set_defaults(func=_run)

    site = commands.add_parser("site", help="render the notebooks to an offline HTML site")
    site.add_argument("out_dir", type=Path, nargs="?", default=Path("site"))
    site.add_argument("--force", **force)
    site.set_defaults(func=_site)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
