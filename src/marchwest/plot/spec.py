"""A chart described once: what to draw (marks), its words, and its alt text.

A chart is built in two steps. A *spec builder* (``plot.arms.window_bars`` ...) turns tidy tables
into a :class:`ChartSpec`: the marks as a tidy DataFrame, the title, axis labels, annotations,
caption and a one-paragraph description of what the chart shows. Then a renderer draws it:
``to_matplotlib(spec)`` or ``to_plotly(spec)`` (one function per chart kind in each), or
:func:`marchwest.plot.show.show` in a notebook: one output holding both, with the description as
its alt text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from marchwest.csvcells import to_csv

# The columns each kind's marks carry (more may be present).
MARK_COLUMNS: dict[str, tuple[str, ...]] = {
    # horizontal bars, stacked by segment; categories top to bottom in the order they come
    "bars": ("category", "segment", "value", "colour", "text", "hover"),
    # vertical bars per x, stacked by segment
    "columns": ("x", "segment", "value", "colour", "hover"),
    # one line per series in each panel
    "lines": ("panel", "series", "colour", "x", "y", "hover"),
    # one cell per row and column, coloured by its value
    "grid": ("row", "column", "value", "colour", "hover"),
    # events on lines, over time (see plot.timeline)
    "timeline": ("line", "label", "shape", "origin", "colour", "draw_start", "draw_end", "hover"),
    # places on a map, each label at its offset (points) from its place
    "map": ("lon", "lat", "label", "group", "symbol", "colour", "dx", "dy", "hover"),
    # nodes (mark "node": a dot at x, y with its label) and edges (mark "edge": a line from x, y
    # to x_end, y_end), edges grouped (and named in the legend) by ``group``
    "network": ("mark", "x", "y", "x_end", "y_end", "label", "group", "colour", "size", "hover"),
}


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
    """Everything both renderers need to draw one chart; see :data:`MARK_COLUMNS` per kind.

    ``layout`` holds what is particular to a kind (axis ranges, ticks, sizes: ``figsize`` in
    inches for matplotlib, ``height`` in pixels for plotly); ``caption`` is the source and method
    lines under the chart; ``description`` says in words what the chart shows (its alt text).
    """

    kind: str
    marks: pd.DataFrame
    title: str
    description: str
    x_label: str = ""
    y_label: str = ""
    caption: str = ""
    annotations: tuple[Annotation, ...] = ()
    layout: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in MARK_COLUMNS:
            raise ValueError(f"unknown chart kind {self.kind!r}: one of {sorted(MARK_COLUMNS)}")
        missing = [c for c in MARK_COLUMNS[self.kind] if c not in self.marks.columns]
        if missing:
            raise ValueError(f"{self.kind} marks lack the column(s) {missing}")
        if not self.description.strip():
            raise ValueError("a chart needs a description (its alt text)")
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
