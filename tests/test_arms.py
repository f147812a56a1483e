"""marchwest.arms and the arms chart specs on small synthetic SIPRI rows (columns as in data/README.md)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from marchwest import arms, sipri
from marchwest.plot import arms as charts
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
    table = arms.published_vs_computed(published, _tiv(), labels=NAMES)
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
    table = arms.orders_overview(orders, labels=NAMES)
    assert list(table.columns) == ["2-year window", "5-year window"]
    assert list(table.index) == [2011, 2014]
    assert table.loc[2011, "2-year window"] == "2010\u201311: Pakistan, Bangladesh, Myanmar  \u2713"
    assert table.loc[2014, "5-year window"] == "2010\u201314: Pakistan, Bangladesh, Algeria  \u2717"


def test_window_bars_marks_the_articles_three_and_shows_the_rest_grey():
    totals = sipri.window_totals(_tiv(), "china", 2013, 2014)
    statement = arms.ranking_statement(_article_ranks())
    spec = charts.window_bars(
        totals,
        statement,
        labels=NAMES,
        window=arms.window_label(2013, 2014),
        caption="Source: synthetic",
        top=2,
    )
    marks = spec.marks.set_index("category")
    # top two plus Myanmar (named by the article although 4th), largest first
    assert list(marks.index) == ["1. Pakistan", "2. Bangladesh", "4. Myanmar"]
    assert marks.loc["4. Myanmar", "colour"] == entity_colour("myanmar")
    assert marks.loc["4. Myanmar", "text"] == "2  (1.0 %)   article's no. 3"  # 2 of 202
    assert QUOTE in marks.loc["1. Pakistan", "hover"]
    assert spec.x_label == "SIPRI TIV (millions)" and spec.caption == "Source: synthetic"
    assert spec.layout.x_max == 100 * charts.LABEL_ROOM  # Pakistan's 100
    assert "1. Pakistan 100 (49.5 %) article's no. 1" in spec.description
    assert "2013\u201314" in spec.title and "in 2013\u201314 (SIPRI TIV" in spec.description
    full = charts.window_bars(totals, statement, labels=NAMES, window="x", caption="c", top=4)
    algeria = full.marks.set_index("category").loc["3. Algeria"]
    assert algeria["colour"] == OTHER_COLOUR and "not named by the article" in algeria["hover"]


def test_rank_paths_draw_missing_ranks_at_the_bottom():
    ranks = sipri.window_ranks(
        _tiv(),
        "china",
        ["algeria", "myanmar", "india"],
        window_lengths=[1, 2],
        years=[2011, 2012, 2013],
    )
    spec = charts.rank_paths(
        ranks,
        ["algeria", "myanmar", "india"],
        labels=NAMES,
        title="t",
        caption="c",
        published=dt.date(2013, 8, 1),
        worst=3,
    )
    marks = spec.marks
    assert list(dict.fromkeys(marks["panel"])) == ["1-year windows", "2-year windows"]
    one = marks[marks["panel"] == "1-year windows"].groupby("series")
    assert one["x"].apply(list)["Algeria"] == [2011, 2012, 2013]
    assert one["y"].apply(list)["Algeria"] == [3, 3, 3]  # none in 2011, 4th in 2012, 3rd in 2013
    assert one["y"].apply(list)["Myanmar"] == [3, 3, 3]  # 3rd, 4th, 4th: 4th is drawn as "3+"
    assert one["y"].apply(list)["India"] == [3, 3, 3]  # never supplied
    assert "rank none (no deliveries)" in one["hover"].apply(list)["Algeria"][0]
    assert spec.layout.y_ticks[1][-1] == "3+"
    assert [(a.kind, a.x) for a in spec.annotations] == [("vline", 2012), ("span", 2012.5)]
    assert spec.annotations[0].text == "last window\nbefore 2013"


def test_yearly_lines_fill_years_without_deliveries_with_zero():
    yearly = arms.yearly_tiv(
        _tiv(),
        recipient="pakistan",
        others=["china", "united_states"],
        first_year=2010,
        last_year=2014,
    )
    spec = charts.yearly_lines(
        yearly, labels=NAMES, title="t", caption="c", published=dt.date(2013, 8, 18)
    )
    lines = spec.marks.groupby("series", sort=False)["y"].apply(list)
    assert lines.to_dict() == {"China": [50] * 5, "United States": [40, 30, 0, 10, 0]}
    assert spec.y_label == "SIPRI TIV (millions)"
    (article,) = spec.annotations
    assert 2013.6 < article.x < 2013.7 and article.text == "article\n(Aug 2013)"
    assert "China 250 million in all" in spec.description


def test_yearly_tiv_needs_exactly_one_side():
    with pytest.raises(ValueError, match="exactly one"):
        arms.yearly_tiv(
            _tiv(),
            supplier="china",
            recipient="pakistan",
            others=[],
            first_year=2010,
            last_year=2014,
        )
