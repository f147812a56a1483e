"""Chart specs of what the ledger holds: rows per table, rows and sentences per section
(notebook 00).

``counts`` is ``marchwest.contents.rows_per_table`` (label "table"),
``marchwest.contents.facts_per_section`` (label "section") or
``marchwest.sentences.by_section(...).reset_index()`` (label "section", one column per coverage
status): one row per label, one count column per part, and ``total`` (optional).
"""

from __future__ import annotations

import pandas as pd

from marchwest.plot.spec import BarsLayout, ChartSpec
from marchwest.plot.style import OTHER_COLOUR, SEGMENT_COLOURS


def stacked_bars(
    counts: pd.DataFrame, *, label: str, title: str, x_label: str, caption: str
) -> ChartSpec:
    """Horizontal stacked bars: one bar per ``label`` row (top to bottom in the frame's order),
    one segment per count column (``total`` is their sum when the frame has none)."""
    parts = [c for c in counts.columns if c not in (label, "total")]
    if "total" not in counts.columns:
        counts = counts.assign(total=counts[parts].sum(axis=1))
    long = counts.melt(id_vars=[label, "total"], value_vars=parts, var_name="segment")
    marks = pd.DataFrame(
        {
            "category": long[label].astype(str),
            "segment": long["segment"],
            "value": long["value"].astype(int),
            "colour": long["segment"].map(lambda part: SEGMENT_COLOURS.get(part, OTHER_COLOUR)),
            "text": long["total"].astype(int).astype(str),
            "hover": [
                f"{c}: {n} {s} rows"
                for c, n, s in zip(long[label], long["value"], long["segment"], strict=True)
            ],
        }
    )
    description = (
        f"Horizontal bars, one per {label}, split by {', '.join(parts)}: "
        + "; ".join(
            f"{row[label]} {int(row['total'])}"
            + (
                " (" + ", ".join(f"{int(row[p])} {p}" for p in parts if row[p]) + ")"
                if len(parts) > 1
                else ""
            )
            for _, row in counts.iterrows()
        )
        + "."
    )
    return ChartSpec(
        kind="bars",
        marks=marks,
        title=title,
        description=description,
        x_label=x_label,
        caption=caption,
        layout=BarsLayout(
            x_max=max(float(counts["total"].max()), 1) * 1.1,
            legend=True,
            width=900,
            height=200 + 26 * len(counts),
        ),
    )
