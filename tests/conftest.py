"""Shared fixtures: small synthetic ledgers built around a copy of the real captured page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from _ledgers import write_ledger


@pytest.fixture
def make_ledger(tmp_path: Path) -> Callable[..., Path]:
    """make_ledger({"facts/events.yaml": "..."}) -> a ledger folder in tmp_path."""
    return lambda files=None: write_ledger(tmp_path / "ledger", files or {})
