"""Timeline charts: every dated event drawn at the precision its source gives (notebook 02).

The input is the ``events()`` table: ``event_id``, ``title``, ``kind``, ``date_text``,
``date_start``, ``date_end`` (NaT for an open end), ``date_precision``, ``origin``, ``evidence``
(article rows), ``source_id`` (reference rows) and ``corresponds_to`` (a reference row that gives
the date of an article event). A day is a marker, anything longer a bar from its first to its
last day, an open end a bar that fades out at the right edge with an arrow. A reference row with
``corresponds_to`` is drawn on its article event's line, so both dates show.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Mapping

import matplotlib.dates as mdates
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from plotly.subplots import make_subplots

from marchwest.plot.style import (
    EVENT_THEME_COLOURS,
    FONT_FAMILY,
    OTHER_COLOUR,
    mpl_caption,
    plotly_caption,
)

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


def undated_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events with no date, and no reference row that dates them: ``event_id``, ``title``."""
    dated_by_reference = set()
    if "corresponds_to" in events.columns:
        dated_by_reference = set(
            events.loc[events["date_start"].notna() | events["date_end"].notna(), "corresponds_to"]
        )
    undated = events[
        events["date_start"].isna()
        & events["date_end"].isna()
        & ~events["event_id"].isin(dated_by_reference)
    ]
    return undated[["event_id", "title"]].reset_index(drop=True)


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


def _undated_note(undated: pd.DataFrame) -> str:
    if undated.empty:
        return ""
    return "Not drawn, the article gives no date: " + "; ".join(undated["title"]) + "."


def timeline_figure(
    events: pd.DataFrame,
    *,
    published: pd.Timestamp,
    title: str = "Events in the article, at the precision it gives",
    caption: str = "",
) -> Figure:
    """A matplotlib timeline of ``events``, with the publication date as a dashed line.

    Where a long stretch holds no event the date axis is broken (see ``axis_ranges``).
    """
    marks = timeline_marks(events)
    ranges = axis_ranges(marks, published)
    lines = marks.drop_duplicates("line")["label"].tolist()
    fig = Figure(figsize=(13, 3.2 + 0.3 * len(lines)), layout="constrained")
    ratios = _panel_widths(marks, ranges)
    axes = fig.subplots(1, len(ranges), sharey=True, width_ratios=ratios, squeeze=False)[0]
    far_right = ranges[-1][1]
    fade_span = (ranges[-1][1] - ranges[-1][0]) * 0.06
    for ax, (left, right) in zip(axes, ranges, strict=True):
        for mark in marks.itertuples():
            _draw_mark(ax, mark, far_right, fade_span, last_panel=ax is axes[-1])
        if left <= published <= right:
            ax.axvline(mdates.date2num(published), color="#333333", linestyle="--", linewidth=1)
            ax.annotate(
                f"published {published:%-d %b %Y}",
                (mdates.date2num(published), -0.5),
                xytext=(-3, 0),
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=8,
                rotation=90,
                color="#333333",
            )
        ax.set_xlim(mdates.date2num(left), mdates.date2num(right))
        if _short_panel(left, right, ratios[list(axes).index(ax)]):
            ax.set_xticks([mdates.date2num(left + (right - left) / 2)], [_years(left, right)])
        else:
            ticks = max(3, round(9 * ratios[list(axes).index(ax)]))
            locator = mdates.AutoDateLocator(minticks=2, maxticks=ticks)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
    axes[0].set_yticks(range(len(lines)), lines, fontsize=8.5)
    axes[0].set_ylim(len(lines) - 0.4, -0.6)
    for left_ax, right_ax in itertools.pairwise(axes):
        _break_marks(left_ax, right_ax)
    axes[-1].set_xlabel(DATE_LABEL, fontsize=9)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontfamily=FONT_FAMILY)
    axes[-1].legend(
        handles=_legend_handles(marks),
        loc="lower right",
        bbox_to_anchor=(1, 1.0),
        ncols=4,
        fontsize=8,
        frameon=False,
    )
    note = "\n".join(
        textwrap.fill(part, 200)
        for part in (_undated_note(undated_events(events)), caption)
        if part
    )
    if note:
        mpl_caption(fig, note)
    return fig


