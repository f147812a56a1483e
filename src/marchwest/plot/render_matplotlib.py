"""Draw a ChartSpec with matplotlib: one function per chart kind (the ``DRAW`` table at the end,
checked against ``spec.KINDS``), each only drawing what the spec says (no data is prepared here)."""

from __future__ import annotations

import itertools

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from marchwest.plot.spec import ChartSpec, check_renderer
from marchwest.plot.style import (
    BORDER,
    COAST,
    CORRIDOR_COLOUR,
    LAND,
    MPL_STYLE,
    NODE_WIDTH,
    PUBLISHED_COLOUR,
    WATER,
    legend_label,
    mpl_caption,
    short,
    timeline_legend,
    title_lines,
    wrapped,
)

LINE_COLOUR = "#444444"


# The spec's sizes are CSS pixels; matplotlib's figures are in inches at 100 dpi (its default),
# so the PNG has the pixels plotly's figure has.
PX_PER_INCH = 100


def to_matplotlib(spec: ChartSpec) -> Figure:
    """The spec as a matplotlib Figure (not shown: a notebook shows it, or ``savefig`` writes it)."""
    with mpl.rc_context(MPL_STYLE):
        return DRAW[spec.kind](spec)


def inches(px: float) -> float:
    """A size in the spec's pixels as matplotlib's inches."""
    return px / PX_PER_INCH


def _figsize(layout) -> tuple[float, float]:
    return inches(layout.width), inches(layout.height)


def _title(fig: Figure, spec: ChartSpec) -> None:
    """The title at the figure's left edge (as plotly draws it), wrapped to the figure's width."""
    text = title_lines(spec.title, int(fig.get_figwidth() * 10))
    fig.suptitle(text, x=0.01, ha="left", fontsize=12)


def _shorts(labels) -> list[str]:
    return [short(label) for label in labels]


