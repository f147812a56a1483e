"""marchwest.hindsight: the article's expectations joined with their outcomes and sources."""

from __future__ import annotations

import datetime as dt
import io
import textwrap

import pandas as pd
import pytest
from _ledgers import added

import marchwest
from marchwest.hindsight import expectations_and_outcomes, verdict_counts
from marchwest.ledger import dates
from marchwest.schema import OUTCOME_VERDICTS

PUBLISHED = dt.date(2019, 8, 18)


def joined(ledger: marchwest.Ledger) -> pd.DataFrame:
    return expectations_and_outcomes(ledger.claims(), ledger.outcomes(), ledger.sources())


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return joined(marchwest.loaders.bundled())


def test_every_bundled_outcome_is_in_the_frame_once(bundled):
    outcomes = marchwest.outcomes()
    answered = bundled[bundled["outcome_id"].notna()]
    assert sorted(answered["outcome_id"]) == sorted(outcomes["outcome_id"])
    assert len(outcomes) >= 9  # 11 less the two of sco_cica_security_platforms, now a fact


def test_every_bundled_outcome_traces_to_a_claim_with_the_articles_words(bundled):
    text = marchwest.article().raw
    answered = bundled[bundled["outcome_id"].notna()]
    assert set(answered["kind"]) <= {"expectation", "rumour"}
    for evidence in answered["evidence"]:
        assert evidence and evidence in text


def test_every_decided_outcome_rests_on_a_source_published_after_the_article(bundled):
    answered = bundled[bundled["outcome_id"].notna()]
    decided = answered[answered["verdict"] != "unverified"]
    assert len(decided) >= 8
    assert decided["source_id"].notna().all()
    for _, row in answered[answered["source_id"].notna()].iterrows():
        assert dates.parse(row["source_published"]).start > PUBLISHED, row["outcome_id"]
        assert row["source_url"].startswith(("https://", "http://")), row["source_id"]
        assert row["source_title"] and row["source_publisher"]


def test_every_bundled_outcome_weighs_the_evidence_against(bundled):
    """Each outcome cites the sources against its verdict, or says none was found."""
    answered = bundled[bundled["outcome_id"].notna()]
    sources = set(marchwest.sources()["source_id"])
    weighed = 0
    for _, row in answered.iterrows():
        assert set(row["for_source_ids"]) | set(row["against_source_ids"]) <= sources
        if row["against_source_ids"]:
            weighed += 1
            assert "Against" in row["summary"], row["outcome_id"]
            assert row["sources_against"].count(" (") >= len(row["against_source_ids"])
        else:
            assert "none found after searching" in row["summary"], row["outcome_id"]
    assert weighed >= 6


def test_every_forward_looking_claim_has_a_row(bundled):
    claims = marchwest.claims()
    forward = claims.loc[claims["kind"].isin(["expectation", "rumour"]), "claim_id"]
    assert set(bundled["claim_id"]) == set(forward)
    assert {"beidou_reduce_gps_reliance", "cpec_afghanistan_central_asia"} <= set(
        bundled["claim_id"]
    )


def _ledger(make_ledger, outcomes: str, sources: str = "") -> marchwest.Ledger:
    claims = added(
        "facts/claims.yaml",
        """
        - claim_id: cpec_rumour
          topic: outlook
          quote: Other rumoured plans for CPEC include linking the transport corridor to Afghanistan
          reference: A rumour.
          verdict: unverified
          kind: rumour
          as_of: "2019-08-18"
        - claim_id: pan_turkic
          topic: outlook
          quote: the emergence of a new pan-Turkic pole in the region
          reference: A scenario.
          verdict: unverified
          kind: expectation
          as_of: "2019-08-18"
        """,
    )
    files = claims | added("external/sources.yaml", sources)
    files["external/outcomes.yaml"] = textwrap.dedent(outcomes)
    return marchwest.load(make_ledger(files))


