"""Shared fixtures: small synthetic ledgers around a copy of the real captured page; headless Chromium."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from _chromium import launch
from _ledgers import write_ledger

import marchwest


@pytest.fixture(scope="session", autouse=True)
def _stamps_apart(tmp_path_factory: pytest.TempPathFactory):
    """Commands run by the tests keep their up-to-date stamps out of the project."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MARCHWEST_STAMPS", str(tmp_path_factory.mktemp("stamps")))
        yield


@pytest.fixture
def make_ledger(tmp_path: Path) -> Callable[..., Path]:
    """make_ledger({"facts/events.yaml": "..."}) -> a ledger folder in tmp_path."""
    return lambda files=None: write_ledger(tmp_path / "ledger", files or {})


@pytest.fixture(scope="session")
def load_ledger(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., marchwest.Ledger]:
    """load_ledger({"facts/events.yaml": "..."}) -> the loaded ledger, in a folder of its own
    (for a module-scoped ledger that several tests read)."""
    return lambda files: marchwest.load(write_ledger(tmp_path_factory.mktemp("ledger"), files))


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium under Playwright (skips, or fails in CI, when it is missing)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
