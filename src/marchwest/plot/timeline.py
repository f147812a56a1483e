"""Timeline chart spec: every dated event drawn at the precision its source gives (notebook 02).

The input is the ``events()`` table: ``event_id``, ``title``, ``kind``, ``date_text``,
``date_start``, ``date_end`` (NaT for an open end), ``date_precision``, ``origin``, ``evidence``
(article rows), ``source_id`` (reference rows) and ``corresponds_to`` (a reference row that gives
the date of an article event). A day is a marker, anything longer a bar from its first to its
last day, an open end a bar that fades out at the right edge with an arrow. A reference row with
``corresponds_to`` is drawn on its article event's line, so both dates show.
"""

from __future__ import annotations

import datetime as dt
import itertools
import textwrap
from collections.abc import Mapping, Sequence

import pandas as pd

from marchwest.plot.spec import ChartSpec, TimelineLayout, TimelinePanel
from marchwest.plot.style import EVENT_THEME_COLOURS, OTHER_COLOUR

# Event kinds grouped into the themes the charts colour by.
EVENT_THEMES: dict[str, str] = {
    "meeting": "diplomacy",
    "forum": "diplomacy",
    "statement": "diplomacy",
    "negotiation": "diplomacy",
    "publication": "diplomacy",
    "agreement": "agreements and organisations",
    "accession": "agreements and organisations",
    "founding": "agreements and organisations",
    "offer": "agreements and organisations",
    "patrol": "security and military",
    "exercise": "security and military",
    "deployment": "security and military",
    "operation": "security and military",
    "attack": "security and military",
    "construction": "infrastructure and technology",
    "launch": "infrastructure and technology",
}
DATE_LABEL = "Date (each event drawn over the day, month or years its source gives)"
_LABEL_WIDTH = 60
_ONE_DAY = pd.Timedelta(days=1)
_LONG_GAP = pd.Timedelta(days=4 * 365)


def theme_of(kind: str) -> str:
    """The theme an event kind is coloured by ("other" for a kind with none)."""
    return EVENT_THEMES.get(kind, "other")


def theme_colour(theme: str) -> str:
    return EVENT_THEME_COLOURS.get(theme, OTHER_COLOUR)


def timeline_marks(events: pd.DataFrame) -> pd.DataFrame:
    """One row per mark to draw, in the chart's top-to-bottom order.

    Columns: ``line`` (0 = top line), ``label`` (its shortened title), ``title`` (the article
    event's title, on a reference row too), ``event_id``,
    ``theme``, ``origin``, ``shape`` ("bar" or "marker"), ``start``, ``end`` (the day after the
    last day; NaT when open), ``open_start``, ``open_end`` (bool), ``date_text``, ``evidence``,
    ``source_id``, ``corresponds_to``. Undated events are left out (see ``undated_events``).
    """
    rows = events.copy()
    for column in ("evidence", "source_id", "corresponds_to", "date_text"):
        if column not in rows.columns:
            rows[column] = pd.NA
    dated = rows[rows["date_start"].notna() | rows["date_end"].notna()].copy()
    titles = rows.set_index("event_id")["title"]
    anchor = dated["corresponds_to"].where(
        dated["corresponds_to"].notna() & dated["corresponds_to"].isin(titles.index),
        dated["event_id"],
    )
    dated["anchor"] = anchor
    dated["title"] = anchor.map(titles)
    dated["theme"] = dated["anchor"].map(rows.set_index("event_id")["kind"]).map(theme_of)
    dated["shape"] = [
        "marker" if precision == "day" or start == end else "bar"
        for precision, start, end in zip(
            dated["date_precision"], dated["date_start"], dated["date_end"], strict=True
        )
    ]
    dated["open_start"] = dated["date_start"].isna()
    dated["open_end"] = dated["date_end"].isna()
    dated["start"] = dated["date_start"]
    dated["end"] = dated["date_end"] + _ONE_DAY
    first_day = dated["date_start"].fillna(dated["date_end"])
    line_start = first_day.groupby(dated["anchor"]).transform("min")
    dated = dated.assign(_line_start=line_start, _first=first_day)
    dated = dated.sort_values(["_line_start", "anchor", "_first", "origin"], kind="stable")
    dated["line"] = pd.factorize(dated["anchor"])[0]
    dated["label"] = dated["line"].map(_unique_labels(dated.drop_duplicates("line")))
    columns = [
        "line",
        "label",
        "title",
        "event_id",
        "theme",
        "origin",
        "shape",
        "start",
        "end",
        "open_start",
        "open_end",
        "date_text",
        "evidence",
        "source_id",
        "corresponds_to",
    ]
    return dated[columns].reset_index(drop=True)


def _unique_labels(lines: pd.DataFrame) -> dict[int, str]:
    """Each line's title, shortened to fit beside the chart, numbered if two would read alike."""
    labels: dict[int, str] = {}
    for line, title in zip(lines["line"], lines["title"], strict=True):
        label = textwrap.shorten(str(title), _LABEL_WIDTH, placeholder="…")
        while label in labels.values():
            label = f"{label} ({line + 1})"
        labels[line] = label
    return labels


