"""Every table's columns, vocabularies and rules, in one place.

``TABLES`` describes each table, stored (read from fact files) or derived (``ties``,
``coverage``): what one row is, its columns with dtype, description and how a fact file writes
each (``Column.written``: the ledger builds records from that alone). :func:`pandera_schemas`
turns it into the pandera schemas that check the frames; :mod:`marchwest.build.export` into the
Frictionless descriptor; :func:`loader_doc` into the loaders' docstrings and
:func:`with_sections` into the READMEs' column tables. pandera and pycountry are imported only
when the schemas are built (they are slow to import).
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from marchwest.errors import shown

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

ORIGINS = ("article", "reference")
ENTITY_KINDS = (
    "country",
    "person",
    "organisation",
    "company",
    "armed group",
    "initiative",
    "system",
    "document",
    "programme",
    "military unit",
    "region",
    "unknown",
)
EVENT_KINDS = (
    "meeting",
    "agreement",
    "accession",
    "patrol",
    "offer",
    "publication",
    "forum",
    "founding",
    "construction",
    "deployment",
    "attack",
    "negotiation",
    "exercise",
    "statement",
    "launch",
    "operation",
)
ROLES = (
    "party",
    "host",
    "member",
    "signatory",
    "offeror",
    "recipient",
    "author",
    "organiser",
    "attacker",
    "target",
    "participant",
    "mediator",
    "contractor",
    "funder",
    "abstainer",
)
MEMBERSHIP_STATUSES = (
    "founding member",
    "member",
    "observer",
    "dialogue partner",
    "party",
    "signatory",
    "host",
    "suspended",
)
ARMS_MEASURES = ("rank", "share of exports", "share of imports", "TIV")
QUALIFIERS = ("exactly", "about", "at least", "more than", "up to", "nearly")
PLACE_KINDS = (
    "city",
    "port",
    "airport",
    "region",
    "strait",
    "corridor",
    "military base",
    "border",
    "sea",
    "ocean",
)
# From right to wrong, then not decided: the order every table and chart lists them in.
VERDICTS = ("supported", "imprecise", "contradicted", "unverified")
# What sort of statement a claim is: a checkable fact, the author's judgement, a forecast, a
# report the article itself calls unconfirmed.
CLAIM_KINDS = ("fact", "assessment", "expectation", "rumour")
# Claims whose outcome can be told later (outcomes.claim_id).
FORWARD_KINDS = ("expectation", "rumour")
OUTCOME_VERDICTS = ("happened", "partly", "not yet", "did not", "unverified")
# A second reading's verdicts: a claim's or an outcome's ("unverified" is both).
READING_VERDICTS = tuple(dict.fromkeys((*VERDICTS, *OUTCOME_VERDICTS)))
# Why a sentence of the article holds no row (uncited.reason).
UNCITED_REASONS = (
    "heading",
    "transition",
    "framing",
    "repetition",
    "attribution",
    "conclusion",
)
# The kinds of tie of marchwest.partnerships (ties.kind).
TIE_KINDS = (
    "same organisation",
    "agreement",
    "security cooperation",
    "aid",
    "arms transfer",
    "joint event",
    "rivalry",
    "attack",
)
# Where a sentence of the article stands, and how far the ledger covers it (coverage).
COVERAGE_PARTS = ("title", "byline", "heading", "body")
COVERAGE_STATUSES = ("cited", "explained", "named", "uncovered")
# Single dates get day/month/year from the date itself; intervals must say which they are.
SINGLE_PRECISIONS = ("day", "month", "year")
INTERVAL_PRECISIONS = ("part of month", "part of year", "interval")
DATE_PRECISIONS = (*SINGLE_PRECISIONS, *INTERVAL_PRECISIONS, "undated")

# The bundled article, byte for byte (a user's ledger may pin its own in raw/article.sha256).
ARTICLE_SHA256 = "38586a5eb38fe1fb35f18e1f0598704112ac7fd56afb70a13f278c860886b27c"


# The longest text one value may hold (the ledger's longest is ~500): charts draw names and
# titles, and matplotlib takes seconds to lay out a 10,000-character label.
MAX_TEXT = 2000
LONGER_THAN_MAX = f"longer than {MAX_TEXT:,} characters"

# Patterns a column's values match in full, and what they mean (for messages).
ID_PATTERN = r"[a-z0-9_]{1,80}"
URL_PATTERN = r"https?://[^\s<>\"'`\\]+"
PATTERNS = {
    ID_PATTERN: "an id: 1 to 80 characters a-z, 0-9 and _",
    URL_PATTERN: "an http:// or https:// URL",
}


# How a column is written in a fact file (Column.written).
WRITTEN = {
    "value": "the value of its key, converted to the column's type",
    "edtf": "EDTF text under its key, kept as written (the loader checks it is a date)",
    "start": "the first day of the EDTF date under the key `of`",
    "end": "the last day of the EDTF date under the key `of`",
    "precision": "the precision of the EDTF date under the key `of` (day, month or year from the"
    " date itself; an interval's given under the column's own key)",
    "quote": "from `quote` (and `occurrence`): the article's words as they stand, and their span",
    "origin": "the folder of the file: facts/ 'article', external/ 'reference'",
    "parent": "the value of the row it is written in (a nested row's event and provenance)",
    "computed": "not in any fact file: computed from the other tables",
}


@dataclass(frozen=True)
class Column:
    """One column of a public table, and how a fact file gives it."""

    name: str
    dtype: str  # string | Int64 | Float64 | datetime64[ns] | category | list
    description: str
    vocabulary: tuple[str, ...] | None = None  # closed vocabulary of a category column
    required: bool = False  # never missing
    unique: bool = False
    iso3: bool = False  # an ISO 3166 alpha-3 country code
    bounds: tuple[float, float] | None = None  # inclusive range
    pattern: str | None = None  # a regular expression every value matches in full (PATTERNS)
    written: str = "value"  # how a fact file gives it: a key of WRITTEN
    key: str | None = None  # its key in a fact file, when not its name ("value", "edtf")
    of: str | None = None  # the EDTF key a "start", "end" or "precision" column comes from

    def __post_init__(self) -> None:
        if self.written not in WRITTEN:
            raise ValueError(f"column {self.name}: written {self.written!r} is not in WRITTEN")
        if (self.of is None) == (self.written in ("start", "end", "precision")):
            raise ValueError(f"column {self.name}: `of` goes with start, end and precision only")

    @property
    def free_text(self) -> bool:
        """Text that no vocabulary or id pattern bounds: at most MAX_TEXT characters a value."""
        return (
            self.dtype in ("string", "category")
            and self.vocabulary is None
            and self.pattern != ID_PATTERN
        )

    @property
    def keys(self) -> tuple[Key, ...]:
        """The keys a fact file writes it with (none for a derived column)."""
        if self.written == "value":
            return (Key(self.key or self.name, KEY_KINDS[self.dtype], self.required),)
        if self.written == "edtf":
            return (Key(self.key or self.name, "edtf", self.required),)
        if self.written in ("start", "end"):
            return (Key(self.of or "", "edtf"),)
        if self.written == "precision":
            return (Key(self.of or "", "edtf"), Key(self.name, "text"))
        if self.written == "quote":
            return (Key("quote", "text"), Key("occurrence", "int"))
        return ()


@dataclass(frozen=True)
class Key:
    """One YAML key a curator may write in a row of the table's files."""

    name: str
    kind: str  # text | edtf | int | number | list | rows (a nested table's rows)
    required: bool = False


