"""JupyterLab, the users' main client: a notebook opens with its plotly figures drawn, and
"Restart Kernel and Run All" finishes without an error; with the network cut, the plotly map still
draws its countries (the outline comes from marchwest.build.jupyterlab's extension, not plotly's CDN).

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
from urllib.parse import urlparse

import nbformat
import pytest
from _chromium import skip_or_fail

from marchwest.build.site import plotly_outputs
from marchwest.paths import NOTEBOOKS_DIR, PROJECT_ROOT

LAB_VENV = PROJECT_ROOT / ".venv-lab"
NOTEBOOKS = [
    Path(__file__).parent / "data" / "site" / "01-charts.ipynb",
    NOTEBOOKS_DIR / "02-timeline.ipynb",
]
MAP_NOTEBOOK = NOTEBOOKS_DIR / "04-map.ipynb"
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


def restart_and_run_all(page) -> None:
    """Restart Kernel and Run All, accepted; returns once the kernel is idle and every cell has
    run in order (the counts 1..n), an event JupyterLab reports, not a delay."""
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
    # What `make lab-install` and `make lab` do: the offline map outline and quiet settings.
    subprocess.run(
        [str(LAB_VENV / "bin" / "python"), "-m", "marchwest.build.jupyterlab"],
        check=True,
        capture_output=True,
        timeout=120,
    )
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


# True once the notebook open in the main area shows exactly n plotly outputs, each showing its
# PNG (jupyterlab-plotly shows a bundle's image/png until the mouse enters it) or its figure.
OUTPUTS_SHOWN = """([name, n]) => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.context || panel.context.path !== name) return false;
    const outputs = panel.node.querySelectorAll('.jp-RenderedPlotly');
    return outputs.length === n && Array.from(outputs).every(output => {
        const img = output.querySelector('img.plot-img');
        return output.querySelector('.main-svg') || (img && img.src.startsWith('data:image/png'));
    });
}"""
# The mouse entering each output that shows its PNG: jupyterlab-plotly then draws the figure.
ENTER_EACH_PNG = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    for (const output of panel.node.querySelectorAll('.jp-RenderedPlotly')) {
        const img = output.querySelector('img.plot-img');
        if (!output.querySelector('.plot-container') && img) {
            img.dispatchEvent(new MouseEvent('mouseenter'));
        }
    }
}"""
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


def draw_figures(page, name: str, figures: int, timeout: float) -> None:
    """Wait for the notebook's n plotly outputs, have each draw its figure, wait for them."""
    page.wait_for_function(OUTPUTS_SHOWN, arg=[name, figures], timeout=timeout)
    page.evaluate(ENTER_EACH_PNG)
    page.wait_for_function(FIGURES_DRAWN, arg=[name, figures], timeout=timeout)


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
        draw_figures(page, notebook.name, figures, STARTUP_SECONDS * 1000)
        page.wait_for_function(
            "() => { const p = window.jupyterapp.shell.currentWidget;"
            " return p && p.sessionContext.session && p.sessionContext.session.kernel"
            " && p.sessionContext.session.kernel.status === 'idle'; }",
            timeout=STARTUP_SECONDS * 1000,
        )
        # In the server's own folder: the browser tests, on another worker, own site/screenshots.
        shots = home / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .js-plotly-plot"
        ).first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"jupyterlab-{notebook.stem}-opened.png"))

        # Cleared first, so only outputs and counts from this run can satisfy the wait below.
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        assert all(n is None for n in page.evaluate(NOTEBOOK_STATE)["counts"])
        restart_and_run_all(page)
        state = page.evaluate(NOTEBOOK_STATE)
        assert state["errors"] == [], f"{notebook.name}: errors after Restart Kernel and Run All"
        assert state["counts"] == list(range(1, len(state["counts"]) + 1))
        draw_figures(page, notebook.name, figures, 60_000)
        page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .js-plotly-plot"
        ).last.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"jupyterlab-{notebook.stem}-run-all.png"))
    finally:
        context.close()
    assert hashlib.sha256(notebook.read_bytes()).hexdigest() == committed, (
        "the committed notebook changed"
    )


