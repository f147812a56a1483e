"""Rewrite the READMEs' sections generated from the schema: python tools/schema_docs.py"""

from marchwest.paths import PROJECT_ROOT
from marchwest.schema import SECTIONS, with_sections

for file in dict.fromkeys(name for name, _ in SECTIONS):
    path = PROJECT_ROOT / file
    path.write_text(with_sections(path.read_text(encoding="utf-8"), file), encoding="utf-8")
    print(f"wrote {file}")
