"""Ties between entities, derived from the ledger: who is tied to whom, how, when, and on which
rows.

One row of :func:`ties` is one tie between two entities of one kind through one thing (an
organisation, an event, a supplier-recipient pair). Its kind comes from the ledger alone:

- ``same organisation``: both are members (founding member, member, party, signatory or host)
  of one organisation over overlapping periods (``memberships``); the period is the overlap.
- ``arms transfer``: a rank, share or SIPRI TIV row between supplier and recipient.
- from ``participants`` of one event (a reference event that ``corresponds_to`` an article
  event counts as that event): ``attack`` (attacker and target), ``rivalry`` (a target in
  any other event), ``aid`` (a funder or offeror and a recipient), ``security cooperation``
  (an exercise, patrol or deployment, or an event whose title speaks of security, defence,
  military or (counter)terrorism), ``agreement`` (an agreement, accession or founding),
  else ``joint event``. Abstainers are tied to no one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from itertools import combinations

import networkx as nx
import pandas as pd

from marchwest.explore import row_ids
from marchwest.ledger.records import collector_paused
from marchwest.schema import TABLES, TIE_KINDS

TIED_STATUSES = ("founding member", "member", "party", "signatory", "host")
SECURITY_EVENTS = ("exercise", "patrol", "deployment")
AGREEMENT_EVENTS = ("agreement", "accession", "founding")
SECURITY_WORDS = re.compile(r"secur|defen[cs]e|militar|terror", re.IGNORECASE)
GIVERS, TAKERS = ("funder", "offeror"), ("recipient",)
FIRST = "china"  # entity_a whenever it is one of the two
OPEN = pd.Timestamp.max  # the end of a membership still in force


def ties(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every tie the ledger's rows imply (see the module's docstring).

    Columns: entity_a, entity_b (entity ids; China is ``entity_a`` when it is one of them,
    else the two in alphabetical order), kind, via (the organisation or event id; empty for
    arms transfers), detail (what the tie is, in words), start, end (first and last day of its
    period; NaT: unknown or open), row_ids (the "table:id" / "table[N]" of every row it comes
    from), evidence (the article's words among those rows), source_ids (their sources).
    """
    with collector_paused():
        return _ties(frames)


