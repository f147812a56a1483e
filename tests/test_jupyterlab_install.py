"""``python -m marchwest.build.jupyterlab``: safe (one line naming the path, exit 1), atomic, idempotent,
never through a symbolic link, merging a user's settings; and its pre-save hook, which keeps the
outputs marchwest wrote when JupyterLab saves a notebook the user did not change there.

We run as root, so a read-only folder is simulated by making the system call fail (mocks)."""

from __future__ import annotations

import base64
import errno
import io
import json
import os
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from marchwest.build import jupyterlab
from marchwest.build.jupyterlab import EXTENSION, SETTINGS, keep_drawn_outputs, main
from marchwest.plot import BarsLayout, ChartSpec, show

NOTIFICATION = "@jupyterlab/apputils-extension:notification"


@pytest.fixture
def prefix(tmp_path, monkeypatch) -> Path:
    """An environment prefix for main() to install into."""
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    return tmp_path / "venv"


def files(root: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file below ``root``: (inode, mtime in ns, bytes), by relative path."""
    return {
        str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def one_line_error(capsys, path: Path) -> str:
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in err, err
    return lines[0]


def test_a_first_run_installs_the_extension_the_settings_and_the_save_hook(prefix, capsys):
    assert main() == 0
    data = prefix / "share" / "jupyter"
    package = json.loads((data / "labextensions" / EXTENSION / "package.json").read_text())
    assert (data / "labextensions" / EXTENSION / package["jupyterlab"]["_build"]["load"]).is_file()
    overrides = json.loads((data / "lab/settings/overrides.d/marchwest.json").read_text())
    assert overrides == SETTINGS
    server = json.loads((prefix / "etc/jupyter/jupyter_server_config.d/marchwest.json").read_text())
    assert server == {"ServerApp": {"jpserver_extensions": {"marchwest.build.jupyterlab": True}}}
    assert "saves keep charts" in capsys.readouterr().out


def test_a_second_run_changes_nothing(prefix):
    assert main() == 0
    before = files(prefix)
    assert main() == 0
    assert files(prefix) == before  # same inodes, times and bytes: nothing rewritten


def test_an_older_script_is_replaced_by_the_new_one(prefix):
    assert main() == 0
    static = prefix / "share/jupyter/labextensions" / EXTENSION / "static"
    (static / "remoteEntry.0123456789abcdef.js").write_text("old")
    assert main() == 0
    assert len(list(static.iterdir())) == 1


def test_a_read_only_prefix_is_one_line_naming_the_folder(prefix, monkeypatch, capsys):
    def refuse(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    assert main() == 1
    line = one_line_error(capsys, prefix / "share" / "jupyter")
    assert "Read-only file system" in line


def test_a_read_only_file_is_one_line_naming_it_and_the_old_file_stays(prefix, monkeypatch, capsys):
    assert main() == 0
    overrides = prefix / "share/jupyter/lab/settings/overrides.d/marchwest.json"
    overrides.write_text("{}\n")  # our settings are missing: the next run writes it

    def refuse(*args, **kwargs):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(jupyterlab.tempfile, "mkstemp", refuse)
    assert main() == 1
    assert "Permission denied" in one_line_error(capsys, overrides)
    assert overrides.read_text() == "{}\n"


def test_a_full_disk_leaves_the_old_file_whole_and_no_temporary_file(prefix, monkeypatch, capsys):
    assert main() == 0
    folder = prefix / "share/jupyter/labextensions" / EXTENSION
    package = folder / "package.json"
    package.write_text('{"name": "old"}\n')
    before = files(prefix)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(jupyterlab.os, "fsync", full)
    assert main() == 1
    assert "No space left on device" in one_line_error(capsys, package)
    assert files(prefix) == before, "the old file is whole, no temporary file is left"


def test_a_symlinked_extension_folder_is_refused_never_followed(prefix, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    labextensions = prefix / "share/jupyter/labextensions"
    labextensions.mkdir(parents=True)
    (labextensions / EXTENSION).symlink_to(elsewhere, target_is_directory=True)
    assert main() == 1
    assert "symbolic link" in one_line_error(capsys, labextensions / EXTENSION)
    assert list(elsewhere.iterdir()) == []


def test_a_symlinked_settings_file_is_refused(prefix, tmp_path, capsys):
    target = tmp_path / "somebody-elses.json"
    target.write_text("{}")
    overrides = prefix / "share/jupyter/lab/settings/overrides.d"
    overrides.mkdir(parents=True)
    (overrides / "marchwest.json").symlink_to(target)
    assert main() == 1
    one_line_error(capsys, overrides / "marchwest.json")
    assert target.read_text() == "{}"


def test_a_fifo_in_place_of_the_settings_is_refused_without_waiting(prefix, capsys):
    overrides = prefix / "share/jupyter/lab/settings/overrides.d"
    overrides.mkdir(parents=True)
    os.mkfifo(overrides / "marchwest.json")
    assert main() == 1
    assert "not a regular file" in one_line_error(capsys, overrides / "marchwest.json")


def test_a_users_overrides_are_merged_never_clobbered(prefix):
    overrides = prefix / "share/jupyter/lab/settings/overrides.d/marchwest.json"
    overrides.parent.mkdir(parents=True)
    theirs = {
        NOTIFICATION: {"fetchNews": "true"},
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
    }
    overrides.write_text(json.dumps(theirs))
    assert main() == 0
    merged = json.loads(overrides.read_text())
    assert merged[NOTIFICATION] == {"fetchNews": "true", "checkForUpdates": False}
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_a_broken_overrides_file_is_named_and_kept(prefix, capsys, text):
    overrides = prefix / "share/jupyter/lab/settings/overrides.d/marchwest.json"
    overrides.parent.mkdir(parents=True)
    overrides.write_text(text)
    assert main() == 1
    one_line_error(capsys, overrides)
    assert overrides.read_text() == text


# The pre-save hook, on a notebook as marchwest writes it and as JupyterLab sends it back.


def chart_notebook(path: Path) -> None:
    spec = ChartSpec(
        kind="bars",
        marks=pd.DataFrame(
            {
                "category": ["a", "b"],
                "segment": "rows",
                "value": [36.0, 1.5],
                "colour": "#0072B2",
                "text": ["36", "1.5"],
                "hover": ["a", "b"],
            }
        ),
        title="Rows",
        description="Two bars: a with 36 rows, b with one and a half.",
        layout=BarsLayout(x_max=40, width=600, height=300),
    )
    data, metadata = show(spec)._repr_mimebundle_()
    chart = nbformat.v4.new_output("display_data", data=data, metadata=metadata)
    printed = nbformat.v4.new_output("stream", name="stdout", text="one\ntwo\n")
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# A chart"),
            nbformat.v4.new_code_cell("show(spec)", execution_count=1, outputs=[chart]),
            nbformat.v4.new_code_cell(
                "print('one')\nprint('two')", execution_count=2, outputs=[printed]
            ),  # fmt: skip
        ]
    )
    nbformat.write(nb, path)


def as_javascript(value):
    """A JSON value as JupyterLab sends it back: whole floats become integers (36.0 -> 36)."""
    if isinstance(value, dict):
        return {key: as_javascript(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_javascript(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def snapshot_png() -> str:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def lab_save_model(path: Path) -> dict:
    """The model JupyterLab sends when it saves ``path`` after drawing its plotly figure:
    sources as one string, numbers re-serialised, plotly's snapshot in the chart's PNG."""
    content = as_javascript(json.loads(path.read_text(encoding="utf-8")))
    for cell in content["cells"]:
        cell["source"] = "".join(cell["source"])
        for output in cell.get("outputs", []):
            if "application/vnd.plotly.v1+json" in output.get("data", {}):
                output["data"]["image/png"] = snapshot_png()
    return {"type": "notebook", "format": "json", "content": content}


class Contents:
    """The part of a FileContentsManager the hook uses."""

    def __init__(self, root: Path):
        self.root = root

    def _get_os_path(self, path: str) -> str:
        return str(self.root / path)


def saved_bytes(model: dict) -> str:
    """What jupyter_server writes for the model (FileContentsManager.save: nbformat.write)."""
    out = io.StringIO()
    nbformat.write(nbformat.from_dict(model["content"]), out, version=nbformat.NO_CONVERT)
    return out.getvalue()


def test_a_save_of_an_unchanged_notebook_writes_the_same_bytes(tmp_path):
    path = tmp_path / "chart.ipynb"
    chart_notebook(path)
    model = lab_save_model(path)
    assert saved_bytes(model) != path.read_text(encoding="utf-8"), "what JupyterLab would write"
    keep_drawn_outputs(model=model, path="chart.ipynb", contents_manager=Contents(tmp_path))
    assert saved_bytes(model) == path.read_text(encoding="utf-8")


def test_a_cell_the_user_changed_keeps_what_jupyterlab_sends(tmp_path):
    path = tmp_path / "chart.ipynb"
    chart_notebook(path)
    model = lab_save_model(path)
    model["content"]["cells"][1]["source"] = "show(spec)  # edited"
    sent = json.loads(json.dumps(model["content"]["cells"][1]["outputs"]))
    keep_drawn_outputs(model=model, path="chart.ipynb", contents_manager=Contents(tmp_path))
    assert model["content"]["cells"][1]["outputs"] == sent


def test_an_output_with_other_values_keeps_what_jupyterlab_sends(tmp_path):
    path = tmp_path / "chart.ipynb"
    chart_notebook(path)
    model = lab_save_model(path)
    output = model["content"]["cells"][1]["outputs"][0]
    output["data"]["application/vnd.plotly.v1+json"]["data"][0]["x"][0] = 37
    printed = model["content"]["cells"][2]["outputs"][0]
    printed["text"] = "three\n"
    keep_drawn_outputs(model=model, path="chart.ipynb", contents_manager=Contents(tmp_path))
    assert model["content"]["cells"][1]["outputs"][0] is output
    assert model["content"]["cells"][2]["outputs"][0] is printed


@pytest.mark.parametrize("setup", ["missing", "not json", "a file model", "no cell ids"])
def test_the_hook_leaves_a_model_it_cannot_match_as_it_is(tmp_path, setup):
    path = tmp_path / "chart.ipynb"
    chart_notebook(path)
    model = lab_save_model(path)
    if setup == "missing":
        path.unlink()
    elif setup == "not json":
        path.write_text("{")
    elif setup == "a file model":
        model["type"] = "file"
    else:  # nbformat 4.4: cells have no id, so none is matched
        saved = json.loads(path.read_text(encoding="utf-8"))
        for cell in saved["cells"] + model["content"]["cells"]:
            cell.pop("id")
        path.write_text(json.dumps(saved), encoding="utf-8")
    sent = json.dumps(model)
    keep_drawn_outputs(model=model, path="chart.ipynb", contents_manager=Contents(tmp_path))
    assert json.dumps(model) == sent
