"""`python -m marchwest run`: notebooks executed in place, failures reported, nothing half-written.

Kernel starts are slow, so one command-line run (module fixture) serves most tests.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from marchwest.build import pipeline

TEST_NOTEBOOKS = Path(__file__).parent / "data" / "notebooks"


def copy_test_notebooks(folder: Path) -> Path:
    shutil.copytree(
        TEST_NOTEBOOKS, folder, ignore=shutil.ignore_patterns("conftest.py", "__pycache__")
    )
    return folder


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """`run raises.ipynb good.ipynb --jobs 1` from another folder, output to a pipe (no tty)."""
    folder = copy_test_notebooks(tmp_path_factory.mktemp("run") / "notebooks")
    # a `python3` kernelspec found first on JUPYTER_PATH, for a Python that does not exist
    decoy = folder.parent / "jupyter" / "kernels" / "python3"
    decoy.mkdir(parents=True)
    argv = ["/nonexistent/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (decoy / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "decoy"}))
    done = subprocess.run(  # noqa: PLW1510 (the exit code is what the tests check)
        [
            sys.executable,
            "-m",
            "marchwest",
            "run",
            "notebooks/raises.ipynb",
            "notebooks/good.ipynb",
            "--jobs",
            "1",
        ],
        cwd=folder.parent,
        env={**os.environ, "JUPYTER_PATH": str(folder.parent / "jupyter")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    return folder, done


def code_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_a_good_notebook_is_executed_in_place_in_its_own_folder(cli_run):
    folder, _ = cli_run
    cells = code_cells(folder / "good.ipynb")
    assert [c.execution_count for c in cells] == [1, 2, 3, 4]
    assert cells[0].outputs[0].text == "the kernel starts in the notebook's folder\n"
    assert cells[1].outputs[0].data["text/plain"] == "[0, 1, 4, 9, 16]"
    assert cells[2].outputs[0].data["text/plain"] == "{'total': 30}"
    # the kernel is this environment's Python, not the decoy `python3` kernelspec
    assert cells[3].outputs[0].text.strip() == sys.executable
    # no execution timestamps: the bytes do not change from one run to the next
    assert all("execution" not in c.metadata for c in cells)


def test_the_file_is_written_as_nbformat_writes_it(cli_run):
    folder, _ = cli_run
    data = (folder / "good.ipynb").read_bytes()
    assert data == pipeline.notebook_bytes(nbformat.reads(data.decode(), as_version=4))
    assert data.endswith(b"}\n") and b'\n "cells": [\n  {\n' in data  # indent 1, like JupyterLab
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_notebook_that_raises_is_reported_and_left_unchanged(cli_run):
    folder, done = cli_run
    assert done.returncode == 1
    assert (folder / "raises.ipynb").read_bytes() == (TEST_NOTEBOOKS / "raises.ipynb").read_bytes()
    failure = next(line for line in done.stdout.splitlines() if line.startswith("FAILED notebooks"))
    assert "raises.ipynb" in failure
    assert "cell index 1" in failure
    assert "`# a comment line first`" in failure  # the first line of the failing cell's source
    assert "KeyError: 'missing'" in failure
    assert "----> 3 values['missing']" in done.stdout  # its traceback follows, without colour codes
    assert "\x1b[" not in done.stdout


def test_the_others_still_run_and_progress_is_one_line_per_event(cli_run):
    _, done = cli_run
    lines = done.stdout.splitlines()
    events = [
        line.split()[:2] for line in lines if line.split()[:1] in (["start"], ["done"], ["failed"])
    ]
    # --jobs 1: one after the other, in the order given, the good one after the failure
    assert events == [
        ["start", "raises.ipynb"],
        ["failed", "raises.ipynb"],
        ["start", "good.ipynb"],
        ["done", "good.ipynb"],
    ]
    assert lines[-1].startswith("FAILED: 1 of 2 notebooks in ")
    assert "1 kernel(s) at once (1 written, 0 unchanged, 1 failed)" in lines[-1]
    assert "Kernel is running over TCP" not in done.stderr


def test_running_again_gives_identical_bytes_with_two_kernels(cli_run, tmp_path):
    folder, _ = cli_run
    executed = (folder / "good.ipynb").read_bytes()
    again = tmp_path / "good.ipynb"
    fresh = tmp_path / "fresh.ipynb"  # never executed, same cells: must come out the same
    again.write_bytes(executed)
    shutil.copy(TEST_NOTEBOOKS / "good.ipynb", fresh)
    shutil.copy(TEST_NOTEBOOKS / "beside.txt", tmp_path / "beside.txt")

    out = io.StringIO()
    results = pipeline.run_notebooks([again, fresh], jobs=2, stream=out)

    assert [(r.notebook, r.ok, r.changed) for r in results] == [
        (again, True, False),
        (fresh, True, True),
    ]
    assert again.read_bytes() == executed
    assert fresh.read_bytes() == executed
    # where the time went, for `benchmarks/bench.py --only breakdown`: one duration per cell
    assert len(results[1].cell_seconds) == 5 and results[1].kernel_start_seconds > 0
    assert "unchanged good.ipynb" in out.getvalue()


def test_an_unreadable_notebook_is_reported_without_a_kernel(tmp_path, capsys):
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [')
    assert pipeline.run_command([broken], jobs=None) == 1
    out = capsys.readouterr().out
    assert f"FAILED {broken}: cannot read the notebook" in out
    assert broken.read_text() == '{"cells": ['


def test_default_notebooks_are_the_project_notebooks_in_order(tmp_path, monkeypatch):
    for name in ["02-b.ipynb", "00-a.ipynb", "notes.md", "01-c.ipynb"]:
        (tmp_path / name).write_text("")
    monkeypatch.setattr(pipeline, "NOTEBOOKS_DIR", tmp_path)
    assert [p.name for p in pipeline.default_notebooks()] == [
        "00-a.ipynb",
        "01-c.ipynb",
        "02-b.ipynb",
    ]


def test_jobs_below_one_is_refused(tmp_path, capsys):
    assert pipeline.run_command([tmp_path / "any.ipynb"], jobs=0) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err


def test_write_atomically_keeps_the_old_file_when_the_write_fails(tmp_path, monkeypatch):
    target = tmp_path / "nb.ipynb"
    target.write_bytes(b"old\n")
    os.chmod(target, 0o640)

    assert pipeline.write_atomically(target, b"old\n") is False  # same bytes: not rewritten

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        pipeline.write_atomically(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["nb.ipynb"]  # no temporary file left behind

    monkeypatch.undo()
    assert pipeline.write_atomically(target, b"new\n") is True
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o640


def test_live_progress_redraws_one_line_per_notebook(tmp_path):
    first, second = tmp_path / "00-first.ipynb", tmp_path / "01-second.ipynb"
    out = io.StringIO()
    progress = pipeline.Progress([first, second], out, live=True)
    progress.start(first)
    progress.cell(first, 2, 9)
    progress.finish(pipeline.NotebookResult(first, 1.25, changed=True))
    progress.start(second)
    failure = pipeline.NotebookFailure("ValueError: no", 3, "x = 1")
    progress.finish(pipeline.NotebookResult(second, 0.5, failure))

    frames = out.getvalue().split("\x1b[F\x1b[F")  # each redraw moves back up over both lines
    assert len(frames) > 3
    last = [line.replace("\x1b[2K", "") for line in frames[-1].splitlines()]
    assert last[0].startswith("✓ 00-first.ipynb ") and "1.2 s" in last[0] and "written" in last[0]
    assert last[1].startswith("✗ 01-second.ipynb")
    assert "cell index 3 `x = 1`: ValueError: no" in last[1]
    running = [line for line in out.getvalue().split("\x1b[2K") if "running" in line]
    assert any("cell 3/9" in line for line in running)


def test_a_cell_that_runs_too_long_fails_its_notebook_only(tmp_path):
    folder = copy_test_notebooks(tmp_path / "notebooks")
    command = [sys.executable, "-m", "marchwest", "run", "notebooks/sleeps.ipynb"]
    done = subprocess.run(  # noqa: PLW1510 (the exit code is what the test checks)
        [*command, "notebooks/good.ipynb", "--jobs", "1", "--timeout", "2"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    failure = next(line for line in done.stdout.splitlines() if line.startswith("FAILED notebooks"))
    assert "sleeps.ipynb: cell index 1 `import time`: timed out after 2 s" in failure
    assert (folder / "sleeps.ipynb").read_bytes() == (TEST_NOTEBOOKS / "sleeps.ipynb").read_bytes()
    assert [c.execution_count for c in code_cells(folder / "good.ipynb")] == [1, 2, 3, 4]
    assert "1 written, 0 unchanged, 1 failed" in done.stdout.splitlines()[-1]


def test_a_timeout_below_one_second_is_refused(tmp_path, capsys):
    assert pipeline.run_command([tmp_path / "any.ipynb"], timeout=0) == 2
    assert "--timeout must be at least 1 second" in capsys.readouterr().err


def test_a_notebook_that_cannot_be_written_back_is_a_failure(tmp_path, monkeypatch):
    shutil.copy(TEST_NOTEBOOKS / "good.ipynb", tmp_path / "good.ipynb")
    shutil.copy(TEST_NOTEBOOKS / "beside.txt", tmp_path / "beside.txt")

    def read_only(path, data, read=None):  # root writes anywhere: a read-only folder is mocked
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(pipeline, "write_atomically", read_only)
    [result] = pipeline.run_notebooks([tmp_path / "good.ipynb"], jobs=1, stream=io.StringIO())
    assert result.failure.describe() == "cannot write the notebook: Permission denied"


class _TakenPort:
    """Kernel managers whose first ``taken`` kernels are given a shell port another socket holds:
    the port race of the Jupyter protocol, made to happen."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, taken: int):
        self.held = socket.socket()
        self.held.bind(("127.0.0.1", 0))
        self.held.listen()
        self.made = 0
        port, tracker = self.held.getsockname()[1], self

        class Manager(pipeline.AsyncKernelManager):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                tracker.made += 1
                if tracker.made <= taken:  # as the client picked it (not from its port cache)
                    self.cache_ports = False
                    self.shell_port = port

        monkeypatch.setattr(pipeline, "AsyncKernelManager", Manager)


