"""Arms-transfer charts: the article's ranking against SIPRI TIV (notebook 01).

Inputs are tidy frames (no files are read here):

- ``tiv``: SIPRI rows ``supplier``, ``recipient`` (entity ids), ``year``, ``tiv`` (million TIV),
  as ``marchwest.sipri.tiv_from_arms_transfers`` makes them from ``marchwest.arms_transfers()``;
- ``totals``: one window, as ``marchwest.sipri.window_totals`` returns it: ``recipient``,
  ``tiv``, ``share_pct``, ``rank`` (1 = largest);
- ``ranks``: every window, as ``marchwest.sipri.window_ranks`` returns it: ``window_length``,
  ``start``, ``end``, ``recipient``, ``tiv``, ``share_pct``, ``rank`` (empty: no deliveries);
- ``article_ranks``: the article's ranking rows of ``arms_transfers()`` (``measure == "rank"``):
  ``recipient_id``, ``rank``, ``evidence``, ``char_start``.

TIV (trend-indicator value) is SIPRI's volume index of arms deliveries, not a price in US dollars.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure

from marchwest.plot.style import (
    FONT_FAMILY,
    OTHER_COLOUR,
    entity_colour,
    mpl_caption,
    plotly_caption,
)
from marchwest.sipri import window_totals

TIV_LABEL = "SIPRI TIV (millions)"


def _name(names: Mapping[str, str], entity_id: str) -> str:
    return names.get(entity_id, entity_id.replace("_", " ").title())


def _window_label(start: int, end: int) -> str:
    """SIPRI's way of writing a window: 2014–18, 2009–18, 1999–2008."""
    if start == end:
        return str(start)
    same_century = start // 100 == end // 100
    return f"{start}\u2013{end % 100:02d}" if same_century else f"{start}\u2013{end}"


def ranking_statement(article_ranks: pd.DataFrame) -> pd.DataFrame:
    """The article's ranking sentence: the quoted span that ranks the most recipients, rank 1 first.

    (The article also says "Pakistan is China's largest defence customer" on its own; that
    one-row statement is not the ordering.)
    """
    sizes = article_ranks.groupby("char_start")["recipient_id"].size()
    chosen = sizes[sizes == sizes.max()].index.min()
    statement = article_ranks[article_ranks["char_start"] == chosen]
    return statement.sort_values("rank", ignore_index=True)


def article_order(article_ranks: pd.DataFrame) -> list[str]:
    """The recipients in the order of the article's ranking sentence (rank 1 first)."""
    return ranking_statement(article_ranks)["recipient_id"].tolist()


def published_vs_computed(
    published: pd.DataFrame, tiv: pd.DataFrame, names: Mapping[str, str]
) -> pd.DataFrame:
    """SIPRI's published ranks and shares of a supplier's exports beside the same window
    computed from ``tiv`` (this project's download).

    ``published`` holds reference rows of ``arms_transfers()`` with measure "share of exports"
    or "rank". One row per published figure: ``window``, ``recipient`` (name),
    ``published_rank``, ``published_share_pct``, ``computed_rank``, ``computed_share_pct``,
    ``source_id``; ordered by window, then published rank.
    """
    rows = published[published["measure"].isin(["share of exports", "rank"])]
    out = []
    for row in rows.itertuples():
        start, end = int(row.period_start), int(row.period_end)
        totals = window_totals(tiv, row.supplier_id, start, end).set_index("recipient")
        found = row.recipient_id in totals.index
        out.append(
            {
                "window": _window_label(start, end),
                "end": end,
                "recipient": _name(names, row.recipient_id),
                "published_rank": row.rank,
                "published_share_pct": row.value if row.measure == "share of exports" else pd.NA,
                "computed_rank": totals.at[row.recipient_id, "rank"] if found else pd.NA,
                "computed_share_pct": round(float(totals.at[row.recipient_id, "share_pct"]), 1)
                if found
                else pd.NA,
                "source_id": row.source_id,
            }
        )
    table = pd.DataFrame(out).sort_values(
        ["end", "published_rank", "computed_rank"], ignore_index=True
    )
    return table.drop(columns="end").astype(
        {
            "published_rank": "Int64",
            "computed_rank": "Int64",
            "published_share_pct": "Float64",
            "computed_share_pct": "Float64",
        }
    )


