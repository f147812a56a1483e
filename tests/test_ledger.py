"""Reading and checking ledger folders: the rows, and one test for each kind of bad input."""

from __future__ import annotations

import hashlib
import os
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from _ledgers import (
    ARTICLE,
    MINIMAL,
    added,
    assert_one_problem,
    case,
    changed,
    only_problem,
    problems,
    write_ledger,
)

import marchwest
from marchwest import paths
from marchwest.ledger import dates
from marchwest.ledger.folder import read_ledger
from marchwest.schema import MAX_TEXT


def test_a_valid_ledger_gives_every_table(make_ledger):
    ledger = marchwest.load(make_ledger())
    tables = ledger.tables()
    assert set(tables) == {
        "sources",
        "entities",
        "places",
        "events",
        "participants",
        "memberships",
        "arms_transfers",
        "figures",
        "claims",
        "outcomes",
        "uncited",
        "second_readings",
    }
    raw = ledger.article().raw
    for name, frame in tables.items():
        assert len(frame) > 0, name
        if "evidence" in frame:
            quoted = frame[frame["evidence"].notna()]
            assert [
                raw[s:e] for s, e in zip(quoted["char_start"], quoted["char_end"], strict=True)
            ] == list(quoted["evidence"])
    entities = tables["entities"]
    assert entities.set_index("entity_id").loc["china", "evidence"] == (
        "China is redrawing the global security map beyond Asia-Pacific."
    )
    assert list(entities.set_index("entity_id").loc["china", "aliases"]) == [
        "PRC",
        "People's Republic of China",
    ]
    # Folder -> origin; reference rows keep their source.
    assert entities.set_index("entity_id").loc["nigeria", "origin"] == "reference"
    assert entities.set_index("entity_id").loc["nigeria", "source_id"] == "ref_one"
    assert set(entities[entities.entity_id != "nigeria"].origin) == {"article"}


def test_curly_quotes_and_no_break_spaces_come_back_as_in_the_page(make_ledger):
    claims = marchwest.load(make_ledger()).claims()
    assert claims.loc[0, "evidence"] == "Pakistan is Beijing’s\u00a0top arms destination"


def test_dates_bounds_and_precision(make_ledger):
    events = marchwest.load(make_ledger()).events().set_index("event_id")
    meeting = events.loc["hayat_meeting_2019"]
    assert (meeting.date_start, meeting.date_end) == (
        pd.Timestamp("2019-07-21"),
        pd.Timestamp("2019-07-31"),
    )
    assert meeting.date_precision == "part of month"
    assert meeting.date_text == "late July 2019"
    forum = events.loc["forum_2019"]
    assert (forum.date_start, forum.date_end, forum.date_precision) == (
        pd.Timestamp("2019-04-01"),
        pd.Timestamp("2019-04-30"),
        "month",
    )
    undated = events.loc["cpec_undated"]
    assert undated.date_precision == "undated"
    assert pd.isna(undated.date_start) and pd.isna(undated.date_end)
    assert events.loc["forum_2019_reference", "corresponds_to"] == "forum_2019"


def test_memberships_bounds(make_ledger):
    memberships = marchwest.load(make_ledger()).memberships().set_index("member_id")
    assert memberships.loc["pakistan", "since"] == pd.Timestamp("2017-06-09")
    assert pd.isna(memberships.loc["pakistan", "until"])
    assert memberships.loc["china", "until"] == pd.Timestamp("2020-12-31")  # ../2020: by 2020
    assert memberships.loc["china", "until_edtf"] == "../2020"


def test_participants_carry_the_events_provenance(make_ledger):
    ledger = marchwest.load(make_ledger())
    participants = ledger.participants()
    events = ledger.events().set_index("event_id")
    assert list(participants.entity_id) == ["china", "pakistan"]
    assert set(participants.role) == {"party"}
    meeting = events.loc["hayat_meeting_2019"]
    assert set(participants.evidence) == {meeting.evidence}
    assert set(participants.char_start) == {meeting.char_start}


def test_sipri_rows_become_tiv_arms_transfers(make_ledger):
    arms = marchwest.load(make_ledger()).arms_transfers()
    tiv = arms[arms.measure == "TIV"]
    assert list(tiv.recipient_id) == ["pakistan", "nigeria"]
    assert list(tiv.value) == [514.0, 0.0]
    assert set(tiv.unit) == {"million TIV"} and set(tiv.origin) == {"reference"}
    assert list(tiv.period_start) == list(tiv.period_end) == [2017, 2017]


