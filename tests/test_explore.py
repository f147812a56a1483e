"""marchwest.profile and marchwest.find: on the bundled ledger and on a small ledger of our own."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from _ledgers import added

import marchwest
from marchwest.explore import FOUND_COLUMNS, PROFILE_TABLES, UnknownEntity, row
from marchwest.schema import ROW_ID, TABLES

HOSTILE_NAME = "<b>x</b>"
HOSTILE_ALIAS = "<script>alert('x')</script>"
# An entity with a hostile name and alias, and an event of it and Pakistan at Gwadar Port with
# curly quotes and a line break in its title.
OWN = added(
    "external/entities.yaml",
    """
    - entity_id: hostile
      name: "<b>x</b>"
      kind: unknown
      aliases: ["<script>alert('x')</script>"]
      source_id: ref_one
    """,
) | added(
    "external/events.yaml",
    """
    - event_id: hostile_meeting
      title: "<b>x</b> meets Pakistan at the \u2018Gwadar\u2019\\n  port"
      kind: meeting
      date: "2018"
      place_id: gwadar_port
      participants:
        - {entity: hostile, role: party}
        - {entity: pakistan, role: host}
      source_id: ref_one
    """,
)


@pytest.fixture(scope="module")
def own(load_ledger) -> marchwest.Ledger:
    return load_ledger(OWN)


# --- profile ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["tajikistan", "Tajikistan", "  TAJIKISTAN "])
def test_profile_finds_an_entity_by_id_or_name_in_any_case(name):
    assert marchwest.profile(name).entity["entity_id"] == "tajikistan"


def test_profile_finds_an_entity_by_alias_with_quotes_folded():
    assert marchwest.profile("beijing").entity["entity_id"] == "china"
    assert marchwest.profile("Gen. Zubair Mahmood Hayat").entity["entity_id"] == (
        "zubair_mahmood_hayat"
    )


def test_an_unknown_entity_is_a_clear_error_naming_close_matches():
    with pytest.raises(UnknownEntity, match=r"'Tajikstan'.*did you mean 'tajikistan'"):
        marchwest.profile("Tajikstan")
    with pytest.raises(LookupError, match="no entity has the id, name or alias 'zzzz'$"):
        marchwest.profile("zzzz")


def test_tajikistan_profile_on_the_bundled_ledger():
    found = marchwest.profile("tajikistan")
    frames = found.tables()
    assert list(frames) == list(PROFILE_TABLES)
    events = frames["events"]
    assert {"china_tajikistan_security_cooperation", "tajik_border_offer_2016"} <= set(
        events["event_id"]
    )
    offer = events[events["event_id"] == "tajik_border_offer_2016"].iloc[0]
    assert offer["role"] == "recipient"
    assert offer["evidence"] in marchwest.article().raw
    # On the article's date Tajikistan is a founding member of the SCO, no longer of the
    # Shanghai Five (which the SCO replaced in 2001); over time both rows are there.
    current = frames["memberships_as_of"].set_index("organisation_id")["status"]
    assert current["sco"] == "founding member"
    assert "shanghai_five" not in current.index
    assert {"sco", "shanghai_five"} <= set(frames["memberships"]["organisation_id"])
    assert set(frames["arms_transfers"]["recipient_id"]) == {"tajikistan"}
    assert "dushanbe" in set(frames["places"]["place_id"])
    assert "chinese_troops_in_tajikistan" in set(frames["figures"]["figure_id"])
    assert "qccm_informal" in set(frames["claims"]["claim_id"])


def test_every_profile_row_carries_evidence_or_a_source():
    for name, frame in marchwest.profile("pakistan").tables().items():
        assert len(frame), name
        has = frame["evidence"].notna() | frame["source_id"].notna()
        assert has.all(), name


def test_claims_concern_an_entity_named_as_a_word_with_its_case():
    # "US" is an alias of the United States: the pronoun "us" is not it.
    claims = marchwest.profile("united_states").claims
    for why, evidence, reference in zip(
        claims["why"], claims["evidence"], claims["reference"], strict=True
    ):
        if why.startswith("names"):
            label = why.removeprefix("names ").strip("'")
            words = f"{evidence} {reference}".replace("\u2019", "'")
            assert re.search(rf"(?<!\w){re.escape(label)}(?!\w)", words)
    bangladesh = marchwest.profile("bangladesh").claims
    assert "bangladesh_myanmar_next" in set(bangladesh["claim_id"])
    assert "djibouti_base_denied" not in set(bangladesh["claim_id"])


def test_tables_are_copies():
    found = marchwest.profile("tajikistan")
    events = found.tables()["events"]
    events.loc[0, "title"] = "changed"
    assert found.events.loc[0, "title"] != "changed"


def test_profile_on_a_ledger_of_our_own(own):
    found = own.profile("PRC")
    assert found.entity["entity_id"] == "china"
    assert set(found.events["event_id"]) == {"hayat_meeting_2019"}
    assert found.events.loc[0, "role"] == "party"
    assert found.memberships_as_of[["organisation_id", "status"]].values.tolist() == [
        ["sco", "founding member"]
    ]
    assert sorted(found.arms_transfers["recipient_id"]) == ["nigeria", "pakistan", "pakistan"]
    assert set(found.claims["claim_id"]) == {"top_destination"}
    pakistan = own.profile("pakistan")
    assert set(pakistan.events["event_id"]) == {"hayat_meeting_2019", "hostile_meeting"}
    assert set(pakistan.places["place_id"]) == {"gwadar_port"}
    cpec = own.profile("cpec")
    assert list(cpec.figures["figure_id"]) == ["cpec_investment"]


def test_the_card_shows_a_hostile_label_as_text(own):
    card = own.profile(HOSTILE_ALIAS)._repr_html_()
    assert "<b>x</b>" not in card and "<script>" not in card
    assert html.escape(HOSTILE_NAME) in card
    assert html.escape(HOSTILE_ALIAS) in card
    assert html.escape("<b>x</b> meets Pakistan") in card
    pakistan = own.profile("pakistan")._repr_html_()
    assert "<b>x</b>" not in pakistan and html.escape("<b>x</b> meets") in pakistan
    # Ids in memberships and arms transfers are shown by their names, escaped too.
    assert "Shanghai Cooperation Organisation · Pakistan · member" in pakistan
    assert "China · Pakistan · rank · 1" in pakistan


def test_the_card_names_every_section_and_quotes_the_evidence():
    card = marchwest.profile("tajikistan")._repr_html_()
    assert card.startswith("<div") and card.endswith("</div>")
    for heading in ("Events", "Memberships on the article", "Arms transfers", "Claims"):
        assert f"<h4>{heading}" in card
    assert "<q>China is reported to have offered in September 2016" in card
    assert "source: wiki_sco" in card


# --- find ---------------------------------------------------------------------------------


def test_find_gwadar_across_the_tables():
    found = marchwest.find("Gwadar")
    assert list(found.columns) == FOUND_COLUMNS
    assert {"places", "events", "claims", "participants", "sources"} <= set(found["table"])
    assert {"places:gwadar_port", "claims:gwadar_airport_fully_funded"} <= set(found["id"])
    assert (found["match"].str.casefold() == "gwadar").all()
    for text, match, start, end in zip(
        found["text"], found["match"], found["start"], found["end"], strict=True
    ):
        assert text[start:end] == match


def test_find_names_the_rows_so_they_can_be_found_again():
    tables = marchwest.tables()
    for row_id, column, text in marchwest.find("Tajikistan")[["id", "column", "text"]].values:
        value = row(tables, row_id)[column]
        assert text in (value if isinstance(value, list) else [value])


def test_find_searches_aliases():
    found = marchwest.find("BeiDou")
    aliases = found[found["column"] == "aliases"]
    assert list(aliases["id"].unique()) == ["entities:beidou"]


def test_find_folds_quotes_spaces_and_case(own):
    # The title holds curly quotes and a line break; the query straight quotes and one space.
    found = own.find("'gwadar' PORT")
    assert list(found["id"]) == ["events:hostile_meeting"]
    assert found.loc[0, "match"] == "\u2018Gwadar\u2019\n  port"
    start = len("<b>x</b> meets Pakistan at the ")
    assert (found.loc[0, "start"], found.loc[0, "end"]) == (start, start + 15)


def test_find_takes_the_query_literally(own):
    assert own.find("<b>x</b>")["id"].tolist()[:2] == ["entities:hostile", "events:hostile_meeting"]
    assert own.find(".*").empty
    assert own.find("no such words").columns.tolist() == FOUND_COLUMNS


@pytest.mark.parametrize("query", ["", "   ", None])
def test_find_refuses_an_empty_query(query):
    with pytest.raises(ValueError, match="nothing to search for"):
        marchwest.find(query)


def test_row_refuses_an_unknown_row_id():
    tables = marchwest.tables()
    assert row(tables, "entities:china")["name"] == "China"
    assert row(tables, "participants[0]")["event_id"] == tables["participants"].loc[0, "event_id"]
    for bad in ("entities:nowhere", "participants[99999]", "nothing:x", "entities"):
        with pytest.raises(KeyError):
            row(tables, bad)


def test_the_frames_of_find_are_new_each_call(own):
    first = own.find("Pakistan")
    first.loc[0, "table"] = "changed"
    assert own.find("Pakistan").loc[0, "table"] != "changed"
    assert isinstance(first, pd.DataFrame)


def test_an_entity_the_ledger_says_little_about_has_empty_frames_of_the_same_columns():
    # The Balkans: named once ("toward ... the Balkans"), in no event or membership.
    balkans, pakistan = (
        marchwest.profile("Balkans").tables(),
        marchwest.profile("pakistan").tables(),
    )
    for name in PROFILE_TABLES:
        assert list(balkans[name].columns) == list(pakistan[name].columns), name
    assert balkans["events"].empty and balkans["memberships_as_of"].empty
    assert "none in the ledger" in marchwest.profile("Balkans")._repr_html_()


def searched_texts(frames) -> list[tuple[str, str, str, str, list[int], list[int]]]:
    """Every searched text folded on its own: (table, row id, column, folded, starts, ends)."""
    from marchwest.explore import SEARCHED, row_ids
    from marchwest.ledger.page import normalise

    texts = []
    for name, frame in frames.items():
        columns = [c for c in SEARCHED if c in frame.columns]
        for column in columns if not frame.empty else []:
            for row_id, value in zip(row_ids(name, frame), frame[column], strict=True):
                for text in value if isinstance(value, list) else [value]:
                    if isinstance(text, str) and text:
                        texts.append((name, row_id, column, *normalise(text)))
    return texts


def reference_find(texts, query: str) -> list[tuple[str, str, str, int, int]]:
    """find() done plainly: each searched text on its own searched for the folded query."""
    from marchwest.ledger.page import fold

    pattern = re.compile(re.escape(fold(query)), re.IGNORECASE)
    return [
        (name, row_id, column, starts[hit.start()], ends[hit.end() - 1])
        for name, row_id, column, folded, starts, ends in texts
        for hit in pattern.finditer(folded)
    ]


# Characters a generated query is made of: NUL and other control characters, regex and HTML
# metacharacters, quotes, dashes, white space, non-Latin letters.
QUERY_CHARACTERS = (
    "\0\x01\x07\x1b\x7f\u200b\ufeff.*+?^$()[]{}|\\/<>&;'\"\u2018\u2019\u201c\u2013 \t\nagiPÇßΣ中"
)


def generated_queries(own: marchwest.Ledger, seed: int) -> list[str]:
    """Random strings, and pieces of the ledger's own texts joined across the NUL between
    two texts of its search index (so a query may match inside one text and no further)."""
    import random

    from marchwest.explore import search_index

    rng = random.Random(seed)
    folded = search_index(own.tables()).folded
    queries = ["\0", "\0\0", "\x00a", "a\0", "\x0b", "\x1c", "", "a" * 100_000, "\0" * 50_000]
    for _ in range(25):
        queries.append("".join(rng.choice(QUERY_CHARACTERS) for _ in range(rng.randint(1, 6))))
        at = rng.randrange(len(folded))
        queries.append(folded[at : at + rng.randint(1, 12)])
        separator = folded.index("\0", at) if "\0" in folded[at:] else folded.index("\0")
        queries.append(folded[max(0, separator - 3) : separator + rng.randint(1, 4)])
    return queries


@pytest.mark.parametrize("seed", range(3))
def test_find_on_generated_strings_gives_what_a_plain_search_gives(own, seed):
    from marchwest.ledger.page import fold

    texts = searched_texts(own.tables())
    for query in generated_queries(own, seed):
        if not fold(query):
            with pytest.raises(ValueError, match="nothing to search for"):
                own.find(query)
            continue
        found = own.find(query)
        assert list(found.columns) == FOUND_COLUMNS, repr(query)
        rows = found[["table", "id", "column", "start", "end"]].itertuples(index=False)
        assert list(map(tuple, rows)) == reference_find(texts, query), repr(query)
        for text, match, start, end in zip(
            found["text"], found["match"], found["start"], found["end"], strict=True
        ):
            assert text[start:end] == match


def test_find_of_a_nul_is_empty():
    assert marchwest.find("\0").empty and marchwest.find("China\0").empty


def test_the_card_writes_numbers_as_a_reader_does():
    card = marchwest.profile("tajikistan")._repr_html_()
    assert "200 troops" in card and "200.0" not in card
    assert "2018 · 2018 · 3 million TIV" in card  # years without a separator, TIV with its unit
    assert ".0 " not in card and ".0<" not in card


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_row_id_is_read_back_as_the_table_and_row_it_names(name):
    """The one row-id rule (schema.Table.row_id) and its reader (schema.ROW_ID) agree, for
    every table: by id where the table has ids, by position otherwise."""
    parsed = ROW_ID.fullmatch(TABLES[name].row_id("some_id: with colon", 12))
    assert parsed["table"] == name
    if TABLES[name].id_column:
        assert (parsed["id"], parsed["position"]) == ("some_id: with colon", None)
    else:
        assert (parsed["id"], parsed["position"]) == (None, "12")
