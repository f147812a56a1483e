"""Map spec of the article's places, drawn offline (notebook 04).

Input frame ``places``: ``place_id``, ``name``, ``kind``, ``lat``, ``lon`` (empty when the ledger
has no coordinate: such places are listed, never drawn), ``source_id``. The world outline comes
in as lines (``marchwest.geo.outline()``): this module reads no file.

Labels are placed once, here, for both renderers: each label takes the first of a few offsets
from its place where it overlaps no other label or marker and stays inside the map, measured in
points on the matplotlib figure's geometry (which the spec fixes) with matplotlib's font metrics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from marchwest.plot.render_matplotlib import inches
from marchwest.plot.spec import ChartSpec, MapLayout

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
LABEL_SIZE = 9
# Room kept around every label and marker (points): plotly sets its text a few points further
# from the marker than matplotlib's offsets, so labels that only just miss in one renderer
# would touch in the other ("Islamabad" over "Wakhan Corridor*").
LABEL_PAD = 4
# The map's size (px, as every spec's) and the axes' box (left, right, top) in figure fractions
# of the matplotlib figure; the map keeps its aspect inside that box.
MAP_WIDTH = 1100
MAP_HEIGHT = 700
AXES_BOX = (0.07, 0.8, 0.95)
# Where a label may go, tried in this order (offsets in points from its place).
OFFSETS = [
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


def aspect(extent: tuple[float, float, float, float]) -> float:
    """How much longer a degree of latitude is drawn than one of longitude (at mid-latitude)."""
    return float(1 / np.cos(np.radians((extent[2] + extent[3]) / 2)))


def _points_per_degree(extent: tuple[float, float, float, float]) -> tuple[float, float]:
    """Points per degree of longitude and of latitude on the matplotlib map."""
    west, east, south, north = extent
    left, right, top = AXES_BOX
    width = inches(MAP_WIDTH) * (right - left)
    height = inches(MAP_HEIGHT) * top - 0.55  # the axes' height with no caption lines
    per_degree = min(width / (east - west), height / (aspect(extent) * (north - south)))
    return 72 * per_degree, 72 * per_degree * aspect(extent)


def label_offsets(
    lon: Sequence[float],
    lat: Sequence[float],
    texts: Sequence[str],
    extent: tuple[float, float, float, float],
) -> list[tuple[int, int]]:
    """For each place, the first offset (points) where its label overlaps nothing placed yet."""
    west, _, south, north = extent
    per_lon, per_lat = _points_per_degree(extent)
    frame = (0.0, 0.0, (extent[1] - west) * per_lon, (north - south) * per_lat)
    points = [((x - west) * per_lon, (y - south) * per_lat) for x, y in zip(lon, lat, strict=True)]
    taken = [(x - 4, y - 4, x + 4, y + 4) for x, y in points]
    pad = LABEL_PAD
    chosen = []
    font, measure = FontProperties(size=LABEL_SIZE), TextToPath()
    for own, ((x, y), text) in enumerate(zip(points, texts, strict=True)):
        others = taken[:own] + taken[own + 1 :]
        advance = measure.get_text_width_height_descent(text, font, ismath=False)[0]
        width, height = advance + 1, LABEL_SIZE * 1.25
        best = None
        for dx, dy in OFFSETS:
            left = x + dx - {1: 0, -1: width, 0: width / 2}[int(np.sign(dx))]
            box = (left, y + dy, left + width, y + dy + height)
            inside = frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1]
            inside = inside and box[3] <= frame[3]
            room = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
            clear = not _overlap(box, taken[own]) and not any(_overlap(room, o) for o in others)
            if inside and clear:
                best = ((dx, dy), box)
                break
        if best is None:
            dx, dy = OFFSETS[0]
            best = ((dx, dy), (x + dx, y + dy, x + dx + width, y + dy + height))
        chosen.append(best[0])
        taken.append(best[1])
    return chosen


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def places_map(
    places: pd.DataFrame,
    *,
    outline: Mapping[str, Sequence[np.ndarray]],
    corridor: tuple[str, str] | None = ("gwadar_port", "kashgar"),
    corridor_label: str = "CPEC, as a line",
    extent: tuple[float, float, float, float] = ARTICLE_EXTENT,
    labels: Mapping[str, str] | None = None,
    hover: Mapping[str, str] | None = None,
    title: str = "",
    caption: str = "",
) -> ChartSpec:
    """The places on a map of ``extent``: markers by kind, labels placed where they overlap
    nothing, ``corridor`` as a straight line between two places; ``hover`` adds a line per place
    (default: its source id). Places without a coordinate are named in the caption."""
    labels, hover = labels or {}, hover or {}
    has_point = places["lat"].notna() & places["lon"].notna()
    shown = places[has_point]
    lon, lat = shown["lon"].astype(float).tolist(), shown["lat"].astype(float).tolist()
    texts = [labels.get(p, n) for p, n in zip(shown["place_id"], shown["name"], strict=True)]
    offsets = label_offsets(lon, lat, texts, extent)
    kinds = shown["kind"].astype(str)
    marks = pd.DataFrame(
        {
            "place_id": shown["place_id"].tolist(),
            "lon": lon,
            "lat": lat,
            "label": texts,
            "group": kinds.tolist(),
            "symbol": [KIND_STYLE.get(k, ("o", ""))[0] for k in kinds],
            "colour": [KIND_STYLE.get(k, ("", "#333333"))[1] for k in kinds],
            "dx": [dx for dx, _ in offsets],
            "dy": [dy for _, dy in offsets],
            "hover": [
                f"{text} ({kind})\n{y:.3f}, {x:.3f} (lat, lon)\ncoordinate: "
                + hover.get(pid, str(source) if isinstance(source, str) else "none")
                for text, kind, y, x, pid, source in zip(
                    texts, kinds, lat, lon, shown["place_id"], shown["source_id"], strict=True
                )
            ],
        }
    )
    line, joined = None, []
    if corridor is not None:
        ends = marks.set_index("place_id").reindex(list(corridor))
        if ends[["lon", "lat"]].notna().all().all():
            line = tuple(zip(ends["lon"], ends["lat"], strict=True))
            joined = ends["label"].tolist()
    missing = places.loc[~has_point, "name"].tolist()
    note = "Not drawn, no coordinate in the ledger: " + ", ".join(missing) + "." if missing else ""
    west, east, south, north = extent
    placed = "; ".join(
        f"{r.label} ({r.group}, {r.lat:.1f}° N {r.lon:.1f}° E)" for r in marks.itertuples()
    )
    sentences = [
        (
            f"A map from {west:g}° to {east:g}° east and {south:g}° to {north:g}° north with "
            f"{len(marks)} places: {placed}."
        ),
        f"A dashed line joins {joined[0]} and {joined[1]} ({corridor_label})." if line else "",
        note,
    ]
    return ChartSpec(
        kind="map",
        marks=marks,
        title=title,
        description=" ".join(sentence for sentence in sentences if sentence),
        x_label="Longitude (degrees east)",
        y_label="Latitude (degrees north)",
        caption="\n".join(part for part in (note, caption) if part),
        layout=MapLayout(
            extent=extent,
            aspect=aspect(extent),
            outline=outline,
            corridor=line,
            corridor_label=corridor_label,
            width=MAP_WIDTH,
            height=MAP_HEIGHT,
            axes_box=AXES_BOX,
            label_size=LABEL_SIZE,
        ),
    )
