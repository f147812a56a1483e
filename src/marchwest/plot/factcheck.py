"""Fact-check chart specs (and, from ``marchwest.plot.tables``, its tables): the article's claims and their verdicts (notebook 05).

``claims`` is ``marchwest.claims()``: ``claim_id``, ``topic``, ``verdict``, ``evidence`` (the
article's words as printed), ``reference`` (what the reference says).
"""

from __future__ import annotations

import textwrap

import pandas as pd

from marchwest.plot.spec import BarsLayout, ChartSpec
from marchwest.plot.style import VERDICT_COLOURS
from marchwest.plot.tables import table as styled_table  # the tables of notebook 05


def _lines(text: str, width: int = 70) -> str:
    return "\n".join(textwrap.wrap(str(text), width))


def verdict_bars(claims: pd.DataFrame, *, caption: str) -> ChartSpec:
    """Horizontal bars, one block per claim: how many claims got each verdict."""
    unknown = set(claims["verdict"]) - set(VERDICT_COLOURS)
    if unknown:
        raise ValueError(f"unknown verdict(s) in claims: {sorted(unknown)}")
    rows = []
    for verdict, colour in VERDICT_COLOURS.items():
        chosen = claims[claims["verdict"] == verdict].sort_values("claim_id")
        blocks = [
            {
                "value": 1,
                "hover": f"{verdict} ({claim.topic})\nArticle: {_lines(claim.evidence)}"
                f"\nReference: {_lines(claim.reference)}",
            }
            for claim in chosen.itertuples()
        ] or [{"value": 0, "hover": f"{verdict}: no claim"}]
        rows += [
            {"category": verdict, "segment": verdict, "colour": colour, "text": str(len(chosen))}
            | block
            for block in blocks
        ]
    marks = pd.DataFrame(rows)
    counts = marks.groupby("category", sort=False)["value"].sum()
    return ChartSpec(
        kind="bars",
        marks=marks,
        title=f"The article's {len(claims)} checked claims, by verdict",
        description=f"Horizontal bars, one block per claim, of the {len(claims)} claims of the "
        "article checked against reference sources: "
        + ", ".join(f"{n} {verdict}" for verdict, n in counts.items())
        + ".",
        x_label="number of claims",
        caption=caption,
        layout=BarsLayout(
            x_max=max(int(counts.max()), 1) * 1.15,
            integer_ticks=True,
            outline="white",
            width=800,
            height=380,
        ),
    )


__all__ = ["styled_table", "verdict_bars"]
