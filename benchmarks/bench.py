"""Speed and size budgets of marchwest, each against a floor measured in the same run.

    .venv/bin/python benchmarks/bench.py [METRIC ...] [--runs N] [--with-make-test]

Every timing is the wall time of a whole process (or a loop of processes; for notebooks, of
their cells; for scale, of calls in this process), the median of ``--runs`` runs, the two sides
of a comparison alternating (A B, B A, ...) so that the machine's drift hits both alike. Prints
one table and writes it to benchmarks/results.json; exits 1 if any budget fails. Nothing here
edits the project: notebooks are executed in temporary copies. `bench.py scale notebooks` runs
those two metrics only.

Metrics: import, tables, run, site (time and size), sizes, notebooks (each notebook with its
charts not drawn: its cells below its import cells at most 0.3 s, with its slowest cells and what
drawing costs a chart), rerun (`make run`'s commands with nothing changed against a full run: at
most 0.15x), scale (the bundled ledger 10 and 100 times over: load at most 3x a plain YAML parse,
ties() and coverage() at most 0.5x the load, time per row at 100x at most 1.3x that at 10x; at
most 5 runs); on request: breakdown (where each notebook's time goes, one kernel at a time),
run-jobs-1 (run, plus `run --jobs 1` as a third side) and make-test (`--with-make-test`: make
test's lint and pytest on two workers, once, against the sum of its parts run alone one after
another: lint, library tests, notebooks under nbval, browser, JupyterLab; at most 0.8x; about 10
minutes). The default run takes about 20 minutes on a 2-core machine, most of it the nbconvert
loop of the run metric.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import gc
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
RESULTS = Path(__file__).resolve().parent / "results.json"
PYTHON = sys.executable
JUPYTER = str(Path(sys.executable).parent / "jupyter")
MB = 1_000_000
# Budget 5: the site may weigh plotly.min.js plus this much per notebook page (the page, its
# images, its charts' data and its notebook to download; the index, the tables' CSV and the
# licences share it). First set at 1.5 MB for six pages; now per page, as pages were added.
PAGE_ALLOWANCE = 0.3 * MB


@dataclass
class Row:
    """One line of the table. Times in seconds, sizes in bytes; ratio = value / floor."""

    metric: str
    value: float | None
    floor: float | None = None
    budget: float | None = None  # the largest ratio allowed (None: reported, no budget)
    allowance: float | None = None  # or: the most the value may exceed the floor by
    unit: str = "s"
    floor_name: str = ""
    note: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def status(self) -> str:
        if self.value is None:
            return "n/a" if self.note.startswith("not available") else "FAIL"
        if self.allowance is not None and self.floor is not None:
            return "pass" if self.value - self.floor <= self.allowance else "FAIL"
        if self.budget is None:
            return "info" if "FAILED" not in self.note else "FAIL"
        return "pass" if self.ratio is not None and self.ratio <= self.budget else "FAIL"


# ---------------------------------------------------------------- measuring


def run_quietly(argv: Sequence[str], cwd: Path = ROOT) -> None:
    """Run a command; raise with its output if it fails (a failed run is not a timing)."""
    done = subprocess.run(
        argv,
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        lines = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr).strip().splitlines()
        # the first line saying what failed (marchwest run), else the last (an exception)
        reason = next(
            (line for line in lines if line.startswith("FAILED ")), lines[-1] if lines else ""
        )
        command = " ".join(Path(argv[0]).name if i == 0 else str(a) for i, a in enumerate(argv[:5]))
        tail = "\n".join(lines[-15:])
        raise RuntimeError(f"{command} ... exited {done.returncode}: {reason}\n{tail}")


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def timed_call(action: Callable[..., object], *args: object) -> tuple[object, float, float]:
    """What ``action(*args)`` returns, the wall seconds and the CPU seconds (of this process)
    it took, after a garbage collection (so no step pays for the garbage of the one before)."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = action(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process and their own children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def compare(
    runs: int, sides: dict[str, Callable[[], None]], prepare: Callable[[str], None] | None = None
) -> dict[str, list[float]]:
    """Time each side ``runs`` times, alternating the order; ``prepare(side)`` runs first.

    ``samples[side]`` holds wall times, ``samples[side + " cpu"]`` the CPU time of its processes.
    """
    names = list(sides)
    samples: dict[str, list[float]] = {key: [] for n in names for key in (n, f"{n} cpu")}
    for i in range(runs):
        for name in names if i % 2 == 0 else names[::-1]:
            if prepare is not None:
                prepare(name)
            cpu = children_cpu()
            samples[name].append(timed(sides[name]))
            samples[f"{name} cpu"].append(children_cpu() - cpu)
        print(
            f"  run {i + 1}/{runs}: " + ", ".join(f"{n} {samples[n][-1]:.2f} s" for n in names),
            file=sys.stderr,
            flush=True,
        )
    return samples