def window_orders(
    tiv: pd.DataFrame,
    supplier: str,
    order: Sequence[str],
    *,
    window_lengths: Sequence[int],
    ends: Sequence[int],
) -> pd.DataFrame:
    """Each window's largest recipients, and whether they come in the article's ``order``.

    One row per window: ``window`` (SIPRI's label, e.g. "2014–18"), ``window_length``,
    ``start``, ``end``, ``no_1`` ... ``no_<n>`` (recipient ids, n = len(order)) and
    ``matches_article`` (the top n are ``order``, in that order).
    """
    rows = []
    for length in window_lengths:
        for end in ends:
            start = end - length + 1
            top = window_totals(tiv, supplier, start, end)["recipient"].head(len(order)).tolist()
            rows.append(
                {
                    "window": _window_label(start, end),
                    "window_length": length,
                    "start": start,
                    "end": end,
                }
                | {f"no_{k}": r for k, r in enumerate(top, start=1)}
                | {"matches_article": top == list(order)}
            )
    return pd.DataFrame(rows)


def orders_overview(orders: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """:func:`window_orders` as a compact table: one row per last year, one column per length.

    A cell reads "2014–18: Pakistan, Bangladesh, Algeria" followed by "✓" when the window's
    top recipients come in the article's order and "✗" when they do not.
    """
    ranked = [c for c in orders.columns if c.startswith("no_")]
    cells = [
        f"{row['window']}: "
        + ", ".join(_name(names, row[c]) for c in ranked if isinstance(row[c], str))
        + ("  \u2713" if row["matches_article"] else "  \u2717")
        for _, row in orders.iterrows()
    ]
    table = orders.assign(cell=cells).pivot(index="end", columns="window_length", values="cell")
    table.columns = [f"{n}-year window" for n in table.columns]
    return table.rename_axis("last year")


def _top_with_article(totals: pd.DataFrame, article: Sequence[str], top: int) -> pd.DataFrame:
    """The ``top`` largest recipients plus any the article names, largest first."""
    ordered = totals.sort_values("rank")
    keep = ordered["rank"].le(top) | ordered["recipient"].isin(article)
    return ordered[keep].reset_index(drop=True)


def window_bars(
    totals: pd.DataFrame,
    article_ranks: pd.DataFrame,
    names: Mapping[str, str],
    *,
    window: str,
    caption: str,
    top: int = 6,
) -> Figure:
    """Horizontal bars: the supplier's largest recipients in one window, the article's three marked."""
    article = article_order(article_ranks)
    data = _top_with_article(totals, article, top).iloc[::-1]
    fig = Figure(figsize=(8.5, 0.55 * len(data) + 2.2), layout="constrained")
    ax = fig.add_subplot()
    colours = [entity_colour(r) if r in article else OTHER_COLOUR for r in data["recipient"]]
    ax.barh(
        [f"{int(k)}. {_name(names, r)}" for k, r in zip(data["rank"], data["recipient"])],
        data["tiv"],
        color=colours,
    )
    for y, row in enumerate(data.itertuples()):
        text = f"{row.tiv:,.0f}  ({row.share_pct:.1f} %)"
        if row.recipient in article:
            text += f"   article's no. {article.index(row.recipient) + 1}"
        ax.text(row.tiv, y, "  " + text, va="center", fontsize=9, family=FONT_FAMILY)
    ax.set_xlim(0, data["tiv"].max() * 1.6)
    ax.set_xlabel(TIV_LABEL)
    ax.set_ylabel("SIPRI rank and recipient")
    ax.set_title(f"China's arms exports by recipient, {window}: SIPRI vs the article's order")
    ax.spines[["top", "right"]].set_visible(False)
    mpl_caption(fig, caption)
    return fig


def window_bars_plotly(
    totals: pd.DataFrame,
    article_ranks: pd.DataFrame,
    names: Mapping[str, str],
    *,
    window: str,
    caption: str,
    top: int = 6,
) -> go.Figure:
    """Interactive twin of :func:`window_bars`; hover shows the article's words."""
    article = article_order(article_ranks)
    statement = ranking_statement(article_ranks)
    evidence = dict(zip(statement["recipient_id"], statement["evidence"]))
    data = _top_with_article(totals, article, top).iloc[::-1]
    said = [
        f"article's no. {article.index(r) + 1}: \u201c{html.escape(evidence[r], quote=False)}\u201d"
        if r in article
        else "not named by the article"
        for r in data["recipient"]
    ]
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=[f"{int(k)}. {_name(names, r)}" for k, r in zip(data["rank"], data["recipient"])],
            x=data["tiv"],
            marker_color=[
                entity_colour(r) if r in article else OTHER_COLOUR for r in data["recipient"]
            ],
            text=[
                f"{t:,.0f} ({s:.1f} %)"
                + (f"  article's no. {article.index(r) + 1}" if r in article else "")
                for t, s, r in zip(data["tiv"], data["share_pct"], data["recipient"])
            ],
            textposition="outside",
            customdata=list(zip(data["share_pct"], said)),
            hovertemplate="%{y}<br>%{x:,.0f} million TIV, %{customdata[0]:.1f} % of China's exports"
            "<br>%{customdata[1]}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"China's arms exports by recipient, {window}: SIPRI vs the article's order",
        xaxis_title=TIV_LABEL,
        yaxis_title="SIPRI rank and recipient",
        xaxis_range=[0, data["tiv"].max() * 1.3],
        template="plotly_white",
        height=180 + 40 * len(data),
    )
    plotly_caption(fig, caption)
    return fig


