"""The command line: exit codes and readable one-line reports, no traceback."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest
from _cli import run
from _ledgers import MINIMAL
from _signals import EXPORT_CHECKPOINTS, signal_at


def test_validate_a_valid_ledger(make_ledger):
    result = run("validate", str(make_ledger()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the ledger is valid" in result.stdout and "events 4" in result.stdout


def test_validate_reports_every_problem_without_a_traceback(make_ledger, tmp_path):
    root = make_ledger(
        {
            "facts/claims.yaml": MINIMAL["facts/claims.yaml"].replace("supported", "maybe"),
            "facts/figures.yaml": MINIMAL["facts/figures.yaml"].replace("unit:", "units:"),
        }
    )
    result = run("validate", root.name, cwd=root.parent)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "2 problem(s)" in result.stdout
    assert result.stderr == "marchwest validate: 2 problem(s) in the ledger\n"
    assert "ledger/facts/claims.yaml, line 5 (row 1), field 'verdict': 'maybe'" in result.stdout
    assert "ledger/facts/figures.yaml, line 5 (row 1), field 'units': unknown field" in (
        result.stdout
    )


@pytest.mark.parametrize("command", ["validate", "coverage", "export", "run", "site"])
@pytest.mark.parametrize(
    ("ledger", "reason"),
    [
        ("nowhere", "the ledger {path}: no such folder"),
        ("a-file", "the ledger {path}: not a folder (a ledger is a folder laid out like data/)"),
        ("empty", "1 problem(s) in the ledger"),  # a folder without raw/article.txt nor facts/
    ],
)
def test_a_bad_ledger_is_one_line_and_exit_1(tmp_path, command, ledger, reason):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "empty" / "facts").mkdir(parents=True)
    path = tmp_path / ledger
    where = {"export": [str(tmp_path / "out")], "site": [str(tmp_path / "site")]}
    extra = {"run": ["--out", str(tmp_path / "runs")], "site": ["--notebooks", str(tmp_path)]}
    result = run(command, *where.get(command, []), "--ledger", str(path), *extra.get(command, []))
    assert_one_line_refusal(result, f"marchwest {command}: {reason.format(path=path)}")
    assert not (tmp_path / "out").exists() and not (tmp_path / "runs").exists()
    assert not (tmp_path / "site").exists()


def test_run_on_another_ledger_never_writes_the_projects_notebooks_nor_a_users_files(tmp_path):
    from marchwest.paths import NOTEBOOKS_DIR, PROJECT_ROOT

    ledger = str(PROJECT_ROOT / "tests" / "data" / "any_ledger")
    before = {p: p.read_bytes() for p in NOTEBOOKS_DIR.glob("*.ipynb")}
    result = run("run", "--ledger", ledger, "--out", str(NOTEBOOKS_DIR))
    assert_one_line_refusal(result, "the project's own notebooks/ folder; never an output folder")
    assert {p: p.read_bytes() for p in NOTEBOOKS_DIR.glob("*.ipynb")} == before
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "00-reading-the-article.ipynb").write_text("my own notes", encoding="utf-8")
    result = run("run", "--ledger", ledger, "--out", str(mine))
    assert_one_line_refusal(result, "holds files marchwest did not write (00-reading-the-article")
    assert (mine / "00-reading-the-article.ipynb").read_text(encoding="utf-8") == "my own notes"
    result = run(
        "run",
        "notebooks/01-arms-transfers.ipynb",
        "--ledger",
        ledger,
        "--out",
        str(tmp_path / "runs"),
        cwd=PROJECT_ROOT,
    )
    assert_one_line_refusal(result, "no notebook given applies to another ledger")
    assert result.stdout.startswith("skipped 01-arms-transfers.ipynb: it ranks")


def test_run_and_site_on_another_ledger_need_a_folder_of_their_own(tmp_path):
    result = run("run", "--ledger", str(tmp_path))
    assert result.returncode == 2 and "run --ledger needs --out DIR" in result.stderr
    result = run("site", str(tmp_path / "site"), "--ledger", str(tmp_path))
    assert result.returncode == 2 and "site --ledger needs --notebooks DIR" in result.stderr
    result = run("validate", str(tmp_path), "--ledger", str(tmp_path))
    assert_one_line_refusal(result, "two ledgers given")


def test_validate_the_repository_data_folder():
    from marchwest import paths

    result = run("validate", "data", "--force", cwd=paths.PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("data: the ledger is valid")


def test_export_writes_files(tmp_path):
    result = run("export", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "datapackage.json").is_file()
    assert (tmp_path / "out" / "events.parquet").is_file()


# Every command ends in exit 0/1 with one line on stderr, 130 when interrupted; never a traceback.


def assert_one_line_refusal(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr


def test_export_into_a_file_or_under_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert_one_line_refusal(run("export", str(tmp_path / "file")), "exists and is not a folder")
    assert_one_line_refusal(
        run("site", str(tmp_path / "file" / "site")), "file is a file, not a folder"
    )
    assert (tmp_path / "file").read_text(encoding="utf-8") == "x"


def test_export_into_the_ledger_is_refused_even_with_force():
    from marchwest.paths import PROJECT_ROOT

    result = run("export", "data/facts", "--force", cwd=PROJECT_ROOT)
    assert_one_line_refusal(result, "part of the ledger", "never written to")
    assert not list((PROJECT_ROOT / "data" / "facts").glob("*.csv"))


def test_a_folder_that_holds_the_working_folder_is_refused(tmp_path):
    (tmp_path / "work").mkdir()
    assert_one_line_refusal(run("site", "..", "--force", cwd=tmp_path / "work"), "holds")
    assert (tmp_path / "work").is_dir()


def test_export_into_an_unwritable_folder_is_refused(tmp_path, monkeypatch, capsys):
    import tempfile

    from marchwest.cli import main

    def unwritable(**options):  # tests run as root, whom chmod does not stop: mocked
        raise PermissionError(13, "Permission denied", options["dir"])

    monkeypatch.setattr(tempfile, "mkdtemp", unwritable)
    assert main(["export", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write beside it: Permission denied" in err


def test_a_disk_fault_while_writing_is_one_line(tmp_path, monkeypatch, capsys):
    import marchwest.build.export
    from marchwest.cli import main

    def full(folder, frames, article, **options):
        raise OSError(28, "No space left on device", str(folder / "events.csv"))

    monkeypatch.setattr(marchwest.build.export, "write_tables", full)
    assert main(["export", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "events.csv: No space left on device" in err
    assert list(tmp_path.iterdir()) == []


def test_export_through_a_symlink_follows_it_and_a_loop_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    assert run("export", str(tmp_path / "link")).returncode == 0
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real" / "events.csv").is_file()
    (tmp_path / "loop").symlink_to("loop")
    assert_one_line_refusal(run("export", str(tmp_path / "loop")), "cannot resolve the path")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "loop", "real"]


def test_a_bug_shows_one_line_and_its_traceback_only_under_debug(tmp_path, monkeypatch, capsys):
    import marchwest.build.export
    from marchwest.cli import main

    def bug(*args, **options):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(marchwest.build.export, "export_tables", bug)
    assert main(["export", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "marchwest export: unexpected error ZeroDivisionError: division by zero"
        " (run again with --debug for the traceback)\n"
    )
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "export", str(tmp_path)])
    with pytest.raises(ZeroDivisionError):
        main(["export", str(tmp_path), "--debug"])


@pytest.mark.parametrize("moment", EXPORT_CHECKPOINTS)
def test_ctrl_c_during_export_ends_130_and_leaves_nothing_half_written(tmp_path, moment):
    out = tmp_path / "out"
    result = signal_at(["export", str(out)], moment, signal.SIGINT)
    assert result.returncode == 130, result.stderr
    assert result.stderr == "marchwest export: interrupted; nothing half-written is left\n"
    if moment == "swapped":  # interrupted after the new export was in place: it is whole
        assert [p.name for p in tmp_path.iterdir()] == ["out"]
        assert (out / "datapackage.json").is_file() and (out / ".marchwest-manifest.json").is_file()
    else:
        assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("folder", ["notebooks", "src", "tests", "data", "benchmarks"])
def test_export_or_site_into_the_projects_own_folders_is_refused(folder):
    from marchwest.paths import PROJECT_ROOT

    before = sorted(p.name for p in (PROJECT_ROOT / folder).iterdir())
    for command in ("export", "site"):
        result = run(command, folder, "--force", cwd=PROJECT_ROOT)
        assert_one_line_refusal(result, folder)
    assert sorted(p.name for p in (PROJECT_ROOT / folder).iterdir()) == before


def test_a_ledger_fault_in_export_is_one_line_on_stderr(monkeypatch, tmp_path, capsys):
    import importlib

    from marchwest.cli import main
    from marchwest.errors import LedgerError, Problem

    def broken(path):
        raise LedgerError([Problem("facts/events.yaml", "bad", line=3)], Path(path))

    monkeypatch.setattr(importlib.import_module("marchwest.loaders"), "load", broken)
    assert main(["export", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert captured.err == "marchwest export: 1 problem(s) in the ledger\n"
    assert "facts/events.yaml, line 3: bad" in captured.out


def test_version_and_a_help_without_markup():
    import tomllib

    from marchwest.paths import PROJECT_ROOT

    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    version = run("--version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"marchwest {project['project']['version']}"
    help_text = run("--help")
    assert help_text.returncode == 0 and "validate" in help_text.stdout
    assert "``" not in help_text.stdout and "`" not in help_text.stdout