def python_c(code: str) -> Callable[[], None]:
    return lambda: run_quietly([PYTHON, "-c", code])


def peak_tree_memory(argv: Sequence[str], cwd: Path, every: float = 0.05) -> int:
    """Run a command once; the largest sum of resident memory over it and all its children."""
    process = psutil.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        total = 0
        try:
            for p in [process, *process.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    total += p.memory_info().rss
        except psutil.NoSuchProcess:
            break
        peak = max(peak, total)
        time.sleep(every)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {process.returncode}")
    return peak


# ---------------------------------------------------------------- the metrics


def bench_import(runs: int, notebooks_dir: Path) -> list[Row]:
    samples = compare(
        runs, {"marchwest": python_c("import marchwest"), "pandas": python_c("import pandas")}
    )
    return [
        Row(
            "import marchwest",
            statistics.median(samples["marchwest"]),
            statistics.median(samples["pandas"]),
            1.15,
            floor_name="import pandas",
            samples=samples,
        )
    ]


def bench_tables(runs: int, notebooks_dir: Path) -> list[Row]:
    """Cold: a new process imports marchwest, then reads and checks the bundled ledger."""
    samples = compare(
        runs,
        {
            "tables": python_c("import marchwest; marchwest.tables()"),
            "pandas": python_c("import pandas"),
        },
    )
    return [
        Row(
            "import marchwest; tables() (cold)",
            statistics.median(samples["tables"]),
            statistics.median(samples["pandas"]),
            1.5,
            floor_name="import pandas",
            samples=samples,
        )
    ]


def bench_run(runs: int, notebooks_dir: Path, one_kernel_too: bool = False) -> list[Row]:
    """Budget 3; ``one_kernel_too`` adds `marchwest run --jobs 1` to tell what parallel kernels
    bring from what one process brings."""
    notebooks = sorted(notebooks_dir.glob("*.ipynb"))
    if not notebooks:
        return [
            Row(
                "execute notebooks (marchwest run)",
                None,
                note="not available: no notebooks/*.ipynb",
            )
        ]
    with tempfile.TemporaryDirectory(prefix="marchwest-bench-") as tmp:
        work, out = Path(tmp) / "notebooks", Path(tmp) / "nbconvert-out"

        def fresh_copies(side: str = "") -> None:  # both sides start from the committed notebooks
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(notebooks_dir, work)
            out.mkdir()

        copies = [work / nb.name for nb in notebooks]
        marchwest_run = [PYTHON, "-m", "marchwest", "run", *map(str, copies), "--force"]

        def naive_loop() -> None:
            for nb in copies:
                execute = ["nbconvert", "--to", "notebook", "--execute", str(nb)]
                run_quietly([JUPYTER, *execute, "--output-dir", str(out)])

        sides = {"marchwest run": lambda: run_quietly(marchwest_run), "nbconvert loop": naive_loop}
        if one_kernel_too:
            sides["--jobs 1"] = lambda: run_quietly([*marchwest_run, "--jobs", "1"])
        fresh_copies()  # warm-up, untimed: every notebook must run before any timing counts
        run_quietly(marchwest_run)
        samples = compare(runs, sides, prepare=fresh_copies)
        fresh_copies()
        peak = peak_tree_memory(marchwest_run, ROOT)
    n = len(notebooks)
    naive = statistics.median(samples["nbconvert loop"])
    rows = [
        Row(
            f"execute {n} notebooks (marchwest run)",
            statistics.median(samples["marchwest run"]),
            naive,
            0.5,
            floor_name=f"nbconvert --execute x{n}",
            samples=samples,
        ),
        Row(
            f"CPU time of the {n} notebooks (marchwest run)",
            statistics.median(samples["marchwest run cpu"]),
            statistics.median(samples["nbconvert loop cpu"]),
            floor_name="nbconvert loop's",
        ),
        Row("peak memory of marchwest run (process tree)", peak, unit="B"),
    ]
    if one_kernel_too:
        rows.append(
            Row(
                f"execute {n} notebooks (marchwest run --jobs 1)",
                statistics.median(samples["--jobs 1"]),
                naive,
                floor_name=f"nbconvert --execute x{n}",
            )
        )
    return rows


def bench_breakdown(runs: int, notebooks_dir: Path) -> list[Row]:
    """Where one notebook's time goes: one kernel at a time, kernel start and the slowest cells."""
    import io

    import nbformat

    from marchwest.build.pipeline import run_notebooks

    with tempfile.TemporaryDirectory(prefix="marchwest-bench-") as tmp:
        work = Path(tmp) / "notebooks"
        shutil.copytree(notebooks_dir, work)
        results = run_notebooks(sorted(work.glob("*.ipynb")), jobs=1, stream=io.StringIO())
        rows = []
        for result in results:
            cells = nbformat.read(result.notebook, as_version=4).cells
            slowest = sorted(enumerate(result.cell_seconds), key=lambda pair: -pair[1])[:3]
            where = "; ".join(
                f"cell {i} {s:.1f} s `{cells[i].source.splitlines()[0][:28]}`" for i, s in slowest
            )
            rows.append(
                Row(
                    f"{result.notebook.name} alone",
                    result.seconds,
                    note=f"kernel start {result.kernel_start_seconds:.1f} s; {where}"
                    + ("" if result.ok else f"; FAILED {result.failure.describe()}"),
                )
            )
    return rows


def is_import_cell(cell: dict) -> bool:
    """A code cell holding an import statement (the first cell of each notebook: its magics,
    imports and the tables it loads)."""
    if cell["cell_type"] != "code":
        return False
    code = "\n".join(
        line for line in cell["source"].splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    return any(isinstance(node, ast.Import | ast.ImportFrom) for node in ast.parse(code).body)


def charts_in(notebook: Path) -> int:
    """How many charts the notebook shows: its outputs holding a PNG or a plotly figure."""
    import nbformat

    shown = ("image/png", "application/vnd.plotly.v1+json")
    return sum(
        any(kind in output.get("data", {}) for kind in shown)
        for cell in nbformat.read(notebook, as_version=4).cells
        for output in cell.get("outputs", [])
    )


# Prepended to a notebook: `show` returns an output with nothing drawn (no figure, no PNG, no
# plotly JSON), so that the notebook's run less that copy's run is what its charts cost.
NOT_DRAWN = """\
import marchwest.plot.display as _display
_display.Shown.__init__ = lambda self, spec: None
_display.Shown._repr_mimebundle_ = lambda self, include=None, exclude=None: {"text/plain": ""}
"""
# Prepended to a notebook (before NOT_DRAWN, if any): the kernel appends a line [wall seconds,
# CPU seconds of the kernel process] to the file {path} after each later cell, display included.
TIMED = """\
def _timed(path):
    import json, time
    started = []
    def pre(info):
        started[:] = [time.perf_counter(), time.process_time()]
    def post(result):
        if started:
            wall, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
            with open(path, "a") as out:
                out.write(json.dumps([wall, cpu]) + "\\n")
    get_ipython().events.register("pre_run_cell", pre)
    get_ipython().events.register("post_run_cell", post)
_timed({path!r})
"""


def timed_copy(notebook: Path, copy: Path, times: Path, *, drawn: bool) -> None:
    """Write ``copy``: the notebook, its cells timed into ``times``, its charts drawn or not."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    added = [TIMED.format(path=str(times)), *([] if drawn else [NOT_DRAWN])]
    nb.cells[:0] = [nbformat.v4.new_code_cell(code) for code in added]
    nbformat.write(nb, copy)


def cell_time(
    run: list[list[float]], imports: list[bool], imported: bool, *, cpu: bool = True
) -> float:
    """The CPU (or wall) seconds of a notebook's import cells (``imported``) or of its others,
    from one run's [wall, CPU] per code cell."""
    return sum(t[cpu] for t, i in zip(run, imports, strict=True) if i is imported)


# Issue 17.5: the most a notebook's cells below its import cells may take, its charts not drawn.
NOTEBOOK_ALLOWANCE = 0.3


def bench_notebooks(runs: int, notebooks_dir: Path) -> list[Row]:
    """Issue 17.5: each notebook executed with its charts not drawn (`show` draws nothing): the
    CPU time of its cells below its import cells, at most 0.3 s (their wall time beside it);
    and what drawing costs per chart (the notebook as it is less that copy, over the charts it
    shows). Each cell is timed in the kernel, its output's display included, so no kernel
    start, no message and no wait for a core busy with other work counts. Both copies run in
    one `run_notebooks` call (one kernel at a time, alternating order), the first run a warm-up.
    """
    import io

    import nbformat

    from marchwest.build.pipeline import run_notebooks

    notebooks = sorted(notebooks_dir.glob("*.ipynb"))
    sides = [(nb, drawn) for nb in notebooks for drawn in (True, False)]
    # per notebook and side (charts drawn or not), per run: [wall, CPU] of each code cell
    cells: dict[tuple[Path, bool], list[list[list[float]]]] = {side: [] for side in sides}
    whole: dict[tuple[Path, bool], list[float]] = {side: [] for side in sides}  # CPU per run
    with tempfile.TemporaryDirectory(prefix="marchwest-bench-") as tmp:
        copies = {}
        for nb, drawn in sides:
            name = f"{nb.stem}{'' if drawn else '.not-drawn'}"
            copies[nb, drawn] = Path(tmp) / f"{name}.ipynb", Path(tmp) / f"{name}.times"
            timed_copy(nb, *copies[nb, drawn], drawn=drawn)
        for i in range(runs + 1):  # the first run warms the caches and is not counted
            order = [(nb, drawn if i % 2 == 0 else not drawn) for nb, drawn in sides]
            for side in order:
                copies[side][1].unlink(missing_ok=True)
            for result in run_notebooks(
                [copies[s][0] for s in order], jobs=1, stream=io.StringIO()
            ):
                if not result.ok:
                    raise RuntimeError(f"{result.notebook.name}: {result.failure.describe()}")
            for (nb, drawn), (_, times) in copies.items():
                timed = [json.loads(line) for line in times.read_text().splitlines()]
                if i:  # the not-drawn copy's first cell is NOT_DRAWN
                    cells[nb, drawn].append(timed if drawn else timed[1:])
                    whole[nb, drawn].append(sum(t[1] for t in timed))
            print(f"  run {i}/{runs}{' (warm-up)' if not i else ''}", file=sys.stderr, flush=True)
    rows = []
    totals = {"imports": 0.0, "below": 0.0, "wall": 0.0, "drawing": 0.0, "charts": 0}
    for nb in notebooks:
        code = [c for c in nbformat.read(nb, as_version=4).cells if c.cell_type == "code"]
        imports = [is_import_cell(cell) for cell in code]
        undrawn = cells[nb, False]
        import_cpu = statistics.median(cell_time(run, imports, True) for run in undrawn)
        below = [cell_time(run, imports, False) for run in undrawn]
        wall = statistics.median(cell_time(run, imports, False, cpu=False) for run in undrawn)
        charts_cpu = statistics.median(
            a - b for a, b in zip(whole[nb, True], whole[nb, False], strict=True)
        )
        per_cell = [
            statistics.median(t[1] for t in column) for column in zip(*undrawn, strict=True)
        ]
        slowest = sorted(
            ((i, s) for i, s in enumerate(per_cell) if not imports[i]), key=lambda pair: -pair[1]
        )[:2]
        where = "; ".join(f"{s:.2f} s `{code[i].source.splitlines()[0][:24]}`" for i, s in slowest)
        charts = charts_in(nb)
        each = f"{charts_cpu / charts:.2f} s CPU each" if charts else "none"
        rows.append(
            Row(
                f"{nb.name}, charts not drawn (CPU)",
                import_cpu + statistics.median(below),
                import_cpu,
                allowance=NOTEBOOK_ALLOWANCE,
                floor_name="its import cells",
                note=f"wall {wall:.2f} s; {charts} charts, drawing {each}; slowest: {where}",
                samples={"below the import cells, CPU": below},
            )
        )
        totals["imports"] += import_cpu
        totals["below"] += statistics.median(below)
        totals["wall"] += wall
        totals["drawing"] += charts_cpu
        totals["charts"] += charts
    charts = int(totals["charts"])
    rows.append(
        Row(
            f"the {len(notebooks)} notebooks, charts not drawn (CPU)",
            totals["imports"] + totals["below"],
            totals["imports"],
            floor_name="their import cells",
            note=f"wall {totals['wall']:.2f} s; drawing their {charts} charts:"
            f" {totals['drawing']:.2f} s, {totals['drawing'] / max(charts, 1):.2f} s each",
        )
    )
    return rows


# Issue 17.1: one long paragraph that a quadratic splitter took more than 300 s over, and the
# article's own prose on one line; each split against a plain str.split of the same text.
SPLIT_BUDGET = 10.0


def bench_split(runs: int, notebooks_dir: Path) -> list[Row]:
    """The sentence splitter on long single paragraphs against ``str.split`` of the same text
    (linear cost keeps the ratio flat however long the paragraph); CPU seconds, median."""
    import marchwest
    from marchwest.ledger.spans import split

    texts = {
        '"U.S. " * 200,000 as one paragraph': "U.S. " * 200_000,
        "the article's prose on one line": " ".join(marchwest.article().text.split()),
    }
    out = []
    for name, text in texts.items():
        mine = statistics.median(timed_call(split, text)[2] for _ in range(max(runs, 3)))
        plain = statistics.median(timed_call(str.split, text)[2] for _ in range(max(runs, 3)))
        out.append(
            Row(
                f"split {name} ({len(text):,} characters)",
                mine,
                plain,
                SPLIT_BUDGET,
                floor_name="str.split of it",
                note="CPU",
            )
        )
    return out


# Issue 17.3: the bundled ledger copied this many times over (tests/_ledgers.scaled_ledger).
SCALES = (10, 100)
SCALE_RUNS = 5  # at most: a run at 100x takes ~20 s of CPU (yaml, load, ties, coverage)


def bench_scale(runs: int, notebooks_dir: Path) -> list[Row]:
    """Issue 17.3: loading the ledger, `ties()` and `coverage()` at 10x and 100x the bundled
    ledger, in this process, warm: load against a plain `yaml.load(CSafeLoader)` of the same
    YAML files, ties and coverage against that load, and each step's time per row at 100x
    against its time per row at 10x (linear cost: 1). CPU seconds of this process, so that
    other work on the machine does not count (wall seconds in the notes)."""
    import yaml

    import marchwest

    sys.path.insert(0, str(ROOT / "tests"))
    from _ledgers import scaled_ledger

    def parse_yaml(root: Path) -> None:
        for path in sorted(root.glob("*/*.yaml")):
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)

    samples: dict[str, list[float]] = {}
    rows_at: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="marchwest-bench-") as tmp:
        ledgers = {n: scaled_ledger(Path(tmp) / f"x{n}", n) for n in SCALES}
        warm = marchwest.load(ledgers[SCALES[0]])  # warm-up, untimed: every import done
        warm.ties(), warm.coverage()
        runs = min(runs, SCALE_RUNS)
        for i in range(runs):
            for n in SCALES if i % 2 == 0 else SCALES[::-1]:
                steps: dict[str, tuple[object, float, float]] = {}
                if i % 2 == 0:
                    steps["yaml"] = timed_call(parse_yaml, ledgers[n])
                steps["load"] = timed_call(marchwest.load, ledgers[n])
                if i % 2:
                    steps["yaml"] = timed_call(parse_yaml, ledgers[n])
                ledger = steps["load"][0]
                steps["ties"] = timed_call(ledger.ties)
                steps["coverage"] = timed_call(ledger.coverage)
                rows_at[n] = sum(len(frame) for frame in ledger.tables().values())
                for name, (_, wall, cpu) in steps.items():
                    samples.setdefault(f"{name} {n}x", []).append(cpu)
                    samples.setdefault(f"{name} {n}x wall", []).append(wall)
                del ledger, steps
            print(
                f"  run {i + 1}/{runs}: "
                + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in samples.items() if "wall" not in k),
                file=sys.stderr,
                flush=True,
            )
    median = {key: statistics.median(values) for key, values in samples.items()}
    small, big = SCALES
    out = [
        Row(
            f"load the {big}x ledger ({rows_at[big]:,} rows)",
            median[f"load {big}x"],
            median[f"yaml {big}x"],
            3.0,
            floor_name="yaml.load(CSafeLoader) of its YAML files",
            note=f"CPU; wall {median[f'load {big}x wall']:.2f} s against"
            f" {median[f'yaml {big}x wall']:.2f} s; {small}x: {median[f'load {small}x']:.2f} s",
            samples=samples,
        )
    ]
    for name in ("ties", "coverage"):
        out.append(
            Row(
                f"{name}() of the {big}x ledger",
                median[f"{name} {big}x"],
                median[f"load {big}x"],
                0.5,
                floor_name="its load",
                note=f"CPU; wall {median[f'{name} {big}x wall']:.2f} s;"
                f" {small}x: {median[f'{name} {small}x']:.2f} s",
            )
        )
    for name in ("load", "ties", "coverage"):
        out.append(
            Row(
                f"{name}: time per row at {big}x",
                median[f"{name} {big}x"] / rows_at[big],
                median[f"{name} {small}x"] / rows_at[small],
                1.3,
                unit="µs",
                floor_name=f"per row at {small}x ({rows_at[small]:,} rows)",
                note="CPU",
            )
        )
    return out


