"""A notebook replaced by a FIFO, a device or a huge file: `run` and `site` refuse it by name,
at once (never opened to wait, never read whole)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from marchwest.build.site import SiteError, build_site
from marchwest.build.stamps import MAX_FILE_BYTES
from marchwest.cli import run_stamped


def odd_notebooks(folder: Path) -> dict[Path, str]:
    """Notebook paths that are not notebooks, with what a refusal says of each."""
    fifo, device, huge = folder / "fifo.ipynb", folder / "zero.ipynb", folder / "huge.ipynb"
    os.mkfifo(fifo)
    device.symlink_to("/dev/zero")
    huge.touch()
    os.truncate(huge, MAX_FILE_BYTES + 1)  # sparse: no room on disk
    return {
        fifo: "not a regular file (a FIFO): only ordinary files are read",
        device: "not a regular file (a device): only ordinary files are read",
        huge: f"larger than 50 MB ({MAX_FILE_BYTES + 1} bytes), the limit per file",
        folder / "gone.ipynb": "no such file",
    }


def test_run_refuses_each_in_one_line_naming_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MARCHWEST_STAMPS", str(tmp_path / "stamps"))
    odd = odd_notebooks(tmp_path)
    assert run_stamped(list(odd), jobs=1) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"marchwest run: {path}: cannot read the notebook: {why}" for path, why in odd.items()
    ]
    assert stat.S_ISFIFO(os.lstat(tmp_path / "fifo.ipynb").st_mode)  # left as it was
    assert os.readlink(tmp_path / "zero.ipynb") == "/dev/zero"
    assert not (tmp_path / "stamps").exists() or not list((tmp_path / "stamps").iterdir())


@pytest.mark.parametrize("name", ["fifo.ipynb", "zero.ipynb", "huge.ipynb"])
def test_the_site_refuses_each_naming_it(tmp_path, name):
    odd = odd_notebooks(tmp_path)
    path = tmp_path / name
    with pytest.raises(SiteError) as refused:
        build_site([path], tmp_path / "site")
    assert str(refused.value) == f"{path}: cannot read the notebook: {odd[path]}"