def _ranks_for_plot(ranks: pd.DataFrame, worst: int) -> pd.DataFrame:
    """Ranks below ``worst`` (or none: no deliveries) drawn at ``worst``, as plain numbers."""
    return ranks.assign(
        shown=ranks["rank"].fillna(worst).clip(upper=worst).astype(int),
        rank_text=ranks["rank"].astype("string").fillna("none (no deliveries)"),
        start=ranks["start"].astype(int),
        end=ranks["end"].astype(int),
        tiv=ranks["tiv"].astype(float),
        share_pct=ranks["share_pct"].astype(float),
    )


def rank_paths(
    ranks: pd.DataFrame,
    recipients: Sequence[str],
    names: Mapping[str, str],
    *,
    title: str,
    caption: str,
    published: int,
    worst: int = 8,
) -> Figure:
    """Rank of each recipient in every window, one panel per window length (5 and 10 years).

    x is the window's last year; ranks below ``worst`` are drawn at ``worst`` ("or lower").
    The last window complete before ``published`` (the article's year) is marked.
    """
    ranks = _ranks_for_plot(ranks, worst)
    lengths = sorted(ranks["window_length"].unique())
    fig = Figure(figsize=(10, 4.6), layout="constrained")
    axes = fig.subplots(1, len(lengths), sharey=True, squeeze=False)[0]
    for ax, years in zip(axes, lengths):
        panel = ranks[ranks["window_length"] == years]
        for recipient in recipients:
            line = panel[panel["recipient"] == recipient].sort_values("end")
            ax.plot(
                line["end"],
                line["shown"],
                marker="o",
                markersize=4,
                color=entity_colour(recipient),
                label=_name(names, recipient),
            )
        ax.axvspan(published - 0.5, panel["end"].max() + 0.5, color="#EEEEEE", zorder=0)
        ax.axvline(published - 1, color="#444444", linestyle="--", linewidth=1)
        ax.text(
            published - 1.2,
            0.6,
            f"last window\nbefore {published}",
            ha="right",
            va="top",
            fontsize=8,
            color="#444444",
        )
        ax.text(
            published - 0.3,
            0.6,
            "after the\narticle",
            ha="left",
            va="top",
            fontsize=8,
            color="#777777",
        )
        ax.set_title(f"{years}-year windows")
        ax.set_xlabel("last year of the window")
        ax.grid(axis="y", color="#DDDDDD")
    axes[0].set_ylim(worst + 0.5, 0.5)
    axes[0].set_yticks(range(1, worst + 1))
    axes[0].set_yticklabels([str(k) for k in range(1, worst)] + [f"{worst}+"])
    axes[0].set_ylabel("rank among China's arms recipients")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper", frameon=False)
    fig.suptitle(title)
    mpl_caption(fig, caption)
    return fig


def rank_paths_plotly(
    ranks: pd.DataFrame,
    recipients: Sequence[str],
    names: Mapping[str, str],
    *,
    title: str,
    caption: str,
    published: int,
    worst: int = 8,
) -> go.Figure:
    """Interactive twin of :func:`rank_paths`; hover gives window, rank, TIV and share."""
    from plotly.subplots import make_subplots

    ranks = _ranks_for_plot(ranks, worst)
    lengths = sorted(ranks["window_length"].unique())
    fig = make_subplots(
        rows=1,
        cols=len(lengths),
        shared_yaxes=True,
        subplot_titles=[f"{y}-year windows" for y in lengths],
    )
    for col, years in enumerate(lengths, start=1):
        panel = ranks[ranks["window_length"] == years]
        for recipient in recipients:
            line = panel[panel["recipient"] == recipient].sort_values("end")
            labels = [_window_label(s, e) for s, e in zip(line["start"], line["end"])]
            fig.add_trace(
                go.Scatter(
                    x=line["end"],
                    y=line["shown"],
                    mode="lines+markers",
                    name=_name(names, recipient),
                    legendgroup=recipient,
                    showlegend=col == 1,
                    line_color=entity_colour(recipient),
                    customdata=list(zip(labels, line["rank_text"], line["tiv"], line["share_pct"])),
                    hovertemplate=_name(names, recipient)
                    + " %{customdata[0]}: rank %{customdata[1]}"
                    "<br>%{customdata[2]:,.0f} million TIV (%{customdata[3]:.1f} %)<extra></extra>",
                ),
                row=1,
                col=col,
            )
        fig.add_vrect(
            x0=published - 0.5,
            x1=panel["end"].max() + 0.5,
            fillcolor="#EEEEEE",
            line_width=0,
            layer="below",
            row=1,
            col=col,
        )
        fig.add_vline(x=published - 1, line_dash="dash", line_color="#444444", row=1, col=col)
        fig.update_xaxes(title_text="last year of the window", row=1, col=col)
    fig.update_yaxes(
        range=[worst + 0.5, 0.5],
        tickvals=list(range(1, worst + 1)),
        ticktext=[str(k) for k in range(1, worst)] + [f"{worst}+"],
    )
    fig.update_yaxes(title_text="rank among China's arms recipients", row=1, col=1)
    fig.update_layout(
        title=f"{title}<br><sup>dashed: last window before {published}; "
        "grey: windows ending after the article</sup>",
        template="plotly_white",
        height=480,
    )
    plotly_caption(fig, caption)
    return fig