VALID_DATES = [
    "2019-07-23",
    "2019-07",
    "2019",
    "2019-07-21/2019-07-31",
    "2019-04/2019-06",
    "2018/..",
    "../2020",
    "2019-07-21/..",
    "2020-02-29",
    "2020-02",
    "1996/2001-06",
]
BAD_DATES = [
    "2019-13",
    "2019-02-30",
    "2019-02-29",
    "2019-00",
    "2019-07-32",
    "July 2019",
    "2019/",
    "/2020",
    "..",
    "../..",
    "2019~",
    "2019-XX",
    "19",
    "2019/2018",
    "2019-07-31/2019-07-21",
    "2019-07-21/2019-07-31/2019-08-01",
    # Digits other than ASCII's: Arabic-Indic, full-width, one Arabic-Indic 4.
    "\u0662\u0660\u0661\u0669-04",
    "２０１９",
    "2019-0\u0664",
]


def test_edtf_forms():
    assert dates.parse("2018/..").end is None
    assert dates.parse("../2020").start is None
    assert dates.parse("2019").precision == "year"
    assert dates.parse("2019-07-23").precision == "day"
    assert dates.parse("2019-07-21/2019-07-31").precision is None
    assert dates.parse("2020-02").end.day == 29
    assert dates.parse("1678-01-01").start.year == 1678  # the first and last supported years
    assert dates.parse("2261-12-31").end.year == 2261


@pytest.mark.parametrize("text", VALID_DATES)
def test_the_fast_date_parser_agrees_with_the_edtf_package(text):
    assert dates.parse(text) == dates.parse_with_edtf(text)


@pytest.mark.parametrize("text", BAD_DATES)
def test_a_bad_date_is_refused_by_both_parsers(text):
    with pytest.raises(ValueError, match="bad date"):
        dates.parse(text)
    with pytest.raises(ValueError, match="bad date"):
        dates.parse_with_edtf(text)


def test_validate_reports_a_date_the_edtf_package_reads_differently(make_ledger, monkeypatch):
    root = make_ledger()
    read_ledger(root, reference_checks=True)
    wrong = dates.EdtfDate("2019-04", None, None, "month")
    monkeypatch.setattr(
        dates, "parse_with_edtf", lambda text: wrong if text == "2019-04" else dates.parse(text)
    )
    with pytest.raises(marchwest.LedgerError, match="the edtf package reads '2019-04'"):
        read_ledger(root, reference_checks=True)


def test_a_user_ledger_may_pin_its_article(make_ledger):
    root = make_ledger()
    digest = hashlib.sha256((root / "raw" / "article.txt").read_bytes()).hexdigest()
    (root / "raw" / "article.sha256").write_text(f"{digest}  article.txt\n")
    assert len(marchwest.load(root).events()) == 4


# --- one test for each kind of bad input ------------------------------------------------------

SECOND_SOURCE = """\
- source_id: ref_two
  title: Another reference
  url: https://example.org/two
  published: "2021"
  terms: unknown
"""
SECOND_READINGS = "external/second_readings.yaml"
# MINIMAL's second readings (a claim's) and an outcome's.
READINGS = MINIMAL[SECOND_READINGS] + textwrap.dedent(
    """\
    - outcome_id: new_base_outcome
      first_verdict: partly
      verdict: did not
      against_urls: [https://example.org/one]
      reason: Nothing was built.
    """
)
OUTCOMES = "external/outcomes.yaml"
# MINIMAL's claims, the 'supported' one without the source that decides it.
UNSOURCED_CLAIMS = MINIMAL["facts/claims.yaml"].replace("  source_id: ref_one\n", "")
BOMB = "- &a [x, x, x, x, x, x, x, x, x]\n- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"


def forum_dated(date: str) -> str:
    """MINIMAL's events, the forum's date written ``date`` (with the interval precision)."""
    text = MINIMAL["facts/events.yaml"].replace("date: 2019-04\n", f"date: {date}\n")
    text = text.replace("  date_text: in April\n", "")
    if "/" in date:
        text = text.replace(f"date: {date}\n", f"date: {date}\n  date_precision: interval\n")
    return text