KEY_KINDS = {
    "string": "text",
    "category": "text",
    "Int64": "int",
    "Float64": "number",
    "list": "list",
}


@dataclass(frozen=True)
class RowRule:
    """A rule across the columns of one row, checked by the loader and by pandera alike."""

    name: str
    field: str  # where a failure is reported: a column, or the YAML key behind it
    columns: tuple[str, ...]  # the values ``holds`` is called with (None when empty)
    holds: Callable[..., bool]
    message: str  # formatted with the row's values by column


ARTICLE_QUOTED = RowRule(
    "article_quoted",
    "quote",
    ("origin", "evidence"),
    lambda origin, evidence: origin != "article" or evidence is not None,
    "missing field: an article row needs the article's words",
)
REFERENCE_SOURCED = RowRule(
    "reference_sourced",
    "source_id",
    ("origin", "source_id"),
    lambda origin, source_id: origin != "reference" or source_id is not None,
    "missing field: a reference row needs its source",
)

# A verdict cites the source that decides it; only `unverified` may stand without one (whatever
# folder the row is in). Replaces REFERENCE_SOURCED in the tables whose rows carry a verdict.
VERDICT_SOURCED = RowRule(
    "reference_sourced",
    "source_id",
    ("source_id", "verdict"),
    lambda source_id, verdict: source_id is not None or verdict == "unverified",
    "missing field: a {verdict!r} verdict needs the source that decides it",
)


@dataclass(frozen=True)
class Table:
    name: str
    row: str  # what one row is
    own_columns: tuple[Column, ...]
    id_column: str | None = None
    external_only: bool = False  # lives only in external/ (sources)
    provenance: bool = True  # rows carry origin, evidence and source_id
    written_in: str | None = None  # its rows are written inside that table's, under its name
    derived: bool = False  # computed from the stored tables (no fact file)
    own_rules: tuple[RowRule, ...] = ()

    @property
    def rows_of_its_own(self) -> bool:
        """Rows written in files of their own (not inside another table's, not derived)."""
        return self.written_in is None and not self.derived

    @property
    def rules(self) -> tuple[RowRule, ...]:
        """The table's row rules, with the provenance rules it does not replace (by name)."""
        if not (self.provenance and self.rows_of_its_own):
            return self.own_rules
        own = {rule.name for rule in self.own_rules}
        inherited = (r for r in (ARTICLE_QUOTED, REFERENCE_SOURCED) if r.name not in own)
        return (*inherited, *self.own_rules)

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        if self.derived:  # every column computed, none written in a fact file
            return tuple(replace(c, written="computed") for c in self.own_columns)
        if not self.provenance:
            return self.own_columns
        if self.written_in is not None:  # the provenance of the row it is written in
            return self.own_columns + tuple(replace(c, written="parent") for c in PROVENANCE)
        return self.own_columns + PROVENANCE

    @cached_property
    def keys(self) -> tuple[Key, ...]:
        """The YAML keys of a row, in column order: each column's, and a key per table whose
        rows are written inside this one's."""
        keys = [key for column in self.columns for key in column.keys]
        keys += [Key(t.name, "rows") for t in TABLES.values() if t.written_in == self.name]
        first: dict[str, Key] = {}
        for key in keys:
            first.setdefault(key.name, key)
        return tuple(first.values())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def row_id(self, key: object, position: int) -> str:
        """How a row is named across the package (coverage, ties, ``find``, ``row``):
        "table:id" by its ``key``, or "table[N]" by its ``position`` in a table without ids."""
        return f"{self.name}:{key}" if self.id_column else f"{self.name}[{position}]"


