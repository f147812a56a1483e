"""Exploring a ledger: everything about one entity (:func:`profile`) and a search across every
table (:func:`find`).

Frames in, frames out: both read the frames a ledger has already loaded and checked. A row is
named as in ``coverage().row_ids``: ``"table:id"``, or ``"table[N]"`` (N its position) in a table
without an id column; :func:`row` finds it again.
"""

from __future__ import annotations

import bisect
import difflib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from marchwest.ledger.page import fold, normalise
from marchwest.membership import membership_as_of
from marchwest.names import cell, quantity
from marchwest.schema import ROW_ID, TABLES

# The columns find() searches, in this order within a row (a table searches those it has).
SEARCHED = ("name", "title", "aliases", "evidence", "reference", "summary", "note")
FOUND_COLUMNS = ["table", "id", "column", "text", "match", "start", "end"]


class UnknownEntity(LookupError):
    """No entity of the ledger has the id, name or alias asked for."""


def row_ids(name: str, frame: pd.DataFrame) -> pd.Series:
    """The id of each row of table ``name``: ``"table:id"``, or ``"table[N]"`` by position."""
    table = TABLES[name]
    keys = frame[table.id_column] if table.id_column else frame.index
    ids = [table.row_id(key, i) for key, i in zip(keys, frame.index, strict=True)]
    return pd.Series(ids, index=frame.index, dtype=object)


def row(frames: Mapping[str, pd.DataFrame], row_id: str) -> pd.Series:
    """The row named ``row_id`` ("entities:china", "participants[12]") in ``frames``.

    Raises KeyError when the table or the row does not exist.
    """
    parsed = ROW_ID.fullmatch(row_id)
    if parsed is None or parsed["table"] not in frames:
        raise KeyError(f"{row_id!r}: not a row id of these tables")
    frame = frames[parsed["table"]]
    if parsed["position"] is not None:
        position = int(parsed["position"])
        if position not in frame.index:
            raise KeyError(f"{row_id!r}: no such row")
        return frame.loc[position]
    matches = frame[frame[TABLES[parsed["table"]].id_column] == parsed["id"]]
    if matches.empty:
        raise KeyError(f"{row_id!r}: no such row")
    return matches.iloc[0]


# --- find ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchIndex:
    """Every searched text of a ledger, normalised once and joined (NUL between texts)."""

    folded: str
    offsets: list[int]  # where each text starts in ``folded``
    entries: list[tuple[str, str, str, str, list[int], list[int]]] = field(repr=False)
    # (table, row id, column, original text, start map, end map) per text


def search_index(frames: Mapping[str, pd.DataFrame]) -> SearchIndex:
    """The index :func:`find` searches: build once per ledger, reuse for every query."""
    pieces: list[str] = []
    offsets: list[int] = []
    entries = []
    at = 0
    for name, frame in frames.items():
        columns = [c for c in SEARCHED if c in frame.columns]
        if not columns or frame.empty:
            continue
        ids = row_ids(name, frame)
        for column in columns:
            for row_id, value in zip(ids, frame[column], strict=True):
                for text in value if isinstance(value, list) else [value]:
                    if not isinstance(text, str) or not text:
                        continue
                    folded, starts, ends = normalise(text)
                    entries.append((name, row_id, column, text, starts, ends))
                    offsets.append(at)
                    pieces.append(folded)
                    at += len(folded) + 1
    return SearchIndex("\0".join(pieces), offsets, entries)


def find(index: SearchIndex, text: str) -> pd.DataFrame:
    """Every place where ``text`` occurs in a searched column, case-insensitively, with quotes,
    dashes and white space folded as the ledger folds quotes.

    Columns: table, id (the row id), column, text (the whole text matched in), match (the
    words as they stand there), start, end (the span of ``match`` in ``text``). Any string may
    be asked for: a match never runs from one text into the next.
    """
    query = fold(text) if isinstance(text, str) else ""
    if not query:
        raise ValueError(f"find: nothing to search for in {text!r}")
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    found = []
    at = 0
    while (hit := pattern.search(index.folded, at)) is not None:
        number = bisect.bisect_right(index.offsets, hit.start()) - 1
        name, row_id, column, original, starts, ends = index.entries[number]
        first, last = hit.start() - index.offsets[number], hit.end() - 1 - index.offsets[number]
        if last >= len(starts):  # runs past its text into the NUL after it: not a match
            at = hit.start() + 1
            continue
        start, end = starts[first], ends[last]
        found.append((name, row_id, column, original, original[start:end], start, end))
        at = hit.end()
    frame = pd.DataFrame(found, columns=FOUND_COLUMNS)
    return frame.astype({"start": "int64", "end": "int64"})


# --- profile ------------------------------------------------------------------------------


