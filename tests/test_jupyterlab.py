"""JupyterLab, the users' main client: a notebook opens with its plotly figures drawn, and
"Restart Kernel and Run All" finishes without an error.

JupyterLab runs from .venv-lab (`make lab-install`), on 127.0.0.1 with a token, a free port and temporary
Jupyter folders, on temporary copies of the notebooks: the committed files are never touched.
Without .venv-lab or /usr/bin/chromium the tests skip (fail in CI, MARCHWEST_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from _chromium import skip_or_fail

from marchwest.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from marchwest.site import plotly_outputs

LAB_VENV = PROJECT_ROOT / ".venv-lab"
NOTEBOOKS = [
    Path(__file__).parent / "data" / "site" / "01-charts.ipynb",
    NOTEBOOKS_DIR / "02-timeline.ipynb",
]
# Settings that keep JupyterLab quiet and every cell in the page (no windowing, no news requests).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
STARTUP_SECONDS = 180
RUN_ALL_SECONDS = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab: (base URL, token, root folder holding copies of NOTEBOOKS)."""
    jupyter = LAB_VENV / "bin" / "jupyter"
    if not jupyter.is_file():
        skip_or_fail(f"{jupyter} is missing: `make lab-install` creates .venv-lab")
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    root.mkdir()
    settings = home / "settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "PATH": f"{LAB_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    env.pop("VIRTUAL_ENV", None)
    command = [
        str(jupyter), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    log = (home / "lab.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited ({server.returncode}):\n{(home / 'lab.log').read_text()}"
                )
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"JupyterLab did not answer in {STARTUP_SECONDS} s:\n{(home / 'lab.log').read_text()}"
                )
            time.sleep(0.5)
        yield base, token, root, home
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


# True once the notebook open in the main area shows exactly n plotly figures, each drawn.
FIGURES_DRAWN = """([name, n]) => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.context || panel.context.path !== name) return false;
    const plots = panel.node.querySelectorAll('.js-plotly-plot');
    return plots.length === n && Array.from(plots).every(plot => plot.querySelector('.main-svg'));
}"""
NOTEBOOK_STATE = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const cells = panel.content.model.toJSON().cells.filter(c => c.cell_type === 'code' && c.source.length);
    return {
        kernel: kernel ? kernel.status : null,
        counts: cells.map(c => c.execution_count),
        errors: cells.flatMap(c => c.outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue)),
    };
}"""


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_draws_its_figures_and_restarts_and_runs_all_in_jupyterlab(lab, browser, notebook):
    base, token, root, home = lab
    assert notebook.is_file(), f"{notebook} is missing"
    committed = hashlib.sha256(notebook.read_bytes()).hexdigest()
    shutil.copy(notebook, root / notebook.name)
    figures = len(plotly_outputs(nbformat.read(notebook, as_version=4)))
    assert figures, f"{notebook.name} has no plotly figure"

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{base}/lab/tree/{notebook.name}?token={token}", timeout=STARTUP_SECONDS * 1000)
        page.wait_for_function(
            FIGURES_DRAWN, arg=[notebook.name, figures], timeout=STARTUP_SECONDS * 1000
        )
        page.wait_for_function(
            "() => { const p = window.jupyterapp.shell.currentWidget;"
            " return p && p.sessionContext.session && p.sessionContext.session.kernel"
            " && p.sessionContext.session.kernel.status === 'idle'; }",
            timeout=STARTUP_SECONDS * 1000,
        )
        # Beside the site's screenshots when there is a site (an unfinished site/ would block `make site`).
        site = PROJECT_ROOT / "site"
        shots = (site if (site / "index.html").is_file() else home) / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .js-plotly-plot"
        ).first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"jupyterlab-{notebook.stem}-opened.png"))

        # Cleared first, so only outputs and counts from this run can satisfy the wait below.
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        assert all(n is None for n in page.evaluate(NOTEBOOK_STATE)["counts"])
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-run-all'); }")
        page.locator(".jp-Dialog .jp-mod-accept").click(timeout=30_000)
        page.wait_for_function(
            f"""() => {{
                const s = ({NOTEBOOK_STATE})();
                return s.kernel === 'idle' && s.counts.length > 0
                    && s.counts.every((n, i) => n === i + 1);
            }}""",
            timeout=RUN_ALL_SECONDS * 1000,
        )
        state = page.evaluate(NOTEBOOK_STATE)
        assert state["errors"] == [], f"{notebook.name}: errors after Restart Kernel and Run All"
        assert state["counts"] == list(range(1, len(state["counts"]) + 1))
        page.wait_for_function(FIGURES_DRAWN, arg=[notebook.name, figures], timeout=60_000)
        page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .js-plotly-plot"
        ).last.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"jupyterlab-{notebook.stem}-run-all.png"))
    finally:
        context.close()
    assert hashlib.sha256(notebook.read_bytes()).hexdigest() == committed, (
        "the committed notebook changed"
    )