# A row id as Table.row_id writes it: table, then ":id" or "[position]".
ROW_ID = re.compile(r"(?P<table>\w+)(?::(?P<id>.+)|\[(?P<position>\d+)\])")


PROVENANCE = (
    Column(
        "origin",
        "category",
        "Where the row comes from: 'article' (facts/, quoted) or 'reference' (external/, sourced).",
        ORIGINS,
        required=True,
        written="origin",
    ),
    Column(
        "evidence",
        "string",
        "The article's words exactly as they stand in the page"
        " (article().raw[char_start:char_end]).",
        written="quote",
    ),
    Column("char_start", "Int64", "Offset of the evidence in article().raw.", written="quote"),
    Column(
        "char_end", "Int64", "Offset just after the evidence in article().raw.", written="quote"
    ),
    Column("source_id", "string", "The reference source (sources.source_id).", pattern=ID_PATTERN),
)


def _id(name: str, what: str, **kw: Any) -> Column:
    return Column(name, "string", what, required=True, pattern=ID_PATTERN, **kw)


def _dates(prefix: str, what: str) -> tuple[Column, ...]:
    return (
        Column(
            prefix,
            "string",
            f"{what} as EDTF text ('2019-07', '2019-07-21/2019-07-31', '2018/..').",
            written="edtf",
        ),
        Column(
            f"{prefix}_start",
            "datetime64[ns]",
            f"First day {what.lower()} can mean (empty for an open start or no date).",
            written="start",
            of=prefix,
        ),
        Column(
            f"{prefix}_end",
            "datetime64[ns]",
            f"Last day {what.lower()} can mean (empty for an open end or no date).",
            written="end",
            of=prefix,
        ),
        Column(
            f"{prefix}_precision",
            "category",
            "day, month, year; for an interval: part of"
            " month, part of year, interval; undated when there is no date.",
            DATE_PRECISIONS,
            required=True,
            written="precision",
            of=prefix,
        ),
    )


