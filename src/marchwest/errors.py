"""The one exception type for bad ledger input, and the problem records it carries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


def shown(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it, cut short (an id may be 200,000 characters long)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a ledger: where it is (file, line, row, field) and what is wrong."""

    file: str
    message: str
    line: int | None = None  # 1-based line in a YAML file
    row: int | None = None  # 1-based row (YAML list item or CSV data row)
    field: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(
                f"line {self.line}" + (f" (row {self.row})" if self.row is not None else "")
            )
        elif self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}"


class LedgerError(ValueError):
    """A ledger folder (or the article in it) is not valid; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem], ledger_dir: Path | None = None) -> None:
        self.problems = list(problems)
        self.ledger_dir = ledger_dir
        head = f"{len(self.problems)} problem(s) in the ledger"
        if ledger_dir is not None:
            head += f" at {ledger_dir}"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))