def bench_rerun(runs: int, notebooks_dir: Path) -> list[Row]:
    """Issue 12.2: `make run`'s four commands with nothing changed against the same with
    --force (a full run), warm both; stamps in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="marchwest-bench-") as tmp:
        work = Path(tmp) / "notebooks"
        shutil.copytree(notebooks_dir, work)
        copies = [str(p) for p in sorted(work.glob("*.ipynb"))]
        commands = [
            ["validate", "data"],
            ["run", *copies],
            ["export", str(Path(tmp) / "processed")],
            ["site", str(Path(tmp) / "site")],
        ]

        def make_run(*extra: str) -> Callable[[], None]:
            def run_all() -> None:
                for command in commands:
                    run_quietly([PYTHON, "-m", "marchwest", *command, *extra])

            return run_all

        saved = os.environ.get("MARCHWEST_STAMPS")
        os.environ["MARCHWEST_STAMPS"] = str(Path(tmp) / "stamps")
        try:
            make_run("--force")()  # warm-up, untimed; leaves every stamp
            samples = compare(
                runs, {"unchanged": make_run(), "full (--force)": make_run("--force")}
            )
            said = [
                subprocess.run(
                    [PYTHON, "-m", "marchwest", *command],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                for command in commands
            ]
        finally:
            if saved is None:
                del os.environ["MARCHWEST_STAMPS"]
            else:
                os.environ["MARCHWEST_STAMPS"] = saved
    skipped = [line for out in said for line in out.splitlines() if line.startswith("skipped ")]
    print("\n".join(skipped), file=sys.stderr)
    steps = len(copies) + 3
    return [
        Row(
            "make run's commands, nothing changed",
            statistics.median(samples["unchanged"]),
            statistics.median(samples["full (--force)"]),
            0.15,
            floor_name="the same with --force",
            note=f"{len(skipped)} of {steps} steps said 'skipped ...'",
            samples=samples,
        )
    ]


def site_available() -> bool:
    try:
        from marchwest.build.site import site_command  # noqa: F401
    except ImportError:
        return False
    return True


def bench_site(runs: int, notebooks_dir: Path) -> list[Row]:
    """`marchwest site` always renders the project's notebooks/, so both sides do."""
    notebooks = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    if not site_available() or not notebooks:
        why = "not available: " + (
            "no marchwest.build.site" if notebooks else "no notebooks/*.ipynb"
        )
        return [Row("build the site", None, note=why), Row("site size", None, unit="B", note=why)]
    with tempfile.TemporaryDirectory(prefix="marchwest-bench-") as tmp:
        site, html = Path(tmp) / "site", Path(tmp) / "html"
        outputs = {"marchwest site": site, "nbconvert --to html": html}

        def html_loop() -> None:
            for nb in notebooks:
                run_quietly(
                    [JUPYTER, "nbconvert", "--to", "html", str(nb), "--output-dir", str(html)]
                )

        samples = compare(
            runs,
            {
                "marchwest site": lambda: run_quietly(
                    [PYTHON, "-m", "marchwest", "site", str(site), "--force"]
                ),
                "nbconvert --to html": html_loop,
            },
            prepare=lambda side: shutil.rmtree(outputs[side], ignore_errors=True),
        )
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())  # the last build
    plotly_js = plotly_min_js().stat().st_size
    return [
        Row(
            "build the site (marchwest site)",
            statistics.median(samples["marchwest site"]),
            statistics.median(samples["nbconvert --to html"]),
            1.0,
            floor_name=f"nbconvert --to html x{len(notebooks)}",
            samples=samples,
        ),
        Row(
            "site size",
            size,
            plotly_js + PAGE_ALLOWANCE * len(notebooks),
            1.0,
            unit="B",
            floor_name=f"plotly.min.js ({plotly_js / MB:.2f} MB) + 0.3 MB x {len(notebooks)} pages",
        ),
    ]