def _draw_mark(ax, mark, far_right: pd.Timestamp, fade_span: pd.Timedelta, last_panel: bool):
    colour = theme_colour(mark.theme)
    reference = mark.origin == "reference"
    if mark.shape == "marker":
        ax.plot(
            mdates.date2num(mark.start),
            mark.line,
            marker="D" if reference else "o",
            markersize=7 if reference else 8,
            markerfacecolor="white" if reference else colour,
            markeredgecolor=colour,
            markeredgewidth=1.8 if reference else 1.4,
            linestyle="none",
            zorder=3,
        )
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
        _fade(ax, mark.line, mark.end, mark.end - fade_span, style)
        if last_panel:
            ax.plot(mdates.date2num(mark.end - fade_span), mark.line, marker="<", color=colour)
        return
    end = far_right if mark.open_end else mark.end
    solid_end = end - fade_span if mark.open_end else end
    ax.barh(
        mark.line, (solid_end - mark.start) / _ONE_DAY, left=mdates.date2num(mark.start), **style
    )
    if mark.open_end:
        _fade(ax, mark.line, solid_end, end, style)
        if last_panel:
            ax.plot(
                mdates.date2num(end),
                mark.line,
                marker=">",
                color=colour,
                markersize=9,
                clip_on=False,
            )


def _short_panel(left: pd.Timestamp, right: pd.Timestamp, share: float) -> bool:
    """A narrow panel of under three years: one tick in its middle, naming its years."""
    return (right - left).days < 3 * 366 and share < 0.3


def _years(left: pd.Timestamp, right: pd.Timestamp) -> str:
    first, last = (left + pd.Timedelta(days=45)).year, (right - pd.Timedelta(days=45)).year
    return f"{first}" if first == last else f"{first}–{last}"


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


def _fade(ax, line: int, start: pd.Timestamp, end: pd.Timestamp, style: dict) -> None:
    """The open side of a bar, from ``start`` (solid) to ``end`` (faint), in five steps."""
    step = (end - start) / 5
    for index in range(5):
        left, right = sorted([start + step * index, start + step * (index + 1)])
        ax.barh(
            line,
            (right - left) / _ONE_DAY,
            left=mdates.date2num(left),
            **{**style, "alpha": 0.8 - 0.15 * index, "linewidth": 0},
        )


def _legend_handles(marks: pd.DataFrame) -> list:
    handles = [
        Patch(facecolor=theme_colour(theme), label=theme)
        for theme in sorted(marks["theme"].unique())
    ]
    article, reference = marks["origin"] == "article", marks["origin"] == "reference"
    if (article & (marks["shape"] == "marker")).any():
        handles.append(
            Line2D([], [], marker="o", linestyle="none", color="#666666", label="a day (article)")
        )
    if (reference & (marks["shape"] == "marker")).any():
        handles.append(
            Line2D(
                [],
                [],
                marker="D",
                linestyle="none",
                markerfacecolor="white",
                markeredgecolor="#666666",
                markeredgewidth=1.8,
                label="reference date (a day)",
            )
        )
    if (reference & (marks["shape"] == "bar")).any():
        handles.append(
            Patch(facecolor="white", edgecolor="#666666", hatch="////", label="reference period")
        )
    if marks["open_end"].any() or marks["open_start"].any():
        handles.append(
            Line2D([], [], marker=">", linestyle="none", color="#666666", label="open end or start")
        )
    handles.append(Line2D([], [], color="#333333", linestyle="--", label="publication date"))
    return handles


def _hover_text(mark, sources: Mapping[str, str]) -> str:
    if isinstance(mark.evidence, str) and mark.evidence:
        quote = "<br>".join(textwrap.wrap(" ".join(mark.evidence.split()), 80))
        return f"“{quote}”"
    if isinstance(mark.source_id, str) and mark.source_id:
        return "reference: " + sources.get(mark.source_id, mark.source_id)
    return ""


