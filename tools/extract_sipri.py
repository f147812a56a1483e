"""Turn SIPRI "TIV of arms exports from ..." CSV files into data/external/sipri_tiv.csv.

Run by hand after downloading export tables from SIPRI's Arms Transfers Database:

    .venv/bin/python tools/extract_sipri.py --source-id sipri_tiv_2022 \\
        --only "United States=Pakistan" TIV-Export-CHI-1950-2021.csv TIV-Export-USA-1950-2021.csv

Every SIPRI supplier and recipient name is mapped to an entity id through the `name` and
`aliases` of the ledger's entity files; a name with no entity stops the run (add the entity,
or an alias, first). SIPRI's Total row and column are not written: totals are sums of rows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import yaml

from marchwest.schema import SIPRI_COLUMNS as COLUMNS
from marchwest.sipri import read_tiv_export

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ENTITIES = [ROOT / "data/facts/entities.yaml", ROOT / "data/external/entities.yaml"]


def entity_ids_by_name(entity_files: list[Path]) -> dict[str, str]:
    """SIPRI-style name -> entity id, from each entity's `name` and `aliases`."""
    ids: dict[str, str] = {}
    for path in entity_files:
        for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for name in [row["name"], *(row.get("aliases") or [])]:
                ids.setdefault(name, row["entity_id"])
    return ids


def parse_only(specs: list[str]) -> dict[str, set[str]]:
    """ "Supplier=Recipient,Recipient" -> {supplier: {recipients}} (SIPRI names)."""
    only: dict[str, set[str]] = {}
    for spec in specs:
        supplier, _, recipients = spec.partition("=")
        if not recipients:
            raise SystemExit(f"--only {spec!r}: expected SUPPLIER=RECIPIENT[,RECIPIENT...]")
        only.setdefault(supplier, set()).update(r.strip() for r in recipients.split(","))
    return only


def extract(
    exports: list[Path], source_id: str, only: dict[str, set[str]], entity_files: list[Path]
) -> pd.DataFrame:
    """The tidy rows of every export file, names replaced by entity ids."""
    frames = []
    for path in exports:
        frame = read_tiv_export(path)
        supplier = frame.attrs["supplier"]
        differences = frame.attrs["total_differences"]
        if differences:
            largest = max(abs(d["sum"] - d["total"]) for d in differences)
            print(
                f"note: {path.name}: {len(differences)} SIPRI totals differ from the sum of the "
                f"rounded values (by up to {largest}): SIPRI adds unrounded values"
            )
        if supplier in only:
            frame = frame[frame["recipient"].isin(only[supplier])]
            missing = only[supplier] - set(frame["recipient"])
            if missing:
                raise SystemExit(f"{path}: no rows for {sorted(missing)} (SIPRI names?)")
        frames.append(frame)
    tidy = pd.concat(frames, ignore_index=True)
    ids = entity_ids_by_name(entity_files)
    names = pd.concat([tidy["supplier"], tidy["recipient"]]).unique()
    unknown = sorted(name for name in names if name not in ids)
    if unknown:
        raise SystemExit(
            "no entity for these SIPRI names (add an entity or alias): " + "; ".join(unknown)
        )
    tidy["supplier"] = tidy["supplier"].map(ids)
    tidy["recipient"] = tidy["recipient"].map(ids)
    tidy["source_id"] = source_id
    return tidy[COLUMNS].sort_values(["supplier", "recipient", "year"], ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exports", nargs="+", type=Path, help="SIPRI TIV export CSV files")
    parser.add_argument("--source-id", required=True, help="the source_id of these files")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SUPPLIER=RECIPIENTS",
        help="keep only these recipients of a supplier (SIPRI names)",
    )
    parser.add_argument("--entities", nargs="+", type=Path, default=DEFAULT_ENTITIES)
    parser.add_argument("--out", type=Path, default=ROOT / "data/external/sipri_tiv.csv")
    args = parser.parse_args(argv)
    tidy = extract(args.exports, args.source_id, parse_only(args.only), args.entities)
    tidy.to_csv(args.out, index=False, lineterminator="\n")
    print(
        f"wrote {len(tidy)} rows ({tidy['supplier'].nunique()} suppliers, "
        f"{tidy['recipient'].nunique()} recipients) to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