# Each bad input (the files changed) and the one problem it makes, as it is written.
ONE_PROBLEM = [
    # A file that is not a list of rows, not text, not there or not known.
    case(
        "malformed-yaml",
        {"facts/figures.yaml": "- figure_id: x\n  value: [1, 2\n"},
        "facts/figures.yaml, line 3: …YAML syntax error…",
    ),
    case(
        "not-a-list",
        {"facts/figures.yaml": "figure_id: x\n"},
        "facts/figures.yaml, line 1: …expected a YAML list…",
    ),
    case(
        "key-not-text",
        {"facts/figures.yaml": MINIMAL["facts/figures.yaml"] + "  ? [a, b]\n  : x\n"},
        "facts/figures.yaml, line 8 (row 1): a key must be plain text",
    ),
    case(
        "non-utf8-fact-file",
        {
            "facts/figures.yaml": MINIMAL["facts/figures.yaml"]
            .encode("utf-8")
            .replace(b"billion US", b"billion \xff US")
        },
        "facts/figures.yaml, line 5: …not UTF-8…",
    ),
    case(
        "non-utf8-article",
        {"raw/article.txt": "China\u2019s".encode("cp1252")},
        "raw/article.txt, line 1: …not UTF-8…",
    ),
    case("article-missing", {"raw/article.txt": None}, "raw/article.txt: …missing…"),
    case(
        "bad-byline-date",
        {
            "raw/article.txt": ARTICLE.read_text(encoding="utf-8").replace(
                "August 18, 2019", "August 38, 2019"
            )
        },
        "raw/article.txt: …'August 38, 2019'…",
    ),
    case("unknown-file", {"facts/event.yaml": "[]\n"}, "facts/event.yaml: …unknown file…"),
    case(
        "second-readings-in-facts",
        {SECOND_READINGS: None, "facts/second_readings.yaml": MINIMAL[SECOND_READINGS]},
        "facts/second_readings.yaml: second_readings live in external/ only",
    ),
    # A field unknown, or missing where a row needs it.
    case(
        "unknown-field",
        changed("facts/figures.yaml", "unit:", "units:"),
        "facts/figures.yaml, line 5 (row 1), field 'units': …unknown field…",
    ),
    case(
        "missing-field",
        changed("facts/entities.yaml", "  kind: initiative\n", ""),
        "facts/entities.yaml, line 12 (row 3), field 'kind': …missing field…",
    ),
    case(
        "source-without-terms",
        changed("external/sources.yaml", "  terms: unknown\n", ""),
        "external/sources.yaml, line 1 (row 1), field 'terms': …missing field…",
    ),
    case(
        "article-row-without-quote",
        changed("facts/figures.yaml", "  quote: 60 billion dollar investment\n", ""),
        "facts/figures.yaml, line 1 (row 1), field 'quote': …article row needs…",
    ),
    case(
        "reference-row-without-source",
        changed("external/entities.yaml", "  source_id: ref_one\n", ""),
        "external/entities.yaml, line 1 (row 1), field 'source_id': …needs its source…",
    ),
    # A decided verdict needs its source, on either side of the ledger.
    case(
        "supported-reference-claim-without-source",
        {"facts/claims.yaml": None, "external/claims.yaml": UNSOURCED_CLAIMS},
        "external/claims.yaml, line 1 (row 1), field 'source_id':"
        " …'supported' verdict needs the source that decides it…",
    ),
    case(
        "supported-article-claim-without-source",
        {"external/claims.yaml": None, "facts/claims.yaml": UNSOURCED_CLAIMS},
        "facts/claims.yaml, line 1 (row 1), field 'source_id':"
        " …'supported' verdict needs the source that decides it…",
    ),
    case(
        "coordinates-without-source",
        changed("facts/places.yaml", "  source_id: ref_one\n", ""),
        "facts/places.yaml, line 1 (row 1), field 'source_id': …coordinates…",
    ),
    # Dates.
    case(
        "bad-date",
        changed("facts/events.yaml", "date: 2019-04", "date: April 2019"),
        "facts/events.yaml, line 15 (row 2), field 'date': …bad date 'April 2019'…",
    ),
    case(
        "since-after-until",
        changed("external/memberships.yaml", "until: ../2020", "until: '1999'"),
        "external/memberships.yaml, line 5 (row 1), field 'until': …after the end…",
    ),
    case(
        "interval-start-after-end",
        changed("facts/events.yaml", "2019-07-21/2019-07-31", "2019-07-31/2019-07-21"),
        "facts/events.yaml, line 5 (row 1), field 'date': …start is after the end…",
    ),
    case(
        "unknown-precision",
        changed("facts/events.yaml", "part of month", "late month"),
        "facts/events.yaml, line 6 (row 1), field 'date_precision': …unknown precision 'late month'…",
    ),
    case(
        "interval-without-precision",
        changed("facts/events.yaml", "  date_precision: part of month\n", ""),
        "facts/events.yaml, line 1 (row 1), field 'date_precision': …needs a date_precision…",
    ),
    case(
        "precision-contradicts-date",
        changed("facts/events.yaml", "date: 2019-04\n", "date: 2019-04\n  date_precision: day\n"),
        "facts/events.yaml, line 16 (row 2), field 'date_precision': …contradicts the date…",
    ),
    # A word outside its vocabulary, a code or a number out of its range.
    case(
        "unknown-verdict",
        changed("facts/claims.yaml", "verdict: supported", "verdict: true"),
        "facts/claims.yaml, line 5 (row 1), field 'verdict': …'true'…supported…",
    ),
    case(
        "unknown-participant-role",
        changed(
            "facts/events.yaml",
            "{entity: pakistan, role: party}",
            "{entity: pakistan, role: guest}",
        ),
        "facts/events.yaml, line 9 (row 1), field 'role': …'guest'…",
    ),
    case(
        "bad-iso-code",
        changed("facts/entities.yaml", "iso3: PAK", "iso3: PAQ"),
        "facts/entities.yaml, line 10 (row 2), field 'iso3': …ISO 3166…",
    ),
    case(
        "longitude-out-of-range",
        changed("facts/places.yaml", "lon: 62.33", "lon: 262.33"),
        "facts/places.yaml, line 6 (row 1), field 'lon': …out of range…",
    ),
    case(
        "whole-number-out-of-int64",
        changed("facts/arms_transfers.yaml", "rank: 1", "rank: 99999999999999999999"),
        "facts/arms_transfers.yaml, line 3 (row 1), field 'rank':"
        " …out of range for a whole number…",
    ),
    case(
        "china-beside-china",
        added(
            "facts/entities.yaml",
            """
            - entity_id: China
              name: China again
              kind: country
              quote: China is redrawing the global security map
            """,
        ),
        "facts/entities.yaml, line 20 (row 5), field 'entity_id': …'China'…",
    ),
    # Quotes.
    case(
        "quote-not-found",
        changed("facts/figures.yaml", "60 billion dollar", "70 billion dollar"),
        "facts/figures.yaml, line 7 (row 1), field 'quote': …not in the article…",
    ),
    case(
        "quote-ambiguous",
        changed("facts/figures.yaml", "quote: 60 billion dollar investment", "quote: Gwadar"),
        "facts/figures.yaml, line 7 (row 1), field 'quote': …ambiguous…",
    ),
    case(
        "quote-in-page-chrome",
        changed("facts/figures.yaml", "quote: 60 billion dollar investment", "quote: 300,000 jobs"),
        "facts/figures.yaml, line 7 (row 1), field 'quote': …page chrome…",
    ),
    # An id that names no row, a row no one names.
    case(
        "unknown-entity",
        changed(
            "facts/events.yaml", "{entity: pakistan, role: party}", "{entity: pakistn, role: party}"
        ),
        "facts/events.yaml, line 9 (row 1), field 'entity':"
        " …unknown id 'pakistn' (not in entities)…",
    ),
    case(
        "unknown-source",
        changed("facts/claims.yaml", "source_id: ref_one", "source_id: ref_two"),
        "facts/claims.yaml, line 6 (row 1), field 'source_id': …'ref_two'…",
    ),
    case(
        "unknown-sipri-recipient",
        changed("external/sipri_tiv.csv", "china,nigeria", "china,narnia"),
        "external/sipri_tiv.csv, line 3 (row 2), field 'recipient': …'narnia'…",
    ),
    case(
        "unknown-source-against-an-outcome",
        {OUTCOMES: MINIMAL[OUTCOMES] + "  against_source_ids: [ref_one, nowhere]\n"},
        "external/outcomes.yaml, line 8 (row 1), field 'against_source_ids':"
        " …unknown id 'nowhere' (not in sources)…",
    ),
    case(
        "sources-for-an-outcome-not-a-list",
        {OUTCOMES: MINIMAL[OUTCOMES] + "  for_source_ids: ref_one\n"},
        "external/outcomes.yaml, line 8 (row 1), field 'for_source_ids': …expected a list…",
    ),
    case(
        "corresponds-to-a-reference-event",
        changed(
            "external/events.yaml",
            "corresponds_to: forum_2019",
            "corresponds_to: forum_2019_reference",
        ),
        "external/events.yaml, line 6 (row 1), field 'corresponds_to': …not an article event…",
    ),
    case(
        "source-cited-by-no-row",
        added("external/sources.yaml", SECOND_SOURCE),
        "external/sources.yaml, line 8 (row 2), field 'source_id':"
        " …source 'ref_two' is cited by no row…",
    ),
    case(
        "two-source-ids-for-one-url",
        added("external/sources.yaml", SECOND_SOURCE.replace("/two", "/one"))
        | changed("facts/claims.yaml", "source_id: ref_one", "source_id: ref_two"),
        "external/sources.yaml, line 10 (row 2), field 'url':"
        " the URL of source 'ref_one' (line 1) again: one source id per URL",
    ),
    # The SIPRI file.
    case(
        "sipri-row-twice",
        added("external/sipri_tiv.csv", "china,pakistan,2017,3,ref_one\n"),
        "external/sipri_tiv.csv, line 4 (row 3): …a second row…",
    ),
    case(
        "sipri-year-not-a-number",
        changed("external/sipri_tiv.csv", "2017,514", "twenty,514"),
        "external/sipri_tiv.csv, line 2 (row 1), field 'year': …'twenty'…",
    ),
    case(
        "sipri-header",
        changed("external/sipri_tiv.csv", "tiv,source_id", "value,source_id"),
        "external/sipri_tiv.csv, line 1: …expected the header…",
    ),
    case(
        "csv-cell-too-large-for-the-csv-reader",
        added("external/sipri_tiv.csv", "china," + "x" * 200_000 + ",2018,1,ref_one\n"),
        "external/sipri_tiv.csv, line 4: …not a readable CSV…",
    ),
    # Second readings.
    case(
        "second-reading-unknown-verdict",
        changed(SECOND_READINGS, "verdict: imprecise", "verdict: maybe"),
        "external/second_readings.yaml, line 5 (row 1), field 'verdict':"
        " 'maybe' is not one of: supported, imprecise, contradicted…",
    ),
    case(
        "second-reading-of-an-unknown-claim",
        changed(SECOND_READINGS, "claim_id: top_destination", "claim_id: top_dest"),
        "external/second_readings.yaml, line 1 (row 1), field 'claim_id':"
        " unknown id 'top_dest' (not in claims)",
    ),
    case(
        "second-reading-verdict-unfit",
        {SECOND_READINGS: READINGS.replace("verdict: did not", "verdict: supported")},
        "external/second_readings.yaml, line 10 (row 2), field 'verdict':"
        " 'supported' does not fit what is read…",
    ),
    case(
        "second-reading-first-verdict-unfit",
        changed(SECOND_READINGS, "first_verdict: supported", "first_verdict: partly"),
        "external/second_readings.yaml, line 3 (row 1), field 'first_verdict': …",
    ),
    case(
        "second-reading-of-a-claim-without-kind",
        changed(SECOND_READINGS, "  kind: fact\n", ""),
        "external/second_readings.yaml, line 1 (row 1), field 'kind': …",
    ),
    # Hostile input: YAML that could hurt is refused before it is built.
    *(
        case(
            f"yaml-{name}",
            {"facts/figures.yaml": text},
            f"facts/figures.yaml, line {line}: …{what}…",
        )
        for name, text, line, what in [
            ("alias-bomb-as-key", BOMB + "- {? *b : x}\n", 1, "anchors (&name) are not allowed"),
            (
                "alias",
                "- figure_id: x\n  subject_id: *undefined\n",
                2,
                "aliases (*name) are not allowed",
            ),
            # libyaml's composer would crash on it
            ("deep-nesting", "[" * 30_000, 1, "nested more than 8 levels deep"),
            ("python-tag", "- !!python/object/apply:os.system ['true']\n", 1, "tags"),
            ("custom-tag", "- figure_id: !custom x\n", 1, "YAML tags (!custom) are not allowed"),
            ("two-docs", "- figure_id: x\n---\n- figure_id: y\n", 2, "more than one YAML document"),
            ("nul", "- figure_id: x\u0000\n", 1, "YAML syntax error"),
        ]
    ),
    # A number is plain decimal and finite, in a fact file and in the SIPRI file.
    *(
        case(
            f"number-{written}",
            changed("facts/figures.yaml", "value: 60", f"value: {written}"),
            f"facts/figures.yaml, line 4 (row 1), field 'value': …{why}…",
        )
        for written, why in [
            (".nan", "not a finite number"),
            (".inf", "not a finite number"),
            ("-.inf", "not a finite number"),
            ("1.0e+400", "out of range"),
            ("1:30", "base 60"),
            ("0x1F", "hexadecimal"),
            ("0o17", "hexadecimal, octal or binary"),
            ("017", "leading zero"),
            ("1_944", "without underscores"),
            ("\u0666\u0660", "ASCII digits"),  # Arabic-Indic 60
            ('"60"', "quoted text"),
            ("true", "write it in decimal"),
            ("[60]", "a list or mapping"),
        ]
    ),
    *(
        case(
            f"sipri-tiv-{tiv}",
            changed("external/sipri_tiv.csv", "2017,514", f"2017,{tiv}"),
            "external/sipri_tiv.csv, line 2 (row 1), field 'tiv': …",
        )
        for tiv in ["nan", "inf", "1e400", "1_944", "0x1F", "\u0665\u0661\u0664"]
    ),
    # A source's URL is http or https.
    *(
        case(
            f"url-{url}",
            changed("external/sources.yaml", "https://example.org/one", url),
            "external/sources.yaml, line 4 (row 1), field 'url': …http…",
        )
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(document.cookie)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox",
            "//example.org/one",
            "ftp://example.org/one",
            '"https://example.org/a b"',
            "'https://example.org/\"onmouseover=\"alert(1)'",
        ]
    ),
    # A date is within the years the tables' datetime columns hold.
    *(
        case(
            f"date-out-of-range-{date}",
            {"facts/events.yaml": forum_dated(date)},
            "facts/events.yaml, line 14 (row 2), field 'date': …years 1678 to 2261…",
        )
        for date in ["1500-06-01", "9999-12-31", "../1000-01-01", "1677", "2262/.."]
    ),
]


