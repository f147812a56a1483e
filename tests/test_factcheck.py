"""marchwest.factcheck and the fact-check chart spec and table on small synthetic claims and sources (columns as in data/README.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from marchwest import factcheck
from marchwest.plot import factcheck as charts
from marchwest.plot.contrast import darkened
from marchwest.plot.style import VERDICT_COLOURS
from marchwest.schema import VERDICTS


def _claims() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "claim_id": ["c3", "c1", "c2", "c4"],
            "topic": ["dates", "names", "arms", "names"],
            "verdict": ["contradicted", "imprecise", "supported", "contradicted"],
            "evidence": ["in June 2019", "Common Security <Treaty>", "Pakistan is first", "BLO"],
            "reference": ["23 July 2019", "Collective Security Treaty", "Pakistan 37 %", "BLA"],
            "source_id": ["xinhua", "wiki", "sipri", "supchina"],
            "origin": "article",
        }
    )


def _sources() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": ["xinhua", "wiki", "sipri", "supchina"],
            "title": ["Xinhua & co", "CSTO <page>", "SIPRI fact sheet", "SupChina"],
            "url": ["https://x.example/a?b=1&c=2", 'https://w.example/"q"', "", None],
        }
    )


def test_claims_per_verdict_lists_every_verdict_in_order():
    counts = factcheck.claims_per_verdict(_claims())
    assert counts["verdict"].tolist() == list(VERDICTS)
    assert dict(zip(counts["verdict"], counts["claims"], strict=True)) == {
        "supported": 1,
        "imprecise": 1,
        "contradicted": 2,
        "unverified": 0,
    }


def test_claims_per_verdict_rejects_an_unknown_verdict():
    claims = _claims()
    claims.loc[0, "verdict"] = "false"
    with pytest.raises(ValueError, match="unknown verdict.*false"):
        factcheck.claims_per_verdict(claims)


def test_by_verdict_orders_claims_by_verdict_then_topic():
    ordered = factcheck.by_verdict(_claims())
    assert ordered["claim_id"].tolist() == ["c2", "c1", "c3", "c4"]
    assert ordered["verdict"].dtype == _claims()["verdict"].dtype  # values untouched


def test_verdict_bars_draw_one_block_per_claim_in_verdict_order():
    spec = charts.verdict_bars(_claims(), caption="Sources: synthetic")
    marks = spec.marks
    assert list(dict.fromkeys(marks["category"])) == list(VERDICTS)
    assert marks.groupby("category")["value"].sum().to_dict() == {
        "supported": 1,
        "imprecise": 1,
        "contradicted": 2,
        "unverified": 0,
    }
    contradicted = marks[marks["category"] == "contradicted"]
    assert set(contradicted["colour"]) == {VERDICT_COLOURS["contradicted"]}
    assert set(contradicted["text"]) == {"2"}
    imprecise = marks.loc[marks["category"] == "imprecise", "hover"].iloc[0]
    assert "Article: Common Security <Treaty>" in imprecise  # escaped by the plotly renderer
    assert "Reference: Collective Security Treaty" in imprecise
    assert spec.title == "The article's 4 checked claims, by verdict"
    assert "1 supported, 1 imprecise, 2 contradicted, 0 unverified" in spec.description
    assert spec.caption == "Sources: synthetic"


def test_verdict_bars_reject_an_unknown_verdict():
    with pytest.raises(ValueError, match="unknown verdict"):
        charts.verdict_bars(_claims().assign(verdict="maybe"), caption="c")


def test_disagreements_pair_the_articles_words_with_the_reference_and_source():
    table = factcheck.disagreements(_claims(), _sources())
    assert table["claim_id"].tolist() == ["c3", "c4", "c1"]  # contradicted first, then imprecise
    first = table.iloc[0]
    assert (first["article"], first["reference"], first["source"]) == (
        "in June 2019",
        "23 July 2019",
        "Xinhua & co",
    )
    assert first["url"] == "https://x.example/a?b=1&c=2"
    assert "c2" not in set(table["claim_id"])


def test_disagreements_name_a_claim_with_an_unknown_source():
    sources = _sources().iloc[1:]
    with pytest.raises(ValueError, match="claim 'c3': source_id 'xinhua' is not in sources"):
        factcheck.disagreements(_claims(), sources)


def test_styled_table_escapes_every_cell_and_links_sources():
    html = charts.styled_table(
        factcheck.disagreements(_claims(), _sources()), table_id="claims"
    ).to_html()
    assert "Common Security &lt;Treaty&gt;" in html
    assert "<Treaty>" not in html and "<page>" not in html
    assert '<a href="https://x.example/a?b=1&amp;c=2">Xinhua &amp; co</a>' in html
    assert '<a href="https://w.example/&quot;q&quot;">CSTO &lt;page&gt;</a>' in html
    assert ">SupChina<" in html  # no url: the title alone, no empty link
    assert 'id="T_claims"' in html
    assert 'class="data row0 col1 verdict-contradicted"' in html
    assert f"color: {darkened(VERDICT_COLOURS['contradicted'])}" in html


def test_styled_table_is_the_same_on_every_call():
    frame = factcheck.disagreements(_claims(), _sources())
    first = charts.styled_table(frame, table_id="t").to_html()
    assert first == charts.styled_table(frame, table_id="t").to_html()


def test_an_unverified_claim_without_a_source_says_so():
    claims = pd.concat(
        [
            _claims(),
            pd.DataFrame(
                {
                    "claim_id": ["c5"],
                    "topic": ["geography"],
                    "verdict": ["unverified"],
                    "evidence": ["80 percent"],
                    "reference": ["no source read gives the share"],
                    "source_id": [pd.NA],
                    "origin": "reference",
                }
            ),
        ],
        ignore_index=True,
    )
    table = factcheck.disagreements(claims, _sources(), verdicts=["unverified"])
    assert list(table["claim_id"]) == ["c5"]
    assert table.loc[0, "source"] == factcheck.NO_SOURCE


def test_agreement_and_kappa_of_a_hand_computed_example():
    # 50 items: both "yes" 20, first yes/second no 5, first no/second yes 10, both "no" 15.
    # p_o = 35/50 = 0.7; p_e = (25/50)(30/50) + (25/50)(20/50) = 0.5; kappa = 0.2/0.5 = 0.4.
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    result = factcheck.agreement(first, second)
    assert (result.items, result.equal) == (50, 35)
    assert result.share_equal == pytest.approx(0.7)
    assert result.kappa == pytest.approx(0.4)
    assert factcheck.agreement(first, first).kappa == 1


def test_agreement_refuses_readings_it_cannot_compare():
    with pytest.raises(ValueError, match="same items: 2 and 1"):
        factcheck.agreement(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="same items: 0 and 0"):
        factcheck.agreement([], [])
    with pytest.raises(ValueError, match="undefined"):
        factcheck.agreement(["a", "a"], ["a", "a"])


def test_confusion_lists_every_label_with_agreement_on_the_diagonal():
    counts = factcheck.confusion(
        ["supported", "imprecise", "supported"],
        ["supported", "contradicted", "supported"],
        list(VERDICTS),
    )
    assert list(counts.index) == list(counts.columns) == list(VERDICTS)
    assert counts.loc["supported", "supported"] == 2
    assert counts.loc["imprecise", "contradicted"] == 1
    assert counts.to_numpy().sum() == 3
    with pytest.raises(ValueError, match="unknown label.*'maybe'"):
        factcheck.confusion(["maybe"], ["supported"], list(VERDICTS))


def test_reading_disagreements_finds_a_verdict_or_a_kind_that_differs():
    readings = pd.DataFrame(
        {
            "claim_id": ["same", "verdict", "kind", pd.NA, pd.NA],
            "outcome_id": [pd.NA, pd.NA, pd.NA, "outcome_same", "outcome_differs"],
            "kind": ["fact", "fact", "fact", pd.NA, pd.NA],
            "verdict": ["supported", "imprecise", "supported", "partly", "did not"],
            "first_kind": ["fact", "fact", "expectation", pd.NA, pd.NA],
            "first_verdict": ["supported", "supported", "supported", "partly", "unverified"],
        },
        dtype="string",
    )
    for column in ("kind", "verdict", "first_kind", "first_verdict"):  # as the table has them
        readings[column] = readings[column].astype("category")
    differ = factcheck.reading_disagreements(readings)
    assert differ["read"].tolist() == ["verdict", "kind", "outcome_differs"]
