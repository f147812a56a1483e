"""Fact-check chart specs and tables: the article's claims and their verdicts (notebook 05).

``claims`` is ``marchwest.claims()``: ``claim_id``, ``topic``, ``verdict``, ``evidence`` (the
article's words as printed), ``reference`` (what the reference says).
"""

from __future__ import annotations

import html
import textwrap

import pandas as pd
from pandas.io.formats.style import Styler

from marchwest.plot.spec import ChartSpec
from marchwest.plot.style import VERDICT_COLOURS


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
        layout={
            "x_max": max(int(counts.max()), 1) * 1.15,
            "integer_ticks": True,
            "outline": "white",
            "figsize": (8, 3.4),
            "height": 380,
        },
    )


def _link(title: str, url: str) -> str:
    """An escaped HTML link: the title, pointing at the url (plain title when the url is not
    http(s): a ``javascript:`` url must never become a link)."""
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return html.escape(str(title))
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(str(title))}</a>'


def styled_table(frame: pd.DataFrame, *, table_id: str) -> Styler:
    """A readable, escaped HTML table: text wraps, verdicts coloured, sources as links.

    Every cell is HTML-escaped; when the frame has ``source`` and ``url`` columns they become
    one ``source`` column of links (title and url escaped). ``table_id`` fixes the element ids,
    so the output is the same on every run.
    """
    frame = frame.copy()
    if {"source", "url"} <= set(frame.columns):
        links = [_link(t, u) for t, u in zip(frame["source"], frame["url"], strict=True)]
        frame = frame.drop(columns=["source", "url"])
    else:
        links = None
    text_columns = list(frame.columns)
    if links is not None:
        frame["source"] = links
    styler = (
        frame.style.hide(axis="index")
        .set_uuid(table_id)
        .format(escape="html", subset=text_columns)
        .set_properties(**{"text-align": "left", "vertical-align": "top", "white-space": "normal"})
        .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    )
    if "verdict" in frame.columns:
        styler = styler.map(
            lambda v: f"color: {VERDICT_COLOURS.get(v, 'inherit')}; font-weight: bold",
            subset=["verdict"],
        )
    return styler
