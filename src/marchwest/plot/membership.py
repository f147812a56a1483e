"""Membership chart specs: a grid of statuses and the growth of an organisation (notebook 03).

Inputs are tidy frames from ``marchwest.membership``:

- ``matrix``: rows (members) by columns (organisations, or dates), each cell a status or NA
  (``status_matrix``, or a pivot of ``membership_history``);
- ``counts``: dates (index) by statuses (columns), member counts (``status_counts``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import pandas as pd
from matplotlib.colors import to_hex

from marchwest.plot.contrast import contrast
from marchwest.plot.spec import Annotation, ChartSpec, ColumnsLayout, GridLayout
from marchwest.plot.style import OTHER_COLOUR, display_name, palette

NONE_COLOUR = "#F7F7F7"
# The statuses' colours in these charts: STATUS_COLOURS' light ones (observer, dialogue partner,
# signatory: 1.1 to 1.6:1) could not be told from an empty cell. Each here shows at least 3:1
# against an empty cell (WCAG AA for graphics) and carries its status written in white at 4.5:1;
# the two weaker SCO statuses take their own hues (purple, plum) instead of paler blues.
CELL_COLOURS = palette(
    """
    founding member   #08306B
    member            #2171B5
    observer          #6F5AA8
    dialogue partner  #A3578A
    suspended         #737373
    party             #1B7A3A
    signatory         #5B7A1E
    host              #B35209
    """
)


def _name(key: object, labels: Mapping[str, str] | None) -> str:
    return f"{key:%Y}" if isinstance(key, pd.Timestamp) else display_name(key, labels)


def _header(name: str) -> str:
    """A column name in lines of about 14 characters, broken at spaces and after dashes only."""
    lines = textwrap.wrap(name.replace("–", "– "), 14, break_long_words=False)
    return "\n".join(line.replace("– ", "–") for line in lines)


def _text_colour(background: str) -> str:
    """White or near-black, whichever shows more contrast on ``background``."""
    return max(("#FFFFFF", "#222222"), key=lambda text: contrast(text, to_hex(background)))


def _statuses(values) -> list[str]:
    """The statuses present, in the palette's order."""
    present = {value for value in values if isinstance(value, str) and value}
    ordered = [status for status in CELL_COLOURS if status in present]
    return ordered + sorted(present - set(ordered))


def status_grid(
    matrix: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    column_labels: Mapping[str, str] | None = None,
    hover: pd.DataFrame | None = None,
    title: str,
    caption: str = "",
    x_label: str = "",
    annotate: bool = True,
) -> ChartSpec:
    """Rows by columns, each cell coloured by its status (written in it when ``annotate``);
    ``hover`` (same shape) adds a line per cell."""
    notes = hover.reindex_like(matrix) if hover is not None else None
    rows = []
    for key, line in matrix.iterrows():
        row = _name(key, labels)
        for column, status in line.items():
            status = status if isinstance(status, str) else ""
            colour = CELL_COLOURS.get(status, OTHER_COLOUR) if status else NONE_COLOUR
            name = _name(column, column_labels)
            note = notes.at[key, column] if notes is not None else ""
            rows.append(
                {
                    "row": row,
                    "column": _header(name) if annotate else name,
                    "value": status,
                    "colour": colour,
                    "text": status.replace(" ", "\n") if len(status) > 10 else status,
                    "text_colour": _text_colour(colour),
                    "hover": f"{row} · {name}\n{status}"
                    + (f"\n{note}" if isinstance(note, str) and note else ""),
                }
            )
    marks = pd.DataFrame(rows)
    statuses = _statuses(marks["value"])
    filled = marks[marks["value"] != ""]
    if annotate:
        summary = "; ".join(
            f"{column.replace(chr(10), ' ')}: "
            + ", ".join(
                f"{row} ({status})"
                for row, status in zip(group["row"], group["value"], strict=True)
            )
            for column, group in filled.groupby("column", sort=False)
        )
    else:
        spans = filled.groupby("row", sort=False)["column"].agg(["first", "last"])
        summary = "; ".join(f"{row} {first}–{last}" for row, (first, last) in spans.iterrows())
    return ChartSpec(
        kind="grid",
        marks=marks,
        title=title,
        description=f"A grid of {matrix.shape[0]} rows by {matrix.shape[1]} columns, each cell "
        f"coloured by status ({', '.join(statuses)}; blank: none). {summary}.",
        x_label=x_label,
        caption=caption,
        layout=GridLayout(
            annotate=annotate,
            legend=tuple((s, CELL_COLOURS.get(s, OTHER_COLOUR)) for s in statuses),
            empty_colour=NONE_COLOUR,
        ),
    )


def status_counts(
    counts: pd.DataFrame,
    *,
    members: pd.DataFrame | None = None,
    title: str,
    caption: str = "",
    highlight: pd.Timestamp | None = None,
    highlight_label: str = "",
) -> ChartSpec:
    """Stacked bars: how many countries held each status on each date (one bar per year);
    ``members`` (same shape, names as text) says who, ``highlight`` outlines one date's bar."""
    who = (
        members.reindex_like(counts).astype("string").fillna("")
        if members is not None
        else pd.DataFrame("", index=counts.index, columns=counts.columns)
    )
    rows = [
        {
            "x": date.year,
            "segment": status,
            "value": int(counts.at[date, status]),
            "colour": CELL_COLOURS.get(status, OTHER_COLOUR),
            "hover": f"{date.year}: {int(counts.at[date, status])} {status}"
            + (f"\n{who.at[date, status]}" if who.at[date, status] else ""),
        }
        for status in counts.columns
        for date in counts.index
    ]
    marks = pd.DataFrame(rows)
    totals = counts.sum(axis=1).astype(int)
    notes = ()
    if highlight is not None and highlight in counts.index:
        notes = (
            Annotation("box", highlight.year, text=highlight_label, y=float(totals[highlight])),
        )
    first, last = counts.index[0], counts.index[-1]
    description = (
        f"Stacked bars of countries by status on {first:%-d %B} each year, {first.year} to "
        f"{last.year}: {totals.iloc[0]} in {first.year}, "
        + ", ".join(f"{int(counts.at[last, s])} {s}" for s in counts.columns if counts.at[last, s])
        + f" ({totals.iloc[-1]} in all) in {last.year}."
        + (f" {highlight_label}: {totals[highlight]} countries." if notes else "")
    )
    return ChartSpec(
        kind="columns",
        marks=marks,
        title=title,
        description=description,
        x_label="Year",
        y_label=f"Countries (on {first:%-d %B} each year)",
        caption=caption,
        annotations=notes,
        layout=ColumnsLayout(
            y_max=float(totals.max()) + 4,
            x_step=2 if len(counts) > 16 else 1,
            legend_title="status",
            width=1100,
            height=480,
        ),
    )
