"""Reviewable notebook diffs: .gitattributes routes *.ipynb to nbdime's git drivers (`make nbdime`
sets them up), and nbdime (in .venv-lab) reports a changed cell as text, by cell.

Without .venv-lab the nbdime tests skip (fail in CI, MARCHWEST_REQUIRE_BROWSER=1, as the JupyterLab test).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from _chromium import skip_or_fail

from marchwest.paths import NOTEBOOKS_DIR, PROJECT_ROOT

LAB_BIN = PROJECT_ROOT / ".venv-lab" / "bin"
NOTEBOOK = Path(__file__).parent / "data" / "site" / "01-charts.ipynb"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args, cwd: Path) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return ANSI.sub("", result.stdout)


def edited(notebook: Path, target: Path) -> int:
    """Copy ``notebook`` to ``target`` with a line added to its first code cell; return its index."""
    nb = nbformat.read(notebook, as_version=4)
    index = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
    nb.cells[index].source += "\nprint('a changed line')"
    nbformat.write(nb, target)
    return index


def nbdime_bin(name: str) -> Path:
    path = LAB_BIN / name
    if not path.is_file():
        skip_or_fail(f"{path} is missing: `make lab-install` creates .venv-lab with nbdime")
    return path


def test_gitattributes_route_notebooks_to_nbdime():
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    notebook = next(NOTEBOOKS_DIR.glob("*.ipynb")).relative_to(PROJECT_ROOT)
    out = run("git", "check-attr", "diff", "merge", "--", str(notebook), cwd=PROJECT_ROOT)
    assert f"{notebook}: diff: jupyternotebook" in out
    assert f"{notebook}: merge: jupyternotebook" in out


def test_nbdiff_reports_the_changed_cell(tmp_path):
    nbdiff = nbdime_bin("nbdiff")
    index = edited(NOTEBOOK, tmp_path / "after.ipynb")
    out = run(str(nbdiff), str(NOTEBOOK), str(tmp_path / "after.ipynb"), cwd=tmp_path)
    assert f"## modified /cells/{index}/source:" in out
    assert "+print('a changed line')" in out
    assert "/cells/0/" not in out, "only the changed cell"


def test_git_diff_shows_a_notebook_cell_by_cell_with_the_driver(tmp_path):
    """`git diff` in a repository with the project's .gitattributes and the driver `make nbdime`
    configures (a throw-away repository: the checkout's own git config is left alone)."""
    driver = nbdime_bin("git-nbdiffdriver")
    if shutil.which("git") is None:
        pytest.skip("git is missing")
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(PROJECT_ROOT / ".gitattributes", repo / ".gitattributes")
    shutil.copy(NOTEBOOK, repo / "notebook.ipynb")
    git = ("git", "-c", "user.name=test", "-c", "user.email=test@example.org")
    run(*git, "init", "-q", cwd=repo)
    run(*git, "config", "diff.jupyternotebook.command", f"{driver} diff", cwd=repo)
    run(*git, "add", ".", cwd=repo)
    run(*git, "commit", "-q", "-m", "notebook", cwd=repo)
    index = edited(NOTEBOOK, repo / "notebook.ipynb")
    out = run(*git, "--no-pager", "diff", cwd=repo)
    assert f"## modified /cells/{index}/source:" in out
    assert '"source": [' not in out, "not the JSON text"
