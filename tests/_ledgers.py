"""Small synthetic ledgers built around a copy of the real captured page (for the tests): MINIMAL,
the files changed or added to it, and the problems a ledger folder is reported to have."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

import marchwest
from marchwest import paths
from marchwest.ledger.folder import read_ledger

ARTICLE = paths.PROJECT_ROOT / "data" / "raw" / "article.txt"

# A tiny valid ledger: every table has a row; quotes are typed with straight quotes and spaces.
MINIMAL: dict[str, str] = {
    "external/sources.yaml": """
        - source_id: ref_one
          title: A reference work
          publisher: Someone
          url: https://example.org/one
          published: "2020"
          accessed: "2026-11-28"
          terms: unknown
        """,
    "facts/entities.yaml": """
        - entity_id: china
          name: China
          kind: country
          iso3: CHN
          aliases: [PRC, People's Republic of China]
          quote: China is redrawing the global security map beyond Asia-Pacific.
        - entity_id: pakistan
          name: Pakistan
          kind: country
          iso3: PAK
          quote: China's deep relationship with Pakistan is anchored by security.
        - entity_id: cpec
          name: China-Pakistan Economic Corridor
          kind: initiative
          quote: China-Pakistan Economic Corridor (CPEC)
        - entity_id: sco
          name: Shanghai Cooperation Organisation
          kind: organisation
          quote: Within the SCO itself
        """,
    "external/entities.yaml": """
        - entity_id: nigeria
          name: Nigeria
          kind: country
          iso3: NGA
          source_id: ref_one
        """,
    "facts/places.yaml": """
        - place_id: gwadar_port
          name: Gwadar Port
          kind: port
          iso3: PAK
          lat: 25.12
          lon: 62.33
          source_id: ref_one
          quote: to link the port of Gwadar with China
        """,
    "facts/events.yaml": """
        - event_id: hayat_meeting_2019
          title: Chinese officials meet Gen. Hayat
          kind: meeting
          date_text: late July 2019
          date: 2019-07-21/2019-07-31
          date_precision: part of month
          participants:
            - {entity: china, role: party}
            - {entity: pakistan, role: party}
          quote: Gen. Zubair Mahmood Hayat in late July 2019
        - event_id: forum_2019
          title: Second Belt and Road Forum
          kind: forum
          date_text: in April
          date: 2019-04
          quote: the Second Belt and Road Forum in April
        - event_id: cpec_undated
          title: CPEC grows
          kind: construction
          place_id: gwadar_port
          quote: CPEC has grown from a connectivity-focused initiative
        """,
    "external/events.yaml": """
        - event_id: forum_2019_reference
          title: Second Belt and Road Forum (reference)
          kind: forum
          date: 2019-04-25/2019-04-27
          date_precision: part of month
          corresponds_to: forum_2019
          source_id: ref_one
        """,
    "facts/memberships.yaml": """
        - organisation_id: sco
          member_id: pakistan
          status: member
          since: "2017-06-09"
          quote: Within the SCO itself
        """,
    "external/memberships.yaml": """
        - organisation_id: sco
          member_id: china
          status: founding member
          since: "2001-06-15"
          until: ../2020
          source_id: ref_one
        """,
    "facts/arms_transfers.yaml": """
        - supplier_id: china
          recipient_id: pakistan
          rank: 1
          measure: rank
          quote: Pakistan is Beijing's top arms destination
        """,
    "facts/figures.yaml": """
        - figure_id: cpec_investment
          subject_id: cpec
          measure: investment
          value: 60
          unit: billion US dollars
          qualifier: exactly
          quote: 60 billion dollar investment
        """,
    "facts/claims.yaml": """
        - claim_id: top_destination
          topic: arms transfers
          quote: Pakistan is Beijing's top arms destination
          reference: Pakistan received the largest share of China's arms exports.
          verdict: supported
          source_id: ref_one
          kind: fact
          as_of: "2019-08-18"
        - claim_id: new_base_expected
          topic: bases
          quote: there is an increasing likelihood to establish a new military base in the region
          reference: The author's forecast.
          verdict: unverified
          kind: expectation
          as_of: "2019-08-18"
        """,
    "external/outcomes.yaml": """
        - outcome_id: new_base_outcome
          claim_id: new_base_expected
          summary: A later report of a new base.
          verdict: partly
          as_of: "2020"
          date: "2020"
          source_id: ref_one
        """,
    "external/second_readings.yaml": """
        - claim_id: top_destination
          first_kind: fact
          first_verdict: supported
          kind: fact
          verdict: imprecise
          urls: [https://example.org/one]
          reason: A second look at the same source.
        """,
    "facts/uncited.yaml": """
        - reason: framing
          note: Introduces the paragraph.
          quote: Strategic ties between China and Pakistan show signs of increasing coordination
        """,
    "external/sipri_tiv.csv": "supplier,recipient,year,tiv,source_id\n"
    "china,pakistan,2017,514,ref_one\nchina,nigeria,2017,0,ref_one\n",
}


MINIMAL = {rel: textwrap.dedent(text).lstrip("\n") for rel, text in MINIMAL.items()}


def changed(rel: str, old: str, new: str) -> dict[str, str]:
    """MINIMAL's file ``rel`` with its one ``old`` made ``new`` (for write_ledger or make_ledger)."""
    text = MINIMAL[rel]
    assert text.count(old) == 1, f"{old!r} stands {text.count(old)} times in {rel}"
    return {rel: text.replace(old, new)}


def added(rel: str, rows: str) -> dict[str, str]:
    """MINIMAL's file ``rel`` with more rows after its own (whole rows, dedented: indented as
    they stand in the test)."""
    return {rel: MINIMAL[rel] + textwrap.dedent(rows).lstrip("\n")}


def write_ledger(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """A ledger folder: the real captured page plus MINIMAL, changed by ``files``
    (text, bytes, or None to leave a file out)."""
    (root / "raw").mkdir(parents=True, exist_ok=True)
    (root / "facts").mkdir(exist_ok=True)
    (root / "external").mkdir(exist_ok=True)
    shutil.copyfile(ARTICLE, root / "raw" / "article.txt")
    for rel, content in {**MINIMAL, **files}.items():
        path = root / rel
        if content is None:
            path.unlink(missing_ok=True)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def problems(root: Path) -> list[marchwest.Problem]:
    """The problems a ledger folder is reported to have (it must have some). Loading checks
    the column rules with pandas; the pandera schemas must find exactly the same problems."""
    with pytest.raises(marchwest.LedgerError) as error:
        marchwest.load(root).tables()
    assert error.value.problems
    assert str(error.value).count("\n  - ") == len(error.value.problems)
    with pytest.raises(marchwest.LedgerError) as by_pandera:
        read_ledger(root, reference_checks=True)
    assert by_pandera.value.problems == error.value.problems
    return error.value.problems


def only_problem(root: Path) -> marchwest.Problem:
    """The one problem a ledger folder is reported to have."""
    found = problems(root)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def case(name: str, files: dict[str, str | bytes | None], problem: str):
    """A row of a table of bad inputs: the files changed (as make_ledger takes them) and the
    one problem they make, written as assert_one_problem reads it."""
    return pytest.param(files, problem, id=name)


def assert_one_problem(root: Path, problem: str) -> None:
    """The ledger folder has one problem, written as ``problem`` (file relative to the folder,
    line, row, field: what is wrong), where '…' stands for any text."""
    written = str(only_problem(root))
    assert written.startswith(f"{root}/"), written
    pattern = ".*".join(map(re.escape, problem.split("…")))
    assert re.fullmatch(pattern, written.removeprefix(f"{root}/"), re.DOTALL), written


# Keys whose value is an id, of a row or of the row it refers to (block or flow style).
_ID_KEYS = (
    "entity_id|event_id|place_id|source_id|figure_id|claim_id|outcome_id|organisation_id"
    "|member_id|supplier_id|recipient_id|subject_id|corresponds_to|entity"
)
_ID_VALUE = re.compile(
    rf"(?m)((?:^|[{{,-])\s*(?:{_ID_KEYS}):\s+)(['\"]?)([a-z0-9_]+)\2(?=\s*(?:[,}}#]|$))"
)


def _suffixed(text: str, suffix: str) -> str:
    """A ledger file's text with every id (its rows' and the ones they refer to) suffixed."""
    return _ID_VALUE.sub(lambda m: f"{m[1]}{m[2]}{m[3]}{suffix}{m[2]}", text)


_URL = re.compile(r"^(\s*url: (?:>-\n\s+)?)(['\"]?)(\S+?)\2$", re.MULTILINE)
# Lists of source ids, in flow style ([a, b]) or block style (one "- a" a line).
_ID_LISTS = re.compile(
    r"^(\s*(?:for|against)_source_ids:)((?: \[[^\]\n]*\])|(?:\n\s+- [a-z0-9_]+)+)$",
    re.MULTILINE,
)


def _copy(text: str, k: int) -> str:
    """Copy ``k`` of a ledger file: ids suffixed (lists of ids too), and each source's URL given
    a fragment of its own (the loader allows one source id per URL)."""
    if not k:
        return text
    text = _URL.sub(lambda m: f"{m[1]}{m[2]}{m[3]}#copy{k}{m[2]}", text)
    text = _ID_LISTS.sub(
        lambda m: m[1] + re.sub(r"([a-z0-9_]+)(?=[,\]]|$)", rf"\1_k{k}", m[2], flags=re.M), text
    )
    return _suffixed(text, f"_k{k}")


def scaled_ledger(root: Path, copies: int, source: Path = paths.PROJECT_ROOT / "data") -> Path:
    """A ledger of ``copies`` copies of every row of ``source`` (the bundled data by default):
    copy 0 as it is, copy k with every id suffixed ``_kK`` (so each copy refers to its own
    rows); the article is the same, so every quote still finds its words."""
    (root / "raw").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "raw" / "article.txt", root / "raw" / "article.txt")
    for folder in ("facts", "external"):
        (root / folder).mkdir(exist_ok=True)
        for path in sorted((source / folder).glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            whole = [_copy(text, k) for k in range(copies)]
            (root / folder / path.name).write_text("\n".join(whole), encoding="utf-8")
    header, *lines = (source / "external" / "sipri_tiv.csv").read_text().splitlines()
    rows = [header]
    for k in range(copies):
        suffix = f"_k{k}" if k else ""
        for line in lines:
            supplier, recipient, year, tiv, source_id = line.split(",")
            rows.append(
                ",".join([supplier + suffix, recipient + suffix, year, tiv, source_id + suffix])
            )
    (root / "external" / "sipri_tiv.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root
