"""A marchwest command in a subprocess, signalled (kill -9, Ctrl-C) at a moment it reports.

The command is started with ``MARCHWEST_PAUSE_AT`` naming one of its checkpoints
(:func:`marchwest.build.outputs.checkpoint`); when it gets there it writes the name to a FIFO and waits.
The signal is sent only once the name is read, so the test never races the command's speed.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from marchwest.build.outputs import PAUSE_AT, PAUSE_FIFO, TMP_PREFIX

EXPORT_CHECKPOINTS = ("aside", "table#1", "table#9", "built", "manifest", "swapped")
SITE_CHECKPOINTS = ("aside", "built", "manifest", "swapped")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (dot files included) by relative path, with its bytes."""
    return {
        f.relative_to(folder).as_posix(): f.read_bytes()
        for f in sorted(folder.rglob("*"))
        if f.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.glob(f"{TMP_PREFIX}*"))


def _reached(fifo: Path, process: subprocess.Popen) -> str:
    """The checkpoint name the command writes to ``fifo``; fails if it ends without one."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready and (data := os.read(fd, 4096)):
                return data.decode().strip()
            if process.poll() is not None:
                _, err = process.communicate()
                raise AssertionError(f"the command ended before its checkpoint: {err}")
    finally:
        os.close(fd)


# `python -m marchwest`, with Ctrl-C handled as a terminal's Python has it: pytest-xdist's
# workers ignore SIGINT, and an ignored signal stays ignored across exec, so the command started
# from a worker would never see the Ctrl-C.
AS_FROM_A_TERMINAL = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'marchwest'; runpy.run_module('marchwest', run_name='__main__', alter_sys=True)"
)


def signal_at(
    args: list[str], checkpoint: str, signum: int = signal.SIGKILL
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m marchwest *args`` (:data:`AS_FROM_A_TERMINAL`), wait until it reports
    ``checkpoint``, send ``signum``."""
    with tempfile.TemporaryDirectory() as pipes:
        fifo = Path(pipes) / "checkpoint"
        os.mkfifo(fifo)
        env = {**os.environ, PAUSE_AT: checkpoint, PAUSE_FIFO: str(fifo)}
        process = subprocess.Popen(
            [sys.executable, "-c", AS_FROM_A_TERMINAL, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert _reached(fifo, process) == checkpoint.split("#")[0]
            process.send_signal(signum)
            out, err = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)