OUTCOMES = """\
    - outcome_id: base_later
      claim_id: new_base_expected
      summary: Later.
      verdict: partly
      as_of: "2022"
      date: "2022"
      source_id: ref_one
    - outcome_id: base_undated
      claim_id: new_base_expected
      summary: Nothing found.
      verdict: unverified
      as_of: "2021"
    - outcome_id: base_earlier
      claim_id: new_base_expected
      summary: Earlier.
      verdict: happened
      as_of: "2021"
      date: 2020-03/2020-05
      date_precision: part of year
      source_id: ref_one
    - outcome_id: rumour_done
      claim_id: cpec_rumour
      summary: It happened.
      verdict: happened
      as_of: "2020"
      date: "2020"
      source_id: ref_one
    """


def test_rows_follow_the_article_then_the_outcome_dates(make_ledger):
    frame = joined(_ledger(make_ledger, OUTCOMES))
    # The rumour stands before "What's next" in the article; undated outcomes come last.
    assert list(frame["outcome_id"].fillna("-")) == [
        "rumour_done",
        "base_earlier",
        "base_later",
        "base_undated",
        "-",
    ]
    assert list(frame["claim_id"]) == [
        "cpec_rumour",
        "new_base_expected",
        "new_base_expected",
        "new_base_expected",
        "pan_turkic",
    ]
    row = frame.iloc[1]
    assert row["date_start"] == pd.Timestamp("2020-03-01")
    assert row["date_end"] == pd.Timestamp("2020-05-31")
    assert row["source_title"] == "A reference work"
    assert row["source_url"] == "https://example.org/one"
    assert row["source_published"] == "2020"
    assert row["evidence"].startswith("there is an increasing likelihood")
    assert "top_destination" not in set(frame["claim_id"])  # a fact has no outcome


def test_a_claim_without_outcomes_has_one_empty_row(make_ledger):
    frame = joined(_ledger(make_ledger, OUTCOMES))
    empty = frame[frame["claim_id"] == "pan_turkic"]
    assert len(empty) == 1
    assert empty[["outcome_id", "summary", "source_id", "source_title"]].isna().all(axis=None)


def test_verdicts_are_ordered_and_counted(make_ledger):
    frame = joined(_ledger(make_ledger, OUTCOMES))
    assert list(frame["verdict"].cat.categories) == list(OUTCOME_VERDICTS)
    assert frame["verdict"].cat.ordered
    counts = verdict_counts(frame)
    assert list(counts["verdict"]) == list(OUTCOME_VERDICTS)
    assert counts.set_index("verdict")["outcomes"].to_dict() == {
        "happened": 2,
        "partly": 1,
        "not yet": 0,
        "did not": 0,
        "unverified": 1,
    }
    assert counts.set_index("verdict")["claims"].to_dict() == {
        "happened": 2,
        "partly": 1,
        "not yet": 0,
        "did not": 0,
        "unverified": 1,
    }


def test_verdict_counts_of_a_frame_without_outcomes_are_zero(make_ledger):
    frame = joined(_ledger(make_ledger, "[]\n"))
    assert frame["outcome_id"].isna().all()
    counts = verdict_counts(frame)
    assert list(counts["verdict"]) == list(OUTCOME_VERDICTS)
    assert (counts[["outcomes", "claims"]] == 0).all(axis=None)


def test_the_frame_is_new_each_call(bundled):
    bundled.loc[0, "summary"] = "changed"
    assert joined(marchwest.loaders.bundled()).loc[0, "summary"] != "changed"