def _plain_axes(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_axisbelow(True)


def _bars(spec: ChartSpec) -> Figure:
    marks, layout = spec.marks, spec.layout
    categories = list(dict.fromkeys(marks["category"]))
    position = {category: len(categories) - 1 - i for i, category in enumerate(categories)}
    fig = Figure(figsize=_figsize(layout), layout="constrained")
    ax = fig.add_subplot()
    starts = marks.groupby("category", sort=False)["value"].cumsum() - marks["value"]
    outline = layout.outline
    for segment, rows in marks.groupby("segment", sort=False):
        ax.barh(
            [position[c] for c in rows["category"]],
            rows["value"],
            left=starts[rows.index],
            color=rows["colour"],
            edgecolor=outline or "none",
            linewidth=1 if outline else 0,
            label=legend_label(segment),
        )
    ends = marks.groupby("category", sort=False)["value"].sum()
    texts = marks.drop_duplicates("category").set_index("category")["text"]
    for category in categories:
        ax.text(ends[category], position[category], "  " + short(texts[category]), va="center",
                fontsize=9)  # fmt: skip
    ax.set_yticks(range(len(categories)), _shorts(categories[::-1]))
    ax.set_xlim(0, layout.x_max)
    if layout.integer_ticks:
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(spec.x_label)
    ax.set_ylabel(spec.y_label)
    _title(fig, spec)
    _plain_axes(ax)
    if layout.legend:
        fig.legend(loc="outside right upper", frameon=False, fontsize=8)
    mpl_caption(fig, spec.caption)
    return fig


def _annotate(ax, spec: ChartSpec, panel: str) -> None:
    """The spec's vertical lines and spans on one panel, each with its text at the top (inside
    the panel: constrained layout makes no room for it, which a long text would squeeze away)."""
    top = {"xycoords": ("data", "axes fraction"), "va": "top", "fontsize": 8, "in_layout": False}
    for note in spec.annotations:
        if note.panel not in (None, panel):
            continue
        if note.kind == "vline":
            ax.axvline(note.x, color=LINE_COLOUR, linestyle="--", linewidth=1)
            ax.annotate(short(note.text), (note.x, 0.98), xytext=(-3, 0), textcoords="offset points",
                        ha="right", color=LINE_COLOUR, **top)  # fmt: skip
        elif note.kind == "span":
            ax.axvspan(note.x, note.x_end, color="#EEEEEE", zorder=0)
            ax.annotate(short(note.text), (note.x, 0.98), xytext=(3, 0), textcoords="offset points",
                        ha="left", color="#777777", **top)  # fmt: skip


def _lines(spec: ChartSpec) -> Figure:
    marks, layout = spec.marks, spec.layout
    panels = list(dict.fromkeys(marks["panel"]))
    fig = Figure(figsize=_figsize(layout), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for ax, panel in zip(axes, panels, strict=True):
        for series, line in marks[marks["panel"] == panel].groupby("series", sort=False):
            ax.plot(line["x"], line["y"], marker="o", markersize=layout.marker_size,
                    color=line["colour"].iloc[0], label=legend_label(series))  # fmt: skip
        _annotate(ax, spec, panel)
        if len(panels) > 1:
            ax.set_title(short(panel))
        ax.set_xlabel(spec.x_label)
        ax.grid(axis="y", color="#DDDDDD")
        _plain_axes(ax)
    axes[0].set_ylim(*layout.y_range)
    if layout.y_ticks is not None:
        axes[0].set_yticks(*layout.y_ticks)
    axes[0].set_ylabel(spec.y_label)
    if layout.legend == "right":
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper", frameon=False)
    else:
        axes[0].legend(frameon=False, loc="upper left")
    _title(fig, spec)
    mpl_caption(fig, spec.caption)
    return fig


def _columns(spec: ChartSpec) -> Figure:
    marks, layout = spec.marks, spec.layout
    fig = Figure(figsize=_figsize(layout), layout="constrained")
    ax = fig.add_subplot()
    xs = list(dict.fromkeys(marks["x"]))
    bottom = pd.Series(0.0, index=xs)
    for segment, rows in marks.groupby("segment", sort=False):
        values = rows.set_index("x")["value"].reindex(xs, fill_value=0).astype(float)
        ax.bar(xs, values, bottom=bottom, color=rows["colour"].iloc[0], edgecolor="white",
               linewidth=0.5, label=legend_label(segment))  # fmt: skip
        bottom += values
    for x, total in bottom.items():
        ax.text(x, total + 0.2, f"{int(total)}", ha="center", va="bottom", fontsize=7)
    for note in spec.annotations:
        ax.bar(note.x, note.y, fill=False, edgecolor="black", linewidth=1.6)
        ax.annotate(note.text, (note.x, note.y + 1.1), xytext=(0, 8), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8, arrowprops={"arrowstyle": "-", "lw": 0.8})  # fmt: skip
    ax.set_xticks(xs[:: layout.x_step])
    ax.set_ylim(0, layout.y_max)
    ax.set_xlim(xs[0] - 0.6, xs[-1] + 0.6)
    ax.set_ylabel(spec.y_label, fontsize=9)
    ax.set_xlabel(spec.x_label, fontsize=9)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    _plain_axes(ax)
    ax.legend(loc="upper left", fontsize=8, title=layout.legend_title or None,
              title_fontsize=8, frameon=False)  # fmt: skip
    _title(fig, spec)
    mpl_caption(fig, spec.caption)
    return fig


def _grid(spec: ChartSpec) -> Figure:
    marks, layout = spec.marks, spec.layout
    rows = list(dict.fromkeys(marks["row"]))
    columns = list(dict.fromkeys(marks["column"]))
    colour = dict(
        zip(zip(marks["row"], marks["column"], strict=True), marks["colour"], strict=True)
    )
    rgb = np.array([[to_rgb(colour[r, c]) for c in columns] for r in rows])
    annotate = layout.annotate
    width = 3.2 + (0.95 if annotate else 0.32) * len(columns)
    fig = Figure(figsize=(max(width, 7.5), 1.9 + 0.34 * len(rows)), layout="constrained")
    ax = fig.add_subplot()
    ax.imshow(rgb, aspect="auto")
    # White lines between the cells: two collections (minor-tick grid lines cost a tick each).
    ax.vlines(np.arange(len(columns)) - 0.5, -0.5, len(rows) - 0.5, color="white", linewidth=1.5)
    ax.hlines(np.arange(len(rows)) - 0.5, -0.5, len(columns) - 0.5, color="white", linewidth=1.5)
    ax.set_yticks(range(len(rows)), _shorts(rows), fontsize=9)
    if annotate:
        ax.set_xticks(range(len(columns)), _shorts(columns), fontsize=8.5)
        ax.xaxis.tick_top()
        cells = zip(marks["row"], marks["column"], marks["text"], marks["text_colour"], strict=True)
        for row, column, text, text_colour in cells:
            ax.text(columns.index(column), rows.index(row), text, ha="center", va="center",
                    fontsize=7, color=text_colour)  # fmt: skip
    else:
        step = max(1, len(columns) // 15)
        ax.set_xticks(range(0, len(columns), step), _shorts(columns[::step]), fontsize=8.5)
    ax.spines[:].set_visible(False)
    ax.set_xlabel(spec.x_label, fontsize=9)
    handles = [
        Patch(facecolor=colour, label=legend_label(status)) for status, colour in layout.legend
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
              title=layout.legend_title, title_fontsize=8, frameon=False)  # fmt: skip
    _title(fig, spec)
    mpl_caption(fig, spec.caption)
    return fig


_ONE_DAY = pd.Timedelta(days=1)


def _timeline(spec: ChartSpec) -> Figure:
    marks, layout = spec.marks, spec.layout
    panels, published, fade = layout.panels, layout.published, layout.fade
    lines = marks.drop_duplicates("line")["label"].tolist()
    height = 3.2 + 0.3 * len(lines) if layout.height is None else inches(layout.height)
    fig = Figure(figsize=(13, height), layout="constrained")
    axes = fig.subplots(
        1, len(panels), sharey=True, width_ratios=[p.width for p in panels], squeeze=False
    )[0]
    far_right = panels[-1].right
    for ax, panel in zip(axes, panels, strict=True):
        # Only the marks the panel shows (a marker's width past its edges to spare): the others
        # would be clipped away, and drawing them costs a patch each.
        spare = (panel.right - panel.left) / 4
        shown = (marks["draw_start"] <= panel.right + spare) & (
            marks["draw_end"] >= panel.left - spare
        )
        for mark in marks[shown].itertuples():
            _timeline_mark(ax, mark, far_right, fade, last_panel=ax is axes[-1])
        if panel.left <= published <= panel.right:
            ax.axvline(mdates.date2num(published), color=PUBLISHED_COLOUR, linestyle="--",
                       linewidth=1)  # fmt: skip
            ax.annotate(f"published {published:%-d %b %Y}", (mdates.date2num(published), -0.5),
                        xytext=(-3, 0), textcoords="offset points", ha="right", va="top",
                        fontsize=8, rotation=90, color="#333333")  # fmt: skip
        ax.set_xlim(mdates.date2num(panel.left), mdates.date2num(panel.right))
        if panel.tick is not None:
            middle, label = panel.tick
            ax.set_xticks([mdates.date2num(middle)], [label])
        else:
            ticks = max(3, round(9 * panel.width))
            locator = mdates.AutoDateLocator(minticks=2, maxticks=ticks)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
    axes[0].set_yticks(range(len(lines)), _shorts(lines), fontsize=8.5)
    axes[0].set_ylim(len(lines) - 0.4, -0.6)
    for left_ax, right_ax in itertools.pairwise(axes):
        _break_marks(left_ax, right_ax)
    axes[-1].set_xlabel(spec.x_label, fontsize=9)
    _title(fig, spec)
    axes[-1].legend(handles=_timeline_legend(spec), loc="lower right", bbox_to_anchor=(1, 1.0),
                    ncols=4, fontsize=8, frameon=False)  # fmt: skip
    mpl_caption(fig, spec.caption)
    return fig


def _timeline_mark(ax, mark, far_right, fade, last_panel: bool) -> None:
    colour = mark.colour
    reference = mark.origin == "reference"
    if mark.shape == "marker":
        ax.plot(mdates.date2num(mark.start), mark.line, marker="D" if reference else "o",
                markersize=7 if reference else 8, markerfacecolor="white" if reference else colour,
                markeredgecolor=colour, markeredgewidth=1.8 if reference else 1.4,
                linestyle="none", zorder=3)  # fmt: skip
        return
    style = {
        "height": 0.5,
        "color": "white" if reference else colour,
        "edgecolor": colour,
        "hatch": "////" if reference else None,
        "linewidth": 0.8,
        "zorder": 2,
    }
    if mark.open_start:
        _fade(ax, mark.line, mark.end, mark.end - fade, style)
        if last_panel:
            ax.plot(mdates.date2num(mark.end - fade), mark.line, marker="<", color=colour)
        return
    end = far_right if mark.open_end else mark.end
    solid_end = end - fade if mark.open_end else end
    ax.barh(
        mark.line, (solid_end - mark.start) / _ONE_DAY, left=mdates.date2num(mark.start), **style
    )
    if mark.open_end:
        _fade(ax, mark.line, solid_end, end, style)
        if last_panel:
            ax.plot(mdates.date2num(end), mark.line, marker=">", color=colour, markersize=9,
                    clip_on=False)  # fmt: skip


def _break_marks(left_ax, right_ax) -> None:
    """Hide the facing spines of a broken axis and draw the usual diagonal cuts."""
    left_ax.spines.right.set_visible(False)
    right_ax.spines.left.set_visible(False)
    right_ax.tick_params(axis="y", left=False)
    cut = {
        "marker": [(-1, -1.5), (1, 1.5)],
        "markersize": 10,
        "linestyle": "none",
        "color": "#333333",
        "mec": "#333333",
        "mew": 1,
        "clip_on": False,
    }
    left_ax.plot([1, 1], [0, 1], transform=left_ax.transAxes, **cut)
    right_ax.plot([0, 0], [0, 1], transform=right_ax.transAxes, **cut)


def _fade(ax, line: int, start, end, style: dict) -> None:
    """The open side of a bar, from ``start`` (solid) to ``end`` (faint), in five steps."""
    step = (end - start) / 5
    for index in range(5):
        left, right = sorted([start + step * index, start + step * (index + 1)])
        ax.barh(line, (right - left) / _ONE_DAY, left=mdates.date2num(left),
                **{**style, "alpha": 0.8 - 0.15 * index, "linewidth": 0})  # fmt: skip


def _timeline_legend(spec: ChartSpec) -> list:
    """The legend entries of ``style.timeline_legend`` as matplotlib handles."""
    handles = []
    for label, mark, colour in timeline_legend(spec):
        label = legend_label(label)
        if mark == "theme":
            handles.append(Patch(facecolor=colour, label=label))
        elif mark == "day":
            handles.append(Line2D([], [], marker="o", linestyle="none", color=colour, label=label))
        elif mark == "reference day":
            handles.append(Line2D([], [], marker="D", linestyle="none", markerfacecolor="white",
                                  markeredgecolor=colour, markeredgewidth=1.8, label=label))  # fmt: skip
        elif mark == "reference period":
            handles.append(Patch(facecolor="white", edgecolor=colour, hatch="////", label=label))
        elif mark == "open":
            handles.append(Line2D([], [], marker=">", linestyle="none", color=colour, label=label))
        else:
            handles.append(Line2D([], [], color=colour, linestyle="--", label=label))
    return handles


_ALIGN = {1: "left", -1: "right", 0: "center"}


def _near(rings: list[np.ndarray], extent) -> list[np.ndarray]:
    """The rings (lon, lat) that reach into ``extent`` or a degree around it: the others would be
    clipped away whole (the world holds hundreds of rings, a map of the article's region shows
    about a quarter of them)."""
    west, east, south, north = extent
    return [
        ring
        for ring in rings
        if ring[:, 0].max() >= west - 1
        and ring[:, 0].min() <= east + 1
        and ring[:, 1].max() >= south - 1
        and ring[:, 1].min() <= north + 1
    ]


def _map(spec: ChartSpec) -> Figure:
    marks, layout = spec.marks, spec.layout
    west, east, south, north = layout.extent
    note = wrapped(spec.caption, 170) if spec.caption else []
    width, height = inches(layout.width), inches(layout.height) + 0.15 * len(note)
    fig = Figure(figsize=(width, height))
    left, right, top = layout.axes_box
    fig.subplots_adjust(left=left, right=right, top=top, bottom=(0.55 + 0.15 * len(note)) / height)
    ax = fig.add_subplot()
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(layout.aspect)
    ax.set_facecolor(WATER)
    outline = {name: _near(rings, layout.extent) for name, rings in layout.outline.items()}
    for ring in outline["land"]:
        ax.fill(ring[:, 0], ring[:, 1], color=LAND, linewidth=0, zorder=1)
    for ring in outline["lakes"]:
        ax.fill(ring[:, 0], ring[:, 1], color=WATER, linewidth=0, zorder=1)
    for ring in outline["countries"]:
        ax.plot(ring[:, 0], ring[:, 1], color=BORDER, linewidth=0.5, zorder=2)
    for ring in outline["coastlines"]:
        ax.plot(ring[:, 0], ring[:, 1], color=COAST, linewidth=0.7, zorder=2)
    ax.set_xlabel(spec.x_label, fontsize=9)
    ax.set_ylabel(spec.y_label, fontsize=9)
    ax.grid(color="white", linewidth=0.6, zorder=0)
    if layout.corridor is not None:
        (x0, y0), (x1, y1) = layout.corridor
        ax.plot([x0, x1], [y0, y1], color=CORRIDOR_COLOUR, linewidth=2.2, linestyle="--", zorder=4)
    for _, group in marks.groupby("group", sort=True):
        ax.scatter(group["lon"], group["lat"], marker=group["symbol"].iloc[0], s=42,
                   color=group["colour"].iloc[0], edgecolor="white", linewidth=0.8, zorder=5)  # fmt: skip
    for mark in marks.itertuples():
        ax.annotate(short(mark.label), (mark.lon, mark.lat), xytext=(mark.dx, mark.dy),
                    textcoords="offset points", fontsize=layout.label_size, ha=_ALIGN[int(np.sign(mark.dx))],
                    va="bottom", zorder=6,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.7,
                          "linewidth": 0})  # fmt: skip
    kinds = marks.drop_duplicates("group").sort_values("group")
    handles = [
        Line2D([], [], marker=symbol, linestyle="none", color=colour, label=legend_label(kind))
        for kind, symbol, colour in zip(
            kinds["group"], kinds["symbol"], kinds["colour"], strict=True
        )
    ]
    if layout.corridor is not None:
        handles.append(Line2D([], [], color=CORRIDOR_COLOUR, linewidth=2, linestyle="--",
                              label=legend_label(layout.corridor_label)))  # fmt: skip
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
              frameon=False, title="kind of place", title_fontsize=8)  # fmt: skip
    ax.set_title(title_lines(spec.title, int(width * 10)), loc="left", fontsize=12)
    fig.text(0.01, 0.01, "\n".join(note), fontsize=8, color="#444444", va="bottom", ha="left")
    return fig


def _network(spec: ChartSpec) -> Figure:
    """Edges as lines (one legend entry per group), then nodes as dots labelled outward from
    the drawing's centre (0, 0)."""
    marks, layout = spec.marks, spec.layout
    fig = Figure(figsize=_figsize(layout), layout="constrained")
    ax = fig.add_subplot()
    edges, nodes = marks[marks["mark"] == "edge"], marks[marks["mark"] == "node"]
    handles = []
    for group, rows in edges.groupby("group", sort=False):
        segments = [
            [(x, y), (x_end, y_end)]
            for x, y, x_end, y_end in zip(rows["x"], rows["y"], rows["x_end"], rows["y_end"],
                                          strict=True)
        ]  # fmt: skip
        colour = rows["colour"].iloc[0]
        ax.add_collection(LineCollection(segments, colors=colour, linewidths=2, zorder=1))
        handles.append(Line2D([], [], color=colour, linewidth=2, label=legend_label(group)))
    ax.scatter(nodes["x"], nodes["y"], s=nodes["size"], c=nodes["colour"].tolist(),
               edgecolors="white", linewidths=1, zorder=3)  # fmt: skip
    labels = [legend_label(label, NODE_WIDTH) for label in nodes["label"]]
    for x, y, label in zip(nodes["x"], nodes["y"], labels, strict=True):
        length = float(np.hypot(x, y))
        if length < 1e-9:
            ax.annotate(label, (x, y), ha="center", va="center", fontsize=9, zorder=4,
                        fontweight="bold", color="white")  # fmt: skip
            continue
        ax.annotate(label, (x, y), xytext=(9 * x / length, 9 * y / length),
                    textcoords="offset points", fontsize=9, va="center",
                    ha="left" if x > 0.05 else "right" if x < -0.05 else "center")  # fmt: skip
    ax.set_xlim(-1.45, 1.45)
    ax.set_ylim(-1.15, 1.15)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
              fontsize=8, title=layout.legend_title, title_fontsize=8)  # fmt: skip
    _title(fig, spec)
    mpl_caption(fig, spec.caption)
    return fig


# The renderer's one table of kinds: a draw function for each kind of spec.KINDS, and no other.
DRAW = {
    "bars": _bars,
    "columns": _columns,
    "lines": _lines,
    "grid": _grid,
    "timeline": _timeline,
    "map": _map,
    "network": _network,
}
check_renderer("matplotlib", DRAW)
