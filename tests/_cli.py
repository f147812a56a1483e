"""The command line as a user runs it: `python -m marchwest ...` in a process of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(
    *args: str, cwd: Path | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """Run `python -m marchwest ARGS` (this interpreter) and return its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", "marchwest", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )
