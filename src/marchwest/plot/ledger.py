"""What the ledger holds: rows per table, article facts per section, a row in context (notebook 00).

``tables`` is ``marchwest.tables()`` (a dict of DataFrames by name; article rows carry
``origin == "article"`` and ``char_start``); ``sections`` is a frame with ``title``,
``char_start``, ``char_end`` (offsets into the raw page), in reading order.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure

from marchwest.plot.style import mpl_caption, plotly_caption

ORIGIN_COLOURS = {"article": "#0072B2", "reference": "#E69F00"}


def rows_per_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows per table and origin: ``table``, ``article``, ``reference``, ``total``."""
    counts = {
        name: frame["origin"].value_counts().reindex(list(ORIGIN_COLOURS), fill_value=0)
        for name, frame in tables.items()
    }
    table = pd.DataFrame(counts).T.rename_axis("table").reset_index()
    table["total"] = table["article"] + table["reference"]
    return table.astype({"article": int, "reference": int, "total": int})


def facts_per_section(
    tables: Mapping[str, pd.DataFrame], sections: pd.DataFrame
) -> pd.DataFrame:
    """Article rows per section and table: ``section``, one column per table, ``total``.

    A row belongs to the section whose span holds its ``char_start``. Sections keep their
    reading order; a row outside every section raises ValueError naming the table and offset.
    """
    sections = sections.reset_index(drop=True)
    starts = sections["char_start"].to_numpy()
    counts = pd.DataFrame(0, index=sections["title"], columns=list(tables))
    for name, frame in tables.items():
        article_rows = frame[frame["origin"] == "article"]
        for offset in article_rows["char_start"].astype(int):
            at = int(starts.searchsorted(offset, side="right")) - 1
            if at < 0 or offset >= int(sections["char_end"].iloc[at]):
                raise ValueError(f"table {name!r}: a row at offset {offset} is in no section")
            counts.iloc[at, counts.columns.get_loc(name)] += 1
    counts = counts.loc[:, counts.sum() > 0]
    counts["total"] = counts.sum(axis=1)
    return counts.rename_axis("section").reset_index()


def _stacked_columns(counts: pd.DataFrame, label: str) -> list[str]:
    return [c for c in counts.columns if c not in (label, "total")]


# One colour per table, fixed by name so a table looks the same in every chart.
TABLE_COLOURS = {
    "entities": "#0072B2",
    "events": "#E69F00",
    "participants": "#56B4E9",
    "memberships": "#009E73",
    "arms_transfers": "#D55E00",
    "figures": "#CC79A7",
    "places": "#F0E442",
    "claims": "#999999",
    "sources": "#444444",
}


def _colour(column: str) -> str:
    return ORIGIN_COLOURS.get(column) or TABLE_COLOURS.get(column, "#BBBBBB")


def stacked_bars(
    counts: pd.DataFrame, *, label: str, title: str, xlabel: str, caption: str
) -> Figure:
    """Horizontal stacked bars: one bar per ``label`` row, one segment per count column.

    Fits both :func:`rows_per_table` (label "table") and :func:`facts_per_section`
    (label "section"); rows are drawn top to bottom in the frame's order.
    """
    parts = _stacked_columns(counts, label)
    data = counts.iloc[::-1]
    fig = Figure(figsize=(9, 0.38 * len(data) + 2.0), layout="constrained")
    ax = fig.add_subplot()
    left = pd.Series(0, index=data.index)
    for part in parts:
        ax.barh(data[label], data[part], left=left, color=_colour(part), label=part)
        left = left + data[part]
    for y, total in enumerate(left):
        ax.text(total, y, f" {int(total)}", va="center", fontsize=8)
    ax.set_xlim(0, max(float(left.max()), 1) * 1.1)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside right upper", frameon=False, fontsize=8)
    mpl_caption(fig, caption)
    return fig


def stacked_bars_plotly(
    counts: pd.DataFrame, *, label: str, title: str, xlabel: str, caption: str
) -> go.Figure:
    """Interactive twin of :func:`stacked_bars`."""
    fig = go.Figure(
        [
            go.Bar(
                orientation="h",
                y=counts[label],
                x=counts[part],
                name=part,
                marker_color=_colour(part),
                hovertemplate="%{y}: %{x} " + part + " rows<extra></extra>",
            )
            for part in _stacked_columns(counts, label)
        ]
    )
    fig.update_layout(
        barmode="stack",
        title=title,
        xaxis_title=xlabel,
        yaxis={"autorange": "reversed"},
        template="plotly_white",
        height=200 + 26 * len(counts),
    )
    plotly_caption(fig, caption)
    return fig


def in_context(raw: str, start: int, end: int, *, words: int = 8) -> tuple[str, str, str]:
    """The text at ``raw[start:end]`` with up to ``words`` words before and after it.

    Returns ``(before, text, after)``; white space inside the context is collapsed, so it prints
    on one line.
    """
    if not 0 <= start <= end <= len(raw):
        raise ValueError(f"span {start}:{end} is outside the text (length {len(raw)})")
    before = " ".join(raw[:start].split()[-words:]) if words else ""
    after = " ".join(raw[end:].split()[:words]) if words else ""
    if raw[:start][-1:].isspace():
        before += " "
    if raw[end:end + 1].isspace():
        after = " " + after
    return before, raw[start:end], after
