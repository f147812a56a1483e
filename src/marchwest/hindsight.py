"""What happened next: the article's expectations set against their outcomes (notebook 06).

Frames in, frames out: :func:`expectations_and_outcomes` joins every forward-looking claim
(kind expectation or rumour) with the outcomes that answer it and the sources each outcome
cites, for the verdict and against it; :func:`verdict_counts` tallies the hindsight verdicts. Charts live in
:mod:`marchwest.plot`.
"""

from __future__ import annotations

import pandas as pd

from marchwest.schema import FORWARD_KINDS, OUTCOME_VERDICTS

CLAIM_COLUMNS = ["claim_id", "kind", "topic", "evidence", "char_start"]
OUTCOME_COLUMNS = [
    "outcome_id",
    "claim_id",
    "summary",
    "verdict",
    "as_of",
    "date",
    "date_start",
    "date_end",
    "date_precision",
    "source_id",
    "for_source_ids",
    "against_source_ids",
]
SOURCE_COLUMNS = {
    "source_id": "source_id",
    "title": "source_title",
    "publisher": "source_publisher",
    "url": "source_url",
    "published": "source_published",
}


def expectations_and_outcomes(
    claims: pd.DataFrame, outcomes: pd.DataFrame, sources: pd.DataFrame
) -> pd.DataFrame:
    """One row per outcome of each forward-looking claim, with the claim and the source.

    Columns: claim_id, kind (expectation, rumour), topic, evidence (the article's words),
    outcome_id, summary, verdict (ordered: happened, partly, not yet, did not, unverified),
    as_of, date, date_start, date_end, date_precision, source_id, for_source_ids and
    against_source_ids (lists), source_title, source_publisher, source_url, source_published,
    and more_sources and sources_against: each list's sources as "title (publisher, published)"
    joined by "; " (empty text when the list is). A claim no outcome answers yet has one row
    with the outcome columns empty. Sorted by the claim's place in the article, then by
    when the outcome happened (undated last), then outcome_id. ``claims``, ``outcomes`` and
    ``sources`` are the ledger's tables (``marchwest.claims()``, ...).
    """
    claims = claims.loc[claims["kind"].isin(FORWARD_KINDS), CLAIM_COLUMNS]
    claims["kind"] = claims["kind"].astype("string")
    sources = sources[list(SOURCE_COLUMNS)].rename(columns=SOURCE_COLUMNS)
    frame = claims.merge(outcomes[OUTCOME_COLUMNS], on="claim_id", how="left")
    frame = frame.merge(sources, on="source_id", how="left")
    cited = sources.set_index("source_id")
    labels = (
        cited["source_title"]
        + " ("
        + cited["source_publisher"].fillna("")
        + ", "
        + cited["source_published"].fillna("")
        + ")"
    ).to_dict()
    for ids, column in (
        ("for_source_ids", "more_sources"),
        ("against_source_ids", "sources_against"),
    ):
        frame[column] = pd.array(
            [
                "; ".join(labels[i] for i in listed) if isinstance(listed, list) else None
                for listed in frame[ids]
            ],
            dtype="string",
        )
    frame["verdict"] = pd.Categorical(
        frame["verdict"].astype("string"), categories=OUTCOME_VERDICTS, ordered=True
    )
    frame = frame.sort_values(
        ["char_start", "date_start", "outcome_id"], na_position="last", kind="stable"
    )
    return frame.drop(columns="char_start").reset_index(drop=True)


def verdict_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """How many outcomes, and how many distinct claims, have each hindsight verdict.

    ``frame`` is :func:`expectations_and_outcomes` (or a part of it); rows without an outcome
    are not counted. Columns: verdict (every verdict, in order, zero when absent), outcomes,
    claims.
    """
    answered = frame[frame["outcome_id"].notna()]
    verdicts = pd.Categorical(
        answered["verdict"].astype("string"), categories=OUTCOME_VERDICTS, ordered=True
    )
    counts = answered.assign(verdict=verdicts).groupby("verdict", observed=False)
    counts = counts.agg(outcomes=("outcome_id", "size"), claims=("claim_id", "nunique"))
    return counts.reset_index().astype({"outcomes": "int64", "claims": "int64"})


def outcome_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The outcomes to read beside their expectation: ``expectation`` (the article's words),
    ``what happened`` (the summary), ``verdict``, ``as_of``, ``date`` (EDTF, empty when
    undated), ``source`` (title, publisher, date), ``url``, ``more sources`` and ``sources
    against`` ("none found" when the list is empty). ``frame`` is
    :func:`expectations_and_outcomes`; rows without an outcome are left out."""
    answered = frame[frame["outcome_id"].notna()]
    source = (
        answered["source_title"]
        + " ("
        + answered["source_publisher"]
        + ", "
        + answered["source_published"]
        + ")"
    )
    return pd.DataFrame(
        {
            "expectation": answered["evidence"],
            "what happened": answered["summary"],
            "verdict": answered["verdict"].astype("string"),
            "as_of": answered["as_of"],
            "date": answered["date"].fillna(""),
            "source": source.fillna("no source found"),
            "url": answered["source_url"],
            "more sources": answered["more_sources"].replace("", "none"),
            "sources against": answered["sources_against"].replace("", "none found"),
        }
    ).reset_index(drop=True)


def unanswered(frame: pd.DataFrame) -> pd.DataFrame:
    """The forward-looking claims no outcome answers yet: ``claim_id``, ``kind``, ``topic``,
    ``evidence``."""
    rows = frame[frame["outcome_id"].isna()]
    return rows[["claim_id", "kind", "topic", "evidence"]].reset_index(drop=True)
