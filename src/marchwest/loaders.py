"""The public loaders: one function per table, each returning a new pandas DataFrame.

The ledger is read and checked once per process (per folder); every call hands out a copy, so
changing a returned frame never changes what the next call returns.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from marchwest import paths
from marchwest.schema import TABLES, loader_doc

if TYPE_CHECKING:
    import pandas as pd

    from marchwest.explore import Profile, SearchIndex
    from marchwest.ledger.folder import LedgerData
    from marchwest.ledger.page import Article


class Ledger:
    """The tables of one ledger folder (raw/article.txt, facts/, external/), checked on first use.

    Raises :class:`marchwest.LedgerError` (listing every problem) when the folder is not valid.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._data: LedgerData | None = None
        self._index: SearchIndex | None = None
        self._ties: pd.DataFrame | None = None

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r})"

    def _checked(self) -> LedgerData:
        if self._data is None:
            from marchwest.ledger.folder import read_ledger

            self._data = read_ledger(self.path)
        return self._data

    def _table(self, name: str) -> pd.DataFrame:
        frame = self._checked().frames[name].copy(deep=True)
        for column in TABLES[name].columns:
            if column.dtype == "list":  # a deep copy shares the lists inside: copy them too
                frame[column.name] = frame[column.name].map(list)
        return frame

    def article(self) -> Article:
        """The parsed article (title, author, published, series, raw, text, paragraphs,
        sections, chrome)."""
        return self._checked().article

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every stored table by name (new frames); ``ties()`` and ``coverage()`` are derived
        from them."""
        return {name: self._table(name) for name in self._checked().frames}

    def entities(self) -> pd.DataFrame:
        return self._table("entities")

    def events(self) -> pd.DataFrame:
        return self._table("events")

    def participants(self) -> pd.DataFrame:
        return self._table("participants")

    def memberships(self) -> pd.DataFrame:
        return self._table("memberships")

    def arms_transfers(self) -> pd.DataFrame:
        return self._table("arms_transfers")

    def figures(self) -> pd.DataFrame:
        return self._table("figures")

    def places(self) -> pd.DataFrame:
        return self._table("places")

    def claims(self) -> pd.DataFrame:
        return self._table("claims")

    def coverage(self) -> pd.DataFrame:
        from marchwest.sentences import coverage

        data = self._checked()
        return coverage(data.article, data.frames)

    def outcomes(self) -> pd.DataFrame:
        return self._table("outcomes")

    def uncited(self) -> pd.DataFrame:
        return self._table("uncited")

    def second_readings(self) -> pd.DataFrame:
        return self._table("second_readings")

    def sources(self) -> pd.DataFrame:
        return self._table("sources")

    def profile(self, entity: str) -> Profile:
        """Everything the ledger says about one entity, named by its id, name or alias (case
        and quotes folded): its row and, as DataFrames, its events (with its role), memberships
        (on the article's date and over time), arms transfers, figures, places and the claims
        that concern it, each with evidence or source. ``.tables()`` gives the frames; in
        JupyterLab it shows as one HTML card.

        Raises :class:`marchwest.explore.UnknownEntity` naming close matches when none fits.
        """
        from marchwest.explore import profile

        data = self._checked()
        return profile(data.frames, entity, data.article.published)

    def find(self, text: str) -> pd.DataFrame:
        """Every name, title, alias, evidence, reference, summary or note that contains
        ``text`` (case-insensitive; quotes, dashes and white space folded as in quotes).

        Columns: table, id (the row: "table:id", or "table[N]" in a table without ids),
        column, text (the whole value), match (the words as they stand), start, end (the span
        of ``match`` in ``text``).
        """
        from marchwest.explore import find, search_index

        if self._index is None:
            self._index = search_index(self._checked().frames)
        return find(self._index, text)

    def ties(self) -> pd.DataFrame:
        if self._ties is None:
            from marchwest.partnerships import ties

            self._ties = ties(self._checked().frames)
        from marchwest.ledger.records import collector_paused

        frame = self._ties.copy()
        with collector_paused():  # new lists for the caller, without a full collection each time
            for column in ("row_ids", "evidence", "source_ids"):
                frame[column] = frame[column].map(list)
        return frame


for _name in TABLES:  # each table's docstring is written from the schema
    getattr(Ledger, _name).__doc__ = loader_doc(_name)


def load(path: str | Path) -> Ledger:
    """The tables of another ledger folder laid out like the bundled one (raw/article.txt,
    facts/*.yaml, external/*.yaml): the same functions, the same checks, done now.

    Raises :class:`marchwest.LedgerError` listing every problem of the folder.
    """
    ledger = Ledger(path)
    ledger._checked()
    return ledger


# The folder the module-level functions read instead of the bundled ledger, when set:
# `python -m marchwest run` sets it in every notebook's kernel to the ledger it runs on.
LEDGER_ENV = "MARCHWEST_LEDGER"


def bundled() -> Ledger:
    """The ledger the module-level functions (``marchwest.events()``, ...) read: the folder
    ``$MARCHWEST_LEDGER`` names, else the one shipped with the package."""
    return _ledger_at(os.environ.get(LEDGER_ENV) or str(paths.bundled_ledger_dir()))


@cache
def _ledger_at(path: str) -> Ledger:
    return Ledger(path)


def article() -> Article:
    """The article: title, author, published, series, raw (the whole page), text (the
    article alone), paragraphs and sections (spans into raw), chrome (the page chrome spans)."""
    return bundled().article()


def tables() -> dict[str, pd.DataFrame]:
    """Every table of the bundled ledger, by name (new frames)."""
    return bundled().tables()


def entities() -> pd.DataFrame:
    return bundled().entities()


def events() -> pd.DataFrame:
    return bundled().events()


def participants() -> pd.DataFrame:
    return bundled().participants()


def memberships() -> pd.DataFrame:
    return bundled().memberships()


def arms_transfers() -> pd.DataFrame:
    return bundled().arms_transfers()


def figures() -> pd.DataFrame:
    return bundled().figures()


def places() -> pd.DataFrame:
    return bundled().places()


def claims() -> pd.DataFrame:
    return bundled().claims()


def outcomes() -> pd.DataFrame:
    return bundled().outcomes()


def uncited() -> pd.DataFrame:
    return bundled().uncited()


def sources() -> pd.DataFrame:
    return bundled().sources()


def second_readings() -> pd.DataFrame:
    return bundled().second_readings()


def coverage() -> pd.DataFrame:
    return bundled().coverage()


def profile(entity: str) -> Profile:
    return bundled().profile(entity)


def find(text: str) -> pd.DataFrame:
    return bundled().find(text)


def ties() -> pd.DataFrame:
    return bundled().ties()


for _function in (
    entities,
    events,
    participants,
    memberships,
    arms_transfers,
    figures,
    places,
    claims,
    outcomes,
    uncited,
    sources,
    second_readings,
    coverage,
    profile,
    find,
    ties,
):
    _function.__doc__ = getattr(Ledger, _function.__name__).__doc__