@pytest.mark.parametrize(("files", "problem"), ONE_PROBLEM)
def test_one_bad_input_is_one_problem_naming_file_row_field_and_what(make_ledger, files, problem):
    assert_one_problem(make_ledger(files), problem)


def test_an_unverified_claim_may_go_without_a_source(make_ledger):
    unverified = UNSOURCED_CLAIMS.replace("verdict: supported", "verdict: unverified")
    claims = marchwest.load(
        make_ledger({"external/claims.yaml": unverified, "facts/claims.yaml": ""})
    ).claims()
    assert claims.loc[0, "verdict"] == "unverified" and claims["source_id"].isna().all()


def test_an_ambiguous_quote_is_made_one_by_its_occurrence(make_ledger):
    text = MINIMAL["facts/figures.yaml"].replace(
        "quote: 60 billion dollar investment", "quote: Gwadar"
    )
    fixed = text + "  occurrence: 2\n"
    assert len(marchwest.load(make_ledger({"facts/figures.yaml": fixed})).figures()) == 1


def test_a_source_named_for_or_against_an_outcome_is_cited(make_ledger):
    sources = added("external/sources.yaml", SECOND_SOURCE)
    for column in ("for_source_ids", "against_source_ids"):
        outcomes = {OUTCOMES: MINIMAL[OUTCOMES] + f"  {column}: [ref_two]\n"}
        ledger = marchwest.load(make_ledger(sources | outcomes))
        assert ledger.outcomes().loc[0, column] == ["ref_two"]


