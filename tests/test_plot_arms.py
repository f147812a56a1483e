"""marchwest.plot.arms on small synthetic SIPRI rows (columns as in data/README.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from marchwest import sipri
from marchwest.plot import arms
from marchwest.plot.style import OTHER_COLOUR, entity_colour

NAMES = {
    "pakistan": "Pakistan",
    "bangladesh": "Bangladesh",
    "myanmar": "Myanmar",
    "algeria": "Algeria",
    "china": "China",
    "united_states": "United States",
}
QUOTE = "Pakistan is Beijing's top arms destination, followed by Bangladesh and Myanmar"


def _transfers() -> pd.DataFrame:
    """arms_transfers()-shaped rows: yearly TIV, China to four recipients and USA to Pakistan."""
    yearly = {  # 2010..2014: Myanmar third early on, Algeria third at the end
        "pakistan": [50, 50, 50, 50, 50],
        "bangladesh": [20, 20, 20, 30, 30],
        "myanmar": [15, 15, 5, 1, 1],
        "algeria": [None, None, 10, 20, 20],  # SIPRI blank: no deliveries, no row
    }
    rows = [
        {
            "supplier_id": "china",
            "recipient_id": r,
            "period_start": 2010 + i,
            "period_end": 2010 + i,
            "measure": "TIV",
            "value": v,
            "unit": "million TIV",
        }
        for r, values in yearly.items()
        for i, v in enumerate(values)
        if v is not None
    ]
    rows += [
        {
            "supplier_id": "united_states",
            "recipient_id": "pakistan",
            "period_start": y,
            "period_end": y,
            "measure": "TIV",
            "value": 40.0 - 10 * (y - 2010),
            "unit": "million TIV",
        }
        for y in (2010, 2011, 2013)  # no US deliveries recorded in 2012 or 2014
    ]
    rows += [
        {
            "supplier_id": "china",
            "recipient_id": r,
            "period_start": pd.NA,
            "period_end": pd.NA,
            "measure": "rank",
            "rank": k,
            "evidence": QUOTE,
            "char_start": 900,
        }
        for k, r in enumerate(["pakistan", "bangladesh", "myanmar"], start=1)
    ]
    rows.append(  # a later sentence that restates rank 1 on its own
        {
            "supplier_id": "china",
            "recipient_id": "pakistan",
            "measure": "rank",
            "rank": 1,
            "evidence": "Pakistan is China's largest defence customer",
            "char_start": 2000,
        }
    )
    return pd.DataFrame(rows)


def _tiv() -> pd.DataFrame:
    return sipri.tiv_from_arms_transfers(_transfers())


def _article_ranks() -> pd.DataFrame:
    frame = _transfers()
    return frame[frame["measure"] == "rank"].reset_index(drop=True)


def test_published_vs_computed_sets_each_published_figure_beside_the_data():
    published = pd.DataFrame(
        [
            {
                "supplier_id": "china",
                "recipient_id": "algeria",
                "rank": 3,
                "period_start": 2013,
                "period_end": 2014,
                "measure": "share of exports",
                "value": 25.0,
                "source_id": "fs",
            },
            {
                "supplier_id": "china",
                "recipient_id": "myanmar",
                "rank": 3,
                "period_start": 2010,
                "period_end": 2011,
                "measure": "rank",
                "value": pd.NA,
                "source_id": "press",
            },
            {
                "supplier_id": "china",
                "recipient_id": "pakistan",
                "rank": 1,
                "period_start": 2013,
                "period_end": 2014,
                "measure": "share of exports",
                "value": 45.0,
                "source_id": "fs",
            },
            {
                "supplier_id": "china",
                "recipient_id": "pakistan",
                "rank": pd.NA,
                "period_start": 2013,
                "period_end": 2014,
                "measure": "share of imports",
                "value": 70.0,
                "source_id": "fs",
            },
        ]
    )
    table = arms.published_vs_computed(published, _tiv(), NAMES)
    assert table["window"].tolist() == ["2010\u201311", "2013\u201314", "2013\u201314"]
    assert table["recipient"].tolist() == ["Myanmar", "Pakistan", "Algeria"]
    myanmar, pakistan, algeria = (table.iloc[i] for i in range(3))
    assert pd.isna(myanmar["published_share_pct"]) and myanmar["computed_rank"] == 3
    assert (pakistan["published_share_pct"], pakistan["computed_share_pct"]) == (45.0, 49.5)
    assert (algeria["computed_rank"], algeria["computed_share_pct"]) == (3, 19.8)  # 40 of 202


def test_article_order_is_the_ranking_sentence_sorted_by_rank():
    shuffled = _article_ranks().iloc[[3, 2, 0, 1]]
    assert arms.article_order(shuffled) == ["pakistan", "bangladesh", "myanmar"]
    assert set(arms.ranking_statement(shuffled)["evidence"]) == {QUOTE}


def _orders() -> pd.DataFrame:
    return arms.window_orders(
        _tiv(),
        "china",
        ["pakistan", "bangladesh", "myanmar"],
        window_lengths=[2, 5],
        ends=[2011, 2014],
    )


def test_window_orders_says_which_windows_match():
    orders = _orders()
    by_window = orders.set_index("window")
    assert list(by_window.index) == ["2010\u201311", "2013\u201314", "2007\u201311", "2010\u201314"]
    assert by_window["matches_article"].tolist() == [True, False, True, False]
    # 2013-14: Algeria (40) beats Myanmar (2); over 2010-14 Algeria (50) beats Myanmar (37).
    assert orders.loc[1, ["no_1", "no_2", "no_3"]].tolist() == ["pakistan", "bangladesh", "algeria"]


def test_orders_overview_puts_both_lengths_side_by_side():
    orders = _orders()
    table = arms.orders_overview(orders, NAMES)
    assert list(table.columns) == ["2-year window", "5-year window"]
    assert list(table.index) == [2011, 2014]
    assert table.loc[2011, "2-year window"] == "2010\u201311: Pakistan, Bangladesh, Myanmar  \u2713"
    assert table.loc[2014, "5-year window"] == "2010\u201314: Pakistan, Bangladesh, Algeria  \u2717"


def test_window_bars_marks_the_articles_three_and_shows_the_rest_grey():
    tiv = _tiv()
    totals = sipri.window_totals(tiv, "china", 2013, 2014)
    fig = arms.window_bars(
        totals, _article_ranks(), NAMES, window="2013\u201314", caption="Source: synthetic", top=2
    )
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # top two plus Myanmar (named by the article although 4th), largest at the top
    assert labels == ["4. Myanmar", "2. Bangladesh", "1. Pakistan"]
    colours = [bar.get_facecolor() for bar in ax.patches]
    import matplotlib.colors as mcolors

    assert colours[0] == mcolors.to_rgba(entity_colour("myanmar"))
    assert ax.get_xlabel() == "SIPRI TIV (millions)"
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "2  (1.0 %)   article's no. 3" in texts  # Myanmar: 2 of 202
    assert "Source: synthetic" in fig.get_supxlabel()
    full = arms.window_bars(totals, _article_ranks(), NAMES, window="x", caption="c", top=4)
    algeria = next(
        p
        for p, t in zip(full.axes[0].patches, full.axes[0].get_yticklabels())
        if "Algeria" in t.get_text()
    )
    assert algeria.get_facecolor() == mcolors.to_rgba(OTHER_COLOUR)


def test_window_bars_plotly_hover_carries_the_article_quote():
    tiv = _tiv()
    totals = sipri.window_totals(tiv, "china", 2010, 2014)
    fig = arms.window_bars_plotly(
        totals, _article_ranks(), NAMES, window="2010\u201314", caption="Source: synthetic"
    )
    bar = fig.data[0]
    assert list(bar.y)[-1] == "1. Pakistan"
    said = [c[1] for c in bar.customdata]
    assert any(QUOTE in s and "no. 1" in s for s in said)
    assert "not named by the article" in said[list(bar.y).index("3. Algeria")]
    assert fig.layout.xaxis.title.text == "SIPRI TIV (millions)"
    assert any("synthetic" in a.text for a in fig.layout.annotations)


def test_rank_paths_draw_missing_ranks_at_the_bottom():
    tiv = _tiv()
    ranks = sipri.window_ranks(
        tiv,
        "china",
        ["algeria", "myanmar", "india"],
        window_lengths=[1, 2],
        years=[2011, 2012, 2013],
    )
    fig = arms.rank_paths(
        ranks,
        ["algeria", "myanmar", "india"],
        NAMES,
        title="t",
        caption="c",
        published=2013,
        worst=3,
    )
    one_year, two_years = fig.axes[:2]
    assert (one_year.get_title(), two_years.get_title()) == ("1-year windows", "2-year windows")
    algeria, myanmar, india = one_year.lines[:3]
    assert list(algeria.get_xdata()) == [2011, 2012, 2013]
    assert list(algeria.get_ydata()) == [3, 3, 3]  # none in 2011, 4th in 2012, 3rd in 2013
    assert list(myanmar.get_ydata()) == [3, 3, 3]  # 3rd, 4th, 4th: 4th is drawn as "3+"
    assert list(india.get_ydata()) == [3, 3, 3]  # never supplied
    assert list(two_years.lines[0].get_ydata()) == [3, 3, 3]  # Algeria: 4th, 4th, 3rd
    assert [t.get_text() for t in one_year.get_yticklabels()][-1] == "3+"


def test_rank_paths_plotly_hover_says_no_deliveries():
    tiv = _tiv()
    ranks = sipri.window_ranks(tiv, "china", ["algeria"], window_lengths=[1], years=[2011, 2013])
    fig = arms.rank_paths_plotly(ranks, ["algeria"], NAMES, title="t", caption="c", published=2013)
    trace = fig.data[0]
    assert list(trace.y) == [8, 3]
    assert trace.customdata[0][1] == "none (no deliveries)"
    assert trace.customdata[1][:2] == ["2013", "3"]


def test_yearly_lines_fill_years_without_deliveries_with_zero():
    tiv = _tiv()
    fig = arms.yearly_lines(
        tiv,
        NAMES,
        recipient="pakistan",
        others=["china", "united_states"],
        title="t",
        caption="c",
        published=2013,
        first_year=2010,
        last_year=2014,
    )
    ax = fig.axes[0]
    china, usa = ax.lines[:2]
    assert list(usa.get_ydata()) == [40, 30, 0, 10, 0]
    assert list(china.get_ydata()) == [50] * 5
    assert [line.get_label() for line in (china, usa)] == ["China", "United States"]
    assert ax.get_ylabel() == "SIPRI TIV (millions)"
    plotly_fig = arms.yearly_lines_plotly(
        tiv,
        NAMES,
        supplier="china",
        others=["myanmar"],
        title="t",
        caption="c",
        published=2013,
        first_year=2010,
        last_year=2014,
    )
    assert list(plotly_fig.data[0].y) == [15, 15, 5, 1, 1]


def test_yearly_lines_need_exactly_one_side():
    tiv = _tiv()
    with pytest.raises(ValueError, match="exactly one"):
        arms.yearly_lines(
            tiv,
            NAMES,
            supplier="china",
            recipient="pakistan",
            others=[],
            title="t",
            caption="c",
            published=2013,
            first_year=2010,
            last_year=2014,
        )