def _verdict_fits(column: str) -> RowRule:
    """A second reading's verdict (or the first's) is a claim's or an outcome's, as it reads."""
    return RowRule(
        f"{column}_fits",
        column,
        ("outcome_id", column),
        lambda outcome, verdict: (
            verdict not in READING_VERDICTS
            or verdict in (OUTCOME_VERDICTS if outcome else VERDICTS)
        ),
        f"{{{column}!r}} does not fit what is read: a claim's verdict is one of"
        f" {', '.join(VERDICTS)}; an outcome's one of {', '.join(OUTCOME_VERDICTS)}",
    )


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "sources",
            "One reference source: a document, dataset or page that reference rows cite.",
            (
                _id("source_id", "Source id.", unique=True),
                Column("title", "string", "Title of the source.", required=True),
                Column("publisher", "string", "Who publishes it."),
                Column("url", "string", "Where to find it (http or https).", pattern=URL_PATTERN),
                Column("published", "string", "When it was published (EDTF text).", written="edtf"),
                Column("accessed", "string", "When it was consulted (EDTF text).", written="edtf"),
                Column("note", "string", "What the source is used for, caveats."),
                Column(
                    "terms",
                    "string",
                    "Its licence or terms of use as far as known ('unknown' where none was found).",
                    required=True,
                ),
                Column(
                    "origin",
                    "category",
                    "Always 'reference'.",
                    ORIGINS,
                    required=True,
                    written="origin",
                ),
            ),
            id_column="source_id",
            external_only=True,
            provenance=False,
        ),
        Table(
            "entities",
            "One actor or thing the facts refer to: a country, person, organisation, company, ...",
            (
                _id("entity_id", "Entity id (snake_case of the common English name).", unique=True),
                Column("name", "string", "Common English name.", required=True),
                Column(
                    "kind", "category", "What sort of entity it is.", ENTITY_KINDS, required=True
                ),
                Column("iso3", "string", "ISO 3166-1 alpha-3 code (countries only).", iso3=True),
                Column("aliases", "list", "Other names (the export joins them with '; ')."),
            ),
            id_column="entity_id",
        ),
        Table(
            "places",
            "One place on the map: a city, port, base, strait, corridor, ...",
            (
                _id("place_id", "Place id.", unique=True),
                Column("name", "string", "Common English name.", required=True),
                Column("kind", "category", "What sort of place it is.", PLACE_KINDS, required=True),
                Column(
                    "iso3",
                    "string",
                    "ISO 3166-1 alpha-3 code of the country it lies in"
                    " (empty for seas and straits).",
                    iso3=True,
                ),
                Column("lat", "Float64", "Latitude, degrees north.", bounds=(-90, 90)),
                Column("lon", "Float64", "Longitude, degrees east.", bounds=(-180, 180)),
            ),
            id_column="place_id",
            own_rules=(
                RowRule(
                    "coordinates_sourced",
                    "source_id",
                    ("lat", "lon", "source_id"),
                    lambda lat, lon, source: lat is None and lon is None or source is not None,
                    "coordinates come from a reference: give source_id",
                ),
            ),
        ),
        Table(
            "events",
            "One event: a meeting, agreement, patrol, attack, ... with its date and place.",
            (
                _id("event_id", "Event id.", unique=True),
                Column("title", "string", "Short description of the event.", required=True),
                Column("kind", "category", "What sort of event it is.", EVENT_KINDS, required=True),
                Column("date_text", "string", "The article's words for the date ('in April')."),
                *_dates("date", "The date"),
                Column(
                    "place_id", "string", "Where it happened (places.place_id).", pattern=ID_PATTERN
                ),
                Column(
                    "corresponds_to",
                    "string",
                    "For a reference row: the article event it dates (events.event_id).",
                    pattern=ID_PATTERN,
                ),
            ),
            id_column="event_id",
            own_rules=(
                RowRule(
                    "date_text_dated",
                    "date_text",
                    ("date_text", "date"),
                    lambda text, date: text is None or date is not None,
                    "date_text without a date: give the EDTF `date` too",
                ),
            ),
        ),
        Table(
            "participants",
            "One entity taking part in one event, with its role (from the events' participant"
            " lists; the row carries the event's provenance).",
            (
                _id("event_id", "The event (events.event_id).", written="parent"),
                _id("entity_id", "The entity (entities.entity_id).", key="entity"),
                Column(
                    "role", "category", "What the entity does in the event.", ROLES, required=True
                ),
            ),
            written_in="events",
        ),
        Table(
            "memberships",
            "One entity's status in one organisation or agreement over a period.",
            (
                _id("organisation_id", "The organisation (entities.entity_id)."),
                _id("member_id", "The member (entities.entity_id)."),
                Column(
                    "status", "category", "Membership status.", MEMBERSHIP_STATUSES, required=True
                ),
                Column(
                    "since",
                    "datetime64[ns]",
                    "Earliest day the status can have begun.",
                    written="start",
                    of="since",
                ),
                Column(
                    "until",
                    "datetime64[ns]",
                    "Latest day the status can have ended (empty: still holds or open).",
                    written="end",
                    of="until",
                ),
                Column(
                    "known_on",
                    "datetime64[ns]",
                    "First day of the date on which the source"
                    " attests the status (when `since` is unknown).",
                    written="start",
                    of="known_on",
                ),
                Column(
                    "since_edtf",
                    "string",
                    "`since` as written (EDTF).",
                    written="edtf",
                    key="since",
                ),
                Column(
                    "until_edtf",
                    "string",
                    "`until` as written (EDTF).",
                    written="edtf",
                    key="until",
                ),
                Column(
                    "known_on_edtf",
                    "string",
                    "`known_on` as written (EDTF).",
                    written="edtf",
                    key="known_on",
                ),
            ),
            own_rules=(
                RowRule(
                    "since_before_until",
                    "until",
                    ("since", "until"),
                    lambda since, until: since is None or until is None or since <= until,
                    "the start ({since_edtf}) is after the end ({until_edtf})",
                ),
            ),
        ),
        Table(
            "arms_transfers",
            "One measure of arms transfers from a supplier to a recipient over a period of years"
            " (a rank, a share, or SIPRI trend-indicator values).",
            (
                _id("supplier_id", "Supplier (entities.entity_id)."),
                _id("recipient_id", "Recipient (entities.entity_id)."),
                Column(
                    "rank",
                    "Int64",
                    "Rank of the recipient among the supplier's clients (1 ="
                    " top) or of the supplier among the recipient's suppliers.",
                ),
                Column("period_start", "Int64", "First year of the period."),
                Column("period_end", "Int64", "Last year of the period."),
                Column(
                    "measure", "category", "What `value` measures.", ARMS_MEASURES, required=True
                ),
                Column("value", "Float64", "The figure (a share in percent, a TIV, a rank)."),
                Column("unit", "string", "Unit of `value` ('percent', 'million TIV')."),
            ),
            own_rules=(
                RowRule(
                    "period_in_order",
                    "period_end",
                    ("period_start", "period_end"),
                    lambda first, last: first is None or last is None or first <= last,
                    "period_start {period_start} is after period_end {period_end}",
                ),
            ),
        ),
        Table(
            "figures",
            "One number stated about a subject (an entity, place or event): an amount, a count.",
            (
                _id("figure_id", "Figure id.", unique=True),
                _id("subject_id", "What the number is about (an entity, place or event id)."),
                Column(
                    "measure",
                    "string",
                    "What is measured ('investment', 'PRC nationals').",
                    required=True,
                ),
                Column("value", "Float64", "The number.", required=True),
                Column("unit", "string", "Unit of `value`."),
                Column("qualifier", "category", "How exact the number is.", QUALIFIERS),
                *_dates("date", "The date"),
            ),
            id_column="figure_id",
        ),
        Table(
            "claims",
            "One claim of the article checked against a reference source: the quote, what the"
            " reference says, and the verdict.",
            (
                _id("claim_id", "Claim id.", unique=True),
                Column("topic", "string", "What the claim is about."),
                Column(
                    "verdict",
                    "category",
                    "How the reference bears on the claim.",
                    VERDICTS,
                    required=True,
                ),
                Column("reference", "string", "What the reference says.", required=True),
                Column(
                    "kind", "category", "What sort of statement it is.", CLAIM_KINDS, required=True
                ),
                Column(
                    "as_of",
                    "string",
                    "The date the verdict is judged at (EDTF; the publication date for the"
                    " fact-check).",
                    required=True,
                    written="edtf",
                ),
            ),
            id_column="claim_id",
            own_rules=(
                RowRule(
                    "article_quoted",
                    "quote",
                    ("evidence",),
                    lambda evidence: evidence is not None,
                    "missing field: a claim needs the article's words",
                ),
                VERDICT_SOURCED,
            ),
        ),
        Table(
            "outcomes",
            "One later event bearing on an expectation (or rumour) of the article, what happened"
            " next, with a hindsight verdict from a source dated after the article.",
            (
                _id("outcome_id", "Outcome id.", unique=True),
                _id("claim_id", "The expectation it answers (claims.claim_id)."),
                Column("summary", "string", "What happened, in our words.", required=True),
                Column(
                    "verdict",
                    "category",
                    "Did the expectation come true?",
                    OUTCOME_VERDICTS,
                    required=True,
                ),
                Column(
                    "as_of",
                    "string",
                    "The date the verdict is judged at (EDTF): the latest source read.",
                    required=True,
                    written="edtf",
                ),
                *_dates("date", "When it happened"),
                Column(
                    "for_source_ids",
                    "list",
                    "More sources the summary rests on, beside source_id (sources.source_id).",
                ),
                Column(
                    "against_source_ids",
                    "list",
                    "Sources that weigh against the verdict (sources.source_id); empty when"
                    " none was found after searching, as the summary then says.",
                ),
            ),
            id_column="outcome_id",
            external_only=True,
            own_rules=(VERDICT_SOURCED,),
        ),
        Table(
            "uncited",
            "One sentence of the article that holds no fact, and why (so coverage can tell a"
            " sentence left out on purpose from one forgotten).",
            (
                Column(
                    "reason",
                    "category",
                    "Why the sentence holds no row.",
                    UNCITED_REASONS,
                    required=True,
                ),
                Column("note", "string", "The curator's words."),
            ),
        ),
        Table(
            "second_readings",
            "One verdict of the blind second reading (issue 19): a claim or an outcome judged again"
            " by a reader given only its words, the verdict policy and the stored sources, beside"
            " the first reading's verdict at that time.",
            (
                Column(
                    "claim_id",
                    "string",
                    "The claim read (claims.claim_id); empty for an outcome.",
                    pattern=ID_PATTERN,
                ),
                Column(
                    "outcome_id",
                    "string",
                    "The outcome read (outcomes.outcome_id); empty for a claim.",
                    pattern=ID_PATTERN,
                ),
                Column("kind", "category", "The second reader's kind (claims only).", CLAIM_KINDS),
                Column(
                    "verdict",
                    "category",
                    "The second reader's verdict.",
                    READING_VERDICTS,
                    required=True,
                ),
                Column(
                    "first_kind",
                    "category",
                    "The ledger's kind when the second reading was taken (claims only).",
                    CLAIM_KINDS,
                ),
                Column(
                    "first_verdict",
                    "category",
                    "The ledger's verdict when the second reading was taken.",
                    READING_VERDICTS,
                    required=True,
                ),
                Column("urls", "list", "The pages the second reader cites (for an outcome: for)."),
                Column("against_urls", "list", "For an outcome: the pages it cites against."),
                Column("reason", "string", "The second reader's reason.", required=True),
                Column(
                    "origin",
                    "category",
                    "Always 'reference'.",
                    ORIGINS,
                    required=True,
                    written="origin",
                ),
            ),
            external_only=True,
            provenance=False,
            own_rules=(
                RowRule(
                    "reads_one",
                    "claim_id",
                    ("claim_id", "outcome_id"),
                    lambda claim, outcome: (claim is None) != (outcome is None),
                    "give claim_id or outcome_id, exactly one: the claim or the outcome read",
                ),
                RowRule(
                    "kinds_of_a_claim",
                    "kind",
                    ("claim_id", "kind", "first_kind"),
                    lambda claim, kind, first: (
                        (kind, first) == (None, None)
                        if claim is None
                        else None not in (kind, first)
                    ),
                    "a claim's reading gives kind and first_kind, an outcome's neither",
                ),
                *(_verdict_fits(column) for column in ("verdict", "first_verdict")),
            ),
        ),
        Table(
            "ties",
            "One tie between two entities of one kind through one thing (an organisation, an"
            " event, a supplier-recipient pair), derived from memberships, participants and"
            " events, and arms_transfers (see marchwest.partnerships).",
            (
                _id(
                    "entity_a",
                    "An entity (China when it is one of the two, else the"
                    " first in alphabetical order).",
                ),
                _id("entity_b", "The other entity."),
                Column(
                    "kind",
                    "category",
                    "What sort of tie it is.",
                    TIE_KINDS,
                    required=True,
                ),
                Column(
                    "via",
                    "string",
                    "The organisation or event it runs through (empty for arms transfers).",
                    pattern=ID_PATTERN,
                ),
                Column("detail", "string", "What the tie is, in words."),
                Column(
                    "start",
                    "datetime64[ns]",
                    "First day of its period (empty: unknown).",
                ),
                Column(
                    "end",
                    "datetime64[ns]",
                    "Last day of its period (empty: unknown or open).",
                ),
                Column(
                    "row_ids",
                    "list",
                    'The rows it comes from ("table:id", or "table[N]" in a table without ids).',
                ),
                Column("evidence", "list", "The article's words among those rows."),
                Column("source_ids", "list", "The sources of those rows."),
            ),
            provenance=False,
            derived=True,
        ),
        Table(
            "coverage",
            "One sentence of the article (the title, byline and each heading count as one), with"
            " the rows whose evidence lies in it and its status (see marchwest.sentences).",
            (
                Column(
                    "part",
                    "category",
                    "Where it stands.",
                    COVERAGE_PARTS,
                    required=True,
                ),
                Column(
                    "section",
                    "string",
                    "The section heading it stands under (empty before the first).",
                ),
                Column(
                    "paragraph",
                    "Int64",
                    "Its paragraph, 1-based (empty outside the body).",
                ),
                Column(
                    "sentence",
                    "Int64",
                    "Its place in the paragraph (or part), 1-based.",
                    required=True,
                ),
                Column(
                    "char_start",
                    "Int64",
                    "Offset of the sentence in article().raw.",
                    required=True,
                ),
                Column(
                    "char_end",
                    "Int64",
                    "Offset just after the sentence in article().raw.",
                    required=True,
                ),
                Column("text", "string", "The sentence as it stands."),
                Column(
                    "row_ids",
                    "list",
                    "The rows that record what it says (events, memberships, arms_transfers,"
                    ' figures, claims, outcomes): "table:id", or "table[N]" in a table without'
                    " ids.",
                ),
                Column(
                    "name_ids",
                    "list",
                    "The entities and places rows that only name what it speaks of.",
                ),
                Column(
                    "status",
                    "category",
                    "cited: a row records it; explained: an `uncited` row says why it holds no"
                    " fact; named: only names; uncovered.",
                    COVERAGE_STATUSES,
                    required=True,
                ),
                Column(
                    "reason",
                    "category",
                    "For an explained sentence: why it holds no fact (uncited.reason).",
                    UNCITED_REASONS,
                ),
                Column(
                    "note",
                    "string",
                    "For an explained sentence: the curator's words (uncited.note).",
                ),
            ),
            provenance=False,
            derived=True,
        ),
    )
}
# The stored tables, in the order they are built in (sources first); then the derived ones.
TABLE_NAMES = tuple(name for name, table in TABLES.items() if not table.derived)
DERIVED_NAMES = tuple(name for name, table in TABLES.items() if table.derived)
# external/sipri_tiv.csv, one row per supplier, recipient and year: arms_transfers rows of TIV.
SIPRI_COLUMNS = ["supplier", "recipient", "year", "tiv", "source_id"]