def test_a_kernel_that_lost_its_port_is_started_again(tmp_path, monkeypatch):
    shutil.copy(TEST_NOTEBOOKS / "good.ipynb", tmp_path / "good.ipynb")
    shutil.copy(TEST_NOTEBOOKS / "beside.txt", tmp_path / "beside.txt")
    ports = _TakenPort(monkeypatch, taken=1)
    with ports.held:
        [result] = pipeline.run_notebooks([tmp_path / "good.ipynb"], jobs=1, stream=io.StringIO())
    assert result.ok, result.failure
    assert ports.made == 2
    assert [c.execution_count for c in code_cells(tmp_path / "good.ipynb")] == [1, 2, 3, 4]


def test_a_kernel_that_never_starts_fails_its_notebook_after_three_tries(tmp_path, monkeypatch):
    shutil.copy(TEST_NOTEBOOKS / "good.ipynb", tmp_path / "good.ipynb")
    ports = _TakenPort(monkeypatch, taken=pipeline.KERNEL_STARTS)
    with ports.held:
        [result] = pipeline.run_notebooks([tmp_path / "good.ipynb"], jobs=1, stream=io.StringIO())
    assert ports.made == pipeline.KERNEL_STARTS == 3
    assert result.failure.describe().startswith("the kernel did not start (3 tries): RuntimeError")
    assert (tmp_path / "good.ipynb").read_bytes() == (TEST_NOTEBOOKS / "good.ipynb").read_bytes()
