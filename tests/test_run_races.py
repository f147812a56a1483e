"""`marchwest run` while files change under it: a notebook's stamp holds the inputs read before
its run and the bytes the run wrote; a notebook saved meanwhile is never overwritten.

Each edit happens at a moment the runner reports (``on_event``: "read", "cell N", "executed",
"written" of a notebook), in the same process: no delay, no race with the test's own clock.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import nbformat
import pytest

from marchwest.build import pipeline
from marchwest.cli import run_stamped

LEDGER_FILE = "facts/events.yaml"
CELL = 'print({token!r}, open("../ledger/facts/events.yaml").read().strip())'
TOKEN = re.compile(r"^print\('([^']*)'")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[Path]]:
    """A ledger whose one fact file every cell prints, and two notebooks of two such cells."""
    monkeypatch.setenv("MARCHWEST_STAMPS", str(tmp_path / "stamps"))
    ledger = tmp_path / "ledger"
    (ledger / "facts").mkdir(parents=True)
    (ledger / LEDGER_FILE).write_text("total: 10510\n")
    (tmp_path / "notebooks").mkdir()
    notebooks = [tmp_path / "notebooks" / f"{name}.ipynb" for name in ("a", "b")]
    for nb in notebooks:
        cells = [nbformat.v4.new_code_cell(CELL.format(token=f"{nb.stem}{i}")) for i in range(2)]
        for i, cell in enumerate(cells):
            cell.id = f"{nb.stem}-{i}"
        nb.write_bytes(pipeline.notebook_bytes(nbformat.v4.new_notebook(cells=cells)))
    return ledger, notebooks


def tokens(nb: Path) -> list[str]:
    """What each code cell of the notebook on disk prints first (its source)."""
    cells = nbformat.reads(nb.read_text(encoding="utf-8"), as_version=4).cells
    return [TOKEN.match(cell.source).group(1) for cell in cells]


def save_cell(nb: Path, index: int, token: str) -> None:
    """A user's save, as JupyterLab does it: the whole file, the cell's old output kept."""
    notebook = nbformat.reads(nb.read_text(encoding="utf-8"), as_version=4)
    notebook.cells[index].source = CELL.format(token=token)
    nb.write_bytes(pipeline.notebook_bytes(notebook))


def edit_ledger(ledger: Path, total: int) -> None:
    (ledger / LEDGER_FILE).write_text(f"total: {total}\n")


def assert_current(ledger: Path, expected: dict[Path, list[str]]) -> None:
    """Every notebook holds the cells last saved into it, each showing the output of that cell
    run on the ledger as it is now."""
    fact = (ledger / LEDGER_FILE).read_text().strip()
    for nb, saved in expected.items():
        assert tokens(nb) == saved, f"an edit of {nb.name} was lost"
        cells = nbformat.reads(nb.read_text(encoding="utf-8"), as_version=4).cells
        shown = ["".join(out.get("text", "") for out in cell.outputs) for cell in cells]
        assert shown == [f"{token} {fact}\n" for token in saved], f"{nb.name} shows stale outputs"


def at(moments: dict[tuple[str, str], callable]):
    """An ``on_event`` that runs each action once, at its (notebook name, moment)."""

    def on_event(nb: Path, moment: str) -> None:
        action = moments.pop((nb.name, moment), None)
        if action is not None:
            action()

    return on_event


def ran(out: str) -> list[str]:
    """The notebooks a run started, from its progress lines."""
    return re.findall(r"^start\s+(\S+)", out, re.MULTILINE)


def test_the_runner_reports_each_moment_of_a_run_in_order(project):
    ledger, (a, _) = project
    seen = []
    assert run_stamped([a], ledger_dir=ledger, on_event=lambda nb, m: seen.append((nb, m))) == 0
    assert seen == [(a, m) for m in ("read", "cell 0", "cell 1", "executed", "written")]


@pytest.mark.parametrize("moment", [("a.ipynb", "written"), ("b.ipynb", "read")])
def test_a_notebook_saved_after_its_run_wrote_it_runs_next_time(project, capsys, moment):
    """`run a b`: a's cell saved once a was written (before b finished): the next run runs a."""
    ledger, (a, b) = project
    moments = {moment: lambda: save_cell(a, 0, "edited")}
    assert run_stamped([a, b], jobs=1, ledger_dir=ledger, on_event=at(moments)) == 0
    assert not moments, "the moment was reported"
    capsys.readouterr()

    assert run_stamped([a, b], jobs=1, ledger_dir=ledger) == 0
    out = capsys.readouterr().out
    assert ran(out) == ["a.ipynb"]
    assert "run a.ipynb: runs (a.ipynb changed)" in out and "skipped run b.ipynb" in out
    assert_current(ledger, {a: ["edited", "a1"], b: ["b0", "b1"]})


