"""Up-to-date checks on content: a step whose inputs and outputs are as it left them is skipped.

After a step of ``python -m marchwest`` succeeds (validate, one notebook of run, export, site),
it records a stamp: the SHA-256 of each of its inputs and of what it wrote. Next time, a step
whose digests all match is skipped, and says so; ``--force`` runs it anyway. Digests are of
bytes, never of modification times (a fresh clone has every file at one time): a comment added
to a fact file is a change.

- The inputs are digested before the step starts, and a notebook's stamp holds the digest of the
  bytes its run wrote: a file changed while a step runs (a ledger edit, a cell saved in
  JupyterLab) differs from its stamp, and the step runs again next time.
- The inputs are the files the step's code reads, listed from the same names that code uses:
  the ledger's files (:func:`ledger_files`: what the loader reads, nothing else in ``raw/``),
  the package's source (templates and assets included), ``requirements/lock.txt`` (the
  installed libraries), the notebooks, and for the site the project's files it copies
  (``marchwest.paths.SITE_FILES``: licences, CITATION.cff).
- Reads are bounded: regular files only (a FIFO, a device or a folder is named by its kind in
  place of a digest, never opened to wait on), at most :data:`MAX_FILE_BYTES` each (a larger
  file is named by its size; the ledger's files by the loader's own limit).
- A damaged stamp (not JSON, not a mapping of digests, a FIFO, a link to a device, larger than
  :data:`STAMP_MAX_BYTES`) counts as none: one warning line names it, and the step runs.

Stamps live in ``.marchwest-stamps/`` at the project root (git-ignored), or in the folder
``$MARCHWEST_STAMPS`` names. A fresh clone has none: its first ``make run`` does everything.
Checking costs a few tens of milliseconds (hashing ~4 MB); nothing heavy is imported for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from marchwest.build.outputs import resolve
from marchwest.ledger import reader
from marchwest.ledger.folder import ARTICLE_FILE, CHECKSUM_FILE, FOLDERS
from marchwest.ledger.reader import ReadError, not_regular
from marchwest.paths import (
    NOTEBOOKS_DIR,
    PACKAGE_DIR,
    PROJECT_ROOT,
    SITE_FILES,
    bundled_ledger_dir,
)

LOCK_FILE = PROJECT_ROOT / "requirements" / "lock.txt"
# A notebook with many images is a few MB (the largest here: 0.7 MB); 50 MB is where GitHub
# starts warning about a file. Nothing larger is read or hashed.
MAX_FILE_BYTES = 50 * 2**20
STAMP_MAX_BYTES = 2**20  # a stamp is ~1 KB
_CHUNK = 1 << 20

# Stamp keys to the files behind them: (folder the names are relative to, files in order).
Inputs = dict[str, tuple[Path, list[Path]]]


def stamps_dir() -> Path:
    """Where stamps are kept: ``$MARCHWEST_STAMPS``, else ``.marchwest-stamps/`` in a checkout,
    else (an installed wheel) the user's cache folder."""
    if os.environ.get("MARCHWEST_STAMPS"):
        return Path(os.environ["MARCHWEST_STAMPS"])
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / ".marchwest-stamps"
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "marchwest" / "stamps"


# ---------------------------------------------------------------------------------------------
# Bounded reads


def _refuse(mode: int, size: int, limit: int) -> ReadError | None:
    if not stat.S_ISREG(mode):
        return not_regular(mode)
    if size > limit:
        return ReadError(f"larger than {limit // 2**20} MB ({size} bytes), the limit per file")
    return None


