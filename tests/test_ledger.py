"""Reading and checking ledger folders: the rows, and one test for each kind of bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from _ledgers import MINIMAL, write_ledger

import marchwest
from marchwest import dates, paths
from marchwest.ledger import read_ledger


def problems(root: Path) -> list[marchwest.Problem]:
    """The problems a ledger folder is reported to have (it must have some). Loading checks
    the column rules with pandas; the pandera schemas must find exactly the same problems."""
    with pytest.raises(marchwest.LedgerError) as error:
        marchwest.load(root).tables()
    assert error.value.problems
    assert str(error.value).count("\n  - ") == len(error.value.problems)
    with pytest.raises(marchwest.LedgerError) as by_pandera:
        read_ledger(root, reference_checks=True)
    assert by_pandera.value.problems == error.value.problems
    return error.value.problems


def only_problem(root: Path) -> marchwest.Problem:
    found = problems(root)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


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
    }
    raw = ledger.article().raw
    for name, frame in tables.items():
        assert len(frame) > 0, name
        if "evidence" in frame:
            quoted = frame[frame["evidence"].notna()]
            assert [raw[s:e] for s, e in zip(quoted["char_start"], quoted["char_end"])] == list(
                quoted["evidence"]
            )
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
]


def test_edtf_forms():
    assert dates.parse("2018/..").end is None
    assert dates.parse("../2020").start is None
    assert dates.parse("2019").precision == "year"
    assert dates.parse("2019-07-23").precision == "day"
    assert dates.parse("2019-07-21/2019-07-31").precision is None
    assert dates.parse("2020-02").end.day == 29
    for bad in BAD_DATES:
        with pytest.raises(ValueError, match="bad date"):
            dates.parse(bad)


@pytest.mark.parametrize("text", VALID_DATES)
def test_the_fast_date_parser_agrees_with_the_edtf_package(text):
    assert dates.parse(text) == dates.parse_with_edtf(text)


@pytest.mark.parametrize("text", BAD_DATES)
def test_the_edtf_package_rejects_the_same_dates(text):
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


def test_malformed_yaml(make_ledger):
    root = make_ledger({"facts/figures.yaml": "- figure_id: x\n  value: [1, 2\n"})
    problem = only_problem(root)
    assert problem.file.endswith("facts/figures.yaml")
    assert problem.line == 3 and "YAML syntax error" in problem.message


def test_a_file_that_is_not_a_list(make_ledger):
    problem = only_problem(make_ledger({"facts/figures.yaml": "figure_id: x\n"}))
    assert "expected a YAML list" in problem.message and problem.line == 1


def test_unknown_field(make_ledger):
    text = MINIMAL["facts/figures.yaml"].replace("unit:", "units:")
    problem = only_problem(make_ledger({"facts/figures.yaml": text}))
    assert (problem.line, problem.row, problem.field) == (5, 1, "units")
    assert "unknown field" in problem.message
    assert str(problem).endswith(
        "facts/figures.yaml, line 5 (row 1), field 'units': " + problem.message
    )


def test_missing_field(make_ledger):
    text = MINIMAL["facts/entities.yaml"].replace("  kind: initiative\n", "")
    problem = only_problem(make_ledger({"facts/entities.yaml": text}))
    assert (problem.line, problem.row, problem.field) == (12, 3, "kind")
    assert "missing field" in problem.message


def test_source_without_terms(make_ledger):
    text = MINIMAL["external/sources.yaml"].replace("  terms: unknown\n", "")
    problem = only_problem(make_ledger({"external/sources.yaml": text}))
    assert (problem.row, problem.field) == (1, "terms")
    assert "missing field" in problem.message


def test_article_row_without_quote(make_ledger):
    text = MINIMAL["facts/figures.yaml"].replace("  quote: 60 billion dollar investment\n", "")
    problem = only_problem(make_ledger({"facts/figures.yaml": text}))
    assert problem.field == "quote" and "article row needs" in problem.message


def test_reference_row_without_source(make_ledger):
    text = MINIMAL["external/entities.yaml"].replace("  source_id: ref_one\n", "")
    problem = only_problem(make_ledger({"external/entities.yaml": text}))
    assert problem.field == "source_id" and "needs its source" in problem.message


def test_only_an_unverified_claim_may_go_without_a_source(make_ledger):
    claim = MINIMAL["facts/claims.yaml"].replace("  source_id: ref_one\n", "")
    problem = only_problem(make_ledger({"external/claims.yaml": claim, "facts/claims.yaml": ""}))
    assert problem.field == "source_id" and "needs its source" in problem.message
    unverified = claim.replace("verdict: supported", "verdict: unverified")
    claims = marchwest.load(
        make_ledger({"external/claims.yaml": unverified, "facts/claims.yaml": ""})
    ).claims()
    assert claims.loc[0, "verdict"] == "unverified" and claims["source_id"].isna().all()


def test_bad_date(make_ledger):
    text = MINIMAL["facts/events.yaml"].replace("date: 2019-04", "date: April 2019")
    problem = only_problem(make_ledger({"facts/events.yaml": text}))
    assert (problem.line, problem.row, problem.field) == (15, 2, "date")
    assert "bad date 'April 2019'" in problem.message


def test_start_after_end(make_ledger):
    text = MINIMAL["external/memberships.yaml"].replace("until: ../2020", "until: '1999'")
    problem = only_problem(make_ledger({"external/memberships.yaml": text}))
    assert problem.field == "until" and "after the end" in problem.message
    interval = MINIMAL["facts/events.yaml"].replace(
        "2019-07-21/2019-07-31", "2019-07-31/2019-07-21"
    )
    problem = only_problem(make_ledger({"facts/events.yaml": interval}))
    assert problem.field == "date" and "start is after the end" in problem.message


def test_unknown_precision(make_ledger):
    text = MINIMAL["facts/events.yaml"].replace("part of month", "late month")
    problem = only_problem(make_ledger({"facts/events.yaml": text}))
    assert (problem.line, problem.field) == (6, "date_precision")
    assert "unknown precision 'late month'" in problem.message


def test_interval_needs_precision_and_single_date_must_agree(make_ledger):
    text = MINIMAL["facts/events.yaml"].replace("  date_precision: part of month\n", "")
    assert (
        "needs a date_precision" in only_problem(make_ledger({"facts/events.yaml": text})).message
    )
    text = MINIMAL["facts/events.yaml"].replace(
        "date: 2019-04\n", "date: 2019-04\n  date_precision: day\n"
    )
    assert "contradicts the date" in only_problem(make_ledger({"facts/events.yaml": text})).message


def test_unknown_verdict(make_ledger):
    text = MINIMAL["facts/claims.yaml"].replace("verdict: supported", "verdict: true")
    problem = only_problem(make_ledger({"facts/claims.yaml": text}))
    assert (problem.line, problem.row, problem.field) == (5, 1, "verdict")
    assert "'true'" in problem.message and "supported" in problem.message


def test_unknown_vocabulary_in_a_participant_role(make_ledger):
    text = MINIMAL["facts/events.yaml"].replace(
        "{entity: pakistan, role: party}", "{entity: pakistan, role: guest}"
    )
    problem = only_problem(make_ledger({"facts/events.yaml": text}))
    assert (problem.line, problem.field) == (9, "role") and "'guest'" in problem.message


def test_quote_not_found(make_ledger):
    text = MINIMAL["facts/figures.yaml"].replace("60 billion dollar", "70 billion dollar")
    problem = only_problem(make_ledger({"facts/figures.yaml": text}))
    assert (problem.line, problem.field) == (7, "quote") and "not in the article" in problem.message


def test_quote_ambiguous(make_ledger):
    text = MINIMAL["facts/figures.yaml"].replace(
        "quote: 60 billion dollar investment", "quote: Gwadar"
    )
    problem = only_problem(make_ledger({"facts/figures.yaml": text}))
    assert problem.field == "quote" and "ambiguous" in problem.message
    fixed = text + "  occurrence: 2\n"
    assert len(marchwest.load(make_ledger({"facts/figures.yaml": fixed})).figures()) == 1


def test_quote_in_page_chrome(make_ledger):
    text = MINIMAL["facts/figures.yaml"].replace(
        "quote: 60 billion dollar investment", "quote: 300,000 jobs"
    )
    problem = only_problem(make_ledger({"facts/figures.yaml": text}))
    assert problem.field == "quote" and "page chrome" in problem.message


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


def test_dangling_reference(make_ledger):
    text = MINIMAL["facts/events.yaml"].replace(
        "{entity: pakistan, role: party}", "{entity: pakistn, role: party}"
    )
    problem = only_problem(make_ledger({"facts/events.yaml": text}))
    assert (problem.line, problem.field) == (9, "entity")
    assert "unknown id 'pakistn' (not in entities)" in problem.message
    text = MINIMAL["facts/claims.yaml"].replace("source_id: ref_one", "source_id: ref_two")
    problem = only_problem(make_ledger({"facts/claims.yaml": text}))
    assert problem.field == "source_id" and "'ref_two'" in problem.message
    sipri = MINIMAL["external/sipri_tiv.csv"].replace("china,nigeria", "china,narnia")
    problem = only_problem(make_ledger({"external/sipri_tiv.csv": sipri}))
    assert problem.file.endswith("sipri_tiv.csv") and (problem.line, problem.row) == (3, 2)
    assert problem.field == "recipient" and "'narnia'" in problem.message


def test_corresponds_to_must_name_an_article_event(make_ledger):
    text = MINIMAL["external/events.yaml"].replace(
        "corresponds_to: forum_2019", "corresponds_to: forum_2019_reference"
    )
    problem = only_problem(make_ledger({"external/events.yaml": text}))
    assert problem.field == "corresponds_to" and "not an article event" in problem.message


def test_bad_iso_code(make_ledger):
    text = MINIMAL["facts/entities.yaml"].replace("iso3: PAK", "iso3: PAQ")
    problem = only_problem(make_ledger({"facts/entities.yaml": text}))
    assert (problem.line, problem.field) == (10, "iso3") and "ISO 3166" in problem.message


def test_coordinate_out_of_range(make_ledger):
    text = MINIMAL["facts/places.yaml"].replace("lon: 62.33", "lon: 262.33")
    problem = only_problem(make_ledger({"facts/places.yaml": text}))
    assert (problem.line, problem.field) == (6, "lon") and "out of range" in problem.message


def test_coordinates_need_a_source(make_ledger):
    text = MINIMAL["facts/places.yaml"].replace("  source_id: ref_one\n", "")
    problem = only_problem(make_ledger({"facts/places.yaml": text}))
    assert problem.field == "source_id" and "coordinates" in problem.message


def test_article_missing(make_ledger):
    root = make_ledger()
    (root / "raw" / "article.txt").unlink()
    problem = only_problem(root)
    assert problem.file.endswith("raw/article.txt") and "missing" in problem.message


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


def test_non_utf8_text(make_ledger):
    root = make_ledger(
        {
            "facts/figures.yaml": MINIMAL["facts/figures.yaml"]
            .encode("utf-8")
            .replace(b"billion US", b"billion \xff US")
        }
    )
    problem = only_problem(root)
    assert problem.file.endswith("facts/figures.yaml") and "not UTF-8" in problem.message
    assert problem.line == 5
    page = make_ledger({})
    (page / "raw" / "article.txt").write_bytes("China\u2019s".encode("cp1252"))
    assert "not UTF-8" in only_problem(page).message


def test_unknown_file(make_ledger):
    problem = only_problem(make_ledger({"facts/event.yaml": "[]\n"}))
    assert problem.file.endswith("facts/event.yaml") and "unknown file" in problem.message


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


def test_sipri_file_problems(make_ledger):
    good = MINIMAL["external/sipri_tiv.csv"]
    twice = good + "china,pakistan,2017,3,ref_one\n"
    problem = only_problem(make_ledger({"external/sipri_tiv.csv": twice}))
    assert (problem.line, problem.row) == (4, 3) and "a second row" in problem.message
    bad_year = good.replace("2017,514", "twenty,514")
    problem = only_problem(make_ledger({"external/sipri_tiv.csv": bad_year}))
    assert problem.field == "year" and "'twenty'" in problem.message
    header = good.replace("tiv,source_id", "value,source_id")
    assert (
        "expected the header"
        in only_problem(make_ledger({"external/sipri_tiv.csv": header})).message
    )


def test_validate_reports_a_rule_that_pandera_and_the_loader_judge_differently(
    make_ledger, monkeypatch
):
    from marchwest import schema

    root = make_ledger()
    real = schema.pandera_failures
    extra = schema.Failure(0, "name", "vocabulary", "China")
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