ROUND_TRIP = NOTEBOOKS_DIR / "05-fact-check.ipynb"
# True once every plotly output of the notebook model holds a PNG other than the committed one:
# jupyterlab-plotly has written its Plotly.toImage snapshot into it (what a save would keep).
SNAPSHOTS_WRITTEN = """(committed) => {
    const panel = window.jupyterapp.shell.currentWidget;
    const outputs = panel.content.model.toJSON().cells.flatMap(cell => cell.outputs || [])
        .filter(output => output.data && output.data['application/vnd.plotly.v1+json']);
    return outputs.length === committed.length
        && outputs.every((output, i) => output.data['image/png'] && output.data['image/png'] !== committed[i]);
}"""


def test_restart_run_all_and_save_in_jupyterlab_writes_the_committed_bytes(lab, browser):
    """A user opens a notebook in `make lab`'s JupyterLab, runs it all, lets every chart draw
    (jupyterlab-plotly then writes its own PNG snapshot into each chart's output) and saves: the
    file is byte for byte the committed one (marchwest.build.jupyterlab's pre-save hook keeps the
    outputs of unchanged cells), so git sees no change and nbval passes as on the committed file.
    The execution counts are the same because Run All numbers the code cells 1..n, as
    `marchwest run` does."""
    import difflib

    base, token, root, home = lab
    committed = ROUND_TRIP.read_bytes()
    copy = root / ROUND_TRIP.name
    copy.write_bytes(committed)
    written = copy.stat().st_mtime_ns
    figures = plotly_outputs(nbformat.reads(committed.decode("utf-8"), as_version=4))
    pngs = [
        "".join(output["data"]["image/png"])
        for cell in nbformat.reads(committed.decode("utf-8"), as_version=4).cells
        for output in cell.get("outputs", [])
        if "application/vnd.plotly.v1+json" in output.get("data", {})
    ]
    assert figures and len(pngs) == len(figures), "the notebook's charts carry PNG and plotly"

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{base}/lab/tree/{copy.name}?token={token}", timeout=STARTUP_SECONDS * 1000)
        page.wait_for_function(OUTPUTS_SHOWN, arg=[copy.name, len(figures)],
                               timeout=STARTUP_SECONDS * 1000)  # fmt: skip
        page.wait_for_function(
            "() => { const p = window.jupyterapp.shell.currentWidget;"
            " return p && p.sessionContext.session && p.sessionContext.session.kernel"
            " && p.sessionContext.session.kernel.status === 'idle'; }",
            timeout=STARTUP_SECONDS * 1000,
        )
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        restart_and_run_all(page)
        assert page.evaluate(NOTEBOOK_STATE)["errors"] == []
        draw_figures(page, copy.name, len(figures), 60_000)
        page.wait_for_function(SNAPSHOTS_WRITTEN, arg=pngs, timeout=60_000)
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_function(
            "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=60_000
        )
    finally:
        context.close()
    assert copy.stat().st_mtime_ns != written, "JupyterLab saved the notebook"
    saved = copy.read_bytes()
    if saved != committed:
        diff = difflib.unified_diff(
            committed.decode("utf-8").splitlines(),
            saved.decode("utf-8").splitlines(),
            "committed",
            "saved from JupyterLab",
            n=1,
            lineterm="",
        )
        shown = "\n".join(line[:200] for line in list(diff)[:60])
        pytest.fail(f"a JupyterLab save changed {ROUND_TRIP.name}:\n{shown}")


# The outlines (path lengths) of the land and country layers of the plotly maps in the notebook
# shown: plotly.js draws each layer as one path, empty when it has no topojson.
MAP_SHAPES = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    return Array.from(panel.node.querySelectorAll(
        '.js-plotly-plot .geolayer .layer.countries path, .js-plotly-plot .geolayer .layer.land path'
    )).map(path => (path.getAttribute('d') || '').length);
}"""


def test_the_plotly_map_draws_its_countries_with_the_network_cut(lab, browser):
    base, token, root, home = lab
    assert MAP_NOTEBOOK.is_file(), f"{MAP_NOTEBOOK} is missing"
    shutil.copy(MAP_NOTEBOOK, root / MAP_NOTEBOOK.name)
    figures = len(plotly_outputs(nbformat.read(MAP_NOTEBOOK, as_version=4)))
    assert figures, f"{MAP_NOTEBOOK.name} has no plotly figure"

    outside: list[str] = []

    def local_only(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", local_only)
    page = context.new_page()
    try:
        page.goto(
            f"{base}/lab/tree/{MAP_NOTEBOOK.name}?token={token}", timeout=STARTUP_SECONDS * 1000
        )
        draw_figures(page, MAP_NOTEBOOK.name, figures, STARTUP_SECONDS * 1000)
        try:
            page.wait_for_function(
                f"() => ({MAP_SHAPES})().some(length => length > 0)", timeout=60_000
            )
        finally:
            page.locator(
                ".jp-NotebookPanel:not(.lm-mod-hidden) .geolayer"
            ).first.scroll_into_view_if_needed()
            page.screenshot(path=str(home / "jupyterlab-map-offline.png"))
        shapes = page.evaluate(MAP_SHAPES)
    finally:
        context.close()
    # The world outline is some 100 kB of path: a few kB would be a stub, not the countries.
    assert len(shapes) >= 2 and all(length > 10_000 for length in shapes), shapes
    assert not [url for url in outside if "plot.ly" in url], outside


def test_make_lab_starts_as_root_with_a_note(tmp_path):
    """`make lab` as root passes --allow-root (JupyterLab refuses root without it) and says so; as
    another user it does not. Run against a stand-in .venv-lab that only echoes its arguments."""
    if shutil.which("make") is None:
        pytest.skip("make is missing")
    venv = tmp_path / "venv-lab"
    (venv / "bin").mkdir(parents=True)
    for name in ("python", "jupyter"):
        script = venv / "bin" / name
        script.write_text(f'#!/bin/sh\necho "{name} $*"\n', encoding="utf-8")
        script.chmod(0o755)
    (venv / ".installed").touch()  # newer than pyproject.toml and the lock: no install
    result = subprocess.run(
        ["make", "--no-print-directory", "lab", f"LAB_VENV={venv}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "python -m marchwest.build.jupyterlab" in lines
    if os.geteuid() == 0:
        assert lines[-2:] == [
            "note: running as root, so JupyterLab starts with --allow-root",
            "jupyter lab --allow-root notebooks",
        ]
    else:
        assert lines[-1] == "jupyter lab notebooks"


def test_the_offline_map_extension_carries_the_bundled_outline(tmp_path):
    from marchwest.build.jupyterlab import EXTENSION, install
    from marchwest.paths import ASSETS_DIR

    folder = install(tmp_path)
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    assert package["name"] == EXTENSION == folder.name
    script = (folder / package["jupyterlab"]["_build"]["load"]).read_text(encoding="utf-8")
    outline = json.loads((ASSETS_DIR / "world_110m.json").read_text(encoding="utf-8"))
    line = next(x for x in script.splitlines() if x.startswith("window.PlotlyGeoAssets.topojson["))
    assert json.loads(line.split(" = ", 1)[1].rstrip(";")) == outline
    assert f'_JUPYTERLAB)["{EXTENSION}"]' in script and "http" not in script
    settings = tmp_path / "lab" / "settings" / "overrides.d" / "marchwest.json"
    notification = json.loads(settings.read_text(encoding="utf-8"))
    assert notification["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    # Installed again (a newer outline): one script, the new one.
    install(tmp_path)
    assert len(list((folder / "static").iterdir())) == 1
