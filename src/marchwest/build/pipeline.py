"""Execute notebooks in place: one process, several kernels at once, outputs that do not drift.

``python -m marchwest run`` drives nbclient directly instead of calling ``jupyter nbconvert
--execute`` once per notebook: the command-line start is paid once, kernels run side by side
(one per core), and a finished kernel is stopped at once while the next one starts. A notebook is
written only when every cell ran, atomically, only when its bytes changed, and never over a file
changed since the run read it (a cell saved meanwhile, as JupyterLab saves, is kept: the run of
that notebook fails and says so). Notebooks are read as regular files of at most 50 MB
(``marchwest.build.stamps.MAX_FILE_BYTES``): a FIFO, a device or a larger file is refused by name.

Each result carries the digest of the bytes its run wrote, for its stamp (``marchwest.build.stamps``).

Every kernel reads the ledger the run is given through ``$MARCHWEST_LEDGER``
(:func:`kernel_environment`). On another ledger than the bundled one, ``run --ledger DIR --out
DIR`` executes copies (:func:`ledger_copy`: the cells tagged :data:`BUNDLED_TAG` left out) and
skips the notebooks of :data:`BUNDLED_ONLY`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TextIO

import nbformat
from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from marchwest.build.stamps import MAX_FILE_BYTES, read_regular
from marchwest.ledger.reader import ReadError
from marchwest.loaders import LEDGER_ENV
from marchwest.paths import NOTEBOOKS_DIR, bundled_ledger_dir

# Kernel-level log lines (e.g. ipykernel's warning that it talks over local TCP) are noise here;
# errors still show, and cell output never goes through this log.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
DEFAULT_TIMEOUT = 300  # seconds one cell may run; a notebook stuck longer fails
# The client picks a kernel's ports and the kernel binds them a moment later: another process
# may take one in between, and the kernel dies before it replies (a race of the Jupyter
# protocol, jupyter/jupyter_client#154; seen once in `make bench`). Such a start is tried again.
KERNEL_STARTS = 3
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The moments of a notebook's run reported to ``on_event`` (with "cell N" before each cell).
MOMENTS = ("read", "executed", "written")
OnEvent = Callable[[Path, str], None]


# The notebooks written about the bundled article alone, and why: `run --ledger` skips them.
BUNDLED_ONLY = {
    "01-arms-transfers.ipynb": "it ranks the bundled article's countries among China's arms"
    " recipients over windows of the bundled SIPRI extract",
    "02-timeline.ipynb": "its 2019 close-up and its checks are drawn for the bundled article's"
    " events and years",
    "03-organisation-membership.ipynb": "it follows the SCO and the organisations the bundled"
    " article names, by their ids",
    "04-map.ipynb": "it draws the bundled article's places, with their proxies, on its region",
}
# A cell written about the bundled article (its prose, its numbers, its ids): a notebook run on
# another ledger (``run --ledger DIR --out DIR``) is executed without it.
BUNDLED_TAG = "bundled-article"
NOTE_CELL_ID = "marchwest-ledger-note"


class NotebookChanged(Exception):
    """The notebook on disk is no longer the file the run read: it is not overwritten."""


class CurrentEnvKernelSpecs(KernelSpecManager):
    """Kernel specs where ``python3`` is always the running interpreter's own ipykernel.

    Another ``python3`` kernelspec on the machine (another venv, a user-wide install) must not
    run our notebooks: this is what ``nbval --nbval-current-env`` does for the tests.
    """

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name == NATIVE_KERNEL_NAME:
            from ipykernel.kernelspec import RESOURCES, get_kernel_dict

            return self.kernel_spec_class(resource_dir=RESOURCES, **get_kernel_dict())
        return super().get_kernel_spec(kernel_name)


@dataclass(frozen=True)
class NotebookFailure:
    """Why a notebook did not run: the cell (index in the notebook, first line) and the error."""

    error: str
    cell_index: int | None = None
    cell_first_line: str = ""
    traceback: str = ""

    def describe(self) -> str:
        if self.cell_index is None:
            return self.error
        return f"cell index {self.cell_index} `{self.cell_first_line}`: {self.error}"


@dataclass(frozen=True)
class NotebookResult:
    """One notebook's run: how it ended, whether the file changed, where the time went."""

    notebook: Path
    seconds: float
    failure: NotebookFailure | None = None
    changed: bool = False
    kernel_start_seconds: float = 0.0
    cell_seconds: tuple[float, ...] = ()  # one per cell run, in notebook order
    digest: str | None = None  # SHA-256 of the bytes the run left in the file (when it ran through)

    @property
    def ok(self) -> bool:
        return self.failure is None


