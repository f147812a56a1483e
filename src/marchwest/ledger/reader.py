"""Reading a ledger's files without trusting them: the first stage of loading.

- :func:`read_bytes` reads regular files only (never a FIFO, a device or a folder), at most
  :data:`MAX_BYTES`, and turns every file-system fault into a :class:`ReadError`.
- :func:`read_yaml` builds a small tree of :class:`Scalar`, :class:`Sequence` and
  :class:`Mapping` from libyaml's event stream, refusing anchors, aliases and tags and any
  nesting deeper than :data:`MAX_DEPTH` as they come (so no alias is ever expanded and no
  deep document reaches a recursive composer).
- :func:`parse_number` reads a number written plainly in decimal, finite and in range: no
  YAML 1.1 surprises (``1:30`` as base 60, ``0x1F``, ``017`` as octal, ``1_944``, ``.nan``).

Every error is a :class:`ReadError` saying what is wrong (and the line, when known).
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marchwest.errors import shown

MAX_BYTES = 10 * 1024 * 1024  # per file
MAX_DEPTH = 8  # a ledger file nests 4 deep: rows > row > participants > participant
INT64 = (-(2**63), 2**63 - 1)

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_NULLS = ("", "~", "null", "Null", "NULL")


class ReadError(ValueError):
    """A file that cannot be read as ledger input; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


# ---------------------------------------------------------------------------------------------
# Files


def file_kind(mode: int) -> str:
    """What a path that is not a regular file is, in words ("a FIFO", "a device", …)."""
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def not_regular(mode: int) -> ReadError:
    """The error for a path that is not a regular file (never read: it could block or not end)."""
    return ReadError(f"not a regular file ({file_kind(mode)}): only ordinary files are read")


def _too_big() -> ReadError:
    return ReadError(f"the file is larger than {MAX_BYTES // 2**20} MB, the limit per file")


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES (symlinks to one are followed)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise not_regular(info.st_mode)
        if info.st_size > MAX_BYTES:
            raise _too_big()
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open cannot hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise not_regular(os.fstat(fd).st_mode)
            chunks, size = [], 0
            while chunk := os.read(fd, 1 << 20):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise _too_big()
                chunks.append(chunk)
        finally:
            os.close(fd)
    except OSError as error:
        raise ReadError(f"cannot read the file: {error.strerror or error}") from None
    return b"".join(chunks)