def regular_chunks(path: Path, limit: int = MAX_FILE_BYTES) -> Iterator[bytes]:
    """The bytes of a regular file of at most ``limit`` bytes, in chunks (symlinks to one are
    followed). FileNotFoundError if there is none; ReadError for anything else, before any read."""
    try:
        info = os.stat(path)
        if refused := _refuse(info.st_mode, info.st_size, limit):
            raise refused
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open cannot hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise
    except OSError as error:
        raise ReadError(f"cannot read the file: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if refused := _refuse(info.st_mode, 0, limit):
            raise refused
        size = 0
        while chunk := os.read(fd, _CHUNK):
            size += len(chunk)
            if size > limit:  # grown since the check
                raise _refuse(info.st_mode, size, limit)
            yield chunk
    except OSError as error:
        raise ReadError(f"cannot read the file: {error.strerror or error}") from None
    finally:
        os.close(fd)


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`regular_chunks`)."""
    return b"".join(regular_chunks(path, limit))


def file_digest(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """SHA-256 of a file's bytes; for a file that is not read, what is there instead
    ("missing", "not a regular file (a FIFO) ...", "larger than 50 MB (... bytes) ...")."""
    total = hashlib.sha256()
    try:
        for chunk in regular_chunks(path, limit):
            total.update(chunk)
    except FileNotFoundError:
        return "missing"
    except ReadError as error:
        return str(error)
    return total.hexdigest()


def files_digest(files: Sequence[Path], root: Path, limit: int = MAX_FILE_BYTES) -> str:
    """One digest of the files' paths (relative to ``root``) and their digests, in the order given."""
    total = hashlib.sha256()
    for path in files:
        total.update(path.relative_to(root).as_posix().encode() + b"\0")
        total.update(file_digest(path, limit).encode() + b"\0")
    return total.hexdigest()


def tree_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (byte-code caches aside), in name order; none if no folder."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if not p.is_dir() and "__pycache__" not in p.parts)


def tree_digest(folder: Path) -> str:
    """Digest of every file under ``folder`` ("missing" when there is no such folder)."""
    return files_digest(tree_files(folder), folder) if folder.is_dir() else "missing"


# ---------------------------------------------------------------------------------------------
# What each step reads


def ledger_files(ledger: Path) -> list[Path]:
    """The files of a ledger folder the loader (``marchwest.ledger.folder``) reads or names: the article
    and its pin in raw/ (nothing else there), every entry of facts/ and external/ but dot files."""
    listed = [ledger / ARTICLE_FILE, ledger / CHECKSUM_FILE]
    for folder in FOLDERS:
        try:
            entries = sorted((ledger / folder).iterdir())
        except OSError:  # no such folder (or unreadable): the loader says so
            entries = []
        listed += [p for p in entries if not p.name.startswith(".")]
    return listed


def shared_inputs(ledger_dir: Path | None = None) -> Inputs:
    """What every step reads: the ledger, the package's source, the locked versions."""
    ledger = Path(ledger_dir) if ledger_dir is not None else bundled_ledger_dir()
    return {
        "ledger": (ledger, ledger_files(ledger)),
        "package": (PACKAGE_DIR, tree_files(PACKAGE_DIR)),
        "locked versions": (LOCK_FILE.parent, [LOCK_FILE]),
    }


def site_inputs(
    notebooks_dir: Path = NOTEBOOKS_DIR, root: Path = PROJECT_ROOT, ledger_dir: Path | None = None
) -> Inputs:
    """What the site reads or copies: the shared inputs (the ledger at ``ledger_dir``, default
    the bundled one; its templates and map assets are in the package, plotly.js and nbconvert
    in the locked versions), the notebooks, and the project's files it copies (the licences,
    CITATION.cff: ``SITE_FILES``, the names ``marchwest.build.site`` copies from)."""
    notebooks = sorted(Path(notebooks_dir).glob("*.ipynb"))
    return {
        **shared_inputs(ledger_dir),
        "notebooks": (Path(notebooks_dir), notebooks),
        **{name: (root, [root / name]) for name in SITE_FILES},
    }


def digests(inputs: Inputs) -> dict[str, str]:
    """One digest per stamp key (the ledger's files within the loader's own size limit)."""
    return {
        name: files_digest(files, base, reader.MAX_BYTES if name == "ledger" else MAX_FILE_BYTES)
        for name, (base, files) in inputs.items()
    }


