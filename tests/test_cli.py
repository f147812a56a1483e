"""`python -m marchwest validate` and `export`: exit codes and readable reports, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from _ledgers import MINIMAL


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "marchwest", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


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
    assert "ledger/facts/claims.yaml, line 5 (row 1), field 'verdict': 'maybe'" in result.stdout
    assert "ledger/facts/figures.yaml, line 5 (row 1), field 'units': unknown field" in (
        result.stdout
    )


def test_validate_a_folder_that_is_not_a_ledger(tmp_path):
    result = run("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "not a folder" in result.stdout
    assert "Traceback" not in result.stderr


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
