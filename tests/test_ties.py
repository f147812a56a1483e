"""marchwest.ties(): who is tied to whom, how, when, and on which rows."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from _ledgers import added, scaled_ledger

import marchwest
from marchwest.explore import row
from marchwest.partnerships import kind_matrix, network_layout, partner_ties, untied
from marchwest.schema import TABLES, TIE_KINDS


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return marchwest.ties()


def _follow(ties: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> None:
    """Every tie's row ids lead to existing rows, whose evidence and sources are the tie's."""
    assert len(ties)
    for tie in ties.itertuples():
        rows = [row(tables, row_id) for row_id in tie.row_ids]  # KeyError if one is missing
        assert len(rows) >= 1
        evidence = {r["evidence"] for r in rows if isinstance(r["evidence"], str)}
        sources = {r["source_id"] for r in rows if isinstance(r["source_id"], str)}
        assert evidence or sources, tie
        assert set(tie.evidence) == evidence and set(tie.source_ids) == sources
        for r in rows:  # each row names both entities, or is the event they both took part in
            named = {r.get(c) for c in ("entity_id", "member_id", "supplier_id", "recipient_id")}
            assert named & {tie.entity_a, tie.entity_b} or "title" in r.index, tie


def test_every_bundled_tie_traces_back_to_rows(bundled):
    _follow(bundled, marchwest.tables())


def test_ties_name_entities_of_the_ledger_in_order(bundled):
    assert list(bundled.columns) == TABLES["ties"].column_names
    known = set(marchwest.entities()["entity_id"])
    assert set(bundled["entity_a"]) | set(bundled["entity_b"]) <= known
    with_china = (bundled["entity_a"] == "china") | (bundled["entity_b"] == "china")
    assert (bundled.loc[with_china, "entity_a"] == "china").all()
    others = bundled[~with_china]
    assert (others["entity_a"] < others["entity_b"]).all()
    assert not bundled.duplicated(["entity_a", "entity_b", "kind", "via"]).any()
    assert tuple(bundled["kind"].cat.categories) == TIE_KINDS


def test_chinas_ties_with_pakistan_and_tajikistan(bundled):
    china = bundled[bundled["entity_a"] == "china"]
    pakistan = china[china["entity_b"] == "pakistan"]
    assert {"same organisation", "agreement", "security cooperation", "arms transfer"} <= set(
        pakistan["kind"]
    )
    sco = pakistan[(pakistan["kind"] == "same organisation") & (pakistan["via"] == "sco")].iloc[0]
    assert sco["start"] == pd.Timestamp("2017-06-01") and pd.isna(sco["end"])
    fta = pakistan[pakistan["via"] == "fta_signed_2006"].iloc[0]
    # The article's row and the reference row dating it make one tie.
    assert {"events:fta_signed_2006", "events:fta_signed_2006_ref"} <= set(fta["row_ids"])
    assert fta["kind"] == "agreement"
    arms = pakistan[pakistan["kind"] == "arms transfer"].iloc[0]
    assert "arms_transfers[0]" in arms["row_ids"]
    assert arms["evidence"][0].startswith("Pakistan is Beijing")
    tajikistan = china[china["entity_b"] == "tajikistan"]
    offer = tajikistan[tajikistan["via"] == "tajik_border_offer_2016"].iloc[0]
    assert offer["kind"] == "aid"
    # Shanghai Five (1996-2001) hands over to the SCO: the tie through it ends in 2001.
    five = tajikistan[tajikistan["via"] == "shanghai_five"].iloc[0]
    assert (five["start"], five["end"]) == (pd.Timestamp("1996-04-26"), pd.Timestamp("2001-06-15"))


def test_the_balochistan_attacks_are_an_attack_not_a_partnership(bundled):
    attacks = bundled[bundled["via"] == "balochistan_attacks"]
    assert set(attacks["kind"]) == {"attack"}
    pairs = set(zip(attacks["entity_a"], attacks["entity_b"], strict=True))
    assert ("china", "balochistan_liberation_organization") in pairs
    assert ("balochistan_liberation_organization", "cpec") in pairs
    assert ("china", "cpec") not in pairs  # two targets are not tied to each other


def test_ties_are_new_each_call(bundled):
    first = marchwest.ties()
    first.loc[0, "row_ids"].append("changed")
    assert "changed" not in marchwest.ties().loc[0, "row_ids"]


# --- a ledger of our own ------------------------------------------------------------------

EVENTS = """
- event_id: raid
  title: A raid
  kind: attack
  date: "2015"
  source_id: ref_one
  participants:
    - {entity: nigeria, role: attacker}
    - {entity: china, role: target}
    - {entity: pakistan, role: target}