@pytest.mark.parametrize("moment", [("a.ipynb", "cell 1"), ("b.ipynb", "written")])
def test_a_ledger_edited_while_notebooks_run_runs_them_again(project, capsys, moment):
    ledger, notebooks = project
    moments = {moment: lambda: edit_ledger(ledger, 11510)}
    assert run_stamped(notebooks, jobs=1, ledger_dir=ledger, on_event=at(moments)) == 0
    assert not moments
    capsys.readouterr()
    assert run_stamped(notebooks, jobs=1, ledger_dir=ledger) == 0
    assert ran(capsys.readouterr().out) == ["a.ipynb", "b.ipynb"]
    assert_current(ledger, {nb: [f"{nb.stem}0", f"{nb.stem}1"] for nb in notebooks})


def test_a_ledger_edited_between_runs_runs_them_again(project, capsys):
    ledger, notebooks = project
    assert run_stamped(notebooks, jobs=2, ledger_dir=ledger) == 0
    edit_ledger(ledger, 11510)
    capsys.readouterr()
    assert run_stamped(notebooks, jobs=2, ledger_dir=ledger) == 0
    out = capsys.readouterr().out
    assert sorted(ran(out)) == ["a.ipynb", "b.ipynb"] and "runs (ledger changed)" in out
    assert_current(ledger, {nb: [f"{nb.stem}0", f"{nb.stem}1"] for nb in notebooks})


def test_a_notebook_saved_while_it_runs_is_kept_and_the_run_says_so(project, capsys):
    """A cell saved (as JupyterLab saves) after the run read the notebook: the run does not write
    it, names it on stderr and fails; nothing is lost, and the next run runs the saved cells."""
    ledger, (a, b) = project
    saved = {}

    def save():
        save_cell(a, 1, "saved meanwhile")
        saved["bytes"] = a.read_bytes()

    code = run_stamped(
        [a, b], jobs=1, ledger_dir=ledger, on_event=at({("a.ipynb", "executed"): save})
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert a.read_bytes() == saved["bytes"]
    assert err.splitlines() == [
        f"marchwest run: {a}: changed on disk while it ran: not overwritten,"
        " the file on disk is kept (run it again)"
    ]
    assert not [p.name for p in a.parent.iterdir() if p.name.endswith(".tmp")]

    assert run_stamped([a, b], jobs=1, ledger_dir=ledger) == 0
    assert ran(capsys.readouterr().out) == ["a.ipynb"]
    assert_current(ledger, {a: ["a0", "saved meanwhile"], b: ["b0", "b1"]})


def test_a_save_between_the_last_check_and_the_replace_is_caught(tmp_path, monkeypatch):
    """The file is compared again once the new bytes are on disk, just before the replace."""
    target = tmp_path / "nb.ipynb"
    target.write_bytes(b"read\n")
    fsync = pipeline.os.fsync

    def save_then_fsync(fd):
        target.write_bytes(b"the user's save\n")
        fsync(fd)

    monkeypatch.setattr(pipeline.os, "fsync", save_then_fsync)
    with pytest.raises(pipeline.NotebookChanged):
        pipeline.write_atomically(target, b"executed\n", read=b"read\n")
    assert target.read_bytes() == b"the user's save\n"
    assert [p.name for p in tmp_path.iterdir()] == ["nb.ipynb"]


MOMENTS = [  # every moment the runner reports of each notebook's run
    (name, moment)
    for name in ("a.ipynb", "b.ipynb")
    for moment in (pipeline.MOMENTS[0], "cell 0", "cell 1", *pipeline.MOMENTS[1:])
]


@pytest.mark.parametrize("seed", range(8))
def test_edits_at_random_moments_leave_nothing_stale_and_nothing_lost(project, capsys, seed):
    """Property: cells saved and ledger edits at random moments of a run (one or two kernels);
    after it and one more run, every notebook holds its last saved cells, each showing its output
    on the ledger as it is now, and a third run has nothing to do."""
    ledger, notebooks = project
    rng = random.Random(seed)
    expected = {nb: tokens(nb) for nb in notebooks}
    moments = {}
    saves, ledger_edits = rng.randint(1, 4), rng.choice([0, 0, 1])
    for number, moment in enumerate(rng.sample(MOMENTS, saves + ledger_edits)):
        if number < ledger_edits:
            moments[moment] = lambda total=12000 + number: edit_ledger(ledger, total)
        else:
            nb, index, token = rng.choice(notebooks), rng.randrange(2), f"s{seed}e{number}"

            def save(nb=nb, index=index, token=token):
                save_cell(nb, index, token)
                expected[nb][index] = token

            moments[moment] = save

    jobs = 1 + seed % 2
    first = run_stamped(notebooks, jobs=jobs, ledger_dir=ledger, on_event=at(moments))
    assert first in (0, 1)  # 1: a notebook saved while it ran was not overwritten
    assert run_stamped(notebooks, jobs=2, ledger_dir=ledger) == 0
    assert_current(ledger, expected)
    capsys.readouterr()
    assert run_stamped(notebooks, jobs=2, ledger_dir=ledger) == 0
    assert "2 notebooks up to date, none ran" in capsys.readouterr().out
