"""The fact-check's verdicts as schema.org ``ClaimReview`` JSON-LD, the format fact-checkers
publish in (https://schema.org/ClaimReview; Google's "Fact check (ClaimReview) structured data").

One review per checked claim: a claim whose verdict a source decides (supported, imprecise,
contradicted; an ``unverified`` claim has no review, since no source read decides it). Each
review gives ``claimReviewed`` (the article's words), ``reviewRating`` (the verdict on a
numeric scale explained in the rating's ``description``, what the reference says as its
``ratingExplanation``), ``itemReviewed`` (the claim, by the article's
author on its date, first appearing in the article as a ``CreativeWork``), ``author`` (the
project, an ``Organization``) and ``datePublished`` (the release date, so two exports give the
same bytes).

:func:`script_text` serialises the reviews for a ``<script type="application/ld+json">``
element: ``<``, ``>`` and ``&`` are written as JSON escapes, so no claim text can close the
element or start markup, and the JSON parses to the same data.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from marchwest.credits import CONTRIBUTORS, CREATED

if TYPE_CHECKING:
    import pandas as pd

    from marchwest.ledger.page import Article

FILE_NAME = "claimreview.jsonld"
FACT_CHECK_NOTEBOOK = "05-fact-check.ipynb"  # the site page that shows the verdicts
REVIEW_DATE = CREATED[:10]
# The verdicts a source decides, worst to best, and what each means (data/README.md).
SCALE = {
    "contradicted": "the source gives another date, name or fact",
    "imprecise": "right in substance, off in a name's wording, an order, a date's precision"
    " or who said it",
    "supported": "the source agrees",
}
WORST, BEST = 1, len(SCALE)
SCALE_TEXT = "; ".join(
    f"{value} = {verdict}: {meaning}" for value, (verdict, meaning) in enumerate(SCALE.items(), 1)
)
_HTML_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def claim_reviews(
    claims: pd.DataFrame, article: Article, *, url: str | None = None
) -> list[dict[str, Any]]:
    """One ClaimReview (a JSON-LD dict) per claim whose verdict is in :data:`SCALE`, in the
    claims' order. ``url`` is the page that shows the reviews (Google requires it of a
    published review); left out when ``None``."""
    author = {"@type": "Person", "name": article.author}
    published = article.published.isoformat()
    appearance = {
        "@type": "CreativeWork",
        "name": article.title,
        "author": author,
        "datePublished": published,
    }
    reviews = []
    for claim in claims.to_dict("records"):
        verdict = claim["verdict"]
        if verdict not in SCALE:
            continue
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "identifier": claim["claim_id"],
            "claimReviewed": claim["evidence"],
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": list(SCALE).index(verdict) + 1,
                "worstRating": WORST,
                "bestRating": BEST,
                "alternateName": verdict.capitalize(),
                "ratingExplanation": claim["reference"],
                "description": f"{verdict}: {SCALE[verdict]}. The scale: {SCALE_TEXT}.",
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": author,
                "datePublished": published,
                "firstAppearance": appearance,
            },
            "author": {"@type": "Organization", "name": CONTRIBUTORS[0]["title"]},
            "datePublished": REVIEW_DATE,
        }
        if url is not None:
            review["url"] = url
        reviews.append(review)
    return reviews


def script_text(reviews: list[dict[str, Any]]) -> str:
    """``reviews`` as JSON for the inside of a ``<script type="application/ld+json">``
    element: ``<``, ``>`` and ``&`` escaped, so the text can never end the element."""
    return json.dumps(reviews, ensure_ascii=False, indent=1).translate(_HTML_UNSAFE)


def embed(soup: Any, claims: pd.DataFrame, article: Article, url: str) -> None:
    """Add the reviews of ``claims`` to the head of the page ``soup`` (a BeautifulSoup
    document at ``url``) as one ``<script type="application/ld+json">`` element."""
    from bs4.element import Script

    script = soup.new_tag("script", attrs={"type": "application/ld+json"})
    script.append(Script(script_text(claim_reviews(claims, article, url=url))))
    (soup.head or soup).append(script)
