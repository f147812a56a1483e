"""The article's arms-transfer ranking against SIPRI TIV: the tables behind notebook 01.

Inputs are tidy frames:

- ``tiv``: SIPRI rows ``supplier``, ``recipient`` (entity ids), ``year``, ``tiv`` (million TIV),
  as ``marchwest.sipri.tiv_from_arms_transfers`` makes them from ``marchwest.arms_transfers()``;
- ``article_ranks``: the article's ranking rows of ``arms_transfers()`` (``measure == "rank"``):
  ``recipient_id``, ``rank``, ``evidence``, ``char_start``.

TIV (trend-indicator value) is SIPRI's volume index of arms deliveries, not a price in US dollars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from marchwest.names import display_name
from marchwest.sipri import ranked_windows, windows_ending


def window_label(start: int, end: int) -> str:
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
    published: pd.DataFrame, tiv: pd.DataFrame, *, labels: Mapping[str, str]
) -> pd.DataFrame:
    """SIPRI's published ranks and shares of a supplier's exports beside the same window
    computed from ``tiv`` (this project's download).

    ``published`` holds reference rows of ``arms_transfers()`` with measure "share of exports"
    or "rank". One row per published figure: ``window``, ``recipient`` (name),
    ``published_rank``, ``published_share_pct``, ``computed_rank``, ``computed_share_pct``,
    ``source_id``; ordered by window, then published rank.
    """
    rows = published[published["measure"].isin(["share of exports", "rank"])]
    computed = {}  # (supplier, start, end, recipient) -> (rank, share), every window at once
    for supplier, own in rows.groupby("supplier_id", observed=True):
        windows = pd.DataFrame(
            {"start": own["period_start"].astype(int), "end": own["period_end"].astype(int)}
        ).drop_duplicates(ignore_index=True)
        ranked = ranked_windows(tiv, supplier, windows).join(windows, on="window")
        for line in ranked.itertuples():
            computed[supplier, line.start, line.end, line.recipient] = (line.rank, line.share_pct)
    out = []
    for row in rows.itertuples():
        start, end = int(row.period_start), int(row.period_end)
        rank, share = computed.get((row.supplier_id, start, end, row.recipient_id), (pd.NA, pd.NA))
        out.append(
            {
                "window": window_label(start, end),
                "end": end,
                "recipient": display_name(row.recipient_id, labels),
                "published_rank": row.rank,
                "published_share_pct": row.value if row.measure == "share of exports" else pd.NA,
                "computed_rank": rank,
                "computed_share_pct": pd.NA if pd.isna(share) else round(float(share), 1),
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
    windows = windows_ending(window_lengths, ends)
    top = ranked_windows(tiv, supplier, windows).groupby("window").head(len(order))
    tops = top.groupby("window")["recipient"].agg(list)
    rows = [
        {"window": window_label(start, end), "window_length": length, "start": start, "end": end}
        | {f"no_{k}": r for k, r in enumerate(tops[window], start=1)}
        | {"matches_article": tops[window] == list(order)}
        for window, length, start, end in windows.itertuples(name=None)
    ]
    return pd.DataFrame(rows)


def orders_overview(orders: pd.DataFrame, *, labels: Mapping[str, str]) -> pd.DataFrame:
    """:func:`window_orders` as a compact table: one row per last year, one column per length.

    A cell reads "2014–18: Pakistan, Bangladesh, Algeria" followed by "✓" when the window's
    top recipients come in the article's order and "✗" when they do not.
    """
    ranked = [c for c in orders.columns if c.startswith("no_")]
    cells = [
        f"{row['window']}: "
        + ", ".join(display_name(row[c], labels) for c in ranked if isinstance(row[c], str))
        + ("  \u2713" if row["matches_article"] else "  \u2717")
        for _, row in orders.iterrows()
    ]
    table = orders.assign(cell=cells).pivot(index="end", columns="window_length", values="cell")
    table.columns = [f"{n}-year window" for n in table.columns]
    return table.rename_axis("last year")


def yearly_tiv(
    tiv: pd.DataFrame,
    *,
    supplier: str | None = None,
    recipient: str | None = None,
    others: Sequence[str],
    first_year: int,
    last_year: int,
) -> pd.DataFrame:
    """TIV by year, one supplier to several recipients or several suppliers to one.

    Give ``supplier`` (and the recipients as ``others``) or ``recipient`` (and the suppliers).
    Tidy rows ``year``, ``other`` (entity id), ``tiv``: every year of the range for each of
    ``others`` with any delivery, 0 where it had none.
    """
    if (supplier is None) == (recipient is None):
        raise ValueError("give exactly one of supplier= or recipient=")
    key, fixed, fixed_id = (
        ("recipient", "supplier", supplier)
        if supplier is not None
        else ("supplier", "recipient", recipient)
    )
    rows = tiv[(tiv[fixed] == fixed_id) & tiv[key].isin(others)].astype({"tiv": float})
    table = rows.pivot_table(index="year", columns=key, values="tiv", aggfunc="sum")
    table = table.reindex(range(first_year, last_year + 1), fill_value=0).fillna(0)
    present = [other for other in others if other in table.columns]
    return (
        table[present]
        .rename_axis(index="year", columns="other")
        .melt(ignore_index=False, value_name="tiv")
        .reset_index()[["year", "other", "tiv"]]
    )
