"""Mutants of the bundled ledger, and a worker that loads each one (run in a subprocess by
test_fuzz.py: a crash or a hang there names the mutant instead of killing pytest).

    python tests/_fuzz.py SEED COUNT WORKDIR

prints one JSON line per mutant as it starts and another as it ends:
{"start": i, "kind": ..., "what": ...} then {"end": i, "outcome": "valid" | "refused" | "BAD ..."}.
A mutant that is refused must raise LedgerError with every problem naming a file.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

HOSTILE = [
    # numbers
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    "1.0e+400",
    "1e-400",
    "1:30",
    "190:20:30",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_944",
    "99999999999999999999",
    "-9223372036854775809",
    "9223372036854775807",
    "-0",
    "+12",
    "1e3",
    "3.0",
    "٦٠",
    "１２",
    "true",
    "no",
    "null",
    "~",
    "''",
    '""',
    # dates
    "1500-06-01",
    "9999-12-31",
    "../1000-01-01",
    "0000",
    "1677-09-21",
    "2262-04-12",
    "2019-02-29",
    "2019-13",
    "٢٠١٩-04",
    "2019-07-21/..",
    "../..",
    "2019/2018",
    "2019-07-23T10:00",
    # ids and text
    "China",
    "a b",
    "x" * 200_000,
    '"a\\nb"',
    "snake_case_ok",
    "é",
    "''",
    "'\\u0000'",
    "<a href=x>y</a>",
    "javascript:alert(1)",
    "data:text/html,<script>1</script>",
    "https://example.org/ok",
    "http://",
    "[1, 2]",
    "{a: 1}",
    "[]",
    "{}",
    "- x",
    "&a x",
    "*a",
    "!!python/object/apply:os.system ['true']",
    "!custom x",
    "|\n  block",
    "? x",
]
TOKENS = [
    "[",
    "]",
    "{",
    "}",
    "- ",
    ": ",
    "? ",
    "&a ",
    "*a ",
    "!t ",
    "---\n",
    "...\n",
    "|\n",
    ">\n",
    "'",
    '"',
    "#",
    "\t",
    "%YAML 1.1\n",
    "\n",
    ",",
    "\x00",
    "\ufeff",
    "\x85",
    "\u2028",
]


def _files(root: Path, suffixes: tuple[str, ...] = (".yaml", ".csv")) -> list[Path]:
    return sorted(p for p in root.glob("*/*") if p.suffix in suffixes)


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _value_lines(lines: list[bytes]) -> list[int]:
    return [i for i, line in enumerate(lines) if b": " in line and not line.strip().endswith(b":")]


def _set_value(line: bytes, value: str) -> bytes:
    head = line.split(b": ", 1)[0]
    return head + b": " + value.encode("utf-8") + b"\n"


def mutate(root: Path, rng: random.Random, kind: str) -> str:
    """Change the ledger at root by one mutation of ``kind``; return what was done."""
    files = _files(root)
    path = rng.choice(files)
    rel = path.relative_to(root).as_posix()
    if kind == "identity":
        return "unchanged"
    if kind == "byte_flip":
        data = bytearray(path.read_bytes())
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
        return f"{rel}: bytes flipped"
    lines = _lines(path)
    if kind == "line_delete":
        at = rng.randrange(len(lines))
        del lines[at : at + rng.randint(1, 3)]
        what = f"{rel}: lines from {at + 1} deleted"
    elif kind == "line_duplicate":
        at = rng.randrange(len(lines))
        lines.insert(at, lines[at])
        what = f"{rel}: line {at + 1} duplicated"
    elif kind == "line_swap":
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        what = f"{rel}: lines {a + 1} and {b + 1} swapped"
    elif kind == "indent":
        at = rng.randrange(len(lines))
        lines[at] = (b"  " + lines[at]) if rng.random() < 0.5 else lines[at][2:]
        what = f"{rel}: line {at + 1} re-indented"
    elif kind == "yaml_token":
        at = rng.randrange(len(lines))
        line = lines[at]
        cut = rng.randrange(len(line) + 1)
        token = rng.choice(TOKENS)
        lines[at] = line[:cut] + token.encode("utf-8") + line[cut:]
        what = f"{rel}: {token!r} inserted in line {at + 1}"
    elif kind == "value_swap":
        path = rng.choice([p for p in files if p.suffix == ".yaml"])
        rel = path.relative_to(root).as_posix()
        lines = _lines(path)
        candidates = _value_lines(lines)
        a, b = rng.choice(candidates), rng.choice(candidates)
        value_a, value_b = lines[a].split(b": ", 1)[1], lines[b].split(b": ", 1)[1]
        lines[a] = lines[a].split(b": ", 1)[0] + b": " + value_b
        lines[b] = lines[b].split(b": ", 1)[0] + b": " + value_a
        what = f"{rel}: values of lines {a + 1} and {b + 1} swapped"
    elif kind == "hostile_value":
        path = rng.choice([p for p in files if p.suffix == ".yaml"])
        rel = path.relative_to(root).as_posix()
        lines = _lines(path)
        at = rng.choice(_value_lines(lines))
        value = rng.choice(HOSTILE)
        lines[at] = _set_value(lines[at], value)
        what = f"{rel}: line {at + 1} set to {value[:40]!r}"
    elif kind in ("random_number", "random_date", "random_id"):
        path = rng.choice([p for p in files if p.suffix == ".yaml"])
        rel = path.relative_to(root).as_posix()
        lines = _lines(path)
        at = rng.choice(_value_lines(lines))
        value = {
            "random_number": lambda: rng.choice(
                [
                    str(rng.randint(-(10**30), 10**30)),
                    repr(rng.uniform(-1e6, 1e6)),
                    f"{rng.random()}e{rng.randint(-500, 500)}",
                ]
            ),
            "random_date": lambda: rng.choice(
                [
                    f"{rng.randint(0, 9999):04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}",
                    f"{rng.randint(1000, 3000)}/{rng.randint(1000, 3000)}",
                    f"../{rng.randint(0, 9999):04d}",
                    f"{rng.randint(1, 9999)}",
                ]
            ),
            "random_id": lambda: (
                "".join(rng.choice("abcXYZ_09 -.é\u0660") for _ in range(rng.randint(0, 90)))
                or "''"
            ),
        }[kind]()
        lines[at] = _set_value(lines[at], value)
        what = f"{rel}: line {at + 1} set to {value[:40]!r}"
    elif kind == "csv_cell":
        path = root / "external" / "sipri_tiv.csv"
        rel = "external/sipri_tiv.csv"
        lines = _lines(path)
        at = rng.randrange(len(lines))
        cells = lines[at].rstrip(b"\n").split(b",")
        column = rng.randrange(len(cells))
        cells[column] = rng.choice(
            [
                "nan",
                "inf",
                "1e400",
                "-5",
                "1_944",
                "99999999999999999999",
                "",
                '"',
                "x,y",
                "٢٠١٩",
                "China",
                "0x1F",
                "2019.5",
                "\x00",
                "x" * 200_000,
            ]
        ).encode("utf-8")
        lines[at] = b",".join(cells) + b"\n"
        what = f"{rel}: line {at + 1} cell {column + 1} changed"
    else:
        raise AssertionError(kind)
    path.write_bytes(b"".join(lines))
    return what


def _article(root: Path, rng: random.Random) -> str:
    page = root / "raw" / "article.txt"
    raw = page.read_bytes()
    change = rng.choice(["crlf", "cr", "truncate", "bad_byline", "no_end", "bom", "latin1"])
    if change == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    elif change == "cr":
        raw = raw.replace(b"\n", b"\r")
    elif change == "truncate":
        raw = raw[: rng.randrange(len(raw))]
    elif change == "bad_byline":
        raw = raw.replace(
            b"August 18, 2019",
            rng.choice(
                [b"August 38, 2019", b"Agosto 18, 2019", b"February 29, 2019", b"August 18, 0000"]
            ),
        )
    elif change == "no_end":
        raw = raw.replace(b"Popular posts from this blog", b"")
    elif change == "bom":
        raw = b"\xef\xbb\xbf" + raw
    else:
        raw = raw.decode("utf-8").encode("latin-1", "replace")
    page.write_bytes(raw)
    return f"raw/article.txt: {change}"


def _special(root: Path, rng: random.Random, which: int) -> str:
    """File-system and size attacks: on a random fact file, then on the other files."""
    target = rng.choice(_files(root, (".yaml",)))
    page, pin = root / "raw" / "article.txt", root / "raw" / "article.sha256"
    sipri = root / "external" / "sipri_tiv.csv"
    bomb = (
        "- &l0 [a,a,a,a,a,a,a,a,a]\n"
        + "".join(f"- &l{i} [{','.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9))
        + "- {? *l8 : x}\n"
    )
    on_target: list[tuple[str, Callable[[Path], object]]] = [
        ("a FIFO", lambda p: (p.unlink(), os.mkfifo(p))),
        ("a symlink to /dev/urandom", lambda p: (p.unlink(), p.symlink_to("/dev/urandom"))),
        ("a symlink to /dev/zero", lambda p: (p.unlink(), p.symlink_to("/dev/zero"))),
        ("a symlink loop", lambda p: (p.unlink(), p.symlink_to(p.name))),
        ("a folder", lambda p: (p.unlink(), p.mkdir())),
        ("empty", lambda p: p.write_bytes(b"")),
        ("11 MB (sparse)", lambda p: os.truncate(p, 11 * 2**20)),
        ("30,000 nested [", lambda p: p.write_text("[" * 30_000)),
        ("30,000 nested {a:", lambda p: p.write_text("{a: " * 30_000)),
        (
            "3,000 nested block lists",
            lambda p: p.write_text("".join("  " * i + "-\n" for i in range(3000))),
        ),
        ("an alias bomb as a key", lambda p: p.write_text(bomb)),
        ("a python tag", lambda p: p.write_text("- !!python/object/apply:os.system ['false']\n")),
        ("1 MB of rows", lambda p: p.write_text("- a\n" * 250_000)),
        ("a 5 MB scalar", lambda p: p.write_text("- quote: " + "x" * 5_000_000 + "\n")),
        ("not UTF-8", lambda p: p.write_bytes(b"- \xff\xfe\n")),
        ("UTF-16", lambda p: p.write_bytes(p.read_text().encode("utf-16"))),
        ("an article missing", lambda p: page.unlink()),
        ("an article that is a FIFO", lambda p: (page.unlink(), os.mkfifo(page))),
        ("an article that is a folder", lambda p: (page.unlink(), page.mkdir())),
        ("a bad checksum pin", lambda p: pin.write_text("zz\n")),
        ("a checksum pin that is a FIFO", lambda p: os.mkfifo(pin)),
        ("facts/ missing", lambda p: shutil.rmtree(root / "facts")),
        ("facts/ a file", lambda p: (shutil.rmtree(root / "facts"), (root / "facts").touch())),
        ("sipri_tiv.csv a FIFO", lambda p: (sipri.unlink(), os.mkfifo(sipri))),
        ("sipri_tiv.csv a loop", lambda p: (sipri.unlink(), sipri.symlink_to(sipri.name))),
        ("an unknown file", lambda p: (root / "facts" / "extra.yaml").write_text("[]\n")),
    ]
    name, make = on_target[which % len(on_target)]
    make(target)
    return f"{name} ({target.relative_to(root).as_posix()})" if which < 16 else name


KINDS = [
    "byte_flip",
    "line_delete",
    "line_duplicate",
    "line_swap",
    "indent",
    "yaml_token",
    "value_swap",
    "hostile_value",
    "random_number",
    "random_date",
    "random_id",
    "csv_cell",
]
SPECIALS = 26


def mutants(seed: int, count: int) -> list[tuple[str, int]]:
    """(kind, seed) for each mutant: the unchanged ledger, every special, then random kinds."""
    rng = random.Random(seed)
    plan = [("identity", 0)] + [("special", i) for i in range(SPECIALS)]
    plan += [("article", rng.randrange(2**32)) for _ in range(10)]
    while len(plan) < count:
        plan.append((rng.choice(KINDS), rng.randrange(2**32)))
    return plan


def _timeout(signum: int, frame: object) -> None:
    raise TimeoutError("the load took longer than 20 s")


def main(seed: int, count: int, workdir: Path) -> None:
    from marchwest import paths
    from marchwest.errors import LedgerError
    from marchwest.ledger.folder import read_ledger

    base = workdir / "base"
    for folder in ("raw", "facts", "external"):
        shutil.copytree(paths.bundled_ledger_dir() / folder, base / folder)
    signal.signal(signal.SIGALRM, _timeout)
    for index, (kind, number) in enumerate(mutants(seed, count)):
        root = workdir / f"m{index}"
        shutil.copytree(base, root, symlinks=True)
        rng = random.Random(number)
        if kind == "special":
            what = _special(root, rng, number)
        elif kind == "article":
            what = _article(root, rng)
        else:
            what = mutate(root, rng, kind)
        print(json.dumps({"start": index, "kind": kind, "what": what}), flush=True)
        signal.alarm(20)
        first = None
        started = time.perf_counter()
        try:
            read_ledger(root, reference_checks=index % 40 == 0)
            outcome = "valid"
        except LedgerError as error:
            unnamed = [p for p in error.problems if not p.file]
            outcome = "refused" if error.problems and not unnamed else f"BAD unnamed {unnamed}"
            first = error.problems[0].message[:100] if error.problems else None
        except BaseException as error:  # noqa: BLE001 - everything else is the finding
            outcome = f"BAD {type(error).__name__}: {str(error)[:200]}"
        finally:
            signal.alarm(0)
        seconds = round(time.perf_counter() - started, 3)
        print(
            json.dumps({"end": index, "outcome": outcome, "first": first, "s": seconds}), flush=True
        )
        shutil.rmtree(root)
    print(json.dumps({"done": count}), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
