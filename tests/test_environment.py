"""The pins agree: pyproject.toml == environment.yml, and both match the lock files and .venv
(make install: the package with its `build` and `test` extras)."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from marchwest import paths

ROOT = paths.PROJECT_ROOT


def pins(lines: list[str]) -> dict[str, str]:
    """name -> exact version of every `name==version` requirement; anything looser fails."""
    found = {}
    for line in lines:
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"not pinned: {line}"
        found[canonicalize_name(requirement.name)] = specifiers[0].version
    return found


def pyproject_pins() -> dict[str, dict[str, str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    groups = {"runtime": pins(project["dependencies"])}
    for extra, lines in project["optional-dependencies"].items():
        groups[extra] = pins(lines)
    return groups


def lock(name: str) -> dict[str, str]:
    lines = (ROOT / "requirements" / name).read_text(encoding="utf-8").splitlines()
    return pins([line for line in lines if line.strip() and not line.startswith("#")])


def test_environment_yml_repeats_the_pyproject_pins():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    conda_pins = pins([line for line in pip if not line.startswith("-")])
    expected = {}
    for group in pyproject_pins().values():
        expected.update(group)
    assert conda_pins == expected
    python = next(d for d in environment["dependencies"] if str(d).startswith("python"))
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert re.fullmatch(r"python=3\.\d+", python) and requires == ">=3.11"


def test_every_pin_is_in_the_lock_files_with_the_same_version():
    groups = pyproject_pins()
    runtime_lock, lab_lock = lock("lock.txt"), lock("lab-lock.txt")
    for name, version in {**groups["runtime"], **groups["build"], **groups["test"]}.items():
        assert runtime_lock.get(name) == version, (name, version, runtime_lock.get(name))
        assert lab_lock.get(name) == version, (name, version, lab_lock.get(name))
    for name, version in groups["lab"].items():
        assert lab_lock.get(name) == version, (name, version, lab_lock.get(name))
    # The lab environment is the runtime one plus JupyterLab: the shared packages agree.
    for name in runtime_lock.keys() & lab_lock.keys():
        assert runtime_lock[name] == lab_lock[name], name


def test_the_running_environment_matches_the_lock():
    locked = lock("lock.txt")
    groups = pyproject_pins()
    for name, version in {**groups["runtime"], **groups["build"], **groups["test"]}.items():
        assert metadata.version(name) == version == locked[name]


def test_the_package_version_is_the_projects():
    import marchwest

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert marchwest.__version__ == project["version"]
