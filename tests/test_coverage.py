"""Sentences, coverage (every sentence cited or explained), the claims' verdict rules and the
outcomes table's rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from _cli import run
from _ledgers import MINIMAL, added, assert_one_problem, case, changed

import marchwest
from marchwest import sentences
from marchwest.ledger import dates
from marchwest.ledger import spans as sentence_spans
from marchwest.schema import TABLES


def texts(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans.split(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Titles and initials do not end a sentence.
        (
            "They met Gen. Zubair Mahmood Hayat in July. It went well.",
            ["They met Gen. Zubair Mahmood Hayat in July.", "It went well."],
        ),
        (
            "The U.S. alliances in Asia may be at risk. The U.S. Navy patrols.",
            ["The U.S. alliances in Asia may be at risk.", "The U.S. Navy patrols."],
        ),
        # An acronym is a word like any other.
        ("It met in Beijing. PRC officials came.", ["It met in Beijing.", "PRC officials came."]),
        # A closing quote after the full stop, or before it, stays with its sentence.
        (
            "It is the only \u2018all-weather strategic partner\u2019. Since April, ties grew.",
            [
                "It is the only \u2018all-weather strategic partner\u2019.",
                "Since April, ties grew.",
            ],
        ),
        (
            "Xi spoke of the \u201cShanghai spirit.\u201d The SCO grew.",
            ["Xi spoke of the \u201cShanghai spirit.\u201d", "The SCO grew."],
        ),
        # Glued words hold no sentence end; a lower-case word after a full stop goes on.
        (
            "Pakistan is China\u2019s largestdefence customer. A white paper,China\u2019s own, e.g. this.",
            [
                "Pakistan is China\u2019s largestdefence customer.",
                "A white paper,China\u2019s own, e.g. this.",
            ],
        ),
        # Sentences start with a digit or an opening quote too; white space is trimmed.
        (
            "  It grew.\u00a0 30 countries joined. \u2018Leaning\u2019 was the word.  ",
            ["It grew.", "30 countries joined.", "\u2018Leaning\u2019 was the word."],
        ),
    ],
)
def test_split(text, expected):
    assert texts(text) == expected


def test_split_gives_spans_into_the_page():
    article = marchwest.article()
    paragraph = article.paragraphs[2]
    spans = sentence_spans.split(paragraph.text, paragraph.start)
    found = [article.raw[a:b] for a, b in spans]
    assert len(found) == 4
    assert found[1].startswith("PRC officials Wang Qishan") and "Gen. Zubair" in found[1]
    assert found[1].endswith("anti-terrorism and security cooperation.")


def test_the_article_sentences():
    frame = marchwest.coverage()
    body = frame[frame["part"] == "body"]
    assert len(body) == 81 and list(body["paragraph"].unique()) == list(range(1, 26))
    assert list(frame["part"].head(4)) == ["title", "byline", "body", "body"]
    assert (frame["part"] == "heading").sum() == len(marchwest.article().sections)
    raw = marchwest.article().raw
    assert [raw[a:b] for a, b in zip(frame["char_start"], frame["char_end"], strict=True)] == list(
        frame["text"]
    )
    text = dict(
        zip(zip(body["paragraph"], body["sentence"], strict=True), body["text"], strict=True)
    )
    assert text[21, 2].startswith("The U.S. alliances in Asia")
    assert text[7, 2] == "Pakistan is China\u2019s largestdefence customer and transfer recipient."
    assert text[4, 1].endswith("\u2018all-weather strategic partner\u2019.")


def test_the_bundled_article_has_no_uncovered_sentence():
    frame = marchwest.coverage()
    assert not (frame["status"] == "uncovered").any(), frame[frame["status"] == "uncovered"]
    explained = frame[frame["status"] == "explained"]
    assert explained["reason"].notna().all() and explained["row_ids"].map(len).eq(0).all()
    cited = frame[frame["status"] == "cited"]
    assert cited["row_ids"].map(len).gt(0).all()
    first = frame.set_index(["paragraph", "sentence"]).loc[(5, 4), "row_ids"]
    assert "claims:pakistan_top_arms_destination" in first
    named = frame[frame["status"] == "named"]
    assert named["row_ids"].map(len).eq(0).all() and named["name_ids"].map(len).gt(0).all()
    assert named["reason"].isna().all()


def test_the_bundled_article_has_no_named_only_sentence():
    frame = marchwest.coverage()
    assert set(frame["status"]) == {"cited", "explained"}, sentences.not_covered_report(frame)
    result = run("coverage")
    assert result.returncode == 0 and result.stdout.count("\n") == 1, result.stdout
    assert result.stdout.endswith("not covered: 0 named only, 0 uncovered\n")


def test_coverage_of_a_ledger_that_lacks_rows(make_ledger):
    ledger = marchwest.load(make_ledger())
    frame = ledger.coverage()
    status = dict(zip(frame["text"], frame["status"], strict=True))
    assert status[next(t for t in status if t.startswith("Pakistan is Beijing"))] == "cited"
    strategic = next(t for t in status if t.startswith("Strategic ties between China"))
    assert status[strategic] == "explained"
    assert status["Pakistan is China\u2019s largestdefence customer and transfer recipient."] == (
        "uncovered"
    )
    row = frame[frame["text"].str.startswith("Pakistan is Beijing")].iloc[0]
    assert set(row["row_ids"]) == {"arms_transfers[0]", "claims:top_destination"}
    assert (frame["status"] == "uncovered").sum() == 78
    # The same rows hand out new lists each call.
    frame.loc[0, "row_ids"].append("x")
    assert "x" not in ledger.coverage().loc[0, "row_ids"]


def test_a_sentence_whose_rows_only_name_what_it_speaks_of_is_named_not_cited(make_ledger):
    # The entity row of Pakistan quotes this sentence; no row records what it says.
    frame = marchwest.load(make_ledger()).coverage()
    row = frame[frame["text"].str.startswith("China\u2019s deep relationship")].iloc[0]
    assert (row["status"], row["row_ids"], row["name_ids"]) == ("named", [], ["entities:pakistan"])
    # A row that records what the sentence says makes it cited; the names stay listed.
    claim = """
        - claim_id: anchored
          kind: assessment
          reference: none found
          verdict: unverified
          as_of: "2019-08-18"
          quote: China's deep relationship with Pakistan is anchored by security.
        """
    frame = marchwest.load(make_ledger(added("facts/claims.yaml", claim))).coverage()
    row = frame[frame["text"].str.startswith("China\u2019s deep relationship")].iloc[0]
    assert (row["status"], row["row_ids"], row["name_ids"]) == (
        "cited",
        ["claims:anchored"],
        ["entities:pakistan"],
    )


def test_every_table_with_evidence_either_records_content_or_names_or_cites_nothing():
    quoting = {name for name, table in TABLES.items() if table.provenance}
    kinds = (sentence_spans.RECORDS_CONTENT, sentence_spans.NAMES, sentence_spans.NOT_CITING)
    assert sorted(quoting) == sorted(name for kind in kinds for name in kind)


def test_coverage_command_lists_the_sentences_not_covered(make_ledger):
    result = run("coverage", str(make_ledger()))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == (
        "88 sentences: 7 cited, 1 explained; not covered: 2 named only, 78 uncovered"
    )
    assert (
        "China-Pakistan Security Ties / paragraph 7, sentence 2 [3945-4012]: Pakistan is China\u2019s"
        " largestdefence customer and transfer recipient." in lines
    )
    assert (
        "Part Two: Pakistan, CPEC, and Central Asia / paragraph 3, sentence 1 [624-688] named only"
        " by entities:pakistan: China\u2019s deep relationship with Pakistan is anchored by"
        " security." in lines
    )
    assert lines[0].startswith("(no section) / title [22-90]: China\u2019s International")


def uncited_row(article, reason: str, start: int, end: int) -> str:
    """An uncited row quoting the sentence at start..end (its occurrence picked by position)."""
    text = article.raw[start:end]
    occurrence = next(n for n in range(1, 99) if article.find(text, n)[0] == start)
    return f"- reason: {reason}\n  quote: {json.dumps(text)}\n  occurrence: {occurrence}\n"


# The MINIMAL rows that record content (and the rows that refer to them), left out.
WITHOUT_CONTENT = dict.fromkeys(
    [
        *(f"facts/{name}.yaml" for name in ("events", "memberships", "arms_transfers")),
        *("facts/figures.yaml", "facts/claims.yaml", "external/events.yaml"),
        "external/outcomes.yaml",
        "external/second_readings.yaml",
    ]
)


def test_a_ledger_whose_only_gap_is_a_named_sentence_fails_the_coverage_command(make_ledger):
    # Every sentence explained but one, which only the entity row of Pakistan quotes.
    article = marchwest.article()
    start, _ = article.find("China's deep relationship with Pakistan is anchored by security.")
    rows = [
        uncited_row(
            article, "heading" if part in sentence_spans.HEADING_PARTS else "transition", a, b
        )
        for part, *_, a, b in sentence_spans.of_article(article)
        if not a <= start < b
    ]
    root = make_ledger({**WITHOUT_CONTENT, "facts/uncited.yaml": "".join(rows)})
    result = run("coverage", str(root))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and "[624-688] named only by entities:pakistan:" in lines[0], lines
    assert lines[1] == "88 sentences: 0 cited, 87 explained; not covered: 1 named only, 0 uncovered"


def test_coverage_command_on_the_bundled_ledger_and_validate_totals():
    result = run("coverage")
    frame = marchwest.coverage()
    assert result.returncode == int(frame["status"].isin(sentences.NOT_COVERED).any())
    assert result.stdout.endswith(f"{sentences.totals(frame)}\n"), result.stdout
    assert result.stdout.count("\n") == 1 + frame["status"].isin(sentences.NOT_COVERED).sum()
    validate = run("validate", "--force")
    assert f"coverage: {sentences.totals(frame)}" in validate.stdout and validate.returncode == 0


UNCITED = "facts/uncited.yaml"
CLAIMS = "facts/claims.yaml"
OUTCOMES = "external/outcomes.yaml"
DATED = "external/outcomes.yaml, line 7 (row 1), field 'source_id': source 'ref_one' is dated"
AFTER = "a hindsight verdict rests on a source published after the article (2019-08-18)"

# Each bad input (the files changed) and the one problem it makes, as it is written.
ONE_PROBLEM = [
    # An uncited row explains one sentence that holds no fact, in the part of the page it names.
    case(
        "uncited-heading-in-a-paragraph",
        added(UNCITED, "- reason: heading\n  quote: largestdefence customer\n"),
        "facts/uncited.yaml, line 4 (row 2), field 'reason': reason 'heading': the sentence"
        " stands in a paragraph, not in the title, the byline or a section heading",
    ),
    case(
        "uncited-section-heading-as-framing",
        added(UNCITED, "- reason: framing\n  quote: What\u2019s next\n"),
        "facts/uncited.yaml, line 4 (row 2), field 'reason':"
        " reason 'framing': a section heading is explained as 'heading'",
    ),
    case(
        "uncited-byline-as-transition",
        added(UNCITED, "- reason: transition\n  quote: by Matthew Johnson\n"),
        "facts/uncited.yaml, line 4 (row 2), field 'reason':"
        " reason 'transition': the byline is explained as 'heading'",
    ),
    case(
        "uncited-sentence-holding-a-fact",
        added(UNCITED, "- reason: transition\n  quote: followed by Bangladesh and Myanmar\n"),
        "facts/uncited.yaml, line 4 (row 2), field 'reason': reason 'transition': the sentence"
        " holds a fact, recorded by arms_transfers[0], claims:top_destination; an uncited row"
        " explains a sentence that holds none",
    ),
    case(
        "uncited-quote-over-two-sentences",
        added(UNCITED, "- reason: repetition\n  quote: anchored by security. PRC officials\n"),
        "facts/uncited.yaml, line 5 (row 2), field 'quote':"
        " the quote runs over 2 sentences: it explains one",
    ),
    # ... and is checked like every row.
    case(
        "uncited-quote-not-found",
        {UNCITED: "- reason: framing\n  quote: no such words\n"},
        "facts/uncited.yaml, line 2 (row 1), field 'quote': …is not in the article…",
    ),
    case(
        "uncited-without-quote",
        {UNCITED: "- reason: framing\n"},
        "facts/uncited.yaml, line 1 (row 1), field 'quote': …needs the article's words…",
    ),
    case(
        "uncited-unknown-reason",
        {UNCITED: "- reason: padding\n  quote: Frequent joint military\n"},
        "facts/uncited.yaml, line 1 (row 1), field 'reason': …'padding' is not…",
    ),
    # A claim needs its kind and as_of.
    case(
        "claim-without-as-of",
        changed(CLAIMS, 'kind: fact\n  as_of: "2019-08-18"\n', "kind: fact\n"),
        "facts/claims.yaml, line 1 (row 1), field 'as_of': …missing field…",
    ),
    case(
        "claim-as-of-not-edtf",
        changed(CLAIMS, 'fact\n  as_of: "2019-08-18"', 'fact\n  as_of: "18 Aug 2019"'),
        "facts/claims.yaml, line 8 (row 1), field 'as_of': …bad date…",
    ),
    case(
        "claim-unknown-kind",
        changed(CLAIMS, "kind: fact", "kind: opinion"),
        "facts/claims.yaml, line 7 (row 1), field 'kind': …'opinion' is not one of…",
    ),
    # An outcome answers a forward-looking claim; a decided verdict needs its source, and a
    # hindsight source is dated after the article.
    case(
        "outcome-of-a-fact",
        changed(OUTCOMES, "claim_id: new_base_expected", "claim_id: top_destination"),
        "external/outcomes.yaml, line 2 (row 1), field 'claim_id': …'top_destination' is a fact:"
        " an outcome answers one of kind expectation or rumour…",
    ),
    case(
        "outcome-of-an-unknown-claim",
        changed(OUTCOMES, "claim_id: new_base_expected", "claim_id: nowhere"),
        "external/outcomes.yaml, line 2 (row 1), field 'claim_id': …unknown id 'nowhere'…",
    ),
    case(
        "decided-outcome-without-source",
        changed(OUTCOMES, "  source_id: ref_one\n", ""),
        "external/outcomes.yaml, line 1 (row 1), field 'source_id':"
        " …'partly' verdict needs the source…",
    ),
    case(
        "outcome-unknown-verdict",
        changed(OUTCOMES, "verdict: partly", "verdict: maybe"),
        "external/outcomes.yaml, line 4 (row 1), field 'verdict':"
        " …'maybe' is not one of: happened…",
    ),
    case(
        "outcome-without-as-of",
        changed(OUTCOMES, '  as_of: "2020"\n', ""),
        "external/outcomes.yaml, line 1 (row 1), field 'as_of': …missing field…",
    ),
    case(
        "outcome-source-of-the-articles-day",
        changed("external/sources.yaml", 'published: "2020"', 'published: "2019-08-18"'),
        f"{DATED} …{AFTER}…",
    ),
    case(
        "outcome-source-of-the-articles-year",
        changed("external/sources.yaml", 'published: "2020"', 'published: "2019"'),
        f"{DATED} …{AFTER}…",
    ),
    case(
        "outcome-source-undated",
        changed("external/sources.yaml", 'published: "2020"', "published:"),
        f"{DATED} …{AFTER}…",
    ),
]


@pytest.mark.parametrize(("files", "problem"), ONE_PROBLEM)
def test_one_bad_row_is_one_problem_naming_file_row_field_and_what(make_ledger, files, problem):
    assert_one_problem(make_ledger(files), problem)


def test_coverage_command_on_an_invalid_ledger(make_ledger):
    root = make_ledger(added(UNCITED, "- reason: x\n"))
    result = run("coverage", str(root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "uncited.yaml, line 4 (row 2)" in result.stdout


def test_the_bundled_claims_follow_the_verdict_policy():
    claims = marchwest.claims()
    article = marchwest.article()
    assert claims["as_of"].notna().all()
    assert (claims["as_of"] == article.published.isoformat()).all()  # the fact-check's date
    decided = claims[claims["verdict"] != "unverified"]
    assert decided["source_id"].notna().all()
    statements = claims[claims["kind"] != "fact"]
    assert set(statements["kind"]) == {"assessment", "expectation", "rumour"}
    for claim_id in (
        "west_relations_strained",
        "cpec_opposition_rising",
        "new_military_base_likelihood",
        "sco_free_trade_zone",
        "cpec_afghanistan_central_asia",
        "pakistan_us_new_signs_of_life",
        "rivalry_pakistan_india",
        "rivalry_iran_israel",
        "rivalry_iran_saudi_arabia",
        "gwadar_crown_jewel",
        "gwadar_string_of_pearls_centrepiece",
        "cpec_main_driver_of_growth",
        "series_part_two",
    ):
        assert claim_id in set(claims["claim_id"]), claim_id


def test_the_bundled_outcomes_follow_the_hindsight_rules():
    outcomes = marchwest.outcomes()
    claims = marchwest.claims().set_index("claim_id")
    sources = marchwest.sources().set_index("source_id")
    published = marchwest.article().published
    assert outcomes["as_of"].notna().all()
    assert set(claims.loc[outcomes["claim_id"], "kind"]) <= {"expectation", "rumour"}
    decided = outcomes[outcomes["verdict"] != "unverified"]
    assert decided["source_id"].notna().all()
    for source in outcomes["source_id"].dropna():
        assert dates.parse(sources.loc[source, "published"]).start > published


def test_an_outcome_loads(make_ledger):
    outcomes = marchwest.load(make_ledger()).outcomes()
    row = outcomes.iloc[0]
    assert (row["claim_id"], row["verdict"], row["as_of"], row["date_precision"]) == (
        "new_base_expected",
        "partly",
        "2020",
        "year",
    )
    assert row["date_start"] == dt.datetime(2020, 1, 1) and row["origin"] == "reference"


def test_an_unverified_outcome_may_go_without_a_source(make_ledger):
    text = MINIMAL[OUTCOMES].replace("verdict: partly", "verdict: unverified")
    text = text.replace("  source_id: ref_one\n", "")
    outcomes = marchwest.load(make_ledger({OUTCOMES: text})).outcomes()
    assert outcomes["source_id"].isna().all()


def test_coverage_by_section_and_the_explained_sentences():
    frame = marchwest.coverage()
    counts = sentences.by_section(frame)
    assert list(counts.columns) == ["cited", "explained", "named", "uncovered"]
    assert list(counts.index) == ["(before the first heading)"] + [
        s.title for s in marchwest.article().sections
    ]
    assert counts.to_numpy().sum() == len(frame) and counts["uncovered"].sum() == 0
    assert counts["named"].sum() == (frame["status"] == "named").sum()
    before = counts.loc["(before the first heading)"]
    assert before.sum() == 5 and before["explained"] == 2  # title, byline; three body sentences
    listed = sentences.explained(frame)
    assert len(listed) == (frame["status"] == "explained").sum()
    assert listed["reason"].notna().all() and (listed["reason"] == "heading").sum() == 7


def plain_overlapping(spans, rows):
    """Every sentence against every row: the plain (quadratic) form of sentence_spans.overlapping."""
    return [[value for a, b, value in rows if a < end and b > start] for start, end in spans]


@pytest.mark.parametrize("seed", range(5))
def test_rows_meet_the_sentences_they_overlap(seed):
    import random

    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, 2000), 2 * rng.randint(0, 60)))
    spans = list(zip(cuts[::2], cuts[1::2], strict=True))  # disjoint, in reading order
    rows = []
    for number in range(rng.randint(0, 300)):
        start = rng.randint(-5, 2005)
        rows.append((start, start + rng.choice([0, 1, 3, 40, 400, -2]), number))
    assert sentence_spans.overlapping(spans, rows) == plain_overlapping(spans, rows)


def test_the_bundled_coverage_lists_every_row_that_overlaps_each_sentence():
    frame = marchwest.coverage()
    spans = list(zip(frame["char_start"], frame["char_end"], strict=True))
    rows = sentence_spans.row_spans(marchwest.tables(), sentence_spans.RECORDS_CONTENT)
    assert list(frame["row_ids"]) == plain_overlapping(spans, rows)
