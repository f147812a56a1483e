"""`pip install marchwest` without the ``build`` extra: the tables, the analysis modules and the
charts work, the pipeline's dependencies are absent, and the commands that need them say in one
line what to install.

A real install, nothing borrowed from this environment: the wheel built here goes into a fresh
venv with pip, which resolves the core dependencies from the wheel's own metadata, held to the
versions of requirements/lock.txt (from pip's cache, else the package index).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import marchwest
from marchwest import paths

ROOT = paths.PROJECT_ROOT
# What the extra brings and the core must do without: notebook execution, conversion, kernels.
PIPELINE_MODULES = ["nbformat", "nbclient", "nbconvert", "ipykernel", "jupyter_client", "IPython"]
INSTALL_BUILD = "pip install 'marchwest[build]'"

# Run in the core venv: import every module of the installed package outside marchwest/build/,
# load a table, draw one chart with both renderers; report what it saw as JSON.
PROBE = """
import importlib, importlib.util, io, json, sys
from pathlib import Path
import marchwest
from marchwest.plot import figure
from marchwest.plot.factcheck import verdict_bars

package = Path(marchwest.__file__).parent
imported = []
for path in sorted(package.rglob("*.py")):
    parts = path.relative_to(package.parent).with_suffix("").parts
    if parts[1:2] == ("build",) or parts[-1] == "__main__":
        continue
    imported.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    importlib.import_module(imported[-1])
spec = verdict_bars(marchwest.claims(), caption="Verdicts")
png = io.BytesIO()
figure(spec, "matplotlib").savefig(png, format="png")
print(json.dumps({
    "file": marchwest.__file__,
    "imported": imported,
    "events": marchwest.events().shape[0],
    "event_ids": marchwest.events()["event_id"].tolist(),
    "png": png.getvalue()[:8].hex(),
    "plotly_traces": len(figure(spec, "plotly").data),
    "pipeline_importable": [
        name for name in sys.argv[1:] if importlib.util.find_spec(name) is not None
    ],
}))
"""


def run(*args: str | Path, cwd: Path | None = None, check: bool = True):
    # a reader's shell: no PYTHONPATH leading back to the checkout (tests run with src/ on it)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(a) for a in args],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
    run(*pip, "-q", "-w", out, ROOT)
    (built,) = out.glob("marchwest-*.whl")
    return built


@pytest.fixture(scope="module")
def core_venv(wheel, tmp_path_factory) -> Path:
    """A venv holding the wheel and its core dependencies only; its bin/ folder."""
    venv = tmp_path_factory.mktemp("core") / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    lock = ROOT / "requirements" / "lock.txt"
    # --no-compile: byte-compiling every installed file (plotly's thousands) is half the time
    install = ["install", "-q", "--no-compile", "-c", lock, wheel]
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", *install)
    return venv / "bin"


def test_the_wheel_holds_every_module(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    package = paths.PACKAGE_DIR
    modules = {f"marchwest/{p.relative_to(package).as_posix()}" for p in package.rglob("*.py")}
    assert "marchwest/build/pipeline.py" in modules
    assert modules <= names, sorted(modules - names)


def test_the_core_install_gives_the_tables_and_charts_without_the_pipeline(core_venv, tmp_path):
    result = run(core_venv / "python", "-c", PROBE, *PIPELINE_MODULES, cwd=tmp_path)
    seen = json.loads(result.stdout)
    assert seen["file"].startswith(str(core_venv.parent))  # the installed copy, not the checkout
    assert seen["pipeline_importable"] == []
    assert {"marchwest.loaders", "marchwest.plot.display", "marchwest.cli"} <= set(seen["imported"])
    assert seen["event_ids"] == marchwest.events()["event_id"].tolist()
    assert seen["events"] > 0
    assert seen["png"] == b"\x89PNG\r\n\x1a\n".hex()
    assert seen["plotly_traces"] > 0


def test_the_core_commands_work_and_the_pipeline_ones_say_what_to_install(core_venv, tmp_path):
    command = core_venv / "marchwest"
    validate = run(command, "validate", cwd=tmp_path)
    assert "the ledger is valid" in validate.stdout
    run(command, "coverage", cwd=tmp_path)
    run(command, "export", tmp_path / "tables", cwd=tmp_path)
    assert (tmp_path / "tables" / "datapackage.json").is_file()
    for args in (["run"], ["site", tmp_path / "site"]):
        refused = run(command, *args, cwd=tmp_path, check=False)
        assert refused.returncode == 1, refused.stdout + refused.stderr
        (line,) = refused.stderr.splitlines()
        assert line.startswith(f"marchwest {args[0]}: No module named ")
        assert line.endswith(f"the pipeline's dependencies are not installed ({INSTALL_BUILD})")
        assert not (tmp_path / "site").exists()


# With the extra installed, a module that still cannot be imported is a broken environment, not a
# missing extra: the command reports an unexpected error and gives no install advice.
BLOCK_NBFORMAT = """
import sys
from importlib.abc import MetaPathFinder

class Block(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "nbformat":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, Block())
from marchwest.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_module_missing_beside_the_installed_extra_is_not_blamed_on_the_extra(tmp_path):
    result = run(sys.executable, "-c", BLOCK_NBFORMAT, "site", tmp_path / "site", check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("marchwest site: unexpected error ModuleNotFoundError: No module named")
    assert "marchwest[build]" not in line
    assert not (tmp_path / "site").exists()