def resolve(entities: pd.DataFrame, text: str) -> str:
    """The id of the entity whose id, name or alias is ``text`` (case and quotes folded).

    Raises :class:`UnknownEntity` naming the closest names when none fits, or the candidates
    when several do.
    """
    names: dict[str, set[str]] = {}
    for entity_id, name, aliases in zip(
        entities["entity_id"], entities["name"], entities["aliases"], strict=True
    ):
        for label in (entity_id, name, *aliases):
            names.setdefault(fold(label).casefold(), set()).add(entity_id)
    wanted = fold(str(text)).casefold()
    fits = names.get(wanted, set())
    if len(fits) == 1:
        return next(iter(fits))
    if fits:
        raise UnknownEntity(f"entity {text!r} is ambiguous: it names {', '.join(sorted(fits))}")
    close = difflib.get_close_matches(wanted, names, n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownEntity(f"no entity has the id, name or alias {text!r}{hint}")


PROFILE_TABLES = (
    "events",
    "memberships_as_of",
    "memberships",
    "arms_transfers",
    "figures",
    "places",
    "claims",
)
PROVENANCE_COLUMNS = ["origin", "evidence", "source_id"]


@dataclass(frozen=True, repr=False)
class Profile:
    """Everything a ledger says about one entity: its row and one frame per table.

    ``events`` (with the entity's ``role``), ``memberships_as_of`` (the status in force on the
    article's date, as member or as organisation), ``memberships`` (every row, over time),
    ``arms_transfers`` (as supplier or recipient), ``figures`` (about it, its events or its
    places), ``places`` (in its country or where its events took place; ``why``), ``claims``
    (whose words or reference mention its name or an alias, or whose words overlap the words of
    one of its rows; ``why``). Every frame keeps origin, evidence and source_id.
    """

    entity: pd.Series
    as_of: pd.Timestamp
    events: pd.DataFrame
    memberships_as_of: pd.DataFrame
    memberships: pd.DataFrame
    arms_transfers: pd.DataFrame
    figures: pd.DataFrame
    places: pd.DataFrame
    claims: pd.DataFrame
    names: Mapping[str, str] = field(default_factory=dict, repr=False)  # entity ids -> names

    def tables(self) -> dict[str, pd.DataFrame]:
        """The frames by name (new copies)."""
        return {name: getattr(self, name).copy() for name in PROFILE_TABLES}

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(getattr(self, n))} {n}" for n in PROFILE_TABLES)
        return f"<Profile {self.entity['entity_id']!r} ({self.entity['name']}): {counts}>"

    def _repr_html_(self) -> str:
        return profile_html(self)


def profile(frames: Mapping[str, pd.DataFrame], text: str, as_of: pd.Timestamp) -> Profile:
    """The :class:`Profile` of the entity ``text`` names (see :func:`resolve`), with
    memberships as of ``as_of`` (the article's date)."""
    entities = frames["entities"]
    entity_id = resolve(entities, text)
    entity = entities[entities["entity_id"] == entity_id].iloc[0]

    taking_part = frames["participants"]
    taking_part = taking_part[taking_part["entity_id"] == entity_id]
    events = frames["events"].merge(
        taking_part[["event_id", "role"]].drop_duplicates(), on="event_id"
    )
    events = events[
        ["event_id", "title", "kind", "role", "date_text", "date_start", "date_end"]
        + ["place_id", "corresponds_to", *PROVENANCE_COLUMNS]
    ]
    events = events.sort_values(["date_start", "event_id"], kind="stable").reset_index(drop=True)

    all_memberships = frames["memberships"]
    concerned = (all_memberships["member_id"] == entity_id) | (
        all_memberships["organisation_id"] == entity_id
    )
    memberships = all_memberships[concerned].reset_index(drop=True)
    current = membership_as_of(memberships, as_of)

    arms = frames["arms_transfers"]
    arms = arms[(arms["supplier_id"] == entity_id) | (arms["recipient_id"] == entity_id)]

    places = _places(frames["places"], entity, events)
    subjects = {entity_id, *events["event_id"], *places["place_id"]}
    figures = frames["figures"][frames["figures"]["subject_id"].isin(subjects)]

    own_rows = [events, memberships, arms, figures]
    claims = _claims(frames["claims"], entity, own_rows)
    return Profile(
        entity=entity.copy(),
        as_of=pd.Timestamp(as_of),
        events=events,
        memberships_as_of=current.reset_index(drop=True),
        memberships=memberships,
        arms_transfers=arms.reset_index(drop=True),
        figures=figures.reset_index(drop=True),
        places=places,
        claims=claims,
        names=dict(zip(entities["entity_id"], entities["name"], strict=True)),
    )


def _places(places: pd.DataFrame, entity: pd.Series, events: pd.DataFrame) -> pd.DataFrame:
    """Places in the entity's country, then places of its events, each once, with ``why``."""
    iso3 = entity["iso3"]
    inside = places[places["iso3"] == iso3] if isinstance(iso3, str) else places.iloc[:0]
    why = dict.fromkeys(inside["place_id"], f"in {entity['name']}")
    for place_id, event_id in zip(events["place_id"], events["event_id"], strict=True):
        if isinstance(place_id, str) and place_id not in why:
            why[place_id] = f"place of events:{event_id}"
    chosen = places[places["place_id"].isin(why)].copy()
    chosen.insert(1, "why", chosen["place_id"].map(why))
    return chosen.reset_index(drop=True)


