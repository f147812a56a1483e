"""The fact-check as schema.org ClaimReview JSON-LD: the properties Google's guidance requires
and recommends ("Fact check (ClaimReview) structured data", developers.google.com/search/docs/
appearance/structured-data/factcheck), every property one the schema.org vocabulary defines
for its type, in the export and on the site's fact-check page, safe inside its script element."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import marchwest
from marchwest import paths
from marchwest.build.export import export_tables
from marchwest.build.site import build_site
from marchwest.claimreview import (
    FACT_CHECK_NOTEBOOK,
    FILE_NAME,
    SCALE,
    claim_reviews,
    embed,
    script_text,
)

# schema.org: each type's parent (https://schema.org/ClaimReview, /Claim, /Rating, ...).
PARENT = {
    "ClaimReview": "Review",
    "Review": "CreativeWork",
    "Claim": "CreativeWork",
    "CreativeWork": "Thing",
    "Rating": "Intangible",
    "Intangible": "Thing",
    "Person": "Thing",
    "Organization": "Thing",
}
# schema.org: the type each property used here is defined on ("Used on these types").
DOMAIN = {
    "claimReviewed": "ClaimReview",
    "reviewRating": "Review",
    "itemReviewed": "Review",
    "firstAppearance": "Claim",
    "author": "CreativeWork",
    "datePublished": "CreativeWork",
    "ratingValue": "Rating",
    "bestRating": "Rating",
    "worstRating": "Rating",
    "ratingExplanation": "Rating",
    "alternateName": "Thing",
    "description": "Thing",
    "identifier": "Thing",
    "name": "Thing",
    "url": "Thing",
}
# Google: required of a ClaimReview and of its reviewRating; recommended beside them.
REQUIRED = ("claimReviewed", "reviewRating", "url")
REQUIRED_RATING = ("alternateName",)
RECOMMENDED = ("author", "datePublished", "itemReviewed")
RECOMMENDED_RATING = ("ratingValue", "bestRating", "worstRating")
RECOMMENDED_CLAIM = ("author", "datePublished")
HOSTILE = "</script><script>window.__xss=1</script> <!-- <img src=x onerror=alert(1)> & </SCRIPT "


def ancestors(kind: str) -> set[str]:
    out = {kind}
    while kind in PARENT:
        kind = PARENT[kind]
        out.add(kind)
    return out


def vocabulary_problems(node: object, path: str = "") -> list[str]:
    """Properties that schema.org does not define for the type of the object holding them."""
    if isinstance(node, list):
        return [p for i, item in enumerate(node) for p in vocabulary_problems(item, f"{path}[{i}]")]
    if not isinstance(node, dict):
        return []
    kinds = ancestors(node["@type"])
    problems = []
    for key, value in node.items():
        if key in ("@context", "@type"):
            continue
        if DOMAIN.get(key) not in kinds:
            problems.append(f"{path}.{key} on {node['@type']}")
        problems += vocabulary_problems(value, f"{path}.{key}")
    return problems


def google_problems(review: dict, *, url: bool = True) -> list[str]:
    """What Google's guidance requires or recommends that the review lacks."""
    rating, claim = review.get("reviewRating", {}), review.get("itemReviewed", {})
    problems = [k for k in REQUIRED + RECOMMENDED if k not in review and (url or k != "url")]
    problems += [
        f"reviewRating.{k}" for k in REQUIRED_RATING + RECOMMENDED_RATING if k not in rating
    ]
    problems += [f"itemReviewed.{k}" for k in RECOMMENDED_CLAIM if k not in claim]
    if not ("appearance" in claim or "firstAppearance" in claim):
        problems.append("itemReviewed.appearance or firstAppearance")
    if not (
        rating.get("worstRating", 0)
        <= rating.get("ratingValue", -1)
        <= rating.get("bestRating", -2)
    ):
        problems.append("reviewRating: worstRating <= ratingValue <= bestRating")
    if not review.get("claimReviewed"):
        problems.append("claimReviewed is empty")
    for date in (review.get("datePublished"), claim.get("datePublished")):
        try:
            dt.date.fromisoformat(str(date))
        except ValueError:
            problems.append(f"datePublished {date!r} is not an ISO date")
    return problems


@pytest.fixture(scope="module")
def reviews() -> list[dict]:
    return claim_reviews(marchwest.claims(), marchwest.article(), url="05-fact-check.html")


def test_one_review_per_claim_a_source_decides(reviews):
    claims = marchwest.claims()
    decided = claims[claims["verdict"] != "unverified"]
    assert [r["identifier"] for r in reviews] == list(decided["claim_id"])
    assert [r["claimReviewed"] for r in reviews] == list(decided["evidence"])
    text = marchwest.article().raw
    assert all(r["claimReviewed"] in text for r in reviews)  # the article's own words


def test_every_review_has_what_google_requires_and_recommends(reviews):
    assert reviews
    for review in reviews:
        assert google_problems(review) == [], review["identifier"]


