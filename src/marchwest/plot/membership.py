"""Membership charts: a grid of statuses and the growth of an organisation (notebook 03).

Inputs are tidy frames from ``marchwest.membership``:

- ``matrix``: rows (members) by columns (organisations, or dates), each cell a status or NA
  (``status_matrix``, or a pivot of ``membership_history``);
- ``counts``: dates (index) by statuses (columns), member counts (``status_counts``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from marchwest.plot.style import (
    FONT_FAMILY,
    OTHER_COLOUR,
    STATUS_COLOURS,
    mpl_caption,
    plotly_caption,
)

NONE_COLOUR = "#F7F7F7"


def _label(labels: Mapping[str, str] | None, key: object) -> str:
    if isinstance(key, pd.Timestamp):
        return f"{key:%Y}"
    key = str(key)
    return (labels or {}).get(key, key.replace("_", " ").title())


def _statuses(matrix: pd.DataFrame) -> list[str]:
    """The statuses in the matrix, in the palette's order."""
    present = set(matrix.stack().dropna().astype(str))
    ordered = [status for status in STATUS_COLOURS if status in present]
    return ordered + sorted(present - set(ordered))


def _header(name: str, newline: str) -> str:
    """A column name in lines of about 14 characters, broken at spaces and after dashes only."""
    lines = textwrap.wrap(name.replace("–", "– "), 14, break_long_words=False)
    return newline.join(line.replace("– ", "–") for line in lines)


def _wrapped(text: str, fig: Figure) -> str:
    """``text`` broken into lines that fit the figure's width at caption size."""
    width = int(fig.get_figwidth() * 15)
    return "\n".join(textwrap.fill(line, width) for line in text.splitlines())


def _text_colour(background: str) -> str:
    red, green, blue = to_rgb(background)
    return "white" if 0.299 * red + 0.587 * green + 0.114 * blue < 0.5 else "#222222"


def status_grid_figure(
    matrix: pd.DataFrame,
    *,
    row_labels: Mapping[str, str] | None = None,
    column_labels: Mapping[str, str] | None = None,
    title: str = "",
    caption: str = "",
    xlabel: str = "",
    annotate: bool = True,
) -> Figure:
    """Rows by columns, each cell coloured by its status (written in it when ``annotate``)."""
    statuses = _statuses(matrix)
    codes = matrix.apply(lambda column: column.map({s: i + 1 for i, s in enumerate(statuses)}))
    codes = codes.fillna(0).to_numpy(dtype=int)
    colours = [NONE_COLOUR] + [STATUS_COLOURS.get(s, OTHER_COLOUR) for s in statuses]
    rows, columns = matrix.shape
    width = 3.2 + (0.95 if annotate else 0.32) * columns
    fig = Figure(figsize=(max(width, 7.5), 1.9 + 0.34 * rows), layout="constrained")
    ax = fig.add_subplot()
    ax.imshow(codes, cmap=ListedColormap(colours), vmin=0, vmax=len(colours) - 1, aspect="auto")
    ax.set_xticks(np.arange(columns) - 0.5, minor=True)
    ax.set_yticks(np.arange(rows) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_yticks(range(rows), [_label(row_labels, key) for key in matrix.index], fontsize=9)
    column_names = [_label(column_labels, key) for key in matrix.columns]
    if annotate:
        ax.set_xticks(range(columns), [_header(name, "\n") for name in column_names], fontsize=8.5)
        ax.xaxis.tick_top()
        for (row, column), status in np.ndenumerate(matrix.to_numpy(dtype=object)):
            if isinstance(status, str):
                ax.text(
                    column,
                    row,
                    status.replace(" ", "\n") if len(status) > 10 else status,
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=_text_colour(colours[codes[row, column]]),
                )
    else:
        step = max(1, columns // 15)
        ax.set_xticks(range(0, columns, step), column_names[::step], fontsize=8.5)
    ax.spines[:].set_visible(False)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=9)
    ax.legend(
        handles=[Patch(facecolor=colours[i + 1], label=s) for i, s in enumerate(statuses)],
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=8,
        title="status",
        title_fontsize=8,
        frameon=False,
    )
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontfamily=FONT_FAMILY)
    if caption:
        mpl_caption(fig, _wrapped(caption, fig))
    return fig


