"""The article's checked claims and their verdicts: the tables behind notebook 05.

``claims`` is ``marchwest.claims()``: ``claim_id``, ``topic``, ``verdict``, ``evidence`` (the
article's words as printed), ``reference`` (what the reference says), ``source_id``.
``sources`` is ``marchwest.sources()``: ``source_id``, ``title``, ``url``.
``second_readings`` is ``marchwest.second_readings()``: each verdict of the blind second
reading (``verdict``) beside the first reading's (``first_verdict``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from marchwest.schema import VERDICTS

NO_SOURCE = "no source found"


def claims_per_verdict(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims per verdict, every verdict listed in ``VERDICTS`` order (0 when none):
    ``verdict``, ``claims``. (Outcomes per hindsight verdict: ``hindsight.verdict_counts``.)"""
    unknown = set(claims["verdict"]) - set(VERDICTS)
    if unknown:
        raise ValueError(f"unknown verdict(s) in claims: {sorted(unknown)}")
    counts = claims["verdict"].value_counts().reindex(VERDICTS, fill_value=0)
    return counts.rename_axis("verdict").reset_index(name="claims")


def by_verdict(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims in verdict order (supported, imprecise, contradicted, unverified), then by
    topic and claim id."""
    verdict = pd.Categorical(claims["verdict"], categories=VERDICTS, ordered=True)
    ordered = claims.assign(_verdict=verdict).sort_values(["_verdict", "topic", "claim_id"])
    return ordered.drop(columns="_verdict").reset_index(drop=True)


def disagreements(
    claims: pd.DataFrame,
    sources: pd.DataFrame,
    verdicts: Sequence[str] = ("contradicted", "imprecise"),
) -> pd.DataFrame:
    """Claims with the given verdicts, the article's words beside the reference and its source.

    Columns: ``claim_id``, ``verdict``, ``topic``, ``article`` (evidence), ``reference``,
    ``source`` (title; "no source found" for an unverified claim without one), ``url``. Ordered
    by verdict, then claim id. Raises ValueError naming a claim whose ``source_id`` is not in
    ``sources``.
    """
    rows = claims[claims["verdict"].isin(verdicts)]
    unknown = rows["source_id"].notna() & ~rows["source_id"].isin(sources["source_id"])
    missing = rows.loc[unknown, ["claim_id", "source_id"]]
    if not missing.empty:
        first = missing.iloc[0]
        raise ValueError(
            f"claim {first['claim_id']!r}: source_id {first['source_id']!r} is not in sources"
        )
    merged = rows.merge(sources[["source_id", "title", "url"]], on="source_id", how="left")
    merged["verdict"] = pd.Categorical(merged["verdict"], categories=list(verdicts), ordered=True)
    merged = merged.sort_values(["verdict", "claim_id"], ignore_index=True)
    return pd.DataFrame(
        {
            "claim_id": merged["claim_id"],
            "verdict": merged["verdict"].astype(str),
            "topic": merged["topic"],
            "article": merged["evidence"],
            "reference": merged["reference"],
            "source": merged["title"].fillna(NO_SOURCE),
            "url": merged["url"],
        }
    )


@dataclass(frozen=True)
class Agreement:
    """How far two readings of the same items agree."""

    items: int
    equal: int  # items both readings gave the same label
    share_equal: float
    kappa: float  # Cohen's kappa: 1 for full agreement, 0 for what chance alone would give


def agreement(first: Sequence[str], second: Sequence[str]) -> Agreement:
    """The share of items the two readings label alike, and Cohen's kappa: that share corrected
    for the agreement expected by chance from each reading's own label frequencies,
    (p_o - p_e) / (1 - p_e). Written here in a few lines: no pinned dependency computes it
    (scikit-learn and statsmodels do, and would be new dependencies for one formula).

    Raises ValueError when the readings differ in length, are empty, or both give one and the
    same label to every item (kappa is then undefined).
    """
    first, second = list(first), list(second)
    if len(first) != len(second) or not first:
        raise ValueError(
            f"agreement needs two readings of the same items: {len(first)} and {len(second)} labels"
        )
    n = len(first)
    equal = sum(a == b for a, b in zip(first, second, strict=True))
    observed = equal / n
    expected = sum(first.count(label) * second.count(label) for label in set(first)) / n**2
    if expected == 1:
        raise ValueError("agreement: kappa is undefined when both readings give one label only")
    return Agreement(n, equal, observed, (observed - expected) / (1 - expected))


def confusion(first: Sequence[str], second: Sequence[str], labels: Sequence[str]) -> pd.DataFrame:
    """Items per pair of labels: one row per first-reading label, one column per second-reading
    label, every label of ``labels`` listed (0 when none); agreement lies on the diagonal.
    Raises ValueError naming a label not in ``labels``."""
    unknown = (set(first) | set(second)) - set(labels)
    if unknown:
        raise ValueError(f"unknown label(s): {sorted(unknown)}")
    counts = pd.crosstab(
        pd.Categorical(list(first), categories=list(labels)),
        pd.Categorical(list(second), categories=list(labels)),
        dropna=False,
    )
    counts.index.name, counts.columns.name = "first reading", "second reading"
    return counts


def reading_disagreements(readings: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``second_readings`` where the two readings differ, in verdict or (for a
    claim) in kind, with ``read``: the claim or outcome read."""
    differ = pd.Series(False, index=readings.index)
    for first, second in (("first_verdict", "verdict"), ("first_kind", "kind")):
        differ |= readings[first].astype("string").fillna("") != readings[second].astype(
            "string"
        ).fillna("")
    rows = readings[differ]
    return rows.assign(read=rows["claim_id"].fillna(rows["outcome_id"])).reset_index(drop=True)
