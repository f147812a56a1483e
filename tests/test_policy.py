"""The verdict policy of data/README.md ("Verdicts"), checked on the ledger where a machine can.

Two tables. ``RULES``: each a rule of the policy that every row must follow, with a check that
returns the rows breaking it (and a broken copy of the ledger that the check must catch, so a
rule can fail). ``CASES``: the cases the policy was written for (issue 19), each with the
clause that decides it and the answer the ledger must give; changing one means changing the
policy first.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import pytest

import marchwest

Frames = dict[str, pd.DataFrame]
NAME_TABLES = ("entities", "places")  # rows that name a thing and state nothing of it
FORWARD = re.compile(
    r"\b(?:will|would|likely|likelihood|potential|should|seeks? to|aims? to|scenario|some point)\b"
    r"|seems to be rising",
    re.IGNORECASE,
)
RIVALRIES = [
    ("india", "pakistan"),
    ("china", "india"),
    ("iran", "israel"),
    ("iran", "saudi_arabia"),
]


@pytest.fixture(scope="module")
def frames() -> Frames:
    return marchwest.tables()


def article_places_only(frames: Frames) -> list[str]:
    """An article event's place is a place the article names."""
    events, places = frames["events"], frames["places"]
    named = set(places.loc[places["origin"] == "article", "place_id"])
    rows = events[(events["origin"] == "article") & events["place_id"].notna()]
    return list(rows.loc[~rows["place_id"].isin(named), "event_id"])


def mediator_only_when_said(frames: Frames) -> list[str]:
    """An article row's mediator role needs the article's words to say so."""
    parts = frames["participants"]
    rows = parts[(parts["origin"] == "article") & (parts["role"] == "mediator")]
    said = rows["evidence"].str.contains(r"mediat", case=False, regex=True)
    return [
        f"{e}:{p}" for e, p in zip(rows["event_id"][~said], rows["entity_id"][~said], strict=True)
    ]


def expectations_look_ahead(frames: Frames) -> list[str]:
    """An expectation's words speak of what will or may come (a report of past proposals is a
    fact)."""
    claims = frames["claims"]
    rows = claims[claims["kind"] == "expectation"]
    return list(rows.loc[~rows["evidence"].str.contains(FORWARD), "claim_id"])


def readings_judged(frames: Frames) -> list[str]:
    """A claim judged on readings judges at least two and names the one the verdict takes."""
    bad = []
    for claim_id, reference in zip(
        frames["claims"]["claim_id"], frames["claims"]["reference"], strict=True
    ):
        numbers = {int(n) for n in re.findall(r"Reading (\d+)", reference)}
        if not numbers:
            continue
        taken = re.search(r"The verdict takes reading (\d+)", reference)
        if len(numbers) < 2 or taken is None or int(taken.group(1)) not in numbers:
            bad.append(claim_id)
    return bad


def statements_recorded(frames: Frames) -> list[str]:
    """Every cited sentence is cited by a row that records what it says, not only by rows that
    name a thing in it (entities, places)."""
    coverage = marchwest.coverage()
    cited = coverage[coverage["row_ids"].map(len) > 0]
    named_only = cited["row_ids"].map(
        lambda ids: all(re.split(r"[:\[]", i)[0] in NAME_TABLES for i in ids)
    )
    return list(cited.loc[named_only, "text"])


def rivalries_are_ties(frames: Frames) -> list[str]:
    """Each rivalry the article states is a rivalry tie, on the article's words."""
    ties = marchwest.ties()
    text = marchwest.article().raw
    missing = []
    for a, b in RIVALRIES:
        rows = ties[(ties["entity_a"] == a) & (ties["entity_b"] == b) & (ties["kind"] == "rivalry")]
        quoted = [e for evidence in rows["evidence"] for e in evidence]
        if not quoted or not all(e in text for e in quoted):
            missing.append(f"{a}-{b}")
    return missing


def _place_outside(frames: Frames) -> Frames:
    events = frames["events"].copy()
    row = events.index[(events["origin"] == "article") & events["place_id"].isna()][0]
    events.loc[row, "place_id"] = "djibouti_base"
    return {**frames, "events": events}