def plotly_min_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def bench_sizes(runs: int, notebooks_dir: Path) -> list[Row]:
    return [
        Row(f"size of {nb.name}", nb.stat().st_size, unit="B")
        for nb in sorted(notebooks_dir.glob("*.ipynb"))
    ]


# What `make test` runs once the environments are built (keep in step with the Makefile).
LINTED = ["src", "tests", "benchmarks", "tools", "notebooks"]
RUFF = str(Path(sys.executable).parent / "ruff")
PYTEST = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
NBVAL = ["--nbval", "--nbval-current-env"]
SUITE_WORKERS = [
    "-n",
    "2",
    "--dist",
    "loadscope",
]  # loadscope: a notebook's cells stay on one worker
TEST_PARTS = {
    "lint": [[RUFF, "check", *LINTED], [RUFF, "format", "--check", *LINTED]],
    "library tests": [
        [*PYTEST, "-n", "0", "tests"]
        + ["--ignore=tests/test_browser.py", "--ignore=tests/test_jupyterlab.py"]
    ],
    "notebooks (nbval)": [[*PYTEST, "-n", "0", "notebooks", *NBVAL]],
    "browser": [[*PYTEST, "-n", "0", "tests/test_browser.py"]],
    "JupyterLab": [[*PYTEST, "-n", "0", "tests/test_jupyterlab.py"]],
}
SUITE = [
    TEST_PARTS["lint"][0],
    TEST_PARTS["lint"][1],
    [*PYTEST, *SUITE_WORKERS, "tests", "notebooks", *NBVAL],
]
TEST_BUDGET = 0.8  # the suite on two workers against its parts one after another