# References between tables: (table, column) -> the tables whose id it must name.
REFERENCES: dict[tuple[str, str], tuple[str, ...]] = {
    ("participants", "event_id"): ("events",),
    ("participants", "entity_id"): ("entities",),
    ("events", "place_id"): ("places",),
    ("events", "corresponds_to"): ("events",),
    ("memberships", "organisation_id"): ("entities",),
    ("memberships", "member_id"): ("entities",),
    ("arms_transfers", "supplier_id"): ("entities",),
    ("arms_transfers", "recipient_id"): ("entities",),
    ("figures", "subject_id"): ("entities", "places", "events"),
    ("outcomes", "claim_id"): ("claims",),
    ("outcomes", "for_source_ids"): ("sources",),
    ("outcomes", "against_source_ids"): ("sources",),
    ("second_readings", "claim_id"): ("claims",),
    ("second_readings", "outcome_id"): ("outcomes",),
    **{(name, "source_id"): ("sources",) for name, t in TABLES.items() if t.provenance},
}


@cache
def iso3_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code, current and historic (pycountry)."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries) | frozenset(
        c.alpha_3 for c in pycountry.historic_countries
    )


@dataclass(frozen=True)
class RuleFailure:
    """A value of a table breaking one of its column's rules."""

    index: int  # the row's position in the frame
    column: str  # for a row rule: the rule's field
    rule: str  # required | unique | vocabulary | iso3 | bounds | pattern | length | dtype | a row rule
    value: Any = None