def status_grid_plotly(
    matrix: pd.DataFrame,
    *,
    row_labels: Mapping[str, str] | None = None,
    column_labels: Mapping[str, str] | None = None,
    hover: pd.DataFrame | None = None,
    title: str = "",
    caption: str = "",
    xlabel: str = "",
    annotate: bool = True,
) -> go.Figure:
    """The same grid as a plotly heatmap; ``hover`` (same shape) adds a line per cell."""
    statuses = _statuses(matrix)[::-1]  # the first status on top of the colour bar
    codes = matrix.apply(lambda column: column.map({s: i + 1 for i, s in enumerate(statuses)}))
    codes = codes.fillna(0).to_numpy(dtype=float)
    colours = [NONE_COLOUR] + [STATUS_COLOURS.get(s, OTHER_COLOUR) for s in statuses]
    steps = len(colours)
    scale = []
    for index, colour in enumerate(colours):
        scale += [[index / steps, colour], [(index + 1) / steps, colour]]
    text = matrix.fillna("").to_numpy(dtype=object).tolist()
    extra = (
        hover.reindex_like(matrix).fillna("").to_numpy(dtype=object).tolist()
        if hover is not None
        else [[""] * matrix.shape[1] for _ in range(matrix.shape[0])]
    )
    rows = [_label(row_labels, key) for key in matrix.index]
    columns = [_label(column_labels, key) for key in matrix.columns]
    if annotate:
        columns = [_header(name, "<br>") for name in columns]
    fig = go.Figure(
        go.Heatmap(
            z=codes.tolist(),
            x=columns,
            y=rows,
            zmin=-0.5,
            zmax=steps - 0.5,
            colorscale=scale,
            xgap=2,
            ygap=2,
            text=text,
            texttemplate="%{text}" if annotate else None,
            textfont={"size": 10},
            customdata=extra,
            hovertemplate="<b>%{y}</b> · %{x}<br>%{text}<br>%{customdata}<extra></extra>",
            colorbar={
                "title": {"text": "status"},
                "tickvals": list(range(steps)),
                "ticktext": ["none"] + statuses,
                "len": min(1.0, 0.08 * steps + 0.1),
                "y": 1,
                "yanchor": "top",
            },
        )
    )
    fig.update_layout(
        title={"text": title},
        template="plotly_white",
        font={"family": FONT_FAMILY},
        height=170 + 30 * len(rows),
        width=None,
        yaxis={"autorange": "reversed", "tickfont": {"size": 12}},
        xaxis={
            "side": "top" if annotate else "bottom",
            "title": {"text": xlabel},
            "tickangle": 0,
        },
        margin={"t": 150 if annotate else 80},
    )
    if caption:
        text = "<br>".join(textwrap.wrap(caption, 150))
        plotly_caption(fig, text, bottom=70 + 16 * text.count("<br>"))
    return fig


def status_counts_figure(
    counts: pd.DataFrame,
    *,
    title: str = "",
    caption: str = "",
    highlight: pd.Timestamp | None = None,
    highlight_label: str = "",
) -> Figure:
    """Stacked bars: how many countries held each status on each date (one bar per year).

    ``highlight`` outlines the bar of that date and writes ``highlight_label`` over it.
    """
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    ax = fig.add_subplot()
    years = [date.year for date in counts.index]
    bottom = np.zeros(len(counts))
    for status in counts.columns:
        values = counts[status].to_numpy()
        ax.bar(
            years,
            values,
            bottom=bottom,
            color=STATUS_COLOURS.get(status, OTHER_COLOUR),
            edgecolor="white",
            linewidth=0.5,
            label=status,
        )
        bottom += values
    for year, total in zip(years, bottom, strict=True):
        ax.text(year, total + 0.2, f"{int(total)}", ha="center", va="bottom", fontsize=7)
    if highlight is not None and highlight in counts.index:
        position = list(counts.index).index(highlight)
        year, total = years[position], bottom[position]
        ax.bar(year, total, fill=False, edgecolor="black", linewidth=1.6)
        ax.annotate(
            highlight_label,
            (year, total + 1.1),
            xytext=(0, 8),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            arrowprops={"arrowstyle": "-", "lw": 0.8},
        )
    ax.set_xticks(years[::2] if len(years) > 16 else years)
    ax.set_ylim(0, bottom.max() + 4)
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    ax.set_ylabel(_count_label(counts), fontsize=9)
    ax.set_xlabel("Year", fontsize=9)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", fontsize=8, title="status", title_fontsize=8, frameon=False)
    ax.set_title(title, loc="left", fontsize=12, fontfamily=FONT_FAMILY)
    if caption:
        mpl_caption(fig, _wrapped(caption, fig))
    return fig


def _count_label(counts: pd.DataFrame) -> str:
    return f"Countries (on {counts.index[0]:%-d %B} each year)"


def status_counts_plotly(
    counts: pd.DataFrame,
    *,
    members: pd.DataFrame | None = None,
    title: str = "",
    caption: str = "",
    highlight: pd.Timestamp | None = None,
    highlight_label: str = "",
) -> go.Figure:
    """Stacked bars per year; ``members`` (same shape, names as text) shows who in the hover."""
    years = [date.year for date in counts.index]
    if members is None:
        members = pd.DataFrame("", index=counts.index, columns=counts.columns)
    members = members.reindex_like(counts).astype("string").fillna("")
    fig = go.Figure()
    for status in counts.columns:
        who = members[status].tolist()
        fig.add_trace(
            go.Bar(
                x=years,
                y=counts[status].tolist(),
                name=status,
                marker={"color": STATUS_COLOURS.get(status, OTHER_COLOUR), "line": {"width": 0}},
                customdata=who,
                hovertemplate=f"<b>%{{x}}</b>: %{{y}} {status}<br>%{{customdata}}<extra></extra>",
            )
        )
    if highlight is not None and highlight in counts.index:
        position = list(counts.index).index(highlight)
        total = int(counts.iloc[position].sum())
        year = years[position]
        fig.add_shape(
            type="rect",
            x0=year - 0.42,
            x1=year + 0.42,
            y0=0,
            y1=total,
            line={"color": "black", "width": 2},
        )
        fig.add_annotation(
            x=year,
            y=total,
            text=highlight_label,
            showarrow=True,
            arrowhead=0,
            ay=-30,
            font={"size": 11},
        )
    fig.update_layout(
        title={"text": title},
        barmode="stack",
        template="plotly_white",
        font={"family": FONT_FAMILY},
        height=480,
        xaxis={"title": {"text": "Year"}, "dtick": 2},
        yaxis={"title": {"text": _count_label(counts)}},
        legend={"title": {"text": "status"}, "traceorder": "reversed"},
        hoverlabel={"align": "left"},
    )
    if caption:
        text = "<br>".join(textwrap.wrap(caption, 150))
        plotly_caption(fig, text, bottom=90 + 16 * text.count("<br>"))
    return fig