def test_duplicate_id_across_folders(make_ledger):
    text = MINIMAL["external/entities.yaml"].replace("entity_id: nigeria", "entity_id: china")
    found = problems(make_ledger({"external/entities.yaml": text}))
    duplicates = [p for p in found if "duplicate id 'china'" in p.message]
    assert {(Path(p.file).parent.name, p.line) for p in duplicates} == {
        ("facts", 1),
        ("external", 1),
    }
    assert "also at" in duplicates[0].message
    # ... and the SIPRI row naming the entity that is gone is reported too.
    assert [p.field for p in found if p not in duplicates] == ["recipient"]


def test_article_changed(make_ledger):
    root = make_ledger()
    page = root / "raw" / "article.txt"
    digest = hashlib.sha256(page.read_bytes()).hexdigest()
    (root / "raw" / "article.sha256").write_text(digest + "\n")
    page.write_text(
        page.read_text(encoding="utf-8").replace("redrawing", "redrawn"), encoding="utf-8"
    )
    found = problems(root)
    assert "the article has changed" in found[0].message
    assert found[0].file.endswith("raw/article.txt")


def test_the_bundled_article_is_pinned(tmp_path, monkeypatch):
    root = write_ledger(tmp_path / "bundled", {})
    page = root / "raw" / "article.txt"
    page.write_bytes(page.read_bytes() + b"\n")
    monkeypatch.setattr(paths, "bundled_ledger_dir", lambda: root)
    assert "the article has changed" in problems(root)[0].message