- event_id: grant
  title: A grant
  kind: offer
  date: "2016-05"
  source_id: ref_one
  participants:
    - {entity: china, role: funder}
    - {entity: pakistan, role: recipient}
    - {entity: nigeria, role: abstainer}
- event_id: drill
  title: A drill
  kind: exercise
  source_id: ref_one
  participants:
    - {entity: china, role: party}
    - {entity: nigeria, role: party}
- event_id: talks
  title: Talks on counter-terrorism
  kind: meeting
  source_id: ref_one
  participants:
    - {entity: pakistan, role: party}
    - {entity: nigeria, role: party}
- event_id: pact
  title: A pact
  kind: agreement
  date: 2017-01-02
  source_id: ref_one
  participants:
    - {entity: sco, role: signatory}
    - {entity: nigeria, role: signatory}
    - {entity: pakistan, role: target}
"""
# After MINIMAL's row (China in the SCO from 2001): Nigeria, a member from 1990 to 2000.
MEMBERSHIPS = """
- organisation_id: sco
  member_id: nigeria
  status: member
  since: "1990"
  until: "2000"
  source_id: ref_one
"""


@pytest.fixture(scope="module")
def own(load_ledger) -> marchwest.Ledger:
    return load_ledger(
        added("external/events.yaml", EVENTS) | added("external/memberships.yaml", MEMBERSHIPS)
    )


def test_own_ledger_ties(own):
    ties = own.ties()
    _follow(ties, own.tables())
    got = {(a, b, str(k), v) for a, b, k, v in ties[["entity_a", "entity_b", "kind", "via"]].values}
    assert got == {
        ("china", "pakistan", "joint event", "hayat_meeting_2019"),
        ("china", "pakistan", "arms transfer", pd.NA),
        ("china", "nigeria", "arms transfer", pd.NA),
        ("china", "pakistan", "same organisation", "sco"),
        ("china", "nigeria", "attack", "raid"),
        ("china", "pakistan", "aid", "grant"),
        ("china", "nigeria", "security cooperation", "drill"),
        ("nigeria", "pakistan", "attack", "raid"),
        ("nigeria", "pakistan", "security cooperation", "talks"),
        ("nigeria", "sco", "agreement", "pact"),
        ("pakistan", "sco", "rivalry", "pact"),
        ("nigeria", "pakistan", "rivalry", "pact"),
    }
    # Nigeria left the SCO (2000) before China joined (2001): no tie through it; the two
    # targets of the raid and the abstainer of the grant are tied to no one by it.


def test_own_ledger_periods(own):
    ties = own.ties().set_index(["entity_a", "entity_b", "kind"])
    sco = ties.loc[("china", "pakistan", "same organisation")]
    assert (sco["start"], sco["end"]) == (pd.Timestamp("2017-06-09"), pd.Timestamp("2020-12-31"))
    arms = ties.loc[("china", "pakistan", "arms transfer")]
    # The article's undated rank and the SIPRI TIV of 2017: the period is the TIV's year.
    assert (arms["start"], arms["end"]) == (pd.Timestamp("2017-01-01"), pd.Timestamp("2017-12-31"))
    assert arms["row_ids"] == ["arms_transfers[0]", "arms_transfers[1]"]
    grant = ties.loc[("china", "pakistan", "aid")]
    assert (grant["start"], grant["end"]) == (
        pd.Timestamp("2016-05-01"),
        pd.Timestamp("2016-05-31"),
    )
    drill = ties.loc[("china", "nigeria", "security cooperation")]
    assert pd.isna(drill["start"]) and pd.isna(drill["end"])


def _unordered(ties: pd.DataFrame, suffix: str = "") -> list[tuple]:
    """Each tie as a comparable tuple: its pair and lists unordered (copies sort their ids
    otherwise), ``suffix`` taken off its ids, rows named by position by their table only."""

    def plain(value: str) -> str:
        return re.sub(r"\[[0-9]+\]$", "[]", value.removesuffix(suffix) if suffix else value)

    return sorted(
        (
            tuple(sorted((plain(t.entity_a), plain(t.entity_b)))),
            t.kind,
            plain(t.via) if isinstance(t.via, str) else "",
            str(t.start),
            str(t.end),
            sorted(plain(i) for i in t.row_ids),
            sorted(t.evidence),
            sorted(plain(i) for i in t.source_ids),
        )
        for t in ties.itertuples()
    )


def test_a_ledger_of_copies_has_each_tie_once_per_copy(bundled, tmp_path):
    """The bundled ledger three times over (ids suffixed per copy): each copy's ties are the
    bundled ones with the copy's ids, nothing tied across copies (the bench times such ledgers)."""
    copies = marchwest.load(scaled_ledger(tmp_path / "x3", 3)).ties()
    assert len(copies) == 3 * len(bundled)
    for k in (1, 2):
        suffix = f"_k{k}"
        copy = copies[copies["entity_a"].str.endswith(suffix)]
        assert copy["entity_b"].str.endswith(suffix).all()
        assert _unordered(copy, suffix) == _unordered(bundled)


