"""Hindsight chart spec: each expectation of the article against the date of its outcome
(notebook 06).

``frame`` is ``marchwest.hindsight.expectations_and_outcomes()``: one row per outcome, with the
claim's words (``evidence``), the outcome (``summary``, ``verdict``, ``as_of``, ``date``,
``date_start``, ``date_end``, ``date_precision``) and its source (``source_title``,
``source_publisher``). Drawn as a ``timeline``: a dashed line at the article's date and, on each
line, the outcome in its verdict's colour (a dot for a day, a bar for a month or a period).
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pandas as pd

from marchwest.plot.spec import ChartSpec, TimelineLayout, TimelinePanel
from marchwest.plot.style import LABEL_LIMIT, OUTCOME_COLOURS

_ONE_DAY = pd.Timedelta(days=1)
_PAD = pd.Timedelta(days=120)


def _label(row, part: str = "") -> str:
    """The expectation in the article's words, cut between words, then the outcome's verdict
    (and ``part``: "1 of 2" when the expectation has several outcomes), all within the
    renderers' LABEL_LIMIT so that they never cut the verdict off:
    '“Beidou will ‘reduce’ military reliance on the…” (partly)'."""
    verdict = f" ({row.verdict}{', ' + part if part else ''})"
    room = LABEL_LIMIT - len(verdict) - 2  # the two quotation marks
    words = textwrap.shorten(" ".join(str(row.evidence).split()), room, placeholder="…")
    return f"\u201c{words}\u201d{verdict}"


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(" ".join(str(text).split()), 80))


def _source(row) -> str:
    if not isinstance(row.source_title, str):
        return "Source: none found"
    return f"Source: {row.source_title} ({row.source_publisher}, {row.source_published})"


def outcome_timeline(
    frame: pd.DataFrame, *, published: dt.date, title: str, caption: str
) -> ChartSpec:
    """One line per dated outcome, in the frame's order: the date of what happened against the
    article's date, coloured by the hindsight verdict. Outcomes without a date are named in
    the caption, not drawn."""
    published = pd.Timestamp(published)
    answered = frame[frame["outcome_id"].notna()]
    dated = answered[answered["date_start"].notna()].reset_index(drop=True)
    undated = answered[answered["date_start"].isna()]
    rows = []
    outcomes_of = dated.groupby("claim_id")["outcome_id"].transform("size")
    nth = dated.groupby("claim_id").cumcount() + 1
    for line, row in enumerate(dated.itertuples()):
        several = outcomes_of[line] > 1
        label = _label(row, f"{nth[line]} of {outcomes_of[line]}" if several else "")
        verdict = str(row.verdict)
        common = {
            "line": line,
            "label": label,
            "title": label,
            "origin": "article",
            "open_start": False,
            "open_end": False,
            "outcome_id": row.outcome_id,
            "verdict": verdict,
            "summary": " ".join(str(row.summary).split()),
        }
        day = row.date_precision == "day"
        rows.append(
            common
            | {
                "theme": verdict,
                "colour": OUTCOME_COLOURS[verdict],
                "shape": "marker" if day else "bar",
                "start": row.date_start,
                "end": row.date_end + _ONE_DAY,
                "date_text": f"{row.date} (outcome; verdict {verdict} as of {row.as_of})",
                "hover": _wrap(f"The article: \u201c{row.evidence}\u201d")
                + "\n"
                + _wrap(f"What happened: {row.summary}")
                + "\n"
                + _source(row),
            }
        )
    marks = pd.DataFrame(rows)
    marks = marks.assign(draw_start=marks["start"], draw_end=marks["end"])
    # One panel, from a little before the article to a little after the last outcome.
    left, right = published - _PAD, max(marks["end"].max(), published) + _PAD
    panels = (TimelinePanel(left, right, width=1.0),)
    note = (
        "Not drawn, no date: " + "; ".join(_label(row) for row in undated.itertuples()) + "."
        if len(undated)
        else ""
    )
    outcomes = marks
    description = (
        f"A timeline of {len(outcomes)} outcomes of the article's expectations: a dashed line "
        f"marks the article's date, {published:%-d %B %Y}, and each line shows when the "
        "outcome happened (a dot for a day, a bar for a month or a period) in the colour of "
        "its hindsight verdict: "
        + "; ".join(
            f"{row.label.rsplit(' (', 1)[0]}: {row.summary} ({row.date_text.split(' (')[0]}, "
            f"{row.verdict})"
            for row in outcomes.itertuples()
        )
        + "."
        + (f" {note}" if note else "")
    )
    return ChartSpec(
        kind="timeline",
        marks=marks,
        title=title,
        description=description,
        x_label="Date (each outcome over the day, month or years its source gives; dashed: "
        "the article)",
        caption="\n".join(part for part in (note, caption) if part),
        layout=TimelineLayout(
            panels=panels,
            published=published,
            fade=pd.Timedelta(days=30),
            day_label="a day",
            legend_order=tuple(OUTCOME_COLOURS),
            height=260 + 34 * len(dated),
        ),
    )