def decode(data: bytes) -> str:
    """UTF-8 text."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadError(
            f"not UTF-8 text: byte 0x{data[error.start]:02x} at offset"
            f" {error.start} cannot be decoded",
            data[: error.start].count(b"\n") + 1,
        ) from None


def read_text(path: Path) -> str:
    return decode(read_bytes(path))


# ---------------------------------------------------------------------------------------------
# YAML


@dataclass(slots=True)
class Scalar:
    value: str
    line: int
    plain: bool  # written without quotes (a number must be)

    @property
    def null(self) -> bool:
        return self.plain and self.value in _NULLS


@dataclass(slots=True)
class Sequence:
    items: list[Any]
    line: int


@dataclass(slots=True)
class Mapping:
    pairs: list[tuple[Any, Any]]
    line: int


def read_yaml(text: str) -> Any:
    """The one document of a YAML text as a tree of Scalar, Sequence, Mapping (None if empty)."""
    import yaml
    from yaml.cyaml import CParser

    parser = CParser(text)
    try:
        return _compose(parser, yaml)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = " ".join(str(x) for x in (error.context, error.problem) if x)
        raise ReadError(
            f"YAML syntax error: {what or 'unreadable'}", mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as error:  # a reader error: a character YAML does not allow
        position = getattr(error, "position", None)
        line = text.count("\n", 0, position) + 1 if position is not None else None
        raise ReadError(f"YAML syntax error: {error}", line) from None
    finally:
        parser.dispose()


def _refuse(event: Any, yaml: Any, line: int) -> ReadError:
    """Why an event is refused (an alias, an anchor, a tag or a second document)."""
    if isinstance(event, yaml.AliasEvent):
        return ReadError("YAML aliases (*name) are not allowed: write the value out", line)
    if isinstance(event, yaml.DocumentStartEvent):
        return ReadError("more than one YAML document (a second '---')", line)
    if event.anchor is not None:
        return ReadError("YAML anchors (&name) are not allowed: write every value out", line)
    return ReadError(f"YAML tags ({event.tag[:40]}) are not allowed: write plain values", line)


def _compose(parser: Any, yaml: Any) -> Any:
    """The tree of the event stream; each event is checked before anything is built from it."""
    scalar, starts = (
        yaml.ScalarEvent,
        {yaml.SequenceStartEvent: Sequence, yaml.MappingStartEvent: Mapping},
    )
    ends = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    root: Any = None
    documents = 0
    open_: list[tuple[Any, list[Any], int]] = []  # collections being read, their items so far
    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is scalar:
            if event.anchor is not None or event.tag is not None:
                raise _refuse(event, yaml, event.start_mark.line + 1)
            node: Any = Scalar(event.value, event.start_mark.line + 1, event.style in (None, ""))
        elif kind in starts:
            line = event.start_mark.line + 1
            if event.anchor is not None or event.tag is not None:
                raise _refuse(event, yaml, line)
            if len(open_) >= MAX_DEPTH:
                raise ReadError(f"nested more than {MAX_DEPTH} levels deep", line)
            open_.append((starts[kind], [], line))
            continue
        elif kind in ends:
            collection, items, line = open_.pop()
            if collection is Sequence:
                node = Sequence(items, line)
            else:
                node = Mapping(list(zip(items[::2], items[1::2], strict=True)), line)
        elif event is None or kind is yaml.StreamEndEvent:
            return root
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _refuse(event, yaml, event.start_mark.line + 1)
            continue
        elif kind is yaml.AliasEvent:
            raise _refuse(event, yaml, event.start_mark.line + 1)
        else:  # stream start, document end
            continue
        if open_:
            open_[-1][1].append(node)
        else:
            root = node


# ---------------------------------------------------------------------------------------------
# Numbers


def _why_not(text: str) -> str:
    """Why a number-like text is refused (YAML 1.1 would read some of these differently)."""
    if any(c.isdigit() and not c.isascii() for c in text):
        return "only the ASCII digits 0-9 are read"
    if re.fullmatch(r"[-+]?\.?(nan|inf)", text, re.IGNORECASE):
        return "not a finite number"
    if re.fullmatch(r"[-+]?[0-9_]*[0-9](:[0-5]?[0-9])+(\.[0-9_]*)?", text):
        return "YAML 1.1 reads this as base 60 (sexagesimal): write it in decimal"
    if re.fullmatch(r"[-+]?0[xob][0-9a-fA-F_]+", text):
        return "hexadecimal, octal or binary: write it in decimal"
    if "_" in text:
        return "write it without underscores"
    if re.fullmatch(r"[-+]?0[0-9]+(\.[0-9]*)?", text):
        return "a leading zero (YAML 1.1 reads 017 as octal): write it without"
    return "write it in decimal, such as 60, -2.5 or 1.5e3"


def parse_number(text: str, *, whole: bool = False) -> int | float:
    """A number written plainly in decimal: finite, and for ``whole`` an integer within int64.
    Raises ValueError saying what is wrong."""
    text = text.strip()
    if len(text) > 40 or not _DECIMAL.fullmatch(text):
        raise ValueError(f"expected a number, found {shown(text)} ({_why_not(text)})")
    if _INT.fullmatch(text):
        value: int | float = int(text)
    else:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(f"{shown(text)} is out of range (not a finite number)")
    if whole:
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(f"expected a whole number, found {shown(text)}")
            value = int(value)
        if not INT64[0] <= value <= INT64[1]:
            raise ValueError(
                f"{shown(text)} is out of range for a whole number ({INT64[0]} to {INT64[1]})"
            )
        return value
    return float(value)