def reference_dates(events: pd.DataFrame) -> pd.DataFrame:
    """Each reference row that dates an article event, beside the article's own date.

    Columns: ``event_id`` (the article event), ``title``, ``article_date`` (its ``date_text``),
    ``reference_date`` (the reference row's ``date_text``), ``reference_start``, ``source_id``
    and ``agreement``: "within the article's date" when the reference date lies inside the
    article's interval, "outside the article's date" when it does not, "the article gives no
    date" for an undated article event.
    """
    article = events[events["origin"] == "article"].set_index("event_id")
    references = events[events["corresponds_to"].notna()]
    rows = []
    for ref in references.itertuples():
        own = article.loc[ref.corresponds_to]
        if pd.isna(own["date_start"]) and pd.isna(own["date_end"]):
            agreement = "the article gives no date"
        else:
            after_start = pd.isna(own["date_start"]) or ref.date_start >= own["date_start"]
            before_end = pd.isna(own["date_end"]) or ref.date_end <= own["date_end"]
            inside = after_start and before_end
            agreement = "within the article's date" if inside else "outside the article's date"
        rows.append(
            {
                "event_id": ref.corresponds_to,
                "title": own["title"],
                "article_date": own["date_text"],
                "reference_date": ref.date_text,
                "reference_start": ref.date_start,
                "source_id": ref.source_id,
                "agreement": agreement,
            }
        )
    columns = [
        "event_id",
        "title",
        "article_date",
        "reference_date",
        "reference_start",
        "source_id",
        "agreement",
    ]
    return pd.DataFrame(rows, columns=columns)


def timeline_plotly(
    events: pd.DataFrame,
    *,
    published: pd.Timestamp,
    title: str = "Events in the article, at the precision it gives",
    caption: str = "",
    sources: Mapping[str, str] | None = None,
) -> go.Figure:
    """An interactive timeline: bars (``go.Bar`` with a date ``base``) and day markers.

    Hover shows the date as the source wrote it and the evidence quote (or the source, named
    by ``sources``: source id to a short citation).
    Bar traces come first, article rows before reference rows; each panel of a broken axis
    holds only the marks it shows, so the first bar is always visible.
    """
    marks = timeline_marks(events)
    ranges = axis_ranges(marks, published)
    right = ranges[-1][1]
    fade_span = (ranges[-1][1] - ranges[-1][0]) * 0.06
    lines = marks.drop_duplicates("line")["label"].tolist()
    marks = marks.assign(
        draw_start=marks["start"].fillna(marks["end"] - fade_span),
        draw_end=marks["end"].fillna(right),
        hover=[_hover_text(mark, sources or {}) for mark in marks.itertuples()],
        date_text=marks["date_text"].fillna(""),
    )
    fig = make_subplots(
        rows=1,
        cols=len(ranges),
        shared_yaxes=True,
        horizontal_spacing=0.025,
        column_widths=_panel_widths(marks, ranges),
    )
    shown = [
        marks[(marks["draw_start"] <= panel_right) & (marks["draw_end"] >= panel_left)]
        for panel_left, panel_right in ranges
    ]
    legend_seen: set[str] = set()
    for make_trace, shape in ((_bar_trace, "bar"), (_marker_trace, "marker")):
        for column, panel in enumerate(shown, start=1):
            for name, group in _trace_groups(panel[panel["shape"] == shape], shape):
                fig.add_trace(make_trace(group, name, name not in legend_seen), 1, column)
                legend_seen.add(name)
    _add_open_sides(fig, marks, len(ranges))
    published_column = next(
        (i for i, (a, b) in enumerate(ranges, start=1) if a <= published <= b), len(ranges)
    )
    day = published.strftime("%Y-%m-%d")
    fig.add_vline(
        x=day, line={"color": "#333333", "dash": "dash", "width": 1}, row=1, col=published_column
    )
    fig.add_annotation(
        x=day,
        xref=f"x{published_column if published_column > 1 else ''}",
        y=1,
        yref="paper",
        yanchor="bottom",
        text=f"published {published:%-d %b %Y}",
        showarrow=False,
        font={"size": 11},
    )
    widths = _panel_widths(marks, ranges)
    for column, (panel_left, panel_right) in enumerate(ranges, start=1):
        middle = (panel_left + (panel_right - panel_left) / 2).strftime("%Y-%m-%d")
        short = _short_panel(panel_left, panel_right, widths[column - 1])
        fig.update_xaxes(
            type="date",
            range=[panel_left.strftime("%Y-%m-%d"), panel_right.strftime("%Y-%m-%d")],
            showgrid=True,
            row=1,
            col=column,
            **(
                {"tickvals": [middle], "ticktext": [_years(panel_left, panel_right)]}
                if short
                else {}
            ),
        )
    fig.update_xaxes(title={"text": DATE_LABEL}, row=1, col=len(ranges))
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=lines,
        autorange="reversed",
        tickfont={"size": 11},
    )
    note = "<br>".join(
        "<br>".join(textwrap.wrap(part, 150))
        for part in (_undated_note(undated_events(events)), caption)
        if part
    )
    bottom = 90 + 16 * note.count("<br>") if note else 70
    fig.update_layout(
        title={"text": title, "y": 0.99, "yref": "container", "yanchor": "top"},
        barmode="overlay",
        height=200 + 26 * len(lines) + bottom,
        template="plotly_white",
        font={"family": FONT_FAMILY},
        legend={"orientation": "h", "x": 0, "y": 1.03, "yanchor": "bottom"},
        hovermode="closest",
        hoverdistance=2,  # a marker takes the hover only under the mouse, never a bar's middle
        hoverlabel={"align": "left"},
        margin={"t": 150},
    )
    if note:
        plotly_caption(fig, note, bottom=bottom)
    return fig


