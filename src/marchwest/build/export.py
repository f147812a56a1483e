"""Every table as CSV and Parquet, plus a Frictionless ``datapackage.json`` describing the CSVs.

The descriptor is written as plain JSON from :data:`marchwest.schema.TABLES` (field types,
descriptions, vocabularies as enum constraints, primary and foreign keys), so ``frictionless
validate OUT/datapackage.json`` checks the exported files against the same rules as the library.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marchwest.credits import CONTRIBUTORS, CREATED
from marchwest.schema import DERIVED_NAMES, MAX_TEXT, REFERENCES, TABLES, Column

if TYPE_CHECKING:
    import pandas as pd

    from marchwest.ledger.page import Article
    from marchwest.loaders import Ledger

LIST_SEPARATOR = "; "
FRICTIONLESS_TYPES = {
    "string": "string",
    "category": "string",
    "list": "string",
    "Int64": "integer",
    "Float64": "number",
    "datetime64[ns]": "date",
}


def _field(column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": column.name,
        "type": FRICTIONLESS_TYPES[column.dtype],
        "description": column.description,
    }
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if column.vocabulary is not None:
        constraints["enum"] = list(column.vocabulary)
    if column.bounds is not None:
        constraints["minimum"], constraints["maximum"] = column.bounds
    if column.free_text:
        constraints["maxLength"] = MAX_TEXT
    if column.dtype == "list":
        field["description"] += f" Items are separated by {LIST_SEPARATOR!r}."
    if column.dtype == "datetime64[ns]":
        field["format"] = "%Y-%m-%d"
    if constraints:
        field["constraints"] = constraints
    return field


def _foreign_keys(name: str) -> list[dict[str, Any]]:
    keys = []
    for (table, column), targets in REFERENCES.items():
        # A list column's items cannot be a Table Schema foreign key (the loader checks them).
        if table == name and len(targets) == 1 and TABLES[table].column(column).dtype != "list":
            target = targets[0]
            keys.append(
                {
                    "fields": column,
                    "reference": {
                        "resource": "" if target == name else target,
                        "fields": TABLES[target].id_column,
                    },
                }
            )
    return keys


# How an export of an older marchwest (without a manifest) is recognised.
MARK = ("datapackage.json", '"name": "marchwest"')
PARQUET_NOTE = " Each table is also written as <table>.parquet with the same columns."
LICENSES = [
    {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0 International: the project's own curation."
        " Quotes of the article (evidence) stay its author's work, quoted for analysis; each"
        " source keeps its own terms (sources.terms).",
    }
]


def _source(title: str, url: Any = None) -> dict[str, str]:
    return {"title": title, "path": url} if isinstance(url, str) and url else {"title": title}


def _sources(
    frames: dict[str, pd.DataFrame], article: Article
) -> tuple[dict[str, Any], dict[str, list]]:
    """The article's entry and every source's, by source_id; and the ids each table's rows cite."""
    by_id: dict[str, Any] = {
        "article": _source(
            f"{article.author}, '{article.title}', {article.published:%-d %B %Y}"
            " (the page as captured, data/raw/article.txt)"
        )
    }
    for row in frames["sources"].to_dict("records"):
        publisher = f", {row['publisher']}" if isinstance(row["publisher"], str) else ""
        by_id[row["source_id"]] = _source(row["title"] + publisher, row["url"])
    cited = {}
    for name, frame in frames.items():
        table = TABLES[name]
        ids = [] if not table.provenance else list(dict.fromkeys(frame["source_id"].dropna()))
        if table.provenance and frame["evidence"].notna().any():  # rows quoting the article
            ids.insert(0, "article")
        cited[name] = ids
    return by_id, cited


def descriptor(
    frames: dict[str, pd.DataFrame], article: Article, *, parquet: bool = True
) -> dict[str, Any]:
    """The Frictionless data package descriptor of the CSV files exported from ``frames`` (the
    tables of the ledger around ``article``, stored and derived)."""
    by_id, cited = _sources(frames, article)
    resources = []
    for name in frames:
        table = TABLES[name]
        schema: dict[str, Any] = {
            "fields": [_field(c) for c in table.columns],
            "missingValues": [""],
        }
        if table.id_column:
            schema["primaryKey"] = [table.id_column]
        if _foreign_keys(name):
            schema["foreignKeys"] = _foreign_keys(name)
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": table.row,
                "sources": [by_id[source_id] for source_id in cited[name]],
                "schema": schema,
            }
        )
    return {
        "name": "marchwest",
        "title": f"{article.title} ({article.author}, {article.published:%Y}) as sourced tables",
        "description": "The facts of the article as tidy tables. Rows with origin 'article'"
        " quote the article (evidence, char_start, char_end index the captured"
        " page); rows with origin 'reference' cite sources.source_id."
        + (PARQUET_NOTE if parquet else ""),
        "licenses": LICENSES,
        "contributors": CONTRIBUTORS,
        "created": CREATED,
        "sources": list(by_id.values()),
        "resources": resources,
    }


def _csv_frame(frame: pd.DataFrame, table_name: str) -> pd.DataFrame:
    out = frame.copy()
    for column in TABLES[table_name].columns:
        if column.dtype == "list":
            out[column.name] = out[column.name].map(LIST_SEPARATOR.join)
    return out


def write_tables(
    folder: Path, frames: dict[str, pd.DataFrame], article: Article, *, parquet: bool = True
) -> None:
    """Write <table>.csv, <table>.parquet (unless ``parquet=False``) and datapackage.json of
    ``frames`` (the tables of ``article``'s ledger) into the existing folder ``folder``."""
    from marchwest.build.outputs import checkpoint
    from marchwest.csvcells import to_csv

    for name, frame in frames.items():
        checkpoint("table")
        (folder / f"{name}.csv").write_bytes(to_csv(_csv_frame(frame, name)).encode("utf-8"))
        if parquet:
            frame.to_parquet(folder / f"{name}.parquet", index=False)
    text = (
        json.dumps(descriptor(frames, article, parquet=parquet), indent=2, ensure_ascii=False)
        + "\n"
    )
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


def export_tables(out_dir: Path, ledger: Ledger | None = None, *, parquet: bool = True) -> None:
    """Export every table (of the bundled ledger unless ``ledger`` is given) to ``out_dir``, with
    the fact-check's verdicts as ClaimReview JSON-LD (:mod:`marchwest.claimreview`), whole:
    built beside it and swapped in (:func:`marchwest.build.outputs.replacing`, which says what is
    refused: never a folder holding files marchwest did not write)."""
    from marchwest.build.outputs import replacing
    from marchwest.claimreview import FILE_NAME, claim_reviews  # it imports this module
    from marchwest.loaders import bundled

    ledger = ledger or bundled()
    with replacing(Path(out_dir), mark=MARK) as building:
        derived = {name: getattr(ledger, name)() for name in DERIVED_NAMES}
        write_tables(building, ledger.tables() | derived, ledger.article(), parquet=parquet)
        reviews = claim_reviews(ledger.claims(), ledger.article())  # the verdicts, as JSON-LD
        text = json.dumps(reviews, indent=2, ensure_ascii=False) + "\n"
        (building / FILE_NAME).write_text(text, encoding="utf-8")
