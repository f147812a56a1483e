"""marchwest: the facts of Matthew Johnson's "China's International Partnerships: Pakistan,
CPEC, and Central Asia" (2019) as sourced, typed pandas tables.

    import marchwest
    marchwest.events()            # one DataFrame per table, a new copy each call
    marchwest.article().sections  # the article, with spans into its raw text
    marchwest.load("my_ledger")   # the same API for another ledger folder
    marchwest.profile("Tajikistan")  # everything about one entity; marchwest.find("Gwadar")

Importing the package is light: pandas, pandera and the parsers load on first use.
"""

from marchwest.errors import LedgerError, Problem
from marchwest.loaders import (
    Ledger,
    arms_transfers,
    article,
    claims,
    coverage,
    entities,
    events,
    figures,
    find,
    load,
    memberships,
    outcomes,
    participants,
    places,
    profile,
    second_readings,
    sources,
    tables,
    ties,
    uncited,
)

__version__ = "0.1.0"


def __getattr__(name: str):
    # membership_as_of needs pandas: imported on first use, so `import marchwest` stays light.
    if name == "membership_as_of":
        from marchwest.membership import membership_as_of

        return membership_as_of
    raise AttributeError(f"module 'marchwest' has no attribute {name!r}")


__all__ = [
    "Ledger",
    "LedgerError",
    "Problem",
    "arms_transfers",
    "article",
    "claims",
    "coverage",
    "entities",
    "events",
    "figures",
    "find",
    "load",
    "membership_as_of",
    "memberships",
    "outcomes",
    "participants",
    "places",
    "profile",
    "second_readings",
    "sources",
    "tables",
    "ties",
    "uncited",
]
