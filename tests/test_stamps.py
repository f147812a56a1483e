"""Up-to-date stamps: a step runs again exactly when its inputs or outputs changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _cli import run

from marchwest import stamps
from marchwest.paths import NOTEBOOKS_DIR, bundled_ledger_dir

TEST_NOTEBOOKS = Path(__file__).parent / "data" / "notebooks"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Copies of the ledger's folders and of three notebooks; stamps in their own folder."""
    monkeypatch.setenv("MARCHWEST_STAMPS", str(tmp_path / "stamps"))
    ledger = tmp_path / "data"
    for folder in ("raw", "facts", "external"):
        shutil.copytree(bundled_ledger_dir() / folder, ledger / folder)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for nb in sorted(NOTEBOOKS_DIR.glob("*.ipynb"))[:3]:
        shutil.copy(nb, notebooks / nb.name)
    return ledger, sorted(notebooks.glob("*.ipynb"))


def to_run(notebooks: list[Path], ledger: Path, force: bool = False) -> list[str]:
    steps = stamps.notebook_steps(notebooks, ledger)
    return [step.target.name for step in steps if not step.skip(force)]


def run_all(notebooks: list[Path], ledger: Path) -> None:
    """What `marchwest run` does after each notebook that ran through."""
    for step in stamps.notebook_steps(notebooks, ledger):
        step.record()


def edit_code_cell(nb: Path, line: str) -> None:
    notebook = json.loads(nb.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    source = "".join(cell["source"])
    cell["source"] = source + "\n" + line
    nb.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")


def test_a_fresh_checkout_runs_everything_then_nothing(project, capsys):
    ledger, notebooks = project
    names = [nb.name for nb in notebooks]
    assert to_run(notebooks, ledger) == names
    assert capsys.readouterr().out == ""  # a first run goes without saying
    run_all(notebooks, ledger)
    assert to_run(notebooks, ledger) == []
    assert to_run(notebooks, ledger) == []  # checking leaves the stamps as they were
    out = capsys.readouterr().out
    assert f"skipped run {names[0]}: ledger, package, locked versions, {names[0]} unchanged" in out


def test_a_comment_in_one_fact_file_runs_every_notebook(project, capsys):
    ledger, notebooks = project
    run_all(notebooks, ledger)
    with (ledger / "facts" / "events.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# a comment\n")
    assert to_run(notebooks, ledger) == [nb.name for nb in notebooks]
    assert "runs (ledger changed)" in capsys.readouterr().out


def test_a_changed_code_cell_runs_that_notebook_only(project, capsys):
    ledger, notebooks = project
    run_all(notebooks, ledger)
    edit_code_cell(notebooks[1], "# a comment")
    assert to_run(notebooks, ledger) == [notebooks[1].name]
    assert f"runs ({notebooks[1].name} changed)" in capsys.readouterr().out


def test_force_runs_every_notebook(project):
    ledger, notebooks = project
    run_all(notebooks, ledger)
    assert to_run(notebooks, ledger, force=True) == [nb.name for nb in notebooks]


def test_an_output_folder_changed_or_deleted_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("MARCHWEST_STAMPS", str(tmp_path / "stamps"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "table.csv").write_text("a\n1\n")
    stamps.export_step(out).record()
    assert stamps.export_step(out).changes() == []
    (out / "table.csv").write_text("a\n2\n")
    assert stamps.export_step(out).changes() == ["out"]
    shutil.rmtree(out)
    assert stamps.export_step(out).changes() == ["out"]
    assert stamps.export_step(tmp_path / "elsewhere").changes() == ["no stamp"]


def test_a_damaged_stamp_counts_as_none(tmp_path, monkeypatch):
    monkeypatch.setenv("MARCHWEST_STAMPS", str(tmp_path / "stamps"))
    step = stamps.validate_step(None)
    step.record()
    assert step.changes() == []
    for stamp in (tmp_path / "stamps").iterdir():
        stamp.write_text("{not json")
    assert step.changes() == ["no stamp"]


def marchwest(*args: str, cwd: Path) -> str:
    done = run(*args, cwd=cwd, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_run_command_skips_what_ran_and_force_runs_it(tmp_path):
    """The stamps folder is the session's (tests/conftest.py); a new folder has no stamp yet."""
    shutil.copy(TEST_NOTEBOOKS / "good.ipynb", tmp_path)
    shutil.copy(TEST_NOTEBOOKS / "beside.txt", tmp_path)
    first = marchwest("run", "good.ipynb", "--jobs", "1", cwd=tmp_path)
    assert "1 notebooks ran" in first
    executed = (tmp_path / "good.ipynb").read_bytes()
    again = marchwest("run", "good.ipynb", cwd=tmp_path)
    assert "skipped run good.ipynb:" in again
    assert "1 notebooks up to date, none ran (--force runs them)" in again
    assert (tmp_path / "good.ipynb").read_bytes() == executed
    forced = marchwest("run", "good.ipynb", "--force", "--jobs", "1", cwd=tmp_path)
    assert "skipped" not in forced and "1 notebooks ran" in forced


def test_export_command_skips_an_unchanged_export(tmp_path):
    assert "exported the tables" in marchwest("export", "out", cwd=tmp_path)
    assert "skipped export out:" in marchwest("export", "out", cwd=tmp_path)
    (tmp_path / "out" / "events.csv").unlink()
    assert "export out: runs (out changed)" in marchwest("export", "out", cwd=tmp_path)
    assert (tmp_path / "out" / "events.csv").is_file()