def test_the_timeline_draws_each_dated_outcome_in_its_verdicts_colour(make_ledger):
    from marchwest.plot import figure
    from marchwest.plot.hindsight import outcome_timeline
    from marchwest.plot.style import OUTCOME_COLOURS

    frame = joined(_ledger(make_ledger, OUTCOMES))
    spec = outcome_timeline(frame, published=PUBLISHED, title="What next", caption="Sources.")
    marks = spec.marks
    assert spec.kind == "timeline"
    assert list(marks["outcome_id"]) == ["rumour_done", "base_earlier", "base_later"]
    assert list(marks["line"]) == [0, 1, 2]
    assert list(marks["colour"]) == [
        OUTCOME_COLOURS["happened"],
        OUTCOME_COLOURS["happened"],
        OUTCOME_COLOURS["partly"],
    ]
    assert list(marks["shape"]) == ["bar", "bar", "bar"]  # a year, part of a year, a year
    earlier = marks.iloc[1]
    assert earlier["start"] == pd.Timestamp("2020-03-01")
    assert earlier["end"] == pd.Timestamp("2020-06-01")  # the day after the last day
    assert "Earlier." in earlier["hover"] and "A reference work" in earlier["hover"]
    assert "increasing likelihood" in earlier["hover"]  # the article's words
    # The undated outcome is named, not drawn; the claim without an outcome is neither.
    assert spec.caption.startswith("Not drawn, no date: \u201c")
    assert spec.caption.endswith("Sources.")
    assert ": Earlier. (2020-03/2020-05, happened)" in spec.description
    # Rows are labelled with the article's words, not ids, then the verdict (and which outcome).
    assert all(label.startswith("\u201c") for label in marks["label"])
    assert [label.rsplit(" (", 1)[1] for label in marks["label"]][1:] == [
        "happened, 1 of 2)",
        "partly, 2 of 2)",
    ]
    assert "18 August 2019" in spec.description
    assert spec.layout.panels[0].left < pd.Timestamp(PUBLISHED)
    figure(spec).savefig(io.BytesIO(), format="png")
    drawn = [trace for trace in figure(spec, "plotly").data if list(trace.y) != [None]]
    assert [trace.name for trace in drawn] == ["happened", "partly"]  # the verdicts, in order


def test_the_outcome_table_links_each_source_and_leaves_out_unanswered_claims(make_ledger):
    from marchwest.hindsight import outcome_table, unanswered

    frame = joined(_ledger(make_ledger, OUTCOMES))
    table = outcome_table(frame)
    assert list(table.columns) == [
        "expectation",
        "what happened",
        "verdict",
        "as_of",
        "date",
        "source",
        "url",
        "more sources",
        "sources against",
    ]
    assert list(table["verdict"]) == ["happened", "happened", "partly", "unverified"]
    assert table.loc[0, "source"] == "A reference work (Someone, 2020)"
    assert table.loc[3, "source"] == "no source found" and pd.isna(table.loc[3, "url"])
    assert table.loc[3, "date"] == ""
    assert set(table["more sources"]) == {"none"}
    assert set(table["sources against"]) == {"none found"}
    assert list(unanswered(frame)["claim_id"]) == ["pan_turkic"]


def test_the_sources_for_and_against_an_outcome_are_named(make_ledger):
    from marchwest.hindsight import outcome_table

    second = """\
        - source_id: ref_two
          title: A second view
          publisher: Elsewhere
          url: https://example.org/two
          published: "2021-05"
          terms: unknown
        """
    lists = "      for_source_ids: [ref_one]\n      against_source_ids: [ref_two, ref_one]\n"
    outcomes = OUTCOMES.replace('      date: "2022"\n', '      date: "2022"\n' + lists)
    frame = joined(_ledger(make_ledger, outcomes, second))
    later = frame.set_index("outcome_id").loc["base_later"]
    assert later["for_source_ids"] == ["ref_one"]
    assert later["against_source_ids"] == ["ref_two", "ref_one"]
    assert later["more_sources"] == "A reference work (Someone, 2020)"
    assert later["sources_against"] == (
        "A second view (Elsewhere, 2021-05); A reference work (Someone, 2020)"
    )
    table = outcome_table(frame).set_index("what happened")
    assert table.loc["Later.", "sources against"].startswith("A second view (Elsewhere")
    assert table.loc["Earlier.", "sources against"] == "none found"


def test_a_long_expectation_is_cut_between_words():
    from types import SimpleNamespace

    from marchwest.plot.hindsight import _label
    from marchwest.plot.style import LABEL_LIMIT, short

    quote = "Beidou will \u2018reduce\u2019 military reliance on the US-owned Global Positioning"
    label = _label(SimpleNamespace(evidence=quote, verdict="partly"), "1 of 2")
    assert (
        label
        == "\u201cBeidou will \u2018reduce\u2019 military reliance\u2026\u201d (partly, 1 of 2)"
    )
    long = _label(SimpleNamespace(evidence="word " * 40, verdict="not yet"))
    assert long.endswith("word\u2026\u201d (not yet)")
    # The renderers cut a label at LABEL_LIMIT: the verdict and "1 of 2" must fit inside it,
    # or two outcomes of one expectation get the same label.
    for text in (label, long):
        assert len(text) <= LABEL_LIMIT and short(text) == text
