"""Every path the package uses, built from the package itself (never the working directory)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# A checkout (editable install): the repository root holds data/ and notebooks/.
PROJECT_ROOT = PACKAGE_DIR.parents[1]


def bundled_ledger_dir() -> Path:
    """The ledger folder (raw/, facts/, external/): shipped in the wheel, or the checkout's data/."""
    shipped = PACKAGE_DIR / "_ledger"
    return shipped if shipped.is_dir() else PROJECT_ROOT / "data"


NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
ASSETS_DIR = PACKAGE_DIR / "assets"
# The project's files the site carries (source in the checkout -> name in the site); the site's
# stamp (marchwest.build.stamps) digests the same names.
SITE_FILES = {
    "LICENSE": "LICENSE.txt",
    "data/LICENSE.md": "LICENSE-data.md",
    "CITATION.cff": "CITATION.cff",
}
