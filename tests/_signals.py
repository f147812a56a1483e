"""A marchwest command in a subprocess, signalled (kill -9, Ctrl-C) while it builds its output."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from marchwest.outputs import TMP_PREFIX


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (dot files included) by relative path, with its bytes."""
    return {
        f.relative_to(folder).as_posix(): f.read_bytes()
        for f in sorted(folder.rglob("*"))
        if f.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.glob(f"{TMP_PREFIX}*"))


def signal_while_building(
    args: list[str], parent: Path, delay: float, signum: int = signal.SIGKILL
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m marchwest *args``; once its temporary folder appears in ``parent``, wait
    ``delay`` seconds and send ``signum`` unless it has finished by then."""
    process = subprocess.Popen(
        [sys.executable, "-m", "marchwest", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not leftovers(parent) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    try:  # a command that ends sooner is not waited for: there is nothing left to signal
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signum)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)