def _value_rule(column: Column) -> str | None:
    """The rule a column's values must follow beyond being present and unique (at most one)."""
    if column.vocabulary is not None:
        return "vocabulary"
    if column.iso3:
        return "iso3"
    if column.bounds is not None:
        return "bounds"
    if column.pattern is not None:
        return "pattern"
    return None


def rule_message(column: Column, rule: str, value: Any) -> str:
    """What is wrong, in words (duplicates are worded by the ledger, which knows the rows)."""
    if rule == "required":
        return "missing value (it is required)"
    if rule == "vocabulary":
        return f"{shown(value)} is not one of: {', '.join(column.vocabulary or ())}"
    if rule == "iso3":
        return f"{shown(value)} is not an ISO 3166-1 alpha-3 code"
    if rule == "bounds":
        lo, hi = column.bounds or (None, None)
        return f"{shown(value)} is out of range [{lo:g}, {hi:g}]"
    if rule == "pattern":
        return f"{shown(value)} is not {PATTERNS[column.pattern or '']}"
    if rule == "unique":
        return f"duplicate value {shown(value)}"
    if rule == "length":
        return f"{shown(value)} is {len(value):,} characters long, {LONGER_THAN_MAX}"
    return f"{shown(value)}: wrong type (expected {column.dtype})"