def _yearly(
    tiv: pd.DataFrame,
    supplier: str | None,
    recipient: str | None,
    others: Sequence[str],
    first_year: int,
    last_year: int,
) -> pd.DataFrame:
    """TIV by year (rows, every year of the range, 0 where none) and the other side (columns)."""
    key, fixed, fixed_id = _line_axes(supplier, recipient)
    rows = tiv[(tiv[fixed] == fixed_id) & tiv[key].isin(others)].astype({"tiv": float})
    table = rows.pivot_table(index="year", columns=key, values="tiv", aggfunc="sum")
    return table.reindex(range(first_year, last_year + 1), fill_value=0).fillna(0)


def yearly_lines(
    tiv: pd.DataFrame,
    names: Mapping[str, str],
    *,
    supplier: str | None = None,
    recipient: str | None = None,
    others: Sequence[str],
    title: str,
    caption: str,
    published: int,
    first_year: int,
    last_year: int,
) -> Figure:
    """Year-by-year TIV lines: one supplier to several recipients, or several suppliers to one.

    Give ``supplier`` (and the recipients as ``others``) or ``recipient`` (and the suppliers).
    Years with no recorded deliveries are drawn as 0.
    """
    table = _yearly(tiv, supplier, recipient, others, first_year, last_year)
    fig = Figure(figsize=(10, 4.6), layout="constrained")
    ax = fig.add_subplot()
    for other in others:
        if other in table:
            ax.plot(
                table.index,
                table[other],
                marker="o",
                markersize=3,
                color=entity_colour(other),
                label=_name(names, other),
            )
    top = float(table[[o for o in others if o in table]].to_numpy().max()) * 1.18
    ax.set_ylim(0, top)
    ax.axvline(published + 7.6 / 12, color="#444444", linestyle="--", linewidth=1)
    ax.text(
        published + 7.6 / 12, top, " article\n (Aug 2019)", va="top", fontsize=8, color="#444444"
    )
    ax.set_xlabel("year of delivery")
    ax.set_ylabel(TIV_LABEL)
    ax.set_title(title)
    ax.legend(frameon=False, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#EEEEEE")
    mpl_caption(fig, caption)
    return fig


def yearly_lines_plotly(
    tiv: pd.DataFrame,
    names: Mapping[str, str],
    *,
    supplier: str | None = None,
    recipient: str | None = None,
    others: Sequence[str],
    title: str,
    caption: str,
    published: int,
    first_year: int,
    last_year: int,
) -> go.Figure:
    """Interactive twin of :func:`yearly_lines`."""
    table = _yearly(tiv, supplier, recipient, others, first_year, last_year)
    fig = go.Figure()
    for other in others:
        if other in table:
            fig.add_trace(
                go.Scatter(
                    x=list(table.index),
                    y=table[other],
                    mode="lines+markers",
                    name=_name(names, other),
                    line_color=entity_colour(other),
                    hovertemplate=_name(names, other)
                    + " %{x}: %{y:,.0f} million TIV<extra></extra>",
                )
            )
    fig.add_vline(
        x=published + 7.6 / 12,
        line_dash="dash",
        line_color="#444444",
        annotation_text="article (Aug 2019)",
        annotation_position="top right",
    )
    fig.update_layout(
        title=title,
        xaxis_title="year of delivery",
        yaxis_title=TIV_LABEL,
        yaxis_range=[0, float(table.to_numpy().max()) * 1.18],
        template="plotly_white",
        height=460,
        hovermode="x unified",
    )
    plotly_caption(fig, caption)
    return fig


def _line_axes(supplier: str | None, recipient: str | None) -> tuple[str, str, str]:
    if (supplier is None) == (recipient is None):
        raise ValueError("give exactly one of supplier= or recipient=")
    if supplier is not None:
        return "recipient", "supplier", supplier
    return "supplier", "recipient", recipient