def _mediator_unsaid(frames: Frames) -> Frames:
    parts = frames["participants"].copy()
    parts.loc[parts.index[parts["origin"] == "article"][0], "role"] = "mediator"
    return {**frames, "participants": parts}


def _past_as_expectation(frames: Frames) -> Frames:
    claims = frames["claims"].copy()
    claims.loc[claims["claim_id"] == "sco_cica_security_platforms", "kind"] = "expectation"
    return {**frames, "claims": claims}


def _reading_untaken(frames: Frames) -> Frames:
    claims = frames["claims"].copy()
    row = claims["claim_id"] == "djibouti_base_denied"
    claims.loc[row, "reference"] = "Reading 1: contradicted. Reading 2: supported."
    return {**frames, "claims": claims}


RULES: list[tuple[Callable[[Frames], list[str]], Callable[[Frames], Frames] | None]] = [
    (article_places_only, _place_outside),
    (mediator_only_when_said, _mediator_unsaid),
    (expectations_look_ahead, _past_as_expectation),
    (readings_judged, _reading_untaken),
    (statements_recorded, None),  # reads the bundled coverage: its own test below
    (rivalries_are_ties, None),
]


@pytest.mark.parametrize(("rule", "breaking"), RULES, ids=[r.__name__ for r, _ in RULES])
def test_every_row_follows_the_rule(frames, rule, breaking):
    assert rule(frames) == [], rule.__doc__
    if breaking is not None:
        assert rule(breaking(frames)), f"{rule.__name__} misses a row that breaks it"


# (claim_id, clause of data/README.md, column, the policy's answer)
CASES = [
    ("csto_name", "The wording of a name", "verdict", "imprecise"),
    ("only_all_weather_partner", "The wording of a name", "verdict", "imprecise"),
    (
        "balochistan_liberation_organization_name",
        "The wording of a name",
        "verdict",
        "contradicted",
    ),
    ("djibouti_base_denied", "An ambiguous sentence", "verdict", "imprecise"),
    ("republics_bordering_china", "Only what the article claims", "verdict", "supported"),
    ("gwadar_airport_contractor", "Only what the article claims", "verdict", "supported"),
    ("sco_cica_security_platforms", "What kind of statement", "kind", "fact"),
    ("changing_international_situation", "What kind of statement", "kind", "fact"),
    ("cpec_opposition_rising", "What kind of statement", "kind", "expectation"),
    ("relations_deepening_through_agreements", "What kind of statement", "kind", "assessment"),
    ("bomber_patrols_regular_feature", "What kind of statement", "kind", "expectation"),
]


@pytest.mark.parametrize(("claim_id", "clause", "column", "answer"), CASES)
def test_the_cases_the_policy_decides(frames, claim_id, clause, column, answer):
    claims = frames["claims"].set_index("claim_id")
    assert claims.loc[claim_id, column] == answer, f"{claim_id}: {clause}"
    if column == "verdict" and answer != "unverified":
        assert isinstance(claims.loc[claim_id, "source_id"], str)


def test_a_re_judged_claim_says_under_which_clause(frames):
    claims = frames["claims"].set_index("claim_id")
    for claim_id, clause, _, _ in CASES[:7]:
        assert clause in claims.loc[claim_id, "reference"], claim_id


def test_one_rule_for_both_names_off_in_their_wording(frames):
    claims = frames["claims"].set_index("claim_id")
    assert claims.loc["csto_name", "verdict"] == claims.loc["only_all_weather_partner", "verdict"]


def test_the_bases_stay_on_the_reference_events(frames):
    events = frames["events"].set_index("event_id")
    assert events.loc[["djibouti_base_presence", "cambodia_base_presence"], "place_id"].isna().all()
    djibouti = events[events["corresponds_to"] == "djibouti_base_presence"]
    assert set(djibouti["place_id"]) == {"djibouti_base"}


def test_the_article_gives_china_no_mediator_role(frames):
    parts = frames["participants"]
    roles = parts.loc[parts["event_id"] == "afghan_peace_meetings"].set_index("entity_id")["role"]
    assert roles["china"] == "party"
    assert set(roles) == {"party"}