def record_failures(name: str, records: list[dict[str, Any]]) -> list[RuleFailure]:
    """Every value of the rows of table ``name`` (dicts by column) that breaks a column rule.

    The rules of :func:`pandera_schemas`, checked in plain Python: importing pandera takes
    longer than loading and checking the whole ledger, so loading uses this, while
    ``python -m marchwest validate`` and the tests run the pandera schemas too and report any
    failure the two do not both find. pandera also checks the dtypes the ledger gives the frames.
    """
    failures = []
    for column in TABLES[name].columns:
        values = [record.get(column.name) for record in records]
        rule = _value_rule(column)
        allowed = {"vocabulary": column.vocabulary, "iso3": rule == "iso3" and iso3_codes()}
        counts = Counter(v for v in values if v is not None) if column.unique else Counter()
        matches = re.compile(column.pattern).fullmatch if column.pattern else None
        free_text = column.free_text
        for index, value in enumerate(values):
            if value is None or value == []:
                if column.required:
                    failures.append(RuleFailure(index, column.name, "required"))
                continue
            if rule == "bounds":
                lo, hi = column.bounds  # type: ignore[misc]
                broken = not lo <= value <= hi
            elif rule == "pattern":
                broken = matches(value) is None  # type: ignore[misc]
            else:
                broken = rule is not None and value not in allowed[rule]
            if broken:
                failures.append(RuleFailure(index, column.name, rule, value))  # type: ignore[arg-type]
            if column.unique and counts[value] > 1:
                failures.append(RuleFailure(index, column.name, "unique", value))
            if free_text and isinstance(value, str) and len(value) > MAX_TEXT:
                failures.append(RuleFailure(index, column.name, "length", value))
    for rule in TABLES[name].rules:
        for index, record in enumerate(records):
            if not rule.holds(*(record.get(c) for c in rule.columns)):
                failures.append(RuleFailure(index, rule.field, rule.name))
    return failures


def pandera_failures(name: str, frame: pd.DataFrame) -> list[RuleFailure]:
    """Every failure the pandera schema of table ``name`` finds in ``frame`` (dtypes too)."""
    import pandera.errors

    schema = pandera_schemas()[name]
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        table = TABLES[name]
        rules = {rule.name: rule for rule in table.rules}
        failures = []
        for case in error.failure_cases.itertuples(index=False):
            check = _check_name(schema, case)
            index = -1 if case.index is None or case.index != case.index else int(case.index)
            if check in rules:  # a row rule: one case per column of the failing row
                failures.append(RuleFailure(index, rules[check].field, check))
                continue
            rule = PANDERA_BUILT_INS.get(check.split("(")[0], check)
            failures.append(
                RuleFailure(
                    index, case.column, rule, None if rule == "required" else case.failure_case
                )
            )
        return list(dict.fromkeys(failures))
    return []


# pandera's own checks (not named by us) -> the loader's rules.
PANDERA_BUILT_INS = {"not_nullable": "required", "field_uniqueness": "unique", "dtype": "dtype"}


def _check_name(schema: pa.DataFrameSchema, case: Any) -> str:
    """The name of the check a pandera failure case comes from: a Check of ours by its position
    (pandera reports a Check's error text, not its name), or pandera's own (not_nullable, ...)."""
    number = case.check_number
    if number is None or number != number:
        return str(case.check)
    if case.schema_context == "DataFrameSchema":
        return schema.checks[int(number)].name
    return schema.columns[case.column].checks[int(number)].name