def bench_make_test(runs: int, notebooks_dir: Path) -> list[Row]:
    """`make test` (environments built) against the sum of its parts, each run alone: one run
    each (a round takes minutes), the parts first. Needs .venv-lab and Chromium as make test does."""

    def commands(argvs: list[list[str]]) -> Callable[[], None]:
        def run_all() -> None:
            for argv in argvs:
                run_quietly(argv)

        return run_all

    parts = {name: timed(commands(argvs)) for name, argvs in TEST_PARTS.items()}
    suite = timed(commands(SUITE))
    return [
        *(Row(f"make test part alone: {name}", seconds) for name, seconds in parts.items()),
        Row(
            "make test (lint + pytest -n 2, one run)",
            suite,
            floor=sum(parts.values()),
            floor_name="its parts run alone",
            budget=TEST_BUDGET,
        ),
    ]


METRICS: dict[str, Callable[[int, Path], list[Row]]] = {
    "import": bench_import,
    "tables": bench_tables,
    "run": bench_run,
    "site": bench_site,
    "sizes": bench_sizes,
    "notebooks": bench_notebooks,
    "rerun": bench_rerun,
    "scale": bench_scale,
    "split": bench_split,
    "breakdown": bench_breakdown,
    "run-jobs-1": lambda runs, notebooks_dir: bench_run(runs, notebooks_dir, one_kernel_too=True),
    "make-test": bench_make_test,
}


