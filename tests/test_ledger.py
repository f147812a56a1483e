"""Reading and checking ledger folders: the rows, and one test for each kind of bad input."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from _ledgers import MINIMAL, write_ledger

import marchwest
from marchwest import paths
from marchwest.ledger import dates
from marchwest.ledger.folder import read_ledger
from marchwest.schema import MAX_TEXT


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
    for folder in ("external", "facts"):  # an article-side claim too: the verdict needs it
        other = "facts" if folder == "external" else "external"
        files = {f"{other}/claims.yaml": None, f"{folder}/claims.yaml": claim}
        problem = only_problem(make_ledger(files))
        assert problem.field == "source_id" and problem.line == 1
        assert "'supported' verdict needs the source that decides it" in problem.message
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


SECOND_SOURCE = """\
- source_id: ref_two
  title: Another reference
  url: https://example.org/two
  published: "2021"
  terms: unknown
"""


def test_a_source_cited_by_no_row(make_ledger):
    sources = MINIMAL["external/sources.yaml"] + SECOND_SOURCE
    problem = only_problem(make_ledger({"external/sources.yaml": sources}))
    assert problem.file.endswith("external/sources.yaml") and problem.row == 2
    assert problem.field == "source_id"
    assert "source 'ref_two' is cited by no row" in problem.message
    # Named in an outcome's list of sources for or against, it is cited.
    for column in ("for_source_ids", "against_source_ids"):
        outcomes = MINIMAL["external/outcomes.yaml"] + f"  {column}: [ref_two]\n"
        ledger = marchwest.load(
            make_ledger({"external/sources.yaml": sources, "external/outcomes.yaml": outcomes})
        )
        assert ledger.outcomes().loc[0, column] == ["ref_two"]


def test_one_source_id_per_url(make_ledger):
    duplicate = SECOND_SOURCE.replace("https://example.org/two", "https://example.org/one")
    sources = MINIMAL["external/sources.yaml"] + duplicate
    claims = MINIMAL["facts/claims.yaml"].replace("source_id: ref_one", "source_id: ref_two")
    problem = only_problem(
        make_ledger({"external/sources.yaml": sources, "facts/claims.yaml": claims})
    )
    assert (problem.row, problem.field) == (2, "url")
    assert problem.message == "the URL of source 'ref_one' (line 1) again: one source id per URL"


def test_an_outcomes_sources_against_must_exist(make_ledger):
    outcomes = MINIMAL["external/outcomes.yaml"] + "  against_source_ids: [ref_one, nowhere]\n"
    problem = only_problem(make_ledger({"external/outcomes.yaml": outcomes}))
    assert problem.field == "against_source_ids"
    assert "unknown id 'nowhere' (not in sources)" in problem.message
    outcomes = MINIMAL["external/outcomes.yaml"] + "  for_source_ids: ref_one\n"
    problem = only_problem(make_ledger({"external/outcomes.yaml": outcomes}))
    assert problem.field == "for_source_ids" and "expected a list" in problem.message


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


def test_a_fifo_a_device_a_folder_or_a_loop_is_refused_not_read(make_ledger):
    import os

    root = make_ledger({"facts/figures.yaml": None})
    os.mkfifo(root / "facts" / "figures.yaml")  # reading it would wait for a writer forever
    problem = only_problem(root)
    assert problem.file.endswith("facts/figures.yaml") and "a FIFO" in problem.message
    (root / "facts" / "figures.yaml").unlink()
    (root / "facts" / "figures.yaml").symlink_to("/dev/urandom")  # endless bytes
    assert "a device" in only_problem(root).message
    (root / "facts" / "figures.yaml").unlink()
    (root / "facts" / "figures.yaml").mkdir()
    assert "a folder" in only_problem(root).message
    (root / "facts" / "figures.yaml").rmdir()
    (root / "facts" / "figures.yaml").symlink_to("figures.yaml")
    problem = only_problem(root)
    assert problem.file.endswith("figures.yaml") and "symbolic links" in problem.message


def test_a_file_over_the_size_limit_is_refused_unread(make_ledger):
    from marchwest.ledger.reader import MAX_BYTES

    root = make_ledger()
    with open(root / "facts" / "figures.yaml", "r+b") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no 10 MB is written
    problem = only_problem(root)
    assert problem.file.endswith("facts/figures.yaml") and "larger than 10 MB" in problem.message


def test_unreadable_files_and_folders_are_problems(make_ledger, monkeypatch):
    import os

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


BOMB = "- &a [x, x, x, x, x, x, x, x, x]\n- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        (BOMB + "- {? *b : x}\n", 1, "anchors (&name) are not allowed"),
        ("- figure_id: x\n  subject_id: *undefined\n", 2, "aliases (*name) are not allowed"),
        ("[" * 30_000, 1, "nested more than 8 levels deep"),  # libyaml's composer would crash
        ("- !!python/object/apply:os.system ['true']\n", 1, "tags"),
        ("- figure_id: !custom x\n", 1, "YAML tags (!custom) are not allowed"),
        ("- figure_id: x\n---\n- figure_id: y\n", 2, "more than one YAML document"),
        ("- figure_id: x\u0000\n", 1, "YAML syntax error"),
    ],
    ids=[
        "alias-bomb-as-key",
        "alias",
        "deep-nesting",
        "python-tag",
        "custom-tag",
        "two-docs",
        "nul",
    ],
)
def test_yaml_that_could_hurt_is_refused_before_it_is_built(make_ledger, text, line, what):
    problem = only_problem(make_ledger({"facts/figures.yaml": text}))
    assert problem.file.endswith("facts/figures.yaml") and problem.line == line
    assert what in problem.message


def test_a_key_that_is_not_text_is_a_problem(make_ledger):
    text = MINIMAL["facts/figures.yaml"] + "  ? [a, b]\n  : x\n"
    problem = only_problem(make_ledger({"facts/figures.yaml": text}))
    assert (problem.line, problem.message) == (8, "a key must be plain text")


@pytest.mark.parametrize(
    ("written", "why"),
    [
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
    ],
)
def test_a_number_must_be_plain_decimal_and_finite(make_ledger, written, why):
    text = MINIMAL["facts/figures.yaml"].replace("value: 60", f"value: {written}")
    problem = only_problem(make_ledger({"facts/figures.yaml": text}))
    assert (problem.line, problem.row, problem.field) == (4, 1, "value")
    assert why in problem.message


def test_whole_numbers_fit_int64_in_yaml_and_csv(make_ledger, capsys):
    from marchwest.cli import validate_ledger

    text = MINIMAL["facts/arms_transfers.yaml"].replace("rank: 1", "rank: 99999999999999999999")
    problem = only_problem(make_ledger({"facts/arms_transfers.yaml": text}))
    assert problem.field == "rank" and "out of range for a whole number" in problem.message
    sipri = MINIMAL["external/sipri_tiv.csv"].replace("2017,514", "99999999999999999999,514")
    root = make_ledger({"external/sipri_tiv.csv": sipri})
    problem = only_problem(root)
    assert problem.file.endswith("sipri_tiv.csv") and problem.field == "year"
    assert "out of range" in problem.message
    assert validate_ledger(root) == 1  # validate reports it; no traceback
    assert "field 'year'" in capsys.readouterr().out


@pytest.mark.parametrize("tiv", ["nan", "inf", "1e400", "1_944", "0x1F", "\u0665\u0661\u0664"])
def test_sipri_csv_numbers_are_plain_decimal(make_ledger, tiv):
    sipri = MINIMAL["external/sipri_tiv.csv"].replace("2017,514", f"2017,{tiv}")
    problem = only_problem(make_ledger({"external/sipri_tiv.csv": sipri}))
    assert (problem.line, problem.field) == (2, "tiv")


def test_a_csv_cell_too_large_for_the_csv_reader_is_a_problem(make_ledger):
    sipri = MINIMAL["external/sipri_tiv.csv"] + "china," + "x" * 200_000 + ",2018,1,ref_one\n"
    problem = only_problem(make_ledger({"external/sipri_tiv.csv": sipri}))
    assert problem.file.endswith("sipri_tiv.csv") and "not a readable CSV" in problem.message


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


def test_china_beside_china_is_refused(make_ledger):
    text = MINIMAL["facts/entities.yaml"] + (
        "- entity_id: China\n  name: China again\n  kind: country\n"
        "  quote: China is redrawing the global security map\n"
    )
    problem = only_problem(make_ledger({"facts/entities.yaml": text}))
    assert (problem.line, problem.field) == (20, "entity_id") and "'China'" in problem.message


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "//example.org/one",
        "ftp://example.org/one",
        '"https://example.org/a b"',
        "'https://example.org/\"onmouseover=\"alert(1)'",
    ],
)
def test_source_urls_must_be_http_or_https(make_ledger, url):
    text = MINIMAL["external/sources.yaml"].replace("https://example.org/one", url)
    problem = only_problem(make_ledger({"external/sources.yaml": text}))
    assert problem.file.endswith("external/sources.yaml")
    assert (problem.line, problem.field) == (4, "url") and "http" in problem.message


@pytest.mark.parametrize("date", ["1500-06-01", "9999-12-31", "../1000-01-01", "1677", "2262/.."])
def test_dates_outside_the_supported_years_are_refused(make_ledger, date):
    text = MINIMAL["facts/events.yaml"].replace("date: 2019-04\n", f"date: {date}\n")
    text = text.replace("  date_text: in April\n", "")
    if "/" in date:
        text = text.replace(f"date: {date}\n", f"date: {date}\n  date_precision: interval\n")
    problem = only_problem(make_ledger({"facts/events.yaml": text}))
    assert (problem.line, problem.field) == (14, "date")
    assert "years 1678 to 2261" in problem.message


def test_non_ascii_digits_in_dates_are_refused():
    for text in ("\u0662\u0660\u0661\u0669-04", "２０１９", "2019-0\u0664"):
        with pytest.raises(ValueError, match="bad date"):
            dates.parse(text)
        with pytest.raises(ValueError, match="bad date"):
            dates.parse_with_edtf(text)
    assert dates.parse("1678-01-01").start.year == 1678
    assert dates.parse("2261-12-31").end.year == 2261


def test_an_article_with_a_bad_byline_date_is_a_problem(make_ledger):
    root = make_ledger()
    page = root / "raw" / "article.txt"
    page.write_text(
        page.read_text(encoding="utf-8").replace("August 18, 2019", "August 38, 2019"),
        encoding="utf-8",
    )
    problem = only_problem(root)
    assert problem.file.endswith("raw/article.txt") and "'August 38, 2019'" in problem.message


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


def test_a_second_reading_of_a_claim_and_of_an_outcome(make_ledger):
    readings = marchwest.load(make_ledger({SECOND_READINGS: READINGS})).second_readings()
    assert readings["claim_id"].tolist()[0] == "top_destination"
    assert readings["outcome_id"].tolist()[1] == "new_base_outcome"
    assert readings["against_urls"].tolist() == [[], ["https://example.org/one"]]
    assert readings["verdict"].astype(str).tolist() == ["imprecise", "did not"]


def test_a_second_reading_with_a_verdict_outside_the_vocabulary(make_ledger):
    text = MINIMAL[SECOND_READINGS].replace("verdict: imprecise", "verdict: maybe")
    problem = only_problem(make_ledger({SECOND_READINGS: text}))
    assert problem.file.endswith(SECOND_READINGS)
    assert (problem.row, problem.line, problem.field) == (1, 5, "verdict")
    assert problem.message.startswith("'maybe' is not one of: supported, imprecise, contradicted")


def test_a_second_reading_of_an_unknown_claim(make_ledger):
    text = MINIMAL[SECOND_READINGS].replace("claim_id: top_destination", "claim_id: top_dest")
    problem = only_problem(make_ledger({SECOND_READINGS: text}))
    assert (problem.row, problem.line, problem.field) == (1, 1, "claim_id")
    assert problem.message == "unknown id 'top_dest' (not in claims)"


def test_a_second_readings_verdict_fits_what_it_reads(make_ledger):
    text = READINGS.replace("verdict: did not", "verdict: supported")
    problem = only_problem(make_ledger({SECOND_READINGS: text}))
    assert (problem.row, problem.field) == (2, "verdict")
    assert problem.message.startswith("'supported' does not fit what is read")
    text = MINIMAL[SECOND_READINGS].replace("first_verdict: supported", "first_verdict: partly")
    problem = only_problem(make_ledger({SECOND_READINGS: text}))
    assert (problem.row, problem.field) == (1, "first_verdict")


def test_a_second_reading_reads_one_claim_or_one_outcome(make_ledger):
    both = READINGS.replace(
        "- outcome_id: new_base_outcome",
        "- outcome_id: new_base_outcome\n  claim_id: top_destination",
    ).replace("verdict: did not", "verdict: unverified")
    found = problems(make_ledger({SECOND_READINGS: both}))
    assert [(p.row, p.field) for p in found] == [(2, "claim_id"), (2, "kind")], found
    assert "exactly one" in found[0].message and "an outcome's neither" in found[1].message
    no_kind = MINIMAL[SECOND_READINGS].replace("  kind: fact\n", "", 1)
    problem = only_problem(make_ledger({SECOND_READINGS: no_kind}))
    assert (problem.row, problem.field) == (1, "kind")


def test_second_readings_live_in_external_only(make_ledger):
    problem = only_problem(
        make_ledger({SECOND_READINGS: None, "facts/second_readings.yaml": MINIMAL[SECOND_READINGS]})
    )
    assert problem.message == "second_readings live in external/ only"
