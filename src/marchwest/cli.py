"""Command line: ``python -m marchwest {validate,coverage,export,run,site}``.

Each command lives in its own module and is imported only when used. Every command ends with
exit 0 (done) or 1 (refused or failed, one line on stderr saying why), 130 when interrupted
(Ctrl-C; nothing half-written is left), 2 for a wrong command line. A bug of marchwest's own shows
its traceback only under ``--debug``. Each command skips a step whose inputs and outputs did not
change since it last succeeded (``marchwest.build.stamps``); ``--force`` runs it anyway.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

INTERRUPTED = 130


def _validate(args: argparse.Namespace) -> int:
    from marchwest.build.stamps import validate_step

    step = validate_step(args.ledger_dir)
    if step.skip(args.force):
        return 0
    code = validate_ledger(args.ledger_dir)
    if code == 0:
        step.record()
    return code


def validate_ledger(ledger_dir: Path | None) -> int:
    """`python -m marchwest validate [DIR]`: report every problem; 0 if none, else 1."""
    from marchwest import paths
    from marchwest.errors import LedgerError
    from marchwest.ledger.folder import read_ledger
    from marchwest.ledger.records import display
    from marchwest.sentences import coverage, totals

    root = Path(ledger_dir) if ledger_dir is not None else paths.bundled_ledger_dir()
    try:
        data = read_ledger(root, reference_checks=True)
    except LedgerError as error:
        print(error)  # every problem on stdout; the one-line reason on stderr, as every command
        print(
            f"marchwest validate: {len(error.problems)} problem(s) in the ledger", file=sys.stderr
        )
        return 1
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in data.frames.items())
    print(f"{display(root)}: the ledger is valid ({counts} rows)")
    print(f"coverage: {totals(coverage(data.article, data.frames))}")
    return 0


def _coverage(args: argparse.Namespace) -> int:
    """`python -m marchwest coverage [DIR]`: print the sentences not covered and the totals;
    0 when every sentence is cited or explained, 1 otherwise (a sentence named only or
    uncovered, or an invalid ledger)."""
    from marchwest import paths
    from marchwest.errors import LedgerError
    from marchwest.loaders import load
    from marchwest.sentences import NOT_COVERED, not_covered_report

    root = Path(args.ledger_dir) if args.ledger_dir is not None else paths.bundled_ledger_dir()
    try:
        frame = load(root).coverage()
    except LedgerError as error:
        print(error)
        return 1
    print(not_covered_report(frame))
    return int(bool(frame["status"].isin(NOT_COVERED).any()))


def _export(args: argparse.Namespace) -> int:
    from marchwest.build.stamps import export_step

    step = export_step(args.out_dir)
    if step.skip(args.force):
        return 0
    from marchwest.build.export import export_tables

    export_tables(args.out_dir)
    print(f"exported the tables to {args.out_dir} (CSV, Parquet, datapackage.json)")
    step.record()
    return 0


def run_stamped(
    notebooks: list[Path],
    *,
    force: bool = False,
    jobs: int | None = None,
    timeout: int | None = None,
    ledger_dir: Path | None = None,
    on_event: Callable[[Path, str], None] | None = None,
) -> int:
    """``marchwest run``: execute the notebooks (default: notebooks/*) whose stamp differs (all
    with ``force``). The inputs (the ledger at ``ledger_dir``, default the bundled one) are
    digested before any notebook starts; each notebook that runs through is stamped as it ends,
    with them and the digest of the bytes its run wrote. ``on_event`` as in
    ``marchwest.build.pipeline.run_notebooks``."""
    from marchwest.build.stamps import notebook_steps
    from marchwest.paths import NOTEBOOKS_DIR

    notebooks = list(dict.fromkeys(notebooks)) or sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    steps = {step.target: step for step in notebook_steps(notebooks, ledger_dir)}
    todo = [nb for nb, step in steps.items() if not step.skip(force)]
    if notebooks and not todo:
        print(f"{len(notebooks)} notebooks up to date, none ran (--force runs them)")
        return 0
    from marchwest.build.pipeline import NotebookResult, run_command  # heavy: only when one runs

    def stamp(result: NotebookResult) -> None:
        if result.ok:
            steps[result.notebook].record(result.digest)

    return run_command(todo, jobs=jobs, timeout=timeout, ran=stamp, on_event=on_event)


def _run(args: argparse.Namespace) -> int:
    return run_stamped(args.notebooks, force=args.force, jobs=args.jobs, timeout=args.timeout)


def _site(args: argparse.Namespace) -> int:
    from marchwest.build.stamps import site_step

    step = site_step(args.out_dir)
    if step.skip(args.force):
        return 0
    from marchwest.build.site import site_command

    code = site_command(args.out_dir)
    if code == 0:
        step.record()
    return code


DESCRIPTION = (
    "marchwest: the facts of Matthew Johnson's 'China's International Partnerships' (2019) as"
    " sourced tables. Check a ledger, export the tables, execute the notebooks, build the site."
)
RERUN = "run even when nothing changed since the last run"


def build_parser() -> argparse.ArgumentParser:
    from marchwest import __version__

    parser = argparse.ArgumentParser(prog="marchwest", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the traceback of an unexpected error",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser(
        "validate", parents=[debug], help="check a ledger folder and report every problem"
    )
    validate.add_argument(
        "ledger_dir",
        nargs="?",
        type=Path,
        default=None,
        help="folder laid out like data/ (default: the bundled ledger)",
    )
    validate.set_defaults(func=_validate)
    validate.add_argument("--force", action="store_true", help=RERUN)

    coverage = commands.add_parser(
        "coverage",
        help="list the sentences no row cites or explains (exit 1 if there are any)",
    )
    coverage.add_argument(
        "ledger_dir",
        nargs="?",
        type=Path,
        default=None,
        help="folder laid out like data/ (default: the bundled ledger)",
    )
    coverage.set_defaults(func=_coverage)

    export = commands.add_parser(
        "export",
        parents=[debug],
        help="write every table as CSV and Parquet plus datapackage.json",
    )
    export.add_argument("out_dir", type=Path)
    export.add_argument("--force", action="store_true", help=RERUN)
    export.set_defaults(func=_export)

    run = commands.add_parser("run", parents=[debug], help="execute the notebooks in place")
    run.add_argument(
        "notebooks", nargs="*", type=Path, help="default: every notebook in notebooks/"
    )
    run.add_argument("--jobs", type=int, default=None, help="kernels at once (default: CPU count)")
    run.add_argument(
        "--timeout",
        type=int,
        default=None,
        help="seconds a cell may run before its notebook fails (default: 300)",
    )
    run.add_argument("--force", action="store_true", help=RERUN)
    run.set_defaults(func=_run)

    site = commands.add_parser(
        "site", parents=[debug], help="render the notebooks to an offline HTML site"
    )
    site.add_argument("out_dir", type=Path, nargs="?", default=Path("site"))
    site.add_argument("--force", action="store_true", help=RERUN)
    site.set_defaults(func=_site)
    return parser


def first_line(error: BaseException) -> str:
    return next(iter(str(error).splitlines()), "")


def missing_build_extra() -> list[str]:
    """The distributions of the ``build`` extra (the pipeline's dependencies) not installed."""
    from importlib import metadata

    from packaging.requirements import Requirement

    try:
        requirements = [Requirement(line) for line in metadata.requires("marchwest") or []]
    except metadata.PackageNotFoundError:  # run from a source tree, not installed
        return []
    missing = []
    for requirement in requirements:
        marker = requirement.marker
        if marker and marker.evaluate({"extra": "build"}) and not marker.evaluate({"extra": ""}):
            try:
                metadata.distribution(requirement.name)
            except metadata.PackageNotFoundError:
                missing.append(requirement.name)
    return missing


def main(argv: list[str] | None = None) -> int:
    from marchwest.build.outputs import OutputError
    from marchwest.errors import LedgerError

    args = build_parser().parse_args(argv)
    name = f"marchwest {args.command}"
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(f"{name}: interrupted; nothing half-written is left", file=sys.stderr)
        return INTERRUPTED
    except LedgerError as error:
        print(error)  # every problem, as `validate` prints them
        print(f"{name}: {len(error.problems)} problem(s) in the ledger", file=sys.stderr)
    except OutputError as error:
        print(f"{name}: {error}", file=sys.stderr)
    except OSError as error:  # a file-system fault not met more precisely
        where = f"{error.filename}: " if error.filename else ""
        print(f"{name}: {where}{error.strerror or error}", file=sys.stderr)
    except Exception as error:
        if isinstance(error, ModuleNotFoundError) and missing_build_extra():
            print(
                f"{name}: {error}: the pipeline's dependencies are not installed"
                " (pip install 'marchwest[build]')",
                file=sys.stderr,
            )
            return 1
        # Not imported here: without the extra, importing the site builder fails in turn.
        site = sys.modules.get("marchwest.build.site")
        if site is not None and isinstance(error, site.SiteError):
            print(f"{name}: {error}", file=sys.stderr)
        elif args.debug:
            raise
        else:
            print(
                f"{name}: unexpected error {type(error).__name__}: {first_line(error)}"
                " (run again with --debug for the traceback)",
                file=sys.stderr,
            )
    return 1


if __name__ == "__main__":
    sys.exit(main())