# Not in the default run: --only breakdown, --with-make-test.
ON_REQUEST = ("breakdown", "run-jobs-1", "make-test")


# ---------------------------------------------------------------- the table


def show(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "B":
        return f"{value / MB:.2f} MB" if value >= 100_000 else f"{value / 1000:.1f} kB"
    if unit == "µs":  # a value in seconds, shown in microseconds
        return f"{value * 1e6:.1f} µs"
    return f"{value:.2f} s"


def table(rows: Sequence[Row]) -> str:
    header = ["metric", "value", "floor", "ratio", "budget", "result"]
    lines = [
        [
            r.metric,
            show(r.value, r.unit),
            (
                f"{show(r.floor, r.unit)} ({r.floor_name})"
                if r.floor_name
                else show(r.floor, r.unit)
            ),
            "-" if r.ratio is None else f"{r.ratio:.2f}",
            (
                f"<= floor + {show(r.allowance, r.unit)}"
                if r.allowance is not None
                else "-"
                if r.budget is None
                else f"<= {r.budget:g}"
            ),
            r.status + (f" ({r.note})" if r.note else ""),
        ]
        for r in rows
    ]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt.format(*header), rule, *(fmt.format(*line) for line in lines)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per side (median; default 7)")
    parser.add_argument(
        "metrics",
        nargs="*",
        metavar="METRIC",
        help="measure only these metrics (as --only; `bench.py scale notebooks`)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=list(METRICS),
        metavar="METRIC",
        help=f"measure only this metric (repeatable): {', '.join(METRICS)}",
    )
    parser.add_argument(
        "--notebooks",
        type=Path,
        default=NOTEBOOKS_DIR,
        help="notebooks to execute and weigh for run and sizes (default: notebooks/)",
    )
    parser.add_argument(
        "--with-make-test", action="store_true", help="also time one `make test` (long)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if unknown := [m for m in args.metrics if m not in METRICS]:
        parser.error(f"unknown metric {', '.join(unknown)} (choose from {', '.join(METRICS)})")
    chosen = [*args.metrics, *(args.only or [])] or [m for m in METRICS if m not in ON_REQUEST]
    if args.with_make_test and "make-test" not in chosen:
        chosen.append("make-test")

    started = time.perf_counter()
    rows: list[Row] = []
    for name in chosen:
        print(f"{name} ...", file=sys.stderr, flush=True)
        try:
            rows += METRICS[name](args.runs, args.notebooks.resolve())
        except RuntimeError as error:  # a command failed: the metric fails, the others still run
            print(error, file=sys.stderr)
            rows.append(Row(name, None, note=f"error: {str(error).splitlines()[0]}"))
    total = time.perf_counter() - started

    print(table(rows))
    print(
        f"\n{args.runs} run(s) per side, medians; bench took {total:.0f} s on "
        f"{psutil.cpu_count()} CPU(s), Python {platform.python_version()}"
    )
    RESULTS.write_text(
        json.dumps(
            {
                "runs": args.runs,
                "bench_seconds": round(total, 1),
                "cpus": psutil.cpu_count(),
                "python": platform.python_version(),
                "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "rows": [{**asdict(r), "ratio": r.ratio, "status": r.status} for r in rows],
            },
            indent=1,
        )
        + "\n"
    )
    return 1 if any(r.status == "FAIL" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
