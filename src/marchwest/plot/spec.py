"""A chart described once: what to draw (marks), its words, and its alt text.

A chart is built in two steps. A *spec builder* (``plot.arms.window_bars`` ...) turns tidy tables
into a :class:`ChartSpec`: the marks as a tidy DataFrame, the title, axis labels, annotations,
caption and a one-paragraph description of what the chart shows. Then a renderer draws it:
``to_matplotlib(spec)`` or ``to_plotly(spec)`` (one table of draw functions by kind in each),
or :func:`marchwest.plot.display.show` in a notebook: one output holding both, with the
description as its alt text.

:data:`KINDS` registers every chart kind once: the columns its marks carry and its layout, a
small frozen dataclass (:class:`BarsLayout` ...). Sizes are CSS pixels (``width``, ``height``);
each renderer converts them (plotly uses them as they are, matplotlib at 100 px an inch).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from marchwest.csvcells import to_csv


@dataclass(frozen=True, kw_only=True)
class BarsLayout:
    """Horizontal bars: the x axis from 0 to ``x_max``; ``legend`` shows the segments;
    ``integer_ticks`` puts x ticks on whole numbers; ``outline`` is the bars' edge colour."""

    x_max: float
    width: int
    height: int
    legend: bool = False
    integer_ticks: bool = False
    outline: str | None = None


@dataclass(frozen=True, kw_only=True)
class LinesLayout:
    """Lines in panels: the y axis over ``y_range`` (reversed when the first is larger), ticks at
    ``y_ticks`` (values, labels) if given; the legend "right" of the panels or at their "upper
    left"; ``hover`` "x" shows every series at the x under the mouse, "nearest" the nearest point;
    ``marker_size`` in points (plotly keeps its own)."""

    y_range: tuple[float, float]
    width: int
    height: int
    y_ticks: tuple[Sequence[float], Sequence[str]] | None = None
    legend: Literal["right", "upper left"] = "upper left"
    hover: Literal["nearest", "x"] = "nearest"
    marker_size: float = 4


@dataclass(frozen=True, kw_only=True)
class ColumnsLayout:
    """Stacked columns: the y axis from 0 to ``y_max``, a tick every ``x_step`` columns, the
    legend under ``legend_title``."""

    y_max: float
    width: int
    height: int
    x_step: int = 1
    legend_title: str = ""


@dataclass(frozen=True, kw_only=True)
class GridLayout:
    """Coloured cells: ``legend`` the (status, colour) pairs in order, ``empty_colour`` a cell with
    no status; ``annotate`` writes each cell's text and every column name. Its size follows its
    number of rows and columns."""

    legend: tuple[tuple[str, str], ...]
    empty_colour: str
    annotate: bool = True
    legend_title: str = "status"


@dataclass(frozen=True)
class TimelinePanel:
    """One panel of a timeline's broken date axis: ``left`` to ``right``, ``width`` its share of
    the figure's width; ``tick`` (date, label) a single tick in its middle, or None for dates."""

    left: pd.Timestamp
    right: pd.Timestamp
    width: float
    tick: tuple[pd.Timestamp, str] | None = None


@dataclass(frozen=True, kw_only=True)
class TimelineLayout:
    """Events on lines over ``panels`` (a broken date axis), a dashed line at ``published``;
    an open side fades over ``fade``. ``day_label`` names a day marker in the legend,
    ``legend_order`` orders the themes (else by name). ``height`` in px, or None: from the number
    of lines."""

    panels: tuple[TimelinePanel, ...]
    published: pd.Timestamp
    fade: pd.Timedelta
    day_label: str = "a day (article)"
    legend_order: tuple[str, ...] | None = None
    height: int | None = None


@dataclass(frozen=True, kw_only=True)
class MapLayout:
    """Places over ``extent`` (west, east, south, north degrees), a degree of latitude drawn
    ``aspect`` times a degree of longitude, on the world's ``outline`` (land, lakes, countries,
    coastlines: lists of (lon, lat) rings); ``corridor`` a dashed line between two (lon, lat)
    points named ``corridor_label``. The labels' offsets are measured on ``width`` by ``height``
    px with the map in ``axes_box`` (left, right, top, figure fractions) and labels of
    ``label_size`` points."""

    extent: tuple[float, float, float, float]
    aspect: float
    outline: Mapping[str, Sequence[Any]]
    width: int
    height: int
    axes_box: tuple[float, float, float]
    label_size: float
    corridor: tuple[tuple[float, float], tuple[float, float]] | None = None
    corridor_label: str = ""


@dataclass(frozen=True, kw_only=True)
class NetworkLayout:
    """Nodes and edges in the square -1..1 around (0, 0); the edge groups' legend under
    ``legend_title``."""

    width: int
    height: int
    legend_title: str = ""


Layout = (
    BarsLayout
    | LinesLayout
    | ColumnsLayout
    | GridLayout
    | TimelineLayout
    | MapLayout
    | NetworkLayout
)


@dataclass(frozen=True)
class Kind:
    """A chart kind: the columns its marks carry (more may be present) and its layout's type."""

    marks: tuple[str, ...]
    layout: type


# Every chart kind, once. A renderer draws each (its ``DRAW`` table is checked against this).
# ``width`` and ``height`` are CSS pixels: plotly's figure is ``height`` tall (plus its caption)
# and as wide as its page; matplotlib draws the same pixels at its 100 dpi.
KINDS: dict[str, Kind] = {
    # horizontal bars, stacked by segment; categories top to bottom in the order they come
    "bars": Kind(("category", "segment", "value", "colour", "text", "hover"), BarsLayout),
    # vertical bars per x, stacked by segment
    "columns": Kind(("x", "segment", "value", "colour", "hover"), ColumnsLayout),
    # one line per series in each panel
    "lines": Kind(("panel", "series", "colour", "x", "y", "hover"), LinesLayout),
    # one cell per row and column, coloured by its value, with its text in text_colour
    "grid": Kind(("row", "column", "value", "colour", "text", "text_colour", "hover"), GridLayout),
    # events on lines, over time (see plot.timeline): a bar from start to end, or a day marker
    "timeline": Kind(
        (
            "line",
            "label",
            "title",
            "theme",
            "shape",
            "origin",
            "colour",
            "start",
            "end",
            "draw_start",
            "draw_end",
            "open_start",
            "open_end",
            "date_text",
            "hover",
        ),
        TimelineLayout,
    ),
    # places on a map, each label at its offset (points) from its place
    "map": Kind(
        ("lon", "lat", "label", "group", "symbol", "colour", "dx", "dy", "hover"), MapLayout
    ),
    # nodes (mark "node": a dot at x, y with its label) and edges (mark "edge": a line from x, y
    # to x_end, y_end), edges grouped (and named in the legend) by ``group``
    "network": Kind(
        ("mark", "x", "y", "x_end", "y_end", "label", "group", "colour", "size", "hover"),
        NetworkLayout,
    ),
}


def check_renderer(name: str, draw: Mapping[str, Any]) -> None:
    """Raise unless the renderer's table ``draw`` has a function for every kind and no other."""
    missing, unknown = sorted(set(KINDS) - set(draw)), sorted(set(draw) - set(KINDS))
    if missing or unknown:
        raise TypeError(
            f"the {name} renderer's table of kinds lacks {missing} and has unknown {unknown}"
        )


@dataclass(frozen=True)
class Annotation:
    """A mark that is not data: a vertical line, a shaded span, or a box around one x.

    ``kind`` is "vline" (at ``x``), "span" (``x`` to ``x_end``) or "box" (around the column at
    ``x``, up to ``y``); ``text`` is written beside it; ``panel`` limits it to one panel.
    """

    kind: str
    x: Any
    text: str = ""
    x_end: Any = None
    y: float | None = None
    panel: str | None = None


@dataclass(frozen=True)
class ChartSpec:
    """Everything both renderers need to draw one chart; see :data:`KINDS` per kind.

    ``layout`` holds what is particular to the kind (axis ranges, ticks, size), typed: the kind's
    layout class (:class:`BarsLayout` ...); ``caption`` is the source and method lines under the
    chart; ``description`` says in words what the chart shows (its alt text).
    """

    kind: str
    marks: pd.DataFrame
    title: str
    description: str
    x_label: str = ""
    y_label: str = ""
    caption: str = ""
    annotations: tuple[Annotation, ...] = ()
    layout: Layout | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}: one of {sorted(KINDS)}")
        kind = KINDS[self.kind]
        missing = [c for c in kind.marks if c not in self.marks.columns]
        if missing:
            raise ValueError(f"{self.kind} marks lack the column(s) {missing}")
        if not self.description.strip():
            raise ValueError("a chart needs a description (its alt text)")
        if not isinstance(self.layout, kind.layout):
            given = "none" if self.layout is None else f"a {type(self.layout).__name__}"
            raise TypeError(
                f"a {self.kind} chart's layout is a {kind.layout.__name__}, not {given}"
            )
        # One paragraph: the description is read aloud, so runs of spaces and line breaks go.
        object.__setattr__(self, "description", " ".join(self.description.split()))

    def marks_csv(self) -> str:
        """The marks as CSV text, the numbers and labels drawn (same spec, same bytes); a label
        a spreadsheet would read as a formula is neutralised (:mod:`marchwest.csvcells`)."""
        return to_csv(self.marks)

    def data(self) -> dict[str, str]:
        """What a reader needs beside the picture: title, description, caption, marks CSV."""
        return {
            "title": self.title,
            "description": self.description,
            "caption": self.caption,
            "csv": self.marks_csv(),
        }
