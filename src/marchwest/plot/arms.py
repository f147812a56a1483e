"""Arms-transfer chart specs: the article's ranking against SIPRI TIV (notebook 01).

Inputs are the tables of ``marchwest.sipri`` and ``marchwest.arms``:

- ``totals``: one window, as ``sipri.window_totals`` returns it: ``recipient``, ``tiv``,
  ``share_pct``, ``rank`` (1 = largest);
- ``statement``: the article's ranking sentence, as ``arms.ranking_statement`` returns it:
  ``recipient_id``, ``rank``, ``evidence``;
- ``ranks``: every window, as ``sipri.window_ranks`` returns it: ``window_length``, ``start``,
  ``end``, ``recipient``, ``tiv``, ``share_pct``, ``rank`` (empty: no deliveries);
- ``yearly``: ``year``, ``other``, ``tiv``, as ``arms.yearly_tiv`` returns it.

TIV (trend-indicator value) is SIPRI's volume index of arms deliveries, not a price in US dollars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from marchwest.plot.spec import Annotation, BarsLayout, ChartSpec, LinesLayout
from marchwest.plot.style import OTHER_COLOUR, display_name, entity_colour

TIV_LABEL = "SIPRI TIV (millions)"
# Room right of the longest bar for its label ("4,123  (34.5 %)   article's no. 1").
LABEL_ROOM = 1.6


def _top_with_article(totals: pd.DataFrame, article: Sequence[str], top: int) -> pd.DataFrame:
    """The ``top`` largest recipients plus any the article names, largest first."""
    ordered = totals.sort_values("rank")
    keep = ordered["rank"].le(top) | ordered["recipient"].isin(article)
    return ordered[keep].reset_index(drop=True)


def window_bars(
    totals: pd.DataFrame,
    statement: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    window: str,
    caption: str,
    top: int = 6,
) -> ChartSpec:
    """Horizontal bars: the supplier's largest recipients in one window, the article's marked;
    ``window`` names the years ``totals`` sums (``marchwest.arms.window_label(start, end)``)."""
    article = statement["recipient_id"].tolist()
    quote = dict(zip(statement["recipient_id"], statement["evidence"], strict=True))
    data = _top_with_article(totals, article, top)
    rows = []
    for row in data.itertuples():
        name = f"{int(row.rank)}. {display_name(row.recipient, labels)}"
        amount = f"{row.tiv:,.0f} million TIV, {row.share_pct:.1f} % of China's exports"
        said = "not named by the article"
        text = f"{row.tiv:,.0f}  ({row.share_pct:.1f} %)"
        if row.recipient in article:
            number = article.index(row.recipient) + 1
            said = f"article's no. {number}: \u201c{quote[row.recipient]}\u201d"
            text += f"   article's no. {number}"
        rows.append(
            {
                "category": name,
                "segment": "TIV",
                "value": float(row.tiv),
                "colour": entity_colour(row.recipient)
                if row.recipient in article
                else OTHER_COLOUR,
                "text": text,
                "hover": f"{name}\n{amount}\n{said}",
            }
        )
    marks = pd.DataFrame(rows)
    named = ", ".join(display_name(r, labels) for r in article)
    description = (
        f"Horizontal bars of China's arms deliveries in {window} (SIPRI TIV, millions) to its "
        f"largest recipients: "
        + "; ".join(f"{c} {t}" for c, t in zip(marks["category"], marks["text"], strict=True))
        + f". The article's order ({named}) is in colour, the other recipients grey."
    )
    return ChartSpec(
        kind="bars",
        marks=marks,
        title=f"China's arms exports by recipient, {window}: SIPRI vs the article's order",
        description=description,
        x_label=TIV_LABEL,
        y_label="SIPRI rank and recipient",
        caption=caption,
        layout=BarsLayout(
            x_max=float(marks["value"].max()) * LABEL_ROOM,
            width=850,
            height=180 + 40 * len(marks),
        ),
    )


def rank_paths(
    ranks: pd.DataFrame,
    recipients: Sequence[str],
    *,
    labels: Mapping[str, str],
    title: str,
    caption: str,
    published: dt.date,
    worst: int = 8,
) -> ChartSpec:
    """Rank of each recipient in every window, one panel per window length (5 and 10 years).

    x is the window's last year; ranks below ``worst`` are drawn at ``worst`` ("or lower").
    The last window complete before ``published`` (the article's date) is marked.
    """
    year = published.year
    rows = []
    for row in ranks[ranks["recipient"].isin(recipients)].sort_values("end").itertuples():
        name = display_name(row.recipient, labels)
        rank = "none (no deliveries)" if pd.isna(row.rank) else str(int(row.rank))
        rows.append(
            {
                "panel": f"{row.window_length}-year windows",
                "series": name,
                "order": (row.window_length, list(recipients).index(row.recipient)),
                "colour": entity_colour(row.recipient),
                "x": int(row.end),
                "y": worst if pd.isna(row.rank) else min(int(row.rank), worst),
                "hover": f"{name} {row.start}\u2013{row.end}: rank {rank}\n"
                f"{float(row.tiv):,.0f} million TIV ({float(row.share_pct):.1f} %)",
            }
        )
    marks = pd.DataFrame(rows).sort_values(["order", "x"], kind="stable")
    last = marks["x"].max()
    before = marks[marks["x"] == year - 1]
    description = (
        f"Line charts of the rank among China's arms recipients of {', '.join(marks['series'].unique())}, "
        f"in windows of {' and '.join(p.split('-')[0] for p in marks['panel'].unique())} years ending "
        f"{marks['x'].min()} to {last} (rank {worst} or lower drawn as {worst}+). In the last windows "
        f"before {year}: "
        + "; ".join(f"{r.panel.split('-')[0]} years, {r.series} {r.y}" for r in before.itertuples())
        + "."
    )
    return ChartSpec(
        kind="lines",
        marks=marks.drop(columns="order").reset_index(drop=True),
        title=title,
        description=description,
        x_label="last year of the window",
        y_label="rank among China's arms recipients",
        caption=caption,
        annotations=(
            Annotation("vline", year - 1, text=f"last window\nbefore {year}"),
            Annotation("span", year - 0.5, x_end=last + 0.5, text="after the\narticle"),
        ),
        layout=LinesLayout(
            y_range=(worst + 0.5, 0.5),
            y_ticks=(
                list(range(1, worst + 1)),
                [str(k) for k in range(1, worst)] + [f"{worst}+"],
            ),
            legend="right",
            width=1000,
            height=480,
        ),
    )


def yearly_lines(
    yearly: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    title: str,
    caption: str,
    published: dt.date,
) -> ChartSpec:
    """Year-by-year TIV lines, one per supplier or recipient in ``yearly`` (0: no deliveries)."""
    names = yearly["other"].map(lambda other: display_name(other, labels))
    marks = pd.DataFrame(
        {
            "panel": "",
            "series": names,
            "colour": yearly["other"].map(entity_colour),
            "x": yearly["year"].astype(int),
            "y": yearly["tiv"].astype(float),
            "hover": [
                f"{name} {year}: {tiv:,.0f} million TIV"
                for name, year, tiv in zip(names, yearly["year"], yearly["tiv"], strict=True)
            ],
        }
    )
    totals = marks.groupby("series", sort=False)["y"].agg(["sum", "idxmax"])
    description = (
        f"Line chart of SIPRI TIV delivered each year from {marks['x'].min()} to {marks['x'].max()}: "
        + "; ".join(
            f"{series} {total:,.0f} million in all, most in {marks.at[peak, 'x']} "
            f"({marks.at[peak, 'y']:,.0f})"
            for series, (total, peak) in totals.iterrows()
        )
        + f". A dashed line marks the article ({published:%B %Y})."
    )
    day = pd.Timestamp(published)
    return ChartSpec(
        kind="lines",
        marks=marks,
        title=title,
        description=description,
        x_label="year of delivery",
        y_label=TIV_LABEL,
        caption=caption,
        annotations=(
            Annotation(
                "vline", day.year + (day.day_of_year - 1) / 365, text=f"article\n({day:%b %Y})"
            ),
        ),
        layout=LinesLayout(
            y_range=(0, float(marks["y"].max()) * 1.18),
            legend="upper left",
            marker_size=3,
            width=1000,
            height=460,
            hover="x",
        ),
    )