def _ties(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    names = dict(_columns(frames["entities"], "entity_id", "name"))
    found = [*_membership_ties(frames, names), *_event_ties(frames), *_arms_ties(frames, names)]
    provenance = _provenance(frames)
    groups: dict[tuple, list[tuple]] = {}
    for a, b, kind, via, detail, start, end, ids in found:
        a, b = (b, a) if b == FIRST or (a != FIRST and b < a) else (a, b)
        groups.setdefault((a, b, kind, via), []).append((detail, start, end, ids))
    rows = []
    for (a, b, kind, via), group in groups.items():
        ids = list(dict.fromkeys(i for *_, row_ids_ in group for i in row_ids_))
        starts = [start for _, start, _, _ in group if start is not pd.NaT]
        ends = [end for _, _, end, _ in group if end is not pd.NaT]
        rows.append(
            (
                a,
                b,
                kind,
                via,
                group[0][0],
                min(starts, default=pd.NaT),
                pd.NaT if OPEN in ends else max(ends, default=pd.NaT),
                ids,
                _unique(provenance[i][0] for i in ids),
                _unique(provenance[i][1] for i in ids),
            )
        )
    schema = TABLES["ties"]
    table = pd.DataFrame(rows, columns=schema.column_names)
    table = table.astype(
        {c.name: c.dtype for c in schema.columns if c.dtype in ("string", "datetime64[ns]")}
    )
    table["kind"] = pd.Categorical(table["kind"], categories=TIE_KINDS)
    table = table.sort_values(["entity_a", "entity_b", "kind", "start", "via"], kind="stable")
    return table.reset_index(drop=True)


def _columns(frame: pd.DataFrame, *names: str) -> Iterator[tuple]:
    """The rows of ``frame``'s columns ``names`` as tuples of Python values: pd.NA for a
    missing value, pd.NaT for a missing time (one conversion per column, not per value)."""
    return zip(*(frame[name].tolist() for name in names), strict=True)


def _unique(values: Iterable[object]) -> list[str]:
    return list(dict.fromkeys(v for v in values if isinstance(v, str)))


def _provenance(frames: Mapping[str, pd.DataFrame]) -> dict[str, tuple[object, object]]:
    """(evidence, source_id) of every row of the tables ties come from, by row id."""
    out = {}
    for name in ("memberships", "events", "participants", "arms_transfers"):
        frame = frames[name]
        ids = row_ids(name, frame).tolist()
        out.update(zip(ids, _columns(frame, "evidence", "source_id"), strict=True))
    return out


def _membership_ties(frames: Mapping[str, pd.DataFrame], names: dict[str, str]) -> list[tuple]:
    memberships = frames["memberships"]
    members = memberships[memberships["status"].isin(TIED_STATUSES)]
    starts = members["since"].fillna(members["known_on"])  # from when a source attests it
    ends = members["until"].fillna(OPEN)
    by_organisation: dict[str, list[tuple]] = {}
    for organisation, *row in zip(
        *(column.tolist() for column in (members["organisation_id"], members["member_id"])),
        starts.tolist(),
        ends.tolist(),
        row_ids("memberships", members).tolist(),
        strict=True,
    ):
        by_organisation.setdefault(organisation, []).append(row)
    out = []
    for organisation in sorted(by_organisation):
        detail = f"both in {names.get(organisation, organisation)}"
        for one, other in combinations(by_organisation[organisation], 2):
            if one[0] == other[0]:
                continue
            start, end = max(one[1], other[1]), min(one[2], other[2])
            if end < start:
                continue  # never members at the same time
            out.append(
                (
                    one[0],
                    other[0],
                    "same organisation",
                    organisation,
                    detail,
                    start,
                    end,
                    [one[3], other[3]],
                )
            )
    return out


def _event_ties(frames: Mapping[str, pd.DataFrame]) -> list[tuple]:
    events = {
        event_id: rest
        for event_id, *rest in _columns(
            frames["events"],
            "event_id",
            "kind",
            "title",
            "corresponds_to",
            "date_start",
            "date_end",
        )
    }
    participants = frames["participants"]
    sides: dict[str, list[tuple]] = {}
    for (event_id, entity, role), row_id in zip(
        _columns(participants, "event_id", "entity_id", "role"),
        row_ids("participants", participants).tolist(),
        strict=True,
    ):
        group = sides.setdefault(event_id, [])
        if role != "abstainer":
            group.append((entity, role, row_id))
    out = []
    for event_id in sorted(sides):
        _, _, corresponds_to, start, end = events[event_id]
        via = corresponds_to if isinstance(corresponds_to, str) else event_id
        kind, title, *_ = events[via]  # the article's event decides the kind and names the tie
        for one, other in combinations(sides[event_id], 2):
            if one[0] == other[0]:
                continue
            tie = _event_kind(kind, title, one[1], other[1])
            if tie is None:
                continue
            out.append(
                (
                    one[0],
                    other[0],
                    tie,
                    via,
                    str(title),
                    start,
                    end,
                    [f"events:{event_id}", one[2], other[2]],
                )
            )
    return out


def _event_kind(kind: str, title: str, role: str, other: str) -> str | None:
    """The kind of tie between two participants of an event of ``kind`` called ``title``."""
    roles = {role, other}
    if kind == "attack":
        return "attack" if roles == {"attacker", "target"} else None
    if "target" in roles:
        return "rivalry" if roles != {"target"} else None
    if roles & set(GIVERS) and roles & set(TAKERS):
        return "aid"
    if kind in SECURITY_EVENTS or SECURITY_WORDS.search(title):
        return "security cooperation"
    if kind in AGREEMENT_EVENTS:
        return "agreement"
    return "joint event"


def _arms_ties(frames: Mapping[str, pd.DataFrame], names: dict[str, str]) -> list[tuple]:
    arms = frames["arms_transfers"]
    years: dict[int, tuple[pd.Timestamp, pd.Timestamp]] = {}  # a year's first and last day

    def year(value: object) -> tuple[pd.Timestamp, pd.Timestamp]:
        if value is pd.NA:
            return pd.NaT, pd.NaT
        if value not in years:
            years[value] = pd.Timestamp(value, 1, 1), pd.Timestamp(value, 12, 31)
        return years[value]

    out = []
    for (supplier, recipient, first, last), row_id in zip(
        _columns(arms, "supplier_id", "recipient_id", "period_start", "period_end"),
        row_ids("arms_transfers", arms).tolist(),
        strict=True,
    ):
        detail = f"{names.get(supplier, supplier)} → {names.get(recipient, recipient)}"
        start, end = year(first)[0], year(last)[1]
        out.append((supplier, recipient, "arms transfer", None, detail, start, end, [row_id]))
    return out


# --- one entity's partners (notebook 07) --------------------------------------------------


def partner_ties(
    ties: pd.DataFrame,
    entities: pd.DataFrame,
    centre: str = FIRST,
    partner_kinds: Iterable[str] = ("country",),
) -> pd.DataFrame:
    """``centre``'s ties to entities of ``partner_kinds``: the ``ties`` rows with a ``partner``
    column (the other entity), its ``partner_name``, and ``named`` (True when the article names
    the partner: its entity row is an article row)."""
    kinds = set(partner_kinds)
    info = {
        entity: (name, origin == "article", kind)
        for entity, name, origin, kind in _columns(entities, "entity_id", "name", "origin", "kind")
    }
    positions, partners = [], []
    for position, (a, b) in enumerate(_columns(ties, "entity_a", "entity_b")):
        if centre in (a, b):
            partner = b if a == centre else a
            if partner in info and info[partner][2] in kinds:
                positions.append(position)
                partners.append(partner)
    chosen = ties.iloc[positions].reset_index(drop=True)
    return chosen.assign(
        partner=pd.array(partners, dtype="string"),
        partner_name=pd.array([info[p][0] for p in partners], dtype="string"),
        named=pd.array([info[p][1] for p in partners], dtype=bool),
    )


def kind_matrix(partners: pd.DataFrame) -> pd.DataFrame:
    """Partners (rows) by kinds of tie (columns, in ``TIE_KINDS`` order, those present): the
    number of ties. Rows run from the partner with the most kinds of tie to the fewest, then
    the most ties, then by name."""
    counts = partners.groupby(["partner_name", "kind"], observed=True).size().unstack(fill_value=0)
    counts = counts.reindex(columns=[k for k in TIE_KINDS if k in counts.columns], fill_value=0)
    rank = {
        name: (-sum(c > 0 for c in row), -sum(row), name)
        for name, row in zip(counts.index, counts.to_numpy().tolist(), strict=True)
    }
    order = sorted(counts.index, key=rank.__getitem__)
    return counts.loc[order].rename_axis(index="partner", columns="kind")


def untied(
    ties: pd.DataFrame,
    entities: pd.DataFrame,
    centre: str = FIRST,
    partner_kinds: Iterable[str] = ("country",),
) -> pd.DataFrame:
    """The entities of ``partner_kinds`` the article names (article rows) that have no tie with
    ``centre``, with the words that name them and ``ties_elsewhere`` (their ties with others)."""
    kinds = set(partner_kinds)
    tied = set(partner_ties(ties, entities, centre, kinds)["partner"])
    ties_of = Counter(
        entity for pair in _columns(ties, "entity_a", "entity_b") for entity in set(pair)
    )
    positions, elsewhere = [], []
    for position, (entity, origin, kind) in enumerate(
        _columns(entities, "entity_id", "origin", "kind")
    ):
        if origin == "article" and kind in kinds and entity != centre and entity not in tied:
            positions.append(position)
            elsewhere.append(ties_of[entity])
    columns = ["entity_id", "name", "kind", "evidence", "char_start"]
    named = entities[columns].iloc[positions].reset_index(drop=True)
    return named.assign(ties_elsewhere=elsewhere)


def network_layout(
    ties: pd.DataFrame, partners: Iterable[str], centre: str = FIRST, seed: int = 7
) -> pd.DataFrame:
    """Positions for a drawing of ``centre``'s ties with ``partners``: ``centre`` at (0, 0), the
    partners on rings around it, closer the more kinds of tie they have with it, in the order
    a spring layout (networkx, seeded: every run draws the same) puts them around it, so that
    partners tied to each other sit side by side; evenly spaced, so no two labels overlap.

    Columns: node, x, y (within -1 to 1), kinds (the number of kinds of tie with ``centre``).
    """
    partners = [p for p in dict.fromkeys(partners) if p != centre]
    nodes = [centre, *partners]
    drawn = set(nodes)
    among = [
        (a, b, kind)
        for a, b, kind in _columns(ties, "entity_a", "entity_b", "kind")
        if a in drawn and b in drawn
    ]
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for (a, b), weight in sorted(Counter((a, b) for a, b, _ in among).items()):
        graph.add_edge(a, b, weight=float(weight))
    spring = nx.spring_layout(graph, pos={centre: (0.0, 0.0)}, fixed=[centre], seed=seed)
    around = sorted(partners, key=lambda p: (math.atan2(spring[p][1], spring[p][0]), p))
    kinds_with: dict[str, set[str]] = {}  # each partner's kinds of tie with the centre
    for a, b, kind in among:
        if centre in (a, b):
            kinds_with.setdefault(b if a == centre else a, set()).add(kind)
    kinds = {partner: len(found) for partner, found in kinds_with.items()}
    most = max(max(kinds.values(), default=1), 2)
    rows = [(centre, 0.0, 0.0, 0)]
    for index, partner in enumerate(around):
        count = int(kinds.get(partner, 0))
        radius = 1.0 - 0.4 * (max(count, 1) - 1) / (most - 1)
        angle = math.pi / 2 - 2 * math.pi * index / max(len(around), 1)
        rows.append((partner, radius * math.cos(angle), radius * math.sin(angle), count))
    return pd.DataFrame(rows, columns=["node", "x", "y", "kinds"]).round({"x": 6, "y": 6})
