"""Headless Debian Chromium under Playwright, for the browser and JupyterLab tests (never `playwright install`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def browser_required() -> bool:
    """CI sets MARCHWEST_REQUIRE_BROWSER=1: a missing browser then fails the tests instead of skipping them."""
    return os.environ.get("MARCHWEST_REQUIRE_BROWSER") == "1"


def skip_or_fail(reason: str) -> None:
    if browser_required():
        pytest.fail(f"{reason} (MARCHWEST_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


def launch(playwright):
    """Chromium from /usr/bin/chromium, or skip (fail in CI) when it is missing."""
    if not CHROMIUM.is_file():
        skip_or_fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