def test_every_property_is_one_schema_org_defines_for_its_type(reviews):
    assert vocabulary_problems(reviews) == []
    assert vocabulary_problems({"@type": "Rating", "claimReviewed": "x"}) == [
        ".claimReviewed on Rating"
    ]


def test_the_rating_follows_the_verdict_on_one_explained_scale(reviews):
    claims = marchwest.claims().set_index("claim_id")
    for review in reviews:
        rating = review["reviewRating"]
        verdict = claims.loc[review["identifier"], "verdict"]
        assert rating["alternateName"].lower() == verdict
        assert (rating["worstRating"], rating["bestRating"]) == (1, len(SCALE))
        assert rating["ratingExplanation"] == claims.loc[review["identifier"], "reference"]
        for value, name in enumerate(SCALE, 1):  # the scale, spelled out in every rating
            assert f"{value} = {name}" in rating["description"]
    order = {r["reviewRating"]["alternateName"]: r["reviewRating"]["ratingValue"] for r in reviews}
    assert order["Contradicted"] < order["Imprecise"] < order["Supported"]


def test_the_claim_is_the_articles_by_its_author_on_its_date(reviews):
    article = marchwest.article()
    for review in reviews:
        claim = review["itemReviewed"]
        assert claim["@type"] == "Claim"
        assert claim["author"] == {"@type": "Person", "name": "Matthew Johnson"}
        assert claim["datePublished"] == "2019-08-18"
        work = claim["firstAppearance"]
        assert (work["@type"], work["name"], work["datePublished"]) == (
            "CreativeWork",
            article.title,
            "2019-08-18",
        )
        assert review["author"]["@type"] == "Organization"


def test_export_writes_the_reviews(tmp_path):
    out = tmp_path / "out"
    export_tables(out, parquet=False)
    written = json.loads((out / FILE_NAME).read_text(encoding="utf-8"))
    assert written == claim_reviews(marchwest.claims(), marchwest.article())
    for review in written:  # no page to point at: everything else Google asks for
        assert google_problems(review, url=False) == []


def hostile_claims(texts: list[str]):
    claims = marchwest.claims()
    decided = claims[claims["verdict"] != "unverified"].head(len(texts)).copy()
    decided["evidence"] = texts
    decided["reference"] = [text[::-1] for text in texts]
    return decided


def script_of(soup: BeautifulSoup) -> list:
    return soup.find_all("script", attrs={"type": "application/ld+json"})


def test_a_hostile_claim_text_stays_inside_its_script_element():
    claims = hostile_claims([HOSTILE, "plain", HOSTILE.upper()])
    page = BeautifulSoup(
        "<html><head><title>t</title></head><body><p>x</p></body></html>", "html.parser"
    )
    embed(page, claims, marchwest.article(), "05-fact-check.html")
    html = str(page)
    parsed = BeautifulSoup(html, "html.parser")
    scripts = parsed.find_all("script")
    assert len(scripts) == 1 and scripts[0].get("type") == "application/ld+json"
    assert parsed.find("img") is None
    assert html.lower().count("</script") == 1  # only the element's own end tag
    data = json.loads(scripts[0].string)
    assert [r["claimReviewed"] for r in data] == [HOSTILE, "plain", HOSTILE.upper()]


def test_generated_texts_round_trip_and_never_open_markup():
    rng = random.Random(19)
    alphabet = "<>/&!-'\"\\ \u2028\u2029scriptSCRIPT\u00e9\u4e2d$"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80))) for _ in range(200)]
    claims = hostile_claims(texts[:20])
    for start in range(0, len(texts), 20):
        claims["evidence"] = texts[start : start + 20]
        text = script_text(claim_reviews(claims, marchwest.article()))
        assert not set("<>&") & set(text)
        assert [r["claimReviewed"] for r in json.loads(text)] == texts[start : start + 20]


def test_the_site_embeds_the_reviews_on_the_fact_check_page(tmp_path):
    notebook = tmp_path / FACT_CHECK_NOTEBOOK
    shutil.copyfile(paths.PROJECT_ROOT / "notebooks" / FACT_CHECK_NOTEBOOK, notebook)
    build_site([notebook], tmp_path / "site")
    page = BeautifulSoup(
        (tmp_path / "site" / "05-fact-check.html").read_text("utf-8"), "html.parser"
    )
    [script] = script_of(page)
    assert script.find_parent("head") is not None
    assert json.loads(script.string) == claim_reviews(
        marchwest.claims(), marchwest.article(), url="05-fact-check.html"
    )
    index = BeautifulSoup((tmp_path / "site" / "index.html").read_text("utf-8"), "html.parser")
    assert script_of(index) == []


def test_other_pages_carry_no_reviews(tmp_path):
    source = sorted((Path(__file__).parent / "data" / "site").glob("*.ipynb"))[0]
    build_site([source], tmp_path / "site")
    page = BeautifulSoup(
        (tmp_path / "site" / f"{source.stem}.html").read_text("utf-8"), "html.parser"
    )
    assert script_of(page) == []
