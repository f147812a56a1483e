"""Who made marchwest's tables, and the date its exports and reviews carry."""

# The release date (CITATION.cff's date-released, kept equal by the tests), not the time of the
# export: two exports of the same ledger must give the same bytes.
CREATED = "2026-11-28T00:00:00Z"
CONTRIBUTORS = [{"title": "The marchwest contributors", "role": "author"}]
