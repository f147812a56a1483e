"""Every registered chart kind is drawn by both renderers, each from its one table of kinds; a
layout is typed, and a key it does not know fails when the spec is made."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from marchwest.plot import render_matplotlib, render_plotly
from marchwest.plot.render_matplotlib import to_matplotlib
from marchwest.plot.render_plotly import to_plotly
from marchwest.plot.spec import (
    KINDS,
    BarsLayout,
    ChartSpec,
    ColumnsLayout,
    GridLayout,
    LinesLayout,
    MapLayout,
    NetworkLayout,
    TimelineLayout,
    TimelinePanel,
    check_renderer,
)

WORDS = {"title": "t", "description": "what it shows", "caption": "c"}
DAY = pd.Timestamp("2019-08-18")


def _bars() -> ChartSpec:  # three bars: a in two segments, b in one
    marks = pd.DataFrame(
        {"category": ["a", "a", "b"], "segment": ["s", "u", "s"], "value": [1, 2, 3],
         "colour": "#123456", "text": ["3", "3", "3"], "hover": "h"}
    )  # fmt: skip
    return ChartSpec("bars", marks, layout=BarsLayout(x_max=4, width=800, height=300), **WORDS)


def _columns() -> ChartSpec:  # four columns: two x by two segments
    marks = pd.DataFrame(
        {"x": [2000, 2001, 2000, 2001], "segment": ["s", "s", "u", "u"], "value": [1, 2, 3, 4],
         "colour": "#123456", "hover": "h"}
    )  # fmt: skip
    layout = ColumnsLayout(y_max=8, width=800, height=300)
    return ChartSpec("columns", marks, layout=layout, **WORDS)


def _lines() -> ChartSpec:  # six points: two series of three
    marks = pd.DataFrame(
        {"panel": "p", "series": ["s"] * 3 + ["u"] * 3, "colour": "#123456",
         "x": [1, 2, 3] * 2, "y": [1, 2, 3, 3, 2, 1], "hover": "h"}
    )  # fmt: skip
    return ChartSpec("lines", marks, layout=LinesLayout(y_range=(0, 4), width=800, height=300),
                     **WORDS)  # fmt: skip


def _grid() -> ChartSpec:  # four cells: two rows by two columns
    marks = pd.DataFrame(
        {"row": ["r", "r", "q", "q"], "column": ["c", "d", "c", "d"],
         "value": ["member", "", "member", "member"],
         "colour": ["#123456", "#eeeeee", "#123456", "#123456"], "text": "x",
         "text_colour": "white", "hover": "h"}
    )  # fmt: skip
    layout = GridLayout(legend=(("member", "#123456"),), empty_colour="#eeeeee")
    return ChartSpec("grid", marks, layout=layout, **WORDS)


def _timeline() -> ChartSpec:  # two events: a bar over a year, a marker on a day
    start = pd.to_datetime(["2018-01-01", "2019-03-01"])
    end = pd.to_datetime(["2019-01-01", "2019-03-02"])
    marks = pd.DataFrame(
        {"line": [0, 1], "label": ["a", "b"], "title": ["a", "b"], "theme": ["x", "y"],
         "shape": ["bar", "marker"], "origin": "article", "colour": ["#123456", "#654321"],
         "start": start, "end": end, "draw_start": start, "draw_end": end, "open_start": False,
         "open_end": False, "date_text": ["2018", "1 March 2019"], "hover": "h"}
    )  # fmt: skip
    panel = TimelinePanel(pd.Timestamp("2017-06-01"), pd.Timestamp("2020-01-01"), width=1.0)
    layout = TimelineLayout(panels=(panel,), published=DAY, fade=pd.Timedelta(days=30))
    return ChartSpec("timeline", marks, layout=layout, **WORDS)


def _map() -> ChartSpec:  # two places, in two groups
    marks = pd.DataFrame(
        {"lon": [60.0, 70.0], "lat": [20.0, 30.0], "label": ["a", "b"], "group": ["city", "port"],
         "symbol": ["o", "s"], "colour": "#123456", "dx": [6, -6], "dy": [3, 3], "hover": "h"}
    )  # fmt: skip
    land = np.array([[55.0, 15.0], [75.0, 15.0], [75.0, 35.0], [55.0, 15.0]])
    layout = MapLayout(
        extent=(50.0, 80.0, 10.0, 40.0), aspect=1.1, width=1100, height=700,
        outline={"land": [land], "lakes": [], "countries": [land], "coastlines": []},
        axes_box=(0.07, 0.8, 0.95), label_size=9,
    )  # fmt: skip
    return ChartSpec("map", marks, layout=layout, **WORDS)


def _network() -> ChartSpec:  # two nodes joined by one edge
    marks = pd.DataFrame(
        {"mark": ["edge", "node", "node"], "x": [0.0, 0.0, 0.5], "y": [0.0, 0.0, -0.5],
         "x_end": [0.5, None, None], "y_end": [-0.5, None, None], "label": ["", "a", "b"],
         "group": ["tie", "node", "node"], "colour": "#123456", "size": [0.0, 400.0, 80.0],
         "hover": "h"}
    )  # fmt: skip
    return ChartSpec("network", marks, layout=NetworkLayout(width=900, height=500), **WORDS)


# A minimal spec of each kind and the marks it holds (bars, points, cells ...), as both renderers
# must draw them.
MINIMAL = {
    "bars": (_bars, 3),
    "columns": (_columns, 4),
    "lines": (_lines, 6),
    "grid": (_grid, 4),
    "timeline": (_timeline, 2),
    "map": (_map, 2),
    "network": (_network, 3),
}


def _mpl_marks(kind: str, fig: Figure) -> int:
    """The marks matplotlib drew: bars, points, image cells, dots and edges."""
    axes = fig.axes
    bars = sum(len(c) for ax in axes for c in ax.containers if isinstance(c, BarContainer))
    dots = [c for ax in axes for c in ax.collections if isinstance(c, PathCollection)]
    if kind in ("bars", "columns"):
        return bars
    if kind == "lines":
        return sum(len(line.get_xdata()) for ax in axes for line in ax.lines)
    if kind == "grid":
        (image,) = [i for ax in axes for i in ax.get_images() if isinstance(i, AxesImage)]
        rows, columns, _ = image.get_array().shape
        return rows * columns
    if kind == "timeline":
        markers = [line for ax in axes for line in ax.lines if line.get_marker() == "o"]
        return bars + len(markers)
    if kind == "map":
        return sum(len(c.get_offsets()) for c in dots)
    edges = [c for ax in axes for c in ax.collections if isinstance(c, LineCollection)]
    return sum(len(c.get_offsets()) for c in dots) + sum(len(c.get_segments()) for c in edges)


def _plotly_marks(kind: str, fig: go.Figure) -> int:
    """The marks plotly draws: bar and point values, heatmap cells, nodes and edges."""
    shown = [t for t in fig.data if t.hoverinfo != "skip" or t.mode == "markers+text"]
    if kind == "grid":
        (heatmap,) = [t for t in fig.data if t.type == "heatmap"]
        return sum(len(row) for row in heatmap.z)
    if kind == "map":
        return sum(len(t.lon) for t in shown if t.mode == "markers+text")
    if kind == "network":  # an edge's hover dot at its middle, a dot per node
        return sum(len(t.x) for t in shown)
    return sum(len(t.x) for t in shown if t.x is not None and None not in t.x)


def test_every_registered_kind_has_a_minimal_spec_here():
    assert set(MINIMAL) == set(KINDS), "add a minimal spec of the new kind to MINIMAL"


@pytest.mark.parametrize("renderer", [render_matplotlib, render_plotly], ids=["mpl", "plotly"])
def test_each_renderer_has_one_table_with_every_registered_kind(renderer):
    assert set(renderer.DRAW) == set(KINDS)
    check_renderer(renderer.__name__, renderer.DRAW)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_kind_missing_from_a_renderer_table_fails_the_check(kind):
    for renderer in (render_matplotlib, render_plotly):
        without = {name: draw for name, draw in renderer.DRAW.items() if name != kind}
        with pytest.raises(TypeError, match=rf"lacks \['{kind}'\] and has unknown \[\]"):
            check_renderer(renderer.__name__, without)
    extra = render_plotly.DRAW | {"pie": render_plotly.DRAW["bars"]}
    with pytest.raises(TypeError, match=r"lacks \[\] and has unknown \['pie'\]"):
        check_renderer("plotly", extra)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_both_renderers_draw_every_mark_of_every_kind(kind):
    make, marks = MINIMAL[kind]
    spec = make()
    assert spec.kind == kind
    assert _mpl_marks(kind, to_matplotlib(spec)) == marks
    assert _plotly_marks(kind, to_plotly(spec)) == marks


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_spec_takes_only_its_kind_s_layout(kind):
    spec = MINIMAL[kind][0]()
    other = _bars().layout if kind != "bars" else _lines().layout
    with pytest.raises(
        TypeError, match=f"a {kind} chart's layout is a {type(spec.layout).__name__}"
    ):
        ChartSpec(kind, spec.marks, layout=other, **WORDS)
    with pytest.raises(TypeError, match="not a dict"):
        ChartSpec(kind, spec.marks, layout={}, **WORDS)
    with pytest.raises(TypeError, match="not none"):
        ChartSpec(kind, spec.marks, **WORDS)


def test_an_unknown_or_renderer_only_layout_key_fails_when_the_spec_is_made():
    with pytest.raises(TypeError, match="unexpected keyword argument 'figsize'"):
        BarsLayout(x_max=4, width=800, height=300, figsize=(8, 3))
    with pytest.raises(TypeError, match="unexpected keyword argument 'hovermode'"):
        LinesLayout(y_range=(0, 1), width=800, height=300, hovermode="x unified")
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'x_max'"):
        BarsLayout(width=800, height=300)
    layout = _bars().layout
    with pytest.raises(AttributeError):
        layout.height = 400  # frozen: a spec's layout never changes under it


def test_one_size_in_px_gives_both_renderers_their_units():
    """plotly's figure is the layout's height (plus its caption); matplotlib's is the same
    pixels at 100 dpi."""
    spec = _bars()
    fig = to_matplotlib(spec)
    assert tuple(fig.get_size_inches()) == (8.0, 3.0)
    plotly = to_plotly(ChartSpec("bars", spec.marks, layout=spec.layout, title="t",
                                 description="d"))  # fmt: skip
    assert plotly.layout.height == 300
