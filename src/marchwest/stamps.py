"""Up-to-date checks on content: a step whose inputs and outputs are as it left them is skipped.

After a step of ``python -m marchwest`` succeeds (validate, one notebook of run, export, site),
it records a stamp: the SHA-256 of each of its inputs (the ledger's files, the package's source,
requirements/lock.txt, the notebooks) and of what it wrote. Next time, a step whose digests all
match is skipped, and says so; ``--force`` runs it anyway. Digests are of bytes, never of
modification times (a fresh clone has every file at one time): a comment added to a fact file
is a change. A notebook is both input and output of its run: its stamp holds the file as the run
left it, so editing a cell (or clearing the outputs) runs it again.

Stamps live in ``.marchwest-stamps/`` at the project root (git-ignored), or in the folder
``$MARCHWEST_STAMPS`` names. A fresh clone has none: its first ``make run`` does everything.
Checking costs a few tens of milliseconds (hashing ~1 MB); nothing heavy is imported for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from marchwest.outputs import resolve
from marchwest.paths import NOTEBOOKS_DIR, PACKAGE_DIR, PROJECT_ROOT, bundled_ledger_dir

LEDGER_FOLDERS = ("raw", "facts", "external")  # what the ledger reads (not processed/)
LOCK_FILE = PROJECT_ROOT / "requirements" / "lock.txt"


def stamps_dir() -> Path:
    """Where stamps are kept: ``$MARCHWEST_STAMPS``, else ``.marchwest-stamps/`` in a checkout,
    else (an installed wheel) the user's cache folder."""
    if os.environ.get("MARCHWEST_STAMPS"):
        return Path(os.environ["MARCHWEST_STAMPS"])
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / ".marchwest-stamps"
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "marchwest" / "stamps"


def files_digest(files: Iterable[Path], root: Path) -> str:
    """One digest of the files' paths (relative to ``root``) and bytes, in the order given."""
    total = hashlib.sha256()
    for path in files:
        total.update(path.relative_to(root).as_posix().encode() + b"\0")
        total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def tree_digest(folder: Path) -> str:
    """Digest of every file under ``folder`` ("missing" when there is no such folder)."""
    if not folder.is_dir():
        return "missing"
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return files_digest(files, folder)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


def shared_inputs(ledger_dir: Path | None = None) -> dict[str, str]:
    """Digests of what every step reads: the ledger, the package's source, the locked versions."""
    ledger = Path(ledger_dir) if ledger_dir is not None else bundled_ledger_dir()
    return {
        "ledger": files_digest(
            [
                p
                for folder in LEDGER_FOLDERS
                if (ledger / folder).is_dir()
                for p in sorted((ledger / folder).rglob("*"))
                if p.is_file()
            ],
            ledger,
        ),
        "package": tree_digest(PACKAGE_DIR),
        "locked versions": file_digest(LOCK_FILE),
    }


@dataclass
class Step:
    """One step (``kind`` on ``target``): its input digests, and the file or folder it writes
    (for ``run``, the notebook itself: its cells and outputs as the run left them)."""

    kind: str
    target: Path
    inputs: dict[str, str]
    output: Path | None = None

    @property
    def label(self) -> str:
        return f"{self.kind} {self.target.name}"

    def _stamp(self) -> Path:
        key = f"{self.kind}\0{resolve(self.target)}".encode()
        return stamps_dir() / f"{self.kind}-{hashlib.sha256(key).hexdigest()[:20]}.json"

    def _digests(self) -> dict[str, str]:
        if self.output is None:
            return dict(self.inputs)
        out = self.output
        written = tree_digest(out) if out.is_dir() else file_digest(out)
        return {**self.inputs, self.output.name: written}

    def changes(self) -> list[str]:
        """What differs since the stamp: ``["no stamp"]``, or the names of changed digests."""
        try:
            recorded = json.loads(self._stamp().read_text(encoding="utf-8"))["digests"]
        except (OSError, ValueError, KeyError, TypeError):
            return ["no stamp"]
        now = self._digests()
        return [name for name in now if recorded.get(name) != now[name]] or [
            name for name in recorded if name not in now
        ]

    def skip(self, force: bool) -> bool:
        """True (and say so) when nothing changed since the step last succeeded."""
        if force:
            return False
        changed = self.changes()
        if not changed:
            unchanged = ", ".join(self._digests())
            print(
                f"skipped {self.label}: {unchanged} unchanged since it last succeeded", flush=True
            )
        elif changed != ["no stamp"]:  # a first run goes without saying
            print(f"{self.label}: runs ({', '.join(changed)} changed)", flush=True)
        return not changed

    def record(self) -> None:
        """Stamp the step as done with the digests of now (a stamp that cannot be written is
        only a warning: the step runs again next time)."""
        stamp = self._stamp()
        text = json.dumps(
            {"step": self.kind, "target": str(resolve(self.target)), "digests": self._digests()},
            indent=1,
        )
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=stamp.parent, prefix=f".{stamp.name}.")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            os.replace(tmp, stamp)
        except OSError as error:
            print(f"warning: no stamp for {self.label} ({error})", file=sys.stderr)


def notebook_steps(notebooks: Sequence[Path], ledger_dir: Path | None = None) -> list[Step]:
    """One ``run`` step per notebook: the shared inputs, and the notebook file itself."""
    shared = shared_inputs(ledger_dir)
    return [Step("run", Path(nb), shared, output=Path(nb)) for nb in notebooks]


def export_step(out_dir: Path, ledger_dir: Path | None = None) -> Step:
    return Step("export", Path(out_dir), shared_inputs(ledger_dir), output=Path(out_dir))


def site_step(out_dir: Path, notebooks_dir: Path = NOTEBOOKS_DIR) -> Step:
    notebooks = sorted(Path(notebooks_dir).glob("*.ipynb"))
    inputs = {**shared_inputs(), "notebooks": files_digest(notebooks, Path(notebooks_dir))}
    return Step("site", Path(out_dir), inputs, output=Path(out_dir))


def validate_step(ledger_dir: Path | None) -> Step:
    ledger = Path(ledger_dir) if ledger_dir is not None else bundled_ledger_dir()
    return Step("validate", ledger, shared_inputs(ledger))
