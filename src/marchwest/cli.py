"""Command line: ``python -m marchwest {validate,export,run,site}``.

Each command lives in its own module and is imported only when used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _validate(args: argparse.Namespace) -> int:
    from marchwest.ledger import validate_command

    return validate_command(args.ledger_dir)


def _export(args: argparse.Namespace) -> int:
    from marchwest.errors import LedgerError
    from marchwest.export import export_tables

    try:
        export_tables(args.out_dir)
    except LedgerError as error:
        print(f"nothing exported: {error}")
        return 1
    print(f"exported the tables to {args.out_dir} (CSV, Parquet, datapackage.json)")
    return 0


def _run(args: argparse.Namespace) -> int:
    from marchwest.pipeline import run_command

    return run_command(args.notebooks, jobs=args.jobs)


def _site(args: argparse.Namespace) -> int:
    from marchwest.site import site_command

    return site_command(args.out_dir)


DESCRIPTION = (
    "marchwest: the facts of Matthew Johnson's 'China's International Partnerships' (2019) as"
    " sourced tables. Check a ledger, export the tables, execute the notebooks, build the site."
)


def build_parser() -> argparse.ArgumentParser:
    from marchwest import __version__

    parser = argparse.ArgumentParser(prog="marchwest", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
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

    export = commands.add_parser(
        "export", help="write every table as CSV and Parquet plus datapackage.json"
    )
    export.add_argument("out_dir", type=Path)
    export.set_defaults(func=_export)

    run = commands.add_parser("run", help="execute the notebooks in place")
    run.add_argument(
        "notebooks", nargs="*", type=Path, help="default: every notebook in notebooks/"
    )
    run.add_argument("--jobs", type=int, default=None, help="kernels at once (default: CPU count)")
    run.set_defaults(func=_run)

    site = commands.add_parser("site", help="render the notebooks to an offline HTML site")
    site.add_argument("out_dir", type=Path, nargs="?", default=Path("site"))
    site.set_defaults(func=_site)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
