"""CITATION.cff: a Citation File Format 1.2.0 file citing the project and the article it analyses.

cffconvert (the format's validator) pins jsonschema < 4, which the environment cannot take, so the
test checks the keys the CFF 1.2.0 schema requires and that the file agrees with the project.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import yaml

import marchwest
from marchwest.credits import CREATED
from marchwest.paths import PROJECT_ROOT

CFF = PROJECT_ROOT / "CITATION.cff"


def citation() -> dict:
    return yaml.safe_load(CFF.read_text(encoding="utf-8"))


def test_citation_has_the_required_keys_of_cff_1_2_0():
    cff = citation()
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and cff["message"]
    assert isinstance(cff["title"], str) and cff["title"]
    assert cff["authors"] and all("name" in a or "family-names" in a for a in cff["authors"])
    for reference in cff["references"]:
        assert {"type", "title", "authors"} <= set(reference)


def test_citation_agrees_with_the_project():
    cff = citation()
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert cff["version"] == project["project"]["version"]
    assert project["project"]["license"] in cff["license"] and "CC-BY-4.0" in cff["license"]
    # The data package's `created` is the release date.
    assert cff["date-released"] == CREATED[:10]
    dt.date.fromisoformat(cff["date-released"])


def test_citation_references_the_article():
    article = marchwest.article()
    (reference,) = citation()["references"]
    assert reference["title"] == article.title.replace("’", "'")
    (author,) = reference["authors"]
    assert f"{author['given-names']} {author['family-names']}" == article.author
    assert reference["date-published"] == article.published.isoformat()
