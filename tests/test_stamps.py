"""Up-to-date stamps: a step runs again exactly when its inputs or outputs changed."""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import pytest
from _cli import run

from marchwest.build import stamps
from marchwest.paths import NOTEBOOKS_DIR, PROJECT_ROOT, SITE_FILES, bundled_ledger_dir

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


def test_every_step_digests_the_ledger_it_is_given(tmp_path, monkeypatch, make_ledger):
    monkeypatch.setenv("MARCHWEST_STAMPS", str(tmp_path / "stamps"))
    ledger = make_ledger()
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    made = {
        "validate": lambda: stamps.validate_step(ledger),
        "export": lambda: stamps.export_step(tmp_path / "export", ledger),
        "site": lambda: stamps.site_step(
            tmp_path / "site", tmp_path / "notebooks", ledger_dir=ledger
        ),
        "run": lambda: stamps.notebook_steps([notebook], ledger)[0],
        "run --out": lambda: stamps.copy_steps([notebook], tmp_path / "runs", ledger)[0],
    }
    for make in made.values():
        make().record()
    assert {kind: make().changes() for kind, make in made.items()} == dict.fromkeys(made, [])
    bundled = stamps.digests(stamps.shared_inputs())["ledger"]
    assert made["validate"]().inputs["ledger"] != bundled
    (ledger / "facts" / "figures.yaml").write_text("[]\n", encoding="utf-8")
    assert {kind: make().changes() for kind, make in made.items()} == dict.fromkeys(
        made, ["ledger"]
    )
    notebook.write_text('{"cells": []}', encoding="utf-8")
    assert made["run --out"]().changes() == ["ledger", "source notebook"]


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


# ---------------------------------------------------------------------------------------------
# What a stamp covers: every file the step reads, listed from the names its code uses


class _Opened:
    """Every file this process opens while ``recording`` (an audit hook: it stays installed)."""

    paths: ClassVar[list[Path] | None] = None

    @classmethod
    def hook(cls, event: str, args: tuple) -> None:
        if event == "open" and cls.paths is not None and isinstance(args[0], str | Path):
            cls.paths.append(Path(args[0]))

    @classmethod
    @contextmanager
    def recording(cls):
        if not getattr(cls, "installed", False):
            sys.addaudithook(cls.hook)
            cls.installed = True
        cls.paths = []
        try:
            yield cls.paths
        finally:
            cls.paths = None


def covered(inputs: stamps.Inputs) -> set[Path]:
    return {path.resolve() for _, files in inputs.values() for path in files}


def test_the_ledger_digest_covers_every_file_the_loader_opens(make_ledger):
    from marchwest.ledger.folder import read_ledger

    ledger = make_ledger()
    (ledger / "raw" / "notes.txt").write_text("not the loader's")
    with _Opened.recording() as opened:
        read_ledger(ledger)
    read = {p.resolve() for p in opened if p.resolve().is_relative_to(ledger.resolve())}
    listed = covered(stamps.shared_inputs(ledger))
    assert read and read <= listed
    assert ledger / "raw" / "notes.txt" not in listed


def test_the_site_digest_covers_every_project_file_the_site_opens(tmp_path):
    """A site built under an audit hook: each file of the checkout it opens (but the output and
    the virtual environment) is one the site's stamp digests."""
    from marchwest.build.site import build_site

    notebook = min(NOTEBOOKS_DIR.glob("*.ipynb"), key=lambda p: p.stat().st_size)
    with _Opened.recording() as opened:
        build_site([notebook], tmp_path / "site")
    root = PROJECT_ROOT.resolve()
    read = {
        p.resolve()
        for p in opened
        if p.resolve().is_relative_to(root)
        and not p.resolve().is_relative_to(root / ".venv")
        and "__pycache__" not in p.parts
    }
    inputs = stamps.site_inputs()
    assert read - covered(inputs) == set()
    assert {root / name for name in SITE_FILES} <= read  # the copies are among what was seen


def test_a_change_to_each_file_the_site_copies_builds_the_site_again(tmp_path, monkeypatch):
    monkeypatch.setenv("MARCHWEST_STAMPS", str(tmp_path / "stamps"))
    root, out = tmp_path / "project", tmp_path / "site"
    for name in SITE_FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / name, root / name)
    out.mkdir()
    stamps.site_step(out, root=root).record()
    assert stamps.site_step(out, root=root).changes() == []
    for name in SITE_FILES:
        original = (root / name).read_bytes()
        (root / name).write_bytes(original + b"\n")
        assert stamps.site_step(out, root=root).changes() == [name]
        (root / name).write_bytes(original)
    (root / "CITATION.cff").unlink()
    assert stamps.site_step(out, root=root).changes() == ["CITATION.cff"]