def test_every_problem_is_reported_together_and_nothing_partial(make_ledger):
    root = make_ledger(
        {
            "facts/claims.yaml": MINIMAL["facts/claims.yaml"].replace("supported", "maybe"),
            "facts/places.yaml": MINIMAL["facts/places.yaml"].replace("lat: 25.12", "lat: 125.12"),
            "facts/figures.yaml": MINIMAL["facts/figures.yaml"].replace("unit:", "units:"),
        }
    )
    found = problems(root)
    assert {Path(p.file).name for p in found} == {"claims.yaml", "places.yaml", "figures.yaml"}
    ledger = marchwest.Ledger(root)  # checked on first use
    with pytest.raises(marchwest.LedgerError):
        ledger.events()  # a table with no problem of its own is not handed out either


def test_not_a_folder(tmp_path):
    with pytest.raises(marchwest.LedgerError, match="not a folder"):
        read_ledger(tmp_path / "nowhere")


def test_validate_reports_a_rule_that_pandera_and_the_loader_judge_differently(
    make_ledger, monkeypatch
):
    from marchwest import schema

    root = make_ledger()
    real = schema.pandera_failures
    extra = schema.RuleFailure(0, "name", "vocabulary", "China")
    monkeypatch.setattr(
        schema,
        "pandera_failures",
        lambda name, frame: real(name, frame) + [extra] * (name == "entities"),
    )
    with pytest.raises(marchwest.LedgerError, match="found by pandera only"):
        read_ledger(root, reference_checks=True)
    monkeypatch.setattr(schema, "pandera_failures", lambda name, frame: [])
    text = MINIMAL["facts/claims.yaml"].replace("verdict: supported", "verdict: maybe")
    with pytest.raises(marchwest.LedgerError, match="found by the loader only"):
        read_ledger(make_ledger({"facts/claims.yaml": text}), reference_checks=True)