def default_notebooks() -> list[Path]:
    """Every ``notebooks/*.ipynb`` of the project, in name order."""
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def default_jobs() -> int:
    """One kernel per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def notebook_bytes(nb: nbformat.NotebookNode) -> bytes:
    """The file as nbformat (and JupyterLab) write it: indent 1, sorted keys, final newline."""
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


def _on_disk(path: Path) -> bytes | None:
    """The file's bytes now; None if there is none, or not a regular file of at most 50 MB."""
    try:
        return read_regular(path, MAX_FILE_BYTES)
    except (FileNotFoundError, ReadError):
        return None


def write_atomically(path: Path, data: bytes, read: bytes | None = None) -> bool:
    """Replace ``path`` with ``data`` in one step (never half-written); False if unchanged.

    With ``read`` (the bytes the caller read from ``path``), raise NotebookChanged instead when the
    file no longer holds them: it is compared again just before the replace.
    """
    current = _on_disk(path)
    if read is not None and current != read:
        raise NotebookChanged(path)
    if current == data:
        return False
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        if path.exists():
            os.chmod(tmp_name, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp_name, 0o666 & ~_umask())
        if read is not None and _on_disk(path) != read:
            raise NotebookChanged(path)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def ledger_copy(source: bytes, note: str) -> bytes:
    """A notebook (its file's bytes) as run on another ledger than the bundled one: without the
    cells tagged :data:`BUNDLED_TAG` nor any output, opening with its first heading and
    ``note`` (which says what it was run on)."""
    nb = nbformat.reads(source.decode("utf-8"), as_version=4)
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    heading = next((line for line in first.splitlines() if line.startswith("# ")), "# Notebook")
    cells = [c for c in nb.cells if BUNDLED_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    intro = nbformat.v4.new_markdown_cell(f"{heading}\n\n{note}")
    intro.id = NOTE_CELL_ID
    nb.cells = [intro, *cells]
    return notebook_bytes(nb)


def kernel_environment(ledger_dir: Path | None) -> dict[str, str]:
    """The environment of every kernel: this one's, with ``$MARCHWEST_LEDGER`` naming the
    ledger the notebooks read (the bundled one unless ``ledger_dir``), as an absolute path."""
    ledger = Path(ledger_dir) if ledger_dir is not None else bundled_ledger_dir()
    return {**os.environ, LEDGER_ENV: str(ledger.resolve())}


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _cell_failure(
    index: int, cell: nbformat.NotebookNode, error: BaseException, timeout: int
) -> NotebookFailure:
    if isinstance(error, CellExecutionError):
        message = f"{error.ename}: {error.evalue}"
        lines = next(
            (
                out.get("traceback", [])
                for out in cell.get("outputs", [])
                if out.get("output_type") == "error"
            ),
            [],
        )
        traceback = _ANSI_ESCAPE.sub("", "\n".join(lines))
    elif isinstance(error, CellTimeoutError):
        message, traceback = f"timed out after {timeout} s", ""
    else:  # the kernel died, ...
        message = f"{type(error).__name__}: {error}".rstrip(": ")
        traceback = ""
    return NotebookFailure(message, index, _first_line(cell.source), traceback)


class Progress:
    """What the run shows while it works.

    On a terminal: one live line per notebook (waiting, running with its cell and elapsed
    time, done, failed), redrawn in place. Elsewhere (CI logs, pipes): one line per event.
    """

    SYMBOLS: ClassVar[dict[str, str]] = {
        "waiting": "·",
        "running": "▶",
        "done": "✓",
        "unchanged": "✓",
        "failed": "✗",
    }

    def __init__(self, notebooks: Sequence[Path], stream: TextIO, live: bool | None = None):
        self.stream = stream
        self.live = _is_terminal(stream) if live is None else live
        self.names = {nb: nb.name for nb in notebooks}
        self.width = max((len(n) for n in self.names.values()), default=0)
        self.state = dict.fromkeys(notebooks, "waiting")
        self.detail = dict.fromkeys(notebooks, "")
        self.started_at: dict[Path, float] = {}
        self.seconds: dict[Path, float] = {}
        self.drawn = 0

    def start(self, nb: Path) -> None:
        self.state[nb] = "running"
        self.started_at[nb] = time.monotonic()
        self._event(nb, "start")

    def cell(self, nb: Path, index: int, total: int) -> None:
        self.detail[nb] = f"cell {index + 1}/{total}"
        if self.live:
            self.draw()

    def finish(self, result: NotebookResult) -> None:
        nb = result.notebook
        self.seconds[nb] = result.seconds
        if result.failure is not None:
            self.state[nb], self.detail[nb] = "failed", result.failure.describe()
        else:
            self.state[nb] = "done" if result.changed else "unchanged"
            self.detail[nb] = "written" if result.changed else "outputs unchanged"
        self._event(nb, self.state[nb])

    def _event(self, nb: Path, what: str) -> None:
        if self.live:
            self.draw()
            return
        line = f"{what:<9} {self.names[nb]}"
        if nb in self.seconds:
            line += f"  {self.seconds[nb]:.1f} s"
        if self.state[nb] in ("failed", "done", "unchanged") and self.detail[nb]:
            line += f"  {self.detail[nb]}"
        print(line, file=self.stream, flush=True)

    def line(self, nb: Path) -> str:
        state = self.state[nb]
        if state == "running":
            seconds = time.monotonic() - self.started_at[nb]
        else:
            seconds = self.seconds.get(nb)
        clock = f"{seconds:5.1f} s" if seconds is not None else " " * 7
        text = f"{self.SYMBOLS[state]} {self.names[nb]:<{self.width}}  {state:<9} {clock}"
        return f"{text}  {self.detail[nb]}".rstrip()

    def draw(self) -> None:
        columns = _terminal_columns(self.stream)
        out = "\x1b[F" * self.drawn  # back to the first line drawn
        for nb in self.state:
            line = self.line(nb)
            out += "\x1b[2K" + (line[: columns - 1] if columns > 1 else line) + "\n"
        self.drawn = len(self.state)
        self.stream.write(out)
        self.stream.flush()

    async def keep_drawing(self, every: float = 0.2) -> None:
        """Refresh the elapsed times until cancelled (terminal only)."""
        while self.live:
            self.draw()
            await asyncio.sleep(every)


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _terminal_columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 0  # unknown: lines are not cut


def _read_notebook(nb_path: Path) -> tuple[bytes, nbformat.NotebookNode]:
    """The notebook's bytes (a regular file of at most 50 MB) and the notebook they hold."""
    try:
        data = read_regular(nb_path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise ReadError("no such file") from None
    return data, nbformat.reads(data.decode("utf-8"), as_version=4)


CHANGED_MEANWHILE = (
    "changed on disk while it ran: not overwritten, the file on disk is kept (run it again)"
)


async def _execute(
    nb_path: Path,
    progress: Progress,
    shutdowns: list[asyncio.Task],
    timeout: int,
    on_event: OnEvent,
    env: dict[str, str],
) -> NotebookResult:
    """Run one notebook in a fresh kernel started in its folder with ``env``; write it back if
    every cell ran (each within ``timeout`` seconds) and the file is still the one it read."""
    started = time.monotonic()
    progress.start(nb_path)
    try:
        read, nb = _read_notebook(nb_path)
    except Exception as error:  # noqa: BLE001 (unreadable JSON, not a notebook, a FIFO, ...)
        what = f"{type(error).__name__}: " if not isinstance(error, ReadError) else ""
        return NotebookResult(
            nb_path,
            time.monotonic() - started,
            NotebookFailure(f"cannot read the notebook: {what}{error}".splitlines()[0]),
        )
    on_event(nb_path, "read")
    failure: NotebookFailure | None = None
    changed = False
    digest = None
    cell_seconds: list[float] = []
    client, km = None, None
    try:
        for attempt in range(1, KERNEL_STARTS + 1):
            if km is not None:  # a start that failed: its kernel goes, fresh ports are picked
                await _shut_down(client, km)
            km = AsyncKernelManager(
                kernel_name=NATIVE_KERNEL_NAME, kernel_spec_manager=CurrentEnvKernelSpecs()
            )
            client = NotebookClient(
                nb,
                km=km,
                kernel_name=NATIVE_KERNEL_NAME,
                record_timing=False,
                timeout=timeout,
                extra_arguments=list(KERNEL_ARGUMENTS),
            )
            try:
                await client.async_start_new_kernel(cwd=str(nb_path.parent), env=env)
                await client.async_start_new_kernel_client()
                reply = await client.async_wait_for_reply(client.kc.kernel_info())
                nb.metadata["language_info"] = reply["content"]["language_info"]
                break
            except Exception as error:  # noqa: BLE001 (reported; the other notebooks go on)
                if attempt == KERNEL_STARTS:
                    failure = NotebookFailure(
                        f"the kernel did not start ({attempt} tries): "
                        f"{type(error).__name__}: {error}"
                    )
        kernel_started = time.monotonic()
        for index, cell in enumerate(nb.cells if failure is None else []):
            progress.cell(nb_path, index, len(nb.cells))
            on_event(nb_path, f"cell {index}")
            cell_started = time.monotonic()
            try:
                await client.async_execute_cell(
                    cell, index, execution_count=client.code_cells_executed + 1
                )
            except Exception as error:  # noqa: BLE001 (a raising cell, a dead kernel, a timeout)
                failure = _cell_failure(index, cell, error, client.timeout)
                break
            finally:
                cell_seconds.append(time.monotonic() - cell_started)
        if failure is None:
            on_event(nb_path, "executed")
            data = notebook_bytes(nb)
            try:
                changed = write_atomically(nb_path, data, read)
                digest = hashlib.sha256(data).hexdigest()
                on_event(nb_path, "written")
            except NotebookChanged:
                failure = NotebookFailure(CHANGED_MEANWHILE)
            except OSError as error:
                failure = NotebookFailure(f"cannot write the notebook: {error.strerror or error}")
    finally:
        # the next notebook may start while this kernel stops
        if km is not None:
            shutdowns.append(asyncio.create_task(_shut_down(client, km)))
    return NotebookResult(
        nb_path,
        time.monotonic() - started,
        failure,
        changed,
        kernel_started - started,
        tuple(cell_seconds),
        digest,
    )


async def _shut_down(client: NotebookClient, km: AsyncKernelManager) -> None:
    """Stop the kernel at once, as nbclient's ``shutdown_kernel="immediate"`` does.

    Every output is in hand by now. jupyter_client kills the kernel's whole process group (any
    process a notebook started goes with it) and removes the connection file; a graceful
    shutdown would only add the interpreter's teardown, ~0.5 s of CPU per notebook.
    """
    if client.kc is not None:
        client.kc.stop_channels()
    if km.has_kernel:
        await km.shutdown_kernel(now=True)


async def _run_all(
    notebooks: Sequence[Path],
    jobs: int,
    progress: Progress,
    timeout: int,
    on_event: OnEvent,
    on_done: Callable[[NotebookResult], None],
    env: dict[str, str],
) -> list[NotebookResult]:
    slots = asyncio.Semaphore(jobs)
    shutdowns: list[asyncio.Task] = []

    async def run(nb_path: Path) -> NotebookResult:
        async with slots:
            result = await _execute(nb_path, progress, shutdowns, timeout, on_event, env)
        progress.finish(result)
        on_done(result)
        return result

    drawing = asyncio.create_task(progress.keep_drawing())
    try:
        return list(await asyncio.gather(*(run(nb) for nb in notebooks)))
    finally:
        drawing.cancel()
        await asyncio.gather(*shutdowns, return_exceptions=True)
        if progress.live:
            progress.draw()


def run_notebooks(
    notebooks: Sequence[Path],
    *,
    jobs: int | None = None,
    stream: TextIO | None = None,
    live: bool | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    on_event: OnEvent | None = None,
    on_done: Callable[[NotebookResult], None] | None = None,
    ledger_dir: Path | None = None,
) -> list[NotebookResult]:
    """Execute each notebook in place, ``jobs`` kernels at once, showing progress on ``stream``,
    reading the ledger at ``ledger_dir`` (default: the bundled one; see :func:`kernel_environment`).

    Notebooks start in the order given. A failing notebook (a cell raising, or running longer
    than ``timeout`` seconds, or changed on disk while it ran) is left as it is on disk and does
    not stop the others. ``on_event(notebook, moment)`` is called at each moment of a notebook's
    run (``MOMENTS``, and "cell N" before each cell), ``on_done(result)`` as each one ends.
    Returns one result per notebook, in the order given.
    """
    notebooks = [Path(nb) for nb in notebooks]
    jobs = min(jobs or default_jobs(), max(len(notebooks), 1))
    progress = Progress(notebooks, sys.stdout if stream is None else stream, live)
    return asyncio.run(
        _run_all(
            notebooks,
            jobs,
            progress,
            timeout,
            on_event or (lambda nb, moment: None),
            on_done or (lambda result: None),
            kernel_environment(ledger_dir),
        )
    )


def summary(results: Sequence[NotebookResult], seconds: float, jobs: int) -> str:
    """One line: how many notebooks ran, failed, were written, and how long it took."""
    failed = sum(not r.ok for r in results)
    written = sum(r.changed for r in results)
    verdict = (
        f"FAILED: {failed} of {len(results)} notebooks"
        if failed
        else f"{len(results)} notebooks ran"
    )
    return (
        f"{verdict} in {seconds:.1f} s, {jobs} kernel(s) at once"
        f" ({written} written, {len(results) - failed - written} unchanged, {failed} failed)"
    )


def report(results: Sequence[NotebookResult], stream: TextIO) -> None:
    """For each failed notebook: its name, the cell, the error and the cell's traceback."""
    for result in results:
        if result.failure is None:
            continue
        print(f"\nFAILED {result.notebook}: {result.failure.describe()}", file=stream)
        if result.failure.traceback:
            for line in result.failure.traceback.splitlines():
                print(f"    {line}", file=stream)


def run_command(
    notebooks: list[Path],
    jobs: int | None = None,
    timeout: int | None = None,
    ran: Callable[[NotebookResult], None] | None = None,
    on_event: OnEvent | None = None,
    ledger_dir: Path | None = None,
) -> int:
    """``python -m marchwest run``: execute notebooks (default: notebooks/*); 1 if any failed.

    ``timeout`` is the seconds a cell may run (default 300); ``ran`` is called with the result
    of each notebook as it ends (``marchwest.cli`` stamps those that ran through);
    ``on_event`` and ``ledger_dir`` as in :func:`run_notebooks`.
    """
    if jobs is not None and jobs < 1:
        print(f"--jobs must be at least 1, not {jobs}", file=sys.stderr)
        return 2
    if timeout is not None and timeout < 1:
        print(f"--timeout must be at least 1 second, not {timeout}", file=sys.stderr)
        return 2
    notebooks = list(dict.fromkeys(Path(nb) for nb in notebooks)) or default_notebooks()
    if not notebooks:
        print(f"no notebooks to run in {NOTEBOOKS_DIR}", file=sys.stderr)
        return 1
    jobs = min(jobs or default_jobs(), len(notebooks))
    started = time.monotonic()
    try:
        results = run_notebooks(
            notebooks,
            jobs=jobs,
            timeout=timeout or DEFAULT_TIMEOUT,
            on_event=on_event,
            on_done=ran,
            ledger_dir=ledger_dir,
        )
    except KeyboardInterrupt:  # the kernels are shut down by then
        print("\ninterrupted: notebooks still running were left as they were", file=sys.stderr)
        return 130
    seconds = time.monotonic() - started
    report(results, sys.stdout)
    print(summary(results, seconds, jobs), flush=True)
    for result in results:
        if result.failure is not None:
            print(f"marchwest run: {result.notebook}: {result.failure.describe()}", file=sys.stderr)
    return 0 if all(r.ok for r in results) else 1