# ---------------------------------------------------------------------------------------------
# Bounded reads: no hang, no exhausted memory


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on disk (all holes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.truncate(path, size)
    return path


def test_a_7_gb_file_the_loader_never_reads_is_never_read(make_ledger, monkeypatch):
    ledger = make_ledger()
    before = stamps.digests(stamps.shared_inputs(ledger))["ledger"]
    sparse(ledger / "raw" / "dump.bin", 7 * 10**9)  # raw/ holds the article only, for the loader
    sparse(ledger / "facts" / "huge.yaml", 7 * 10**9)  # listed (the loader names it), not read
    read = []
    real_read = os.read

    def counted(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(stamps.os, "read", counted)
    after = stamps.digests(stamps.shared_inputs(ledger))["ledger"]
    assert sum(read) < 10 * 2**20  # the ledger's and the package's small files only
    assert after != before  # facts/huge.yaml is there: named by its size, not its bytes
    assert stamps.file_digest(ledger / "facts" / "huge.yaml") == (
        "larger than 50 MB (7000000000 bytes), the limit per file"
    )
    (ledger / "facts" / "huge.yaml").unlink()
    assert stamps.digests(stamps.shared_inputs(ledger))["ledger"] == before


def test_what_is_not_a_regular_file_is_named_by_its_kind_never_opened_to_wait(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert stamps.file_digest(fifo).startswith("not a regular file (a FIFO)")
    assert stamps.file_digest(tmp_path / "zero").startswith("not a regular file (a device)")
    assert stamps.file_digest(tmp_path).startswith("not a regular file (a folder)")
    assert stamps.file_digest(tmp_path / "loop").startswith("cannot read the file")
    assert stamps.file_digest(tmp_path / "none") == "missing"


def random_json(rng: random.Random, depth: int = 0):
    """A random JSON value (never a valid stamp: "digests", when there, is not names to digests)."""
    kinds = ["null", "bool", "int", "float", "str"] + (["list", "dict"] if depth < 4 else [])
    kind = rng.choice(kinds)
    if kind == "list":
        return [random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == "dict":
        value = {rng.choice(["digests", "step", "x", ""]): random_json(rng, depth + 1)}
        if isinstance(value.get("digests"), dict):
            value["digests"][rng.choice(["ledger", "a"])] = rng.choice([None, 1, [], {}])
        return value
    return {
        "null": None,
        "bool": rng.random() < 0.5,
        "int": rng.randint(-(2**70), 2**70),
        "float": rng.uniform(-1e9, 1e9),
        "str": "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(8))),
    }[kind]


def damaged_stamps(valid: bytes, count: int, seed: int = 17) -> list[bytes]:
    """Hand-picked damage, then ``count`` generated: random JSON, random bytes, cut stamps."""
    rng = random.Random(seed)
    found = [b'{"digests": []}', b"null", b'"a string"', b"{not json", b"", b"[" * 100_000]
    found += [b'{"digests": {"ledger": 1}}', b"\xff\xfe", valid.replace(b'"digests"', b'"d"')]
    while len(found) < count:
        kind = rng.randrange(3)
        if kind == 0:
            found.append(json.dumps(random_json(rng)).encode())
        elif kind == 1:
            found.append(rng.randbytes(rng.randrange(200)))
        else:
            found.append(valid[: rng.randrange(len(valid) - 1)])
    return found


def test_a_damaged_stamp_counts_as_none_with_a_warning_naming_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MARCHWEST_STAMPS", str(tmp_path / "stamps"))
    step = stamps.validate_step(None)
    step.record()
    [stamp] = (tmp_path / "stamps").iterdir()
    valid = stamp.read_bytes()
    for damage in damaged_stamps(valid, 300):
        stamp.write_bytes(damage)
        assert step.changes() == ["no stamp"], damage[:80]
        [warning] = capsys.readouterr().err.splitlines()
        assert warning.startswith(f"warning: {stamp}: damaged stamp ignored (")
        assert warning.endswith(f"); validate {step.target.name} runs")
    stamp.write_bytes(valid)
    assert step.changes() == []


def test_a_stamp_that_is_not_a_regular_file_counts_as_none_and_is_replaced(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("MARCHWEST_STAMPS", str(tmp_path / "stamps"))
    step = stamps.validate_step(None)
    step.record()
    [stamp] = (tmp_path / "stamps").iterdir()
    for make, why in [
        (os.mkfifo, "not a regular file (a FIFO)"),
        (lambda p: p.symlink_to("/dev/zero"), "not a regular file (a device)"),
        (lambda p: sparse(p, 3 * 2**30), "larger than 1 MB (3221225472 bytes)"),
    ]:
        stamp.unlink()
        make(stamp)
        assert step.changes() == ["no stamp"]
        assert f"{stamp}: damaged stamp ignored ({why}" in capsys.readouterr().err
        step.record()
        assert stamp.is_file() and not stamp.is_symlink()
        assert step.changes() == []