def test_external_is_optional_facts_is_not(make_ledger):
    import shutil

    place = "\n".join(
        line
        for line in MINIMAL["facts/places.yaml"].splitlines()
        if not line.startswith(("  lat:", "  lon:", "  source_id:"))
    )
    root = make_ledger({"facts/places.yaml": place + "\n", "facts/claims.yaml": None})
    shutil.rmtree(root / "external")
    ledger = marchwest.load(root)
    assert len(ledger.sources()) == 0 and set(ledger.entities().origin) == {"article"}
    assert ledger.places()["lat"].isna().all()
    shutil.rmtree(root / "facts")
    assert "folder is missing" in only_problem(root).message


# --- hostile input: files, YAML, numbers, ids, URLs, dates ----------------------------------


@pytest.mark.parametrize(
    ("make", "says"),
    [
        # Reading a FIFO would wait for a writer forever; a device can give endless bytes.
        pytest.param(os.mkfifo, "a FIFO", id="fifo"),
        pytest.param(lambda path: path.symlink_to("/dev/urandom"), "a device", id="device"),
        pytest.param(Path.mkdir, "a folder", id="folder"),
        pytest.param(lambda path: path.symlink_to(path.name), "symbolic links", id="loop"),
    ],
)
def test_a_fifo_a_device_a_folder_or_a_loop_is_refused_not_read(make_ledger, make, says):
    root = make_ledger({"facts/figures.yaml": None})
    make(root / "facts" / "figures.yaml")
    problem = only_problem(root)
    assert problem.file.endswith("facts/figures.yaml") and says in problem.message


def test_a_file_over_the_size_limit_is_refused_unread(make_ledger):
    from marchwest.ledger.reader import MAX_BYTES

    root = make_ledger()
    with open(root / "facts" / "figures.yaml", "r+b") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no 10 MB is written
    problem = only_problem(root)
    assert problem.file.endswith("facts/figures.yaml") and "larger than 10 MB" in problem.message


def test_unreadable_files_and_folders_are_problems(make_ledger, monkeypatch):
    root = make_ledger()
    real_open, real_iterdir = os.open, Path.iterdir

    def refuse(path, *args, **kwargs):
        if str(path).endswith(("figures.yaml", "article.txt")):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    found = problems(root)
    assert [(Path(p.file).name, p.message) for p in found] == [
        ("article.txt", "cannot read the file: Permission denied"),
        ("figures.yaml", "cannot read the file: Permission denied"),
    ]
    monkeypatch.setattr(os, "open", real_open)

    def no_listing(self):
        if self.name == "external":
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", no_listing)
    found = problems(root)
    assert Path(found[0].file).name == "external"
    assert found[0].message == "cannot read the folder: Permission denied"


def test_a_whole_number_out_of_int64_in_a_csv_is_reported_by_validate(make_ledger, capsys):
    from marchwest.cli import validate_ledger

    sipri = MINIMAL["external/sipri_tiv.csv"].replace("2017,514", "99999999999999999999,514")
    root = make_ledger({"external/sipri_tiv.csv": sipri})
    problem = only_problem(root)
    assert problem.file.endswith("sipri_tiv.csv") and problem.field == "year"
    assert "out of range" in problem.message
    assert validate_ledger(root) == 1  # validate reports it; no traceback
    assert "field 'year'" in capsys.readouterr().out


@pytest.mark.parametrize("bad_id", ["C PEC", '"cpec\\nx"', "x" * 200_000, "Cpec", "cpéc", "cpec-1"])
def test_ids_are_lower_case_snake_case(make_ledger, bad_id):
    text = MINIMAL["facts/entities.yaml"].replace("entity_id: cpec", f"entity_id: {bad_id}")
    figures = MINIMAL["facts/figures.yaml"].replace("subject_id: cpec", f"subject_id: {bad_id}")
    found = problems(make_ledger({"facts/entities.yaml": text, "facts/figures.yaml": figures}))
    bad = [p for p in found if p.field == "entity_id"]
    assert len(bad) == 1 and bad[0].line == 12 and "is not an id: 1 to 80" in bad[0].message
    assert all(len(p.message) < 120 for p in found)  # a long id is cut short in messages