def _panel_widths(marks: pd.DataFrame, ranges: list) -> list[float]:
    """Each panel's share of the width: by the marks it shows, at least an eighth."""
    counts = [
        max(((marks["start"] <= right) & (marks["end"].isna() | (marks["end"] >= left))).sum(), 1)
        for left, right in ranges
    ]
    shares = [max(count / sum(counts), 0.12) for count in counts]
    return [share / sum(shares) for share in shares]


_HOVER_COLUMNS = ["date_text", "hover", "title"]
_HOVERTEMPLATE = "<b>%{customdata[2]}</b><br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>"


def _trace_groups(marks: pd.DataFrame, shape: str) -> list[tuple[str, pd.DataFrame]]:
    """Article marks one trace per theme (named by it), reference marks one trace in all."""
    article = marks[marks["origin"] == "article"]
    groups = [(theme, group) for theme, group in article.groupby("theme")]
    reference = marks[marks["origin"] == "reference"]
    if not reference.empty:
        groups.append(("reference period" if shape == "bar" else "reference date", reference))
    return groups


def _bar_trace(group: pd.DataFrame, name: str, legend: bool) -> go.Bar:
    reference = (group["origin"] == "reference").all()
    colours = group["theme"].map(theme_colour).tolist()
    length = (group["draw_end"] - group["draw_start"]) / pd.Timedelta(milliseconds=1)
    return go.Bar(
        orientation="h",
        y=group["label"].tolist(),
        base=group["draw_start"].dt.strftime("%Y-%m-%d").tolist(),
        x=length.astype(float).tolist(),
        name=name,
        legendgroup=name,
        showlegend=legend,
        marker={
            "color": "white" if reference else colours[0],
            "line": {"color": colours, "width": 1.5},
            "pattern": {"shape": "/" if reference else "", "fgcolor": colours},
        },
        customdata=group[_HOVER_COLUMNS].values.tolist(),
        hovertemplate=_HOVERTEMPLATE,
        width=0.5,
    )


def _marker_trace(group: pd.DataFrame, name: str, legend: bool) -> go.Scatter:
    reference = (group["origin"] == "reference").all()
    return go.Scatter(
        x=group["start"].dt.strftime("%Y-%m-%d").tolist(),
        y=group["label"].tolist(),
        mode="markers",
        name=name,
        legendgroup=name,
        showlegend=legend,
        marker={
            "symbol": "diamond-open" if reference else "circle",
            "size": 10 if reference else 11,
            "color": group["theme"].map(theme_colour).tolist(),
            "line": {"width": 2 if reference else 0},
        },
        customdata=group[_HOVER_COLUMNS].values.tolist(),
        hovertemplate=_HOVERTEMPLATE,
    )


def _add_open_sides(fig: go.Figure, marks: pd.DataFrame, last_column: int) -> None:
    """Arrows at the open side of a bar: at the right edge, or where an unknown start fades in."""
    for flag, column, name, symbol in (
        ("open_end", "draw_end", "open end (continues)", "triangle-right"),
        ("open_start", "draw_start", "open start (date unknown)", "triangle-left"),
    ):
        rows = marks[marks[flag]]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=rows[column].dt.strftime("%Y-%m-%d").tolist(),
                y=rows["label"].tolist(),
                mode="markers",
                name=name,
                marker={"symbol": symbol, "size": 12, "color": "#444444"},
                hoverinfo="skip",
                cliponaxis=False,
            ),
            1,
            last_column,
        )
