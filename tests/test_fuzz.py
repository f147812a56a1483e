"""Hundreds of mutants of the bundled ledger: each one loads, or is refused with a LedgerError
naming a file; never another exception, a hang or a crash (tests/_fuzz.py makes and loads them
in a subprocess, so a crash names its mutant instead of killing the test run)."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from pathlib import Path

from _fuzz import SPECIALS

import marchwest

SEED = 8
COUNT = 200
HERE = Path(__file__).parent


def test_every_mutant_loads_or_is_refused_with_a_file_named(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(Path(marchwest.__file__).parents[1]), str(HERE)]),
    }
    try:
        done = subprocess.run(
            [sys.executable, str(HERE / "_fuzz.py"), str(SEED), str(COUNT), str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env=env,
        )
        output, errors, code = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as expired:
        output, errors, code = (expired.stdout or b"").decode(), "", "timeout"
    records = [json.loads(line) for line in output.splitlines()]
    started = {r["start"]: r for r in records if "start" in r}
    ended = {r["end"]: r for r in records if "end" in r}
    unfinished = [started[i] for i in started if i not in ended]
    assert not unfinished and code == 0, f"exit {code} during {unfinished}: {errors[-2000:]}"
    assert len(ended) == COUNT and records[-1] == {"done": COUNT}
    bad = [(started[i], r["outcome"]) for i, r in ended.items() if r["outcome"].startswith("BAD")]
    assert not bad, "\n".join(map(str, bad))
    outcomes = collections.Counter((started[i]["kind"], r["outcome"]) for i, r in ended.items())
    assert outcomes[("identity", "valid")] == 1  # the unchanged ledger loads
    # Every file-system and size attack is refused, but emptying second_readings.yaml: no other
    # row refers to its rows, so the ledger without them is valid.
    specials = [
        (started[i]["what"], r["outcome"])
        for i, r in ended.items()
        if started[i]["kind"] == "special"
    ]
    assert len(specials) == SPECIALS
    empty_readings = ("empty (external/second_readings.yaml)", "valid")
    assert all(o == "refused" or (w, o) == empty_readings for w, o in specials), specials
    assert sum(n for (_, outcome), n in outcomes.items() if outcome == "refused") > COUNT // 2
