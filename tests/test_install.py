"""`pip install .` (a real wheel, not editable) gives a package that works from any directory.

The wheel is built offline with the test environment's hatchling; the new venv gets only the
wheel, and reaches the already installed dependencies through a .pth line naming this
environment's site-packages (added after its own, so the wheel's marchwest is the one found).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from marchwest import paths

ROOT = paths.PROJECT_ROOT


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-q",
        "-w",
        out,
        ROOT,
    )
    (built,) = out.glob("marchwest-*.whl")
    return built


def test_the_wheel_ships_the_ledger(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "marchwest/_ledger/raw/article.txt" in names
    assert "marchwest/_ledger/facts/events.yaml" in names
    assert "marchwest/_ledger/external/sources.yaml" in names
    assert "marchwest/_ledger/external/sipri_tiv.csv" in names
    assert not any(name.startswith("marchwest/_ledger/processed") for name in names)


def test_installed_package_works_from_any_directory(wheel, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "-q",
        wheel,
    )
    site = Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    )
    (site / "zz_marchwest_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = run(
        python,
        "-c",
        "import marchwest, marchwest.paths as p; e = marchwest.events();"
        " print(marchwest.__file__); print(p.bundled_ledger_dir()); print(len(e));"
        " print(marchwest.article().author)",
        cwd=elsewhere,
        # a reader's shell: no PYTHONPATH leading back to the checkout (tests run with src/ on it)
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    ).splitlines()
    assert out[0].startswith(str(site)), out  # the installed copy, not the checkout
    assert Path(out[1]) == site / "marchwest" / "_ledger"
    assert int(out[2]) == len(__import__("marchwest").events()) > 0
    assert out[3] == "Matthew Johnson"