def test_the_functions_stay_callable_after_their_modules_are_imported():
    import marchwest.explore
    import marchwest.partnerships

    assert callable(marchwest.ties) and callable(marchwest.find) and callable(marchwest.profile)


# --- China's partners (notebook 07) -------------------------------------------------------


def test_partner_ties_keep_countries_and_mark_those_the_article_names(bundled):
    entities = marchwest.entities()
    partners = partner_ties(bundled, entities, "china")
    kind_of = entities.set_index("entity_id")["kind"]
    assert set(partners["partner"].map(kind_of)) == {"country"}
    assert "china" not in set(partners["partner"])
    named = set(partners.loc[partners["named"], "partner"])
    assert {"pakistan", "tajikistan", "myanmar"} <= named
    assert "algeria" not in named and "algeria" in set(partners["partner"])  # SIPRI only
    with_people = partner_ties(bundled, entities, "china", ("country", "person"))
    assert "xi_jinping" in set(with_people["partner"])


def test_kind_matrix_counts_and_orders_partners(own):
    partners = partner_ties(own.ties(), own.entities(), "china")
    matrix = kind_matrix(partners)
    assert list(matrix.index) == ["Pakistan", "Nigeria"]  # 4 kinds of tie, then 3
    assert list(matrix.columns) == [
        "same organisation",
        "security cooperation",
        "aid",
        "arms transfer",
        "joint event",
        "attack",
    ]
    assert matrix.loc["Pakistan"].tolist() == [1, 0, 1, 1, 1, 0]
    assert matrix.loc["Nigeria"].tolist() == [0, 1, 0, 1, 0, 1]


def test_untied_lists_the_named_countries_without_a_tie(bundled, own):
    alone = untied(bundled, marchwest.entities(), "china")
    assert list(alone["entity_id"]) == ["israel", "soviet_union"]
    assert alone["evidence"].tolist()[0] == "Iran and Israel"
    assert alone["ties_elsewhere"].tolist() == [1, 2]  # Israel: its rivalry with Iran
    assert untied(own.ties(), own.entities(), "china").empty


def test_network_layout_is_deterministic_and_puts_close_partners_near(named_partners):
    ties = marchwest.ties()
    first = network_layout(ties, named_partners, "china")
    assert first.equals(network_layout(ties, named_partners, "china"))
    assert first.iloc[0].tolist() == ["china", 0.0, 0.0, 0]
    radius = (first["x"] ** 2 + first["y"] ** 2) ** 0.5
    by_node = first.assign(radius=radius).set_index("node")
    assert by_node.at["pakistan", "radius"] < by_node.at["myanmar", "radius"] == pytest.approx(1)
    assert radius[1:].between(0.6 - 1e-5, 1 + 1e-5).all()
    assert set(first["node"]) == {"china", *named_partners}


@pytest.fixture(scope="module")
def named_partners(bundled) -> list[str]:
    partners = partner_ties(bundled, marchwest.entities(), "china")
    return list(dict.fromkeys(partners.loc[partners["named"], "partner"]))
