"""When the article's events happened, by the article and by reference sources (notebook 02).

The input is the ``events()`` table: ``event_id``, ``title``, ``date_text``, ``date_start``,
``date_end``, ``origin``, ``source_id`` and ``corresponds_to`` (a reference row that gives the
date of an article event).
"""

from __future__ import annotations

import pandas as pd


def undated_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events with no date, and no reference row that dates them: ``event_id``, ``title``."""
    dated_by_reference = set()
    if "corresponds_to" in events.columns:
        dated_by_reference = set(
            events.loc[events["date_start"].notna() | events["date_end"].notna(), "corresponds_to"]
        )
    undated = events[
        events["date_start"].isna()
        & events["date_end"].isna()
        & ~events["event_id"].isin(dated_by_reference)
    ]
    return undated[["event_id", "title"]].reset_index(drop=True)


def reference_dates(events: pd.DataFrame) -> pd.DataFrame:
    """Each reference row that dates an article event, beside the article's own date.

    Columns: ``event_id`` (the article event), ``title``, ``article_date`` (its ``date_text``),
    ``reference_date`` (the reference row's ``date_text``), ``reference_start``, ``source_id``
    and ``agreement``: "within the article's date" when the reference date lies inside the
    article's interval, "outside the article's date" when it does not, "the article gives no
    date" for an undated article event.
    """
    article = events[events["origin"] == "article"].set_index("event_id")
    references = events[events["corresponds_to"].notna()]
    rows = []
    for ref in references.itertuples():
        own = article.loc[ref.corresponds_to]
        if pd.isna(own["date_start"]) and pd.isna(own["date_end"]):
            agreement = "the article gives no date"
        else:
            after_start = pd.isna(own["date_start"]) or ref.date_start >= own["date_start"]
            before_end = pd.isna(own["date_end"]) or ref.date_end <= own["date_end"]
            inside = after_start and before_end
            agreement = "within the article's date" if inside else "outside the article's date"
        rows.append(
            {
                "event_id": ref.corresponds_to,
                "title": own["title"],
                "article_date": own["date_text"],
                "reference_date": ref.date_text,
                "reference_start": ref.date_start,
                "source_id": ref.source_id,
                "agreement": agreement,
            }
        )
    columns = [
        "event_id",
        "title",
        "article_date",
        "reference_date",
        "reference_start",
        "source_id",
        "agreement",
    ]
    return pd.DataFrame(rows, columns=columns)