@cache
def pandera_schemas() -> dict[str, pa.DataFrameSchema]:
    """The pandera schema of each table: a stored table's as built by the ledger (before
    category columns become pandas Categoricals: there a value outside the vocabulary is still
    visible), a derived table's as its function returns it."""
    import pandas as pd
    import pandera.pandas as pa

    def column(c: Column, final: bool) -> pa.Column:
        checks = []
        if c.vocabulary is not None:
            vocabulary = ", ".join(c.vocabulary)
            checks.append(
                pa.Check.isin(c.vocabulary, name="vocabulary", error=f"not one of {vocabulary}")
            )
        if c.iso3:
            checks.append(
                pa.Check.isin(iso3_codes(), name="iso3", error="not an ISO 3166-1 alpha-3 code")
            )
        if c.bounds is not None:
            lo, hi = c.bounds
            checks.append(
                pa.Check.in_range(lo, hi, name="bounds", error=f"out of range [{lo}, {hi}]")
            )
        if c.pattern is not None:
            checks.append(
                pa.Check.str_matches(
                    rf"(?:{c.pattern})\Z", name="pattern", error=PATTERNS[c.pattern]
                )
            )
        if c.free_text:
            checks.append(
                pa.Check.str_length(max_value=MAX_TEXT, name="length", error=LONGER_THAN_MAX)
            )
        dtype = {"category": "category" if final else "string", "list": None}.get(c.dtype, c.dtype)
        return pa.Column(
            dtype,
            checks=checks,
            nullable=not c.required,
            unique=c.unique,
            description=c.description,
        )

    def row_rule(rule: RowRule) -> pa.Check:
        def check(frame: pd.DataFrame) -> pd.Series:
            values = frame[list(rule.columns)].astype(object)
            values = values.where(values.notna(), None)
            held = [rule.holds(*row) for row in values.itertuples(index=False)]
            return pd.Series(held, index=frame.index, dtype=bool)

        return pa.Check(check, name=rule.name, error=rule.message)

    return {
        name: pa.DataFrameSchema(
            {c.name: column(c, t.derived) for c in t.columns},
            checks=[row_rule(rule) for rule in t.rules],
            strict=True,
            ordered=True,
            name=name,
            description=t.row,
        )
        for name, t in TABLES.items()
    }


# ---------------------------------------------------------------------------------------------
# Documentation generated from TABLES: the loaders' docstrings and the READMEs' column tables
# (tools/schema_docs.py rewrites the README sections; a test fails when they drift).


def _meaning(column: Column) -> str:
    vocabulary = f" One of: {', '.join(column.vocabulary)}." if column.vocabulary else ""
    return column.description + vocabulary


def loader_doc(name: str) -> str:
    """The docstring of the loader of table ``name``: what one row is, then every column."""
    table = TABLES[name]
    lines = [f"One row per {table.row.removeprefix('One ')}", "", "Columns:"]
    for column in table.columns:
        item = f"- ``{column.name}`` ({column.dtype}): {_meaning(column)}"
        lines += textwrap.wrap(item, 92, subsequent_indent="  ")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def tables_markdown() -> str:
    """README.md's table of the loaders: the function, what one row is, its own columns."""
    lines = ["| function | one row is | columns |", "|---|---|---|"]
    for name, table in TABLES.items():
        columns = ", ".join(f"`{c.name}`" for c in table.own_columns)
        lines.append(f"| `{name}()` | {_cell(table.row)} | {columns} |")
    return "\n".join(lines)


def _where(table: Table) -> str:
    if table.written_in is not None:
        return f"inside each row of `{table.written_in}`, under `{table.name}`"
    if table.external_only:
        return f"`external/{table.name}.yaml` only"
    return f"`facts/{table.name}.yaml`, `external/{table.name}.yaml`"


def keys_markdown() -> str:
    """data/README.md's keys of each fact file: one table per table that has fact files."""
    parts = []
    for table in TABLES.values():
        if table.derived:
            continue
        lines = [f"### `{table.name}` ({_where(table)})", "", table.row, ""]
        lines += ["| key | required | meaning |", "|---|---|---|"]
        for key in table.keys:
            if key.name in ("quote", "occurrence") or (
                key.name == "source_id" and table.provenance
            ):
                continue  # the keys of every row (above)
            if key.kind == "rows":
                inner = ", ".join(f"`{k.name}`" for k in TABLES[key.name].keys)
                meaning = f"A list of rows of `{key.name}` (below), each {{{inner}}}."
            else:
                column = next(c for c in table.columns if key in c.keys)
                meaning = _meaning(column)
                if key.kind == "edtf" and "EDTF" not in meaning:
                    meaning += " Written as EDTF."
                if column.written == "precision":
                    meaning = (
                        "Given for an interval (part of month, part of year, interval); a single"
                        " date's is its own (day, month, year)."
                    )
            lines.append(f"| `{key.name}` | {'yes' if key.required else ''} | {_cell(meaning)} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


# The generated sections: (file, section name) -> the text between its begin and end markers.
SECTIONS = {("README.md", "tables"): tables_markdown, ("data/README.md", "keys"): keys_markdown}


def _markers(section: str) -> tuple[str, str]:
    return (
        f"<!-- begin {section}: generated from marchwest.schema by tools/schema_docs.py -->",
        f"<!-- end {section} -->",
    )


def with_sections(text: str, file: str) -> str:
    """``text`` (of ``file``) with its generated sections written anew from the schema."""
    for (name, section), generate in SECTIONS.items():
        if name != file:
            continue
        begin, end = _markers(section)
        head, found, rest = text.partition(begin)
        _, found_end, tail = rest.partition(end)
        if not (found and found_end):
            raise ValueError(f"{file}: no {begin} ... {end} section")
        text = f"{head}{begin}\n{generate()}\n{end}{tail}"
    return text