def _claims(claims: pd.DataFrame, entity: pd.Series, own_rows: list[pd.DataFrame]) -> pd.DataFrame:
    """Claims whose evidence or reference names the entity (its name or an alias, as a whole
    word, case kept: "US" is not "us"), or whose evidence overlaps the evidence of its rows."""
    labels = sorted({fold(entity["name"]), *map(fold, entity["aliases"])}, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, labels)) + r")(?!\w)")
    spans = [
        (int(start), int(end))
        for frame in own_rows
        if "char_start" in frame.columns
        for start, end in zip(frame["char_start"], frame["char_end"], strict=True)
        if not pd.isna(start)
    ]
    why = []
    for evidence, reference, start, end in zip(
        claims["evidence"],
        claims["reference"],
        claims["char_start"],
        claims["char_end"],
        strict=True,
    ):
        texts = [t for t in (evidence, reference) if isinstance(t, str)]
        named = next((m[0] for t in texts if (m := pattern.search(fold(t)))), None)
        if named is not None:
            why.append(f"names {named!r}")
        elif not pd.isna(start) and any(a < end and b > start for a, b in spans):
            why.append("its words overlap the entity's rows")
        else:
            why.append(None)
    chosen = claims.assign(why=why)
    chosen = chosen[chosen["why"].notna()]
    columns = ["claim_id", "why", *[c for c in claims.columns if c != "claim_id"]]
    return chosen[columns].reset_index(drop=True)


# --- the HTML card ------------------------------------------------------------------------

# Per frame: its heading and the columns the card shows (provenance is added to every line).
CARD = {
    "events": ("Events", ["title", "role", "kind", "date_text"]),
    "memberships_as_of": (
        "Memberships on the article's date",
        ["organisation_id", "member_id", "status"],
    ),
    "memberships": (
        "Memberships over time",
        ["organisation_id", "member_id", "status", "since_edtf", "until_edtf"],
    ),
    "arms_transfers": (
        "Arms transfers",
        [
            "supplier_id",
            "recipient_id",
            "measure",
            "rank",
            "period_start",
            "period_end",
            "value",
            "unit",
        ],
    ),
    "figures": ("Figures", ["measure", "qualifier", "value", "unit", "subject_id"]),
    "places": ("Places", ["name", "kind", "why"]),
    "claims": ("Claims that concern it", ["topic", "verdict", "why", "reference"]),
}
# Columns of entity ids the card shows by the entity's name.
NAMED = {"organisation_id", "member_id", "supplier_id", "recipient_id", "subject_id"}
CARD_ROWS = 12  # rows shown per frame; the rest are counted


def profile_html(found: Profile) -> str:
    """One HTML card: the entity, then a short list per frame, each line with its evidence
    (quoted) or source. Every label is escaped."""
    entity = found.entity
    facts = [str(entity["kind"])]
    if isinstance(entity["iso3"], str):
        facts.append(entity["iso3"])
    if len(entity["aliases"]):
        facts.append("also " + ", ".join(entity["aliases"]))
    parts = [
        '<div class="marchwest-profile" style="border:1px solid #ccc;padding:0 1em">',
        f"<h3>{_e(entity['name'])} <small>({_e(entity['entity_id'])})</small></h3>",
        f"<p>{_e('; '.join(facts))}. {_provenance(entity)}</p>",
    ]
    for name, (heading, columns) in CARD.items():
        frame = getattr(found, name)
        parts.append(f"<h4>{_e(heading)} ({len(frame)})</h4>")
        if frame.empty:
            parts.append("<p><em>none in the ledger</em></p>")
            continue
        parts.append("<ul>")
        for _, line in frame.head(CARD_ROWS).iterrows():
            values = [
                _card_value(line, c, found.names)
                for c in columns
                if c in line.index and c != "unit" and _present(line[c])
            ]
            parts.append(f"<li>{_e(' · '.join(values))} {_provenance(line)}</li>")
        if len(frame) > CARD_ROWS:
            parts.append(f"<li>… {len(frame) - CARD_ROWS} more (see .tables())</li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts)


def _card_value(line: pd.Series, column: str, names: Mapping[str, str]) -> str:
    """A value of the card as a reader writes it: a name for an id, "200 troops" for a value
    and its unit, "1,210" (not "1210.0") for a number."""
    if column in NAMED:
        return names.get(line[column], str(line[column]))
    if column == "value":
        return quantity(line[column], line.get("unit"))
    return cell(line[column], column)


def _present(value: object) -> bool:
    return not (value is None or (not isinstance(value, list) and pd.isna(value)))


def _provenance(line: pd.Series) -> str:
    if isinstance(line.get("evidence"), str):
        return f"<q>{_e(line['evidence'])}</q>"
    if isinstance(line.get("source_id"), str):
        return f"<small>source: {_e(line['source_id'])}</small>"
    return ""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
