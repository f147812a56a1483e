"""The offline map: TopoJSON decoding (marchwest.geo), the map spec and its two renderers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from marchwest.geo import WORLD_FILE, decode_arcs, load_world, object_rings, outline
from marchwest.plot import figure
from marchwest.plot.maps import places_map

# A quantized topology: a square (two arcs sharing two points) and a line.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[0, 0], [2, 0], [0, 4]],  # (10,20) -> (11,20) -> (11,21)
        [[2, 4], [-2, 0], [0, -4]],  # (11,21) -> (10,21) -> (10,20)
        [[4, 4], [2, 0]],  # (12,21) -> (13,21)
    ],
    "objects": {
        "land": {
            "type": "GeometryCollection",
            "geometries": [{"type": "Polygon", "arcs": [[0, 1]]}],
        },
        "coast": {"type": "MultiLineString", "arcs": [[2], [~0]]},
    },
}


def places() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "place_id": ["gwadar_port", "kashgar", "karachi", "wakhan_corridor", "arabian_sea"],
            "name": ["Gwadar Port", "Kashgar", "Karachi", "Wakhan Corridor", "Arabian Sea"],
            "kind": ["port", "city", "city", "corridor", "sea"],
            "lat": [25.1105, 39.467, 24.86, 37.12924, None],
            "lon": [62.3396, 75.983, 67.01, 73.61868, None],
            "source_id": ["a", "b", "c", "d", None],
        }
    ).astype({"lat": "Float64", "lon": "Float64"})


def test_arcs_are_delta_decoded_then_scaled_and_shifted():
    arcs = decode_arcs(TOPOLOGY)
    assert arcs[0].tolist() == [[10, 20], [11, 20], [11, 21]]
    assert arcs[1].tolist() == [[11, 21], [10, 21], [10, 20]]


def test_rings_join_arcs_once_and_reverse_negative_indices():
    arcs = decode_arcs(TOPOLOGY)
    (square,) = object_rings(TOPOLOGY, "land", arcs)
    assert square.tolist() == [[10, 20], [11, 20], [11, 21], [10, 21], [10, 20]]
    line, reversed_arc = object_rings(TOPOLOGY, "coast", arcs)
    assert line.tolist() == [[12, 21], [13, 21]]
    assert reversed_arc.tolist() == [[11, 21], [11, 20], [10, 20]]
    with pytest.raises(ValueError, match="no object 'rivers'"):
        object_rings(TOPOLOGY, "rivers", arcs)


def test_the_bundled_world_decodes_to_real_coastlines():
    world = load_world()
    rings = object_rings(world, "coastlines", decode_arcs(world))
    points = np.concatenate(rings)
    assert points[:, 0].min() >= -180 and points[:, 0].max() <= 180
    assert points[:, 1].min() >= -90 and points[:, 1].max() <= 90
    # Some coastline point lies within a degree of Karachi's harbour.
    assert (np.hypot(points[:, 0] - 67.0, points[:, 1] - 24.8) < 1).any()


def test_a_broken_world_file_is_named(tmp_path):
    bad = tmp_path / "world.json"
    bad.write_text('{"type": "FeatureCollection"}')
    with pytest.raises(ValueError, match=r"world.json: not a TopoJSON topology"):
        load_world(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ValueError, match=r"broken.json: cannot read the world TopoJSON"):
        load_world(broken)
    assert WORLD_FILE.name == "world_110m.json"


def test_labels_never_overlap_each_other_or_leave_the_map():
    crowded = places().dropna(subset=["lat"])
    crowded = crowded.assign(
        name=["Label number one", "Label number two", "Label number three", "Label four"],
        lat=[30.0, 30.2, 30.4, 30.6],
        lon=[70.0, 70.1, 70.2, 70.3],
    )
    spec = places_map(crowded, outline=OUTLINE, corridor=None, extent=(60, 80, 20, 40))
    assert len(set(zip(spec.marks["dx"], spec.marks["dy"], strict=True))) == 4  # four sides
    fig = figure(spec)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    renderer = fig._get_renderer()
    boxes = [text.get_window_extent(renderer) for text in ax.texts]
    assert len(boxes) == 4
    for i, box in enumerate(boxes):
        assert ax.bbox.contains(box.x0, box.y0) and ax.bbox.contains(box.x1, box.y1)
        assert not any(box.overlaps(other) for other in boxes[i + 1 :])


OUTLINE = outline()


def test_the_spec_places_located_places_the_corridor_and_lists_the_rest():
    spec = places_map(
        places(),
        outline=OUTLINE,
        hover={"wakhan_corridor": "proxy: district centre"},
        title="t",
        caption="Coordinates: test.",
    )
    assert sorted(spec.marks["label"]) == ["Gwadar Port", "Karachi", "Kashgar", "Wakhan Corridor"]
    assert spec.layout.corridor == ((62.3396, 25.1105), (75.983, 39.467))
    assert (
        spec.caption == "Not drawn, no coordinate in the ledger: Arabian Sea.\nCoordinates: test."
    )
    wakhan = spec.marks.set_index("place_id").loc["wakhan_corridor"]
    assert wakhan["hover"].endswith("coordinate: proxy: district centre")
    assert "Kashgar (city, 39.5° N 76.0° E)" in spec.description
    assert "A dashed line joins Gwadar Port and Kashgar" in spec.description


def test_matplotlib_map_draws_the_outline_and_the_labels():
    fig = figure(places_map(places(), outline=OUTLINE, title="t", caption="Coordinates: test."))
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == [
        "Gwadar Port",
        "Karachi",
        "Kashgar",
        "Wakhan Corridor",
    ]
    corridor = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert corridor[0].get_xdata().tolist() == [62.3396, 75.983]
    # borders and coastlines from the bundled TopoJSON, of the region only (see the next test)
    assert 50 < len(ax.lines) < len(OUTLINE["countries"]) + len(OUTLINE["coastlines"])
    note = fig.texts[-1].get_text()
    assert "no coordinate in the ledger: Arabian Sea" in note and "Coordinates: test." in note


def test_plotly_map_takes_the_same_label_sides_and_extent():
    spec = places_map(places(), outline=OUTLINE)
    fig = figure(spec, "plotly")
    assert isinstance(fig, go.Figure)
    corridor = fig.data[0]
    assert corridor.mode == "lines" and list(corridor.lon) == [62.3396, 75.983]
    names = {name for trace in fig.data[1:] for name in trace.text}
    assert names == {"Gwadar Port", "Kashgar", "Karachi", "Wakhan Corridor"}
    sides = {
        text: position
        for trace in fig.data[1:]
        for text, position in zip(trace.text, trace.textposition, strict=True)
    }
    for mark in spec.marks.itertuples():
        vertical, horizontal = sides[mark.label].split()
        assert vertical == ("top" if mark.dy >= 0 else "bottom")
        assert horizontal == {1: "right", -1: "left", 0: "center"}[(mark.dx > 0) - (mark.dx < 0)]
    assert list(fig.layout.geo.lonaxis.range) == [36.0, 124.0]


def test_matplotlib_map_leaves_out_only_rings_it_would_not_show():
    fig = figure(places_map(places(), outline=OUTLINE, title="t"))
    ax = fig.axes[0]
    drawn = {line.get_xydata().tobytes() for line in ax.lines}
    before = _pixels(fig)
    for ring in OUTLINE["countries"] + OUTLINE["coastlines"]:
        if ring.tobytes() not in drawn:
            ax.plot(ring[:, 0], ring[:, 1], color="black", linewidth=2, zorder=2)
    assert len(ax.lines) > len(drawn) + 100
    assert np.array_equal(_pixels(fig), before)  # the rest of the world, in black, is not seen


def _pixels(fig: Figure) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_the_articles_places_keep_their_labels_apart_with_room_to_spare():
    """Every label of notebook 04's map clears every other label by 3 points as drawn, and every
    marker ('Islamabad' overprinted 'Wakhan Corridor*' in plotly, which sets text further out)."""
    import itertools

    import marchwest

    shown = marchwest.places()
    shown = shown[shown["place_id"] != "gwadar"]
    labels = {"wakhan_corridor": "Wakhan Corridor*", "astana": "Astana (Nur-Sultan in 2019)"}
    spec = places_map(shown, outline=OUTLINE, labels=labels, title="t", caption="c")
    fig = figure(spec)
    fig.draw_without_rendering()
    renderer, ax = fig._get_renderer(), fig.axes[0]
    boxes = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts}
    assert set(boxes) == set(spec.marks["label"]) and len(boxes) > 10
    room = 3 * fig.dpi / 72
    for (a, box), (b, other) in itertools.combinations(boxes.items(), 2):
        assert not box.expanded(1, 1).padded(room).overlaps(other), (a, b)
    points = ax.transData.transform(spec.marks[["lon", "lat"]].to_numpy(float))
    for x, y in points:
        assert not any(box.contains(x, y) for box in boxes.values())