def axis_ranges(
    marks: pd.DataFrame, published: pd.Timestamp
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The date range of each panel: the axis breaks wherever a long stretch holds no mark.

    A stretch is long when it is longer than a quarter of the whole span and than four years.
    """
    first = marks["start"].fillna(marks["end"] - _ONE_DAY)
    last = marks["end"].fillna(pd.concat([first, pd.Series([published])]).max())
    spans = sorted(zip(first, last, strict=True)) + [(published, published)]
    clusters = [list(spans[0])]
    for start, end in spans[1:]:
        if start <= clusters[-1][1]:
            clusters[-1][1] = max(clusters[-1][1], end)
        else:
            clusters.append([start, end])
    whole = clusters[-1][1] - clusters[0][0]
    threshold = max(whole / 4, _LONG_GAP)
    ranges = [[clusters[0][0], clusters[0][1]]]
    for earlier, later in itertools.pairwise(clusters):
        if later[0] - earlier[1] > threshold:
            ranges.append([later[0], later[1]])
        else:
            ranges[-1][1] = later[1]
    return [_padded(left, right) for left, right in ranges]


def _padded(left: pd.Timestamp, right: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    pad = max((right - left) * 0.04, pd.Timedelta(days=45))
    return left - pad, right + pad


def _panel_widths(marks: pd.DataFrame, ranges: list) -> list[float]:
    """Each panel's share of the width: by the marks it shows, at least an eighth."""
    counts = [
        max(((marks["start"] <= right) & (marks["end"].isna() | (marks["end"] >= left))).sum(), 1)
        for left, right in ranges
    ]
    shares = [max(count / sum(counts), 0.12) for count in counts]
    return [share / sum(shares) for share in shares]


def _short_panel(left: pd.Timestamp, right: pd.Timestamp, share: float) -> bool:
    """A narrow panel of under three years: one tick in its middle, naming its years."""
    return (right - left).days < 3 * 366 and share < 0.3


def _years(left: pd.Timestamp, right: pd.Timestamp) -> str:
    first, last = (left + pd.Timedelta(days=45)).year, (right - pd.Timedelta(days=45)).year
    return f"{first}" if first == last else f"{first}–{last}"


def _hover(mark, sources: Mapping[str, str]) -> str:
    """The article's words (wrapped), or the reference source that gives the date."""
    if isinstance(mark.evidence, str) and mark.evidence:
        return "\n".join(textwrap.wrap(f"\u201c{' '.join(mark.evidence.split())}\u201d", 80))
    if isinstance(mark.source_id, str) and mark.source_id:
        return "reference: " + sources.get(mark.source_id, mark.source_id)
    return ""


def timeline(
    events: pd.DataFrame,
    *,
    published: dt.date,
    undated: Sequence[str] = (),
    sources: Mapping[str, str] | None = None,
    title: str = "Events in the article, at the precision it gives",
    caption: str = "",
) -> ChartSpec:
    """A timeline of ``events``, with the publication date as a dashed line.

    Where a long stretch holds no event the date axis is broken into panels (see
    ``axis_ranges``). ``undated`` are the titles of events the chart cannot place (listed under
    it); ``sources`` names each source id in the hover (source id to a short citation).
    """
    published = pd.Timestamp(published)
    marks = timeline_marks(events)
    ranges = axis_ranges(marks, published)
    widths = _panel_widths(marks, ranges)
    fade = (ranges[-1][1] - ranges[-1][0]) * 0.06
    marks = marks.assign(
        colour=marks["theme"].map(theme_colour),
        draw_start=marks["start"].fillna(marks["end"] - fade),
        draw_end=marks["end"].fillna(ranges[-1][1]),
        hover=[_hover(mark, sources or {}) for mark in marks.itertuples()],
        date_text=marks["date_text"].fillna(""),
    )
    panels = tuple(
        TimelinePanel(
            left,
            right,
            width,
            tick=(left + (right - left) / 2, _years(left, right))
            if _short_panel(left, right, width)
            else None,
        )
        for (left, right), width in zip(ranges, widths, strict=True)
    )
    note = "Not drawn, the article gives no date: " + "; ".join(undated) + "." if undated else ""
    lines = marks.drop_duplicates("line")
    dates = marks.groupby("line")["date_text"].agg(lambda texts: " / ".join(t for t in texts if t))
    description = (
        f"A timeline of {len(lines)} events from {marks['draw_start'].min():%Y} to "
        f"{marks['draw_end'].max():%Y}, top to bottom in date order, each drawn over the day, "
        "month or years its source gives (article dates solid, reference dates hatched or as "
        f"open diamonds; a dashed line marks publication, {published:%-d %B %Y}): "
        + "; ".join(
            f"{label} ({dates[line]})"
            for line, label in zip(lines["line"], lines["label"], strict=True)
        )
        + "."
    )
    return ChartSpec(
        kind="timeline",
        marks=marks,
        title=title,
        description=description,
        x_label=DATE_LABEL,
        caption="\n".join(part for part in (note, caption) if part),
        layout=TimelineLayout(panels=panels, published=published, fade=fade),
    )