@pytest.mark.parametrize("length", [MAX_TEXT + 1, 200_000])
def test_a_text_longer_than_the_limit_is_refused(make_ledger, length):
    text = MINIMAL["facts/entities.yaml"].replace("name: Pakistan", f"name: {'P' * length}")
    problem = only_problem(make_ledger({"facts/entities.yaml": text}))  # pandera agrees
    assert (problem.line, problem.field) == (8, "name")
    assert f"is {length:,} characters long, longer than 2,000 characters" in problem.message
    assert len(problem.message) < 120  # the text itself is cut short


def test_a_text_of_the_limit_is_accepted(make_ledger):
    text = MINIMAL["facts/entities.yaml"].replace("name: Pakistan", f"name: {'P' * MAX_TEXT}")
    names = marchwest.load(make_ledger({"facts/entities.yaml": text})).entities()["name"]
    assert names.str.len().max() == MAX_TEXT


def test_a_crlf_article_is_read_and_its_spans_stay_exact(make_ledger):
    root = make_ledger()
    page = root / "raw" / "article.txt"
    page.write_bytes(page.read_bytes().replace(b"\n", b"\r\n"))
    ledger = marchwest.load(root)
    raw = ledger.article().raw
    assert "\r\n" in raw and ledger.article().author == "Matthew Johnson"
    quotes = [
        (start, end, text)
        for frame in ledger.tables().values()
        if "evidence" in frame
        for start, end, text in frame[frame["evidence"].notna()][
            ["char_start", "char_end", "evidence"]
        ].itertuples(index=False)
    ]
    assert len(quotes) > 10 and all(raw[start:end] == text for start, end, text in quotes)


def test_git_keeps_the_article_byte_exact_and_the_facts_lf():
    import shutil
    import subprocess

    if shutil.which("git") is None or not (paths.PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    files = ["data/raw/article.txt", "data/facts/events.yaml", "data/external/sipri_tiv.csv"]
    out = subprocess.run(
        ["git", "check-attr", "text", "eol", "--", *files],
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out == [
        "data/raw/article.txt: text: unset",
        "data/raw/article.txt: eol: unspecified",
        "data/facts/events.yaml: text: set",
        "data/facts/events.yaml: eol: lf",
        "data/external/sipri_tiv.csv: text: set",
        "data/external/sipri_tiv.csv: eol: lf",
    ]


def test_row_rules_live_in_the_schema_and_both_checkers_run_them():
    from marchwest.ledger.records import build_frame
    from marchwest.schema import TABLES, RuleFailure, pandera_failures, record_failures

    assert {rule.name for rule in TABLES["arms_transfers"].rules} == {
        "article_quoted",
        "reference_sourced",
        "period_in_order",
    }
    record = {
        "supplier_id": "china",
        "recipient_id": "pakistan",
        "measure": "rank",
        "period_start": 2010,
        "period_end": 2000,
        "origin": "reference",
        "source_id": None,
    }
    frame = build_frame(TABLES["arms_transfers"], [record], categories=False)
    expected = [
        RuleFailure(0, "source_id", "reference_sourced"),
        RuleFailure(0, "period_end", "period_in_order"),
    ]
    assert record_failures("arms_transfers", [record]) == expected
    assert sorted(pandera_failures("arms_transfers", frame), key=expected.index) == expected


def test_a_second_reading_of_a_claim_and_of_an_outcome(make_ledger):
    readings = marchwest.load(make_ledger({SECOND_READINGS: READINGS})).second_readings()
    assert readings["claim_id"].tolist()[0] == "top_destination"
    assert readings["outcome_id"].tolist()[1] == "new_base_outcome"
    assert readings["against_urls"].tolist() == [[], ["https://example.org/one"]]
    assert readings["verdict"].astype(str).tolist() == ["imprecise", "did not"]


def test_a_second_reading_reads_one_claim_or_one_outcome(make_ledger):
    both = READINGS.replace(
        "- outcome_id: new_base_outcome",
        "- outcome_id: new_base_outcome\n  claim_id: top_destination",
    ).replace("verdict: did not", "verdict: unverified")
    found = problems(make_ledger({SECOND_READINGS: both}))
    assert [(p.row, p.field) for p in found] == [(2, "claim_id"), (2, "kind")], found
    assert "exactly one" in found[0].message and "an outcome's neither" in found[1].message