# ---------------------------------------------------------------------------------------------
# Steps


@dataclass
class Step:
    """One step (``kind`` on ``target``): its input digests (taken before the step runs), and the
    file or folder it writes (for ``run``, the notebook itself: its cells and outputs)."""

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

    def _digests(self, written: str | None = None) -> dict[str, str]:
        if self.output is None:
            return dict(self.inputs)
        out = self.output
        if written is None:
            written = tree_digest(out) if out.is_dir() else file_digest(out)
        return {**self.inputs, out.name: written}

    def recorded(self) -> dict[str, str] | None:
        """The digests of the step's last success; None if there is no stamp, or a damaged one
        (a warning names it: the step runs again)."""
        stamp = self._stamp()
        try:
            text = read_regular(stamp, STAMP_MAX_BYTES).decode("utf-8")
            found = json.loads(text)["digests"]
        except FileNotFoundError:
            return None
        except (ReadError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            why = f"{error}".splitlines()[0]
        except (KeyError, TypeError, IndexError):
            why = 'not a JSON object with "digests"'
        else:
            if isinstance(found, dict) and all(
                isinstance(k, str) and isinstance(v, str) for k, v in found.items()
            ):
                return found
            why = '"digests" is not a mapping of names to digests'
        print(
            f"warning: {stamp}: damaged stamp ignored ({why}); {self.label} runs", file=sys.stderr
        )
        return None

    def changes(self) -> list[str]:
        """What differs since the stamp: ``["no stamp"]``, or the names of changed digests."""
        recorded = self.recorded()
        if recorded is None:
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

    def record(self, written: str | None = None) -> None:
        """Stamp the step as done: the input digests taken before it ran, and ``written`` (the
        digest of the bytes it wrote) or else the output as it is now. A stamp that cannot be
        written is only a warning: the step runs again next time."""
        stamp = self._stamp()
        text = json.dumps(
            {
                "step": self.kind,
                "target": str(resolve(self.target)),
                "digests": self._digests(written),
            },
            indent=1,
        )
        tmp = None
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=stamp.parent, prefix=f".{stamp.name}.")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            os.replace(tmp, stamp)
        except OSError as error:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            print(f"warning: no stamp for {self.label} ({error})", file=sys.stderr)


def notebook_steps(notebooks: Sequence[Path], ledger_dir: Path | None = None) -> list[Step]:
    """One ``run`` step per notebook: the shared inputs, and the notebook file itself."""
    shared = digests(shared_inputs(ledger_dir))
    return [Step("run", Path(nb), shared, output=Path(nb)) for nb in notebooks]


def copy_steps(
    sources: Sequence[Path], out_dir: Path, ledger_dir: Path | None = None
) -> list[Step]:
    """One ``run`` step per notebook executed as a copy in ``out_dir`` (``run --out``): the
    shared inputs and the source notebook, and the copy the run writes."""
    shared = digests(shared_inputs(ledger_dir))
    return [
        Step(
            "run",
            Path(out_dir) / Path(nb).name,
            {**shared, "source notebook": file_digest(Path(nb))},
            output=Path(out_dir) / Path(nb).name,
        )
        for nb in sources
    ]


def export_step(out_dir: Path, ledger_dir: Path | None = None) -> Step:
    return Step("export", Path(out_dir), digests(shared_inputs(ledger_dir)), output=Path(out_dir))


def site_step(
    out_dir: Path,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    root: Path = PROJECT_ROOT,
    ledger_dir: Path | None = None,
) -> Step:
    inputs = digests(site_inputs(notebooks_dir, root, ledger_dir))
    return Step("site", Path(out_dir), inputs, output=Path(out_dir))


def validate_step(ledger_dir: Path | None) -> Step:
    ledger = Path(ledger_dir) if ledger_dir is not None else bundled_ledger_dir()
    return Step("validate", ledger, digests(shared_inputs(ledger)))
