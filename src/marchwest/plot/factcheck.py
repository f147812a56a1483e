"""Fact-check charts and tables: the article's claims and their verdicts (notebook 05).

``claims`` is ``marchwest.claims()``: ``claim_id``, ``topic``, ``verdict``, ``evidence`` (the
article's words as printed), ``reference`` (what the reference says), ``source_id``.
``sources`` is ``marchwest.sources()``: ``source_id``, ``title``, ``url``.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from marchwest.plot.style import VERDICT_COLOURS, VERDICT_ORDER, mpl_caption, plotly_caption


def verdict_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims per verdict, every verdict listed (0 when none): ``verdict``, ``claims``."""
    unknown = set(claims["verdict"]) - set(VERDICT_ORDER)
    if unknown:
        raise ValueError(f"unknown verdict(s) in claims: {sorted(unknown)}")
    counts = claims["verdict"].value_counts().reindex(VERDICT_ORDER, fill_value=0)
    return counts.rename_axis("verdict").reset_index(name="claims")


def by_verdict(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims in verdict order (supported, imprecise, contradicted, unverified), then by
    topic and claim id."""
    verdict = pd.Categorical(claims["verdict"], categories=VERDICT_ORDER, ordered=True)
    ordered = claims.assign(_verdict=verdict).sort_values(["_verdict", "topic", "claim_id"])
    return ordered.drop(columns="_verdict").reset_index(drop=True)


def verdict_bars(claims: pd.DataFrame, *, caption: str) -> Figure:
    """Horizontal bars: how many of the article's checked claims got each verdict."""
    counts = verdict_counts(claims).iloc[::-1]
    fig = Figure(figsize=(8, 3.4), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(
        counts["verdict"], counts["claims"], color=[VERDICT_COLOURS[v] for v in counts["verdict"]]
    )
    for y, n in enumerate(counts["claims"]):
        ax.text(n, y, f" {n}", va="center", fontsize=10)
    ax.set_xlim(0, max(counts["claims"].max(), 1) * 1.15)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("number of claims")
    ax.set_title(f"The article's {len(claims)} checked claims, by verdict")
    ax.spines[["top", "right"]].set_visible(False)
    mpl_caption(fig, caption)
    return fig


def _hover(text: str, width: int = 70) -> str:
    return "<br>".join(textwrap.wrap(html.escape(str(text), quote=False), width))


def verdict_bars_plotly(claims: pd.DataFrame, *, caption: str) -> go.Figure:
    """Interactive twin of :func:`verdict_bars`: one block per claim, hover shows both sides."""
    fig = go.Figure()
    for verdict in VERDICT_ORDER:
        rows = claims[claims["verdict"] == verdict].sort_values("claim_id")
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[verdict] * len(rows),
                x=[1] * len(rows),
                name=verdict,
                marker={"color": VERDICT_COLOURS[verdict], "line": {"color": "white", "width": 1}},
                customdata=[
                    [html.escape(topic, quote=False), _hover(said), _hover(ref)]
                    for topic, said, ref in zip(rows["topic"], rows["evidence"], rows["reference"])
                ],
                hovertemplate="<b>%{y}</b> (%{customdata[0]})<br><i>Article:</i> %{customdata[1]}"
                "<br><i>Reference:</i> %{customdata[2]}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        title=f"The article's {len(claims)} checked claims, by verdict "
        "<br><sup>one block per claim: hover for the article's words and the reference</sup>",
        xaxis_title="number of claims",
        yaxis={"categoryorder": "array", "categoryarray": VERDICT_ORDER[::-1]},
        showlegend=False,
        template="plotly_white",
        height=380,
    )
    plotly_caption(fig, caption)
    return fig


NO_SOURCE = "no source found"


def disagreements(
    claims: pd.DataFrame,
    sources: pd.DataFrame,
    verdicts: Sequence[str] = ("contradicted", "imprecise"),
) -> pd.DataFrame:
    """Claims with the given verdicts, the article's words beside the reference and its source.

    Columns: ``claim_id``, ``verdict``, ``topic``, ``article`` (evidence), ``reference``,
    ``source`` (title; "no source found" for an unverified claim without one), ``url``. Ordered
    by verdict, then claim id. Raises ValueError naming a claim whose ``source_id`` is not in
    ``sources``.
    """
    rows = claims[claims["verdict"].isin(verdicts)]
    unknown = rows["source_id"].notna() & ~rows["source_id"].isin(sources["source_id"])
    missing = rows.loc[unknown, ["claim_id", "source_id"]]
    if not missing.empty:
        first = missing.iloc[0]
        raise ValueError(
            f"claim {first['claim_id']!r}: source_id {first['source_id']!r} is not in sources"
        )
    merged = rows.merge(sources[["source_id", "title", "url"]], on="source_id", how="left")
    merged["verdict"] = pd.Categorical(merged["verdict"], categories=list(verdicts), ordered=True)
    merged = merged.sort_values(["verdict", "claim_id"], ignore_index=True)
    return pd.DataFrame(
        {
            "claim_id": merged["claim_id"],
            "verdict": merged["verdict"].astype(str),
            "topic": merged["topic"],
            "article": merged["evidence"],
            "reference": merged["reference"],
            "source": merged["title"].fillna(NO_SOURCE),
            "url": merged["url"],
        }
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
        links = [_link(t, u) for t, u in zip(frame["source"], frame["url"])]
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
