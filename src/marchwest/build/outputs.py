"""Output folders that lose nothing: built aside, swapped into place whole, never over a user's files.

``export`` and ``site`` write through :func:`replacing`: the new output is built in a temporary
folder beside the target (``.marchwest-tmp-<pid>-*``, git-ignored), a manifest of every file
written is added (``.marchwest-manifest.json``), and the folder is swapped with the target in one
``renameat2(RENAME_EXCHANGE)`` call, so a kill at any moment leaves the old output or the new one,
never a mix. The target is refused, always, when it is part of a ledger, one of the project's own
folders, holds the working folder or the project, or holds files the manifest does not list (a
user's own or edited files): nothing marchwest did not write is ever removed. Placeholder files
(``.gitkeep``) are carried over. Leftovers of killed runs are removed next time.

A test can stop a build at a named moment (:func:`checkpoint`) and signal it there, so a test of
kill -9 or Ctrl-C "while it builds" waits for an event the command reports, never for a delay.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

from marchwest.paths import PROJECT_ROOT, bundled_ledger_dir

MANIFEST = ".marchwest-manifest.json"
TMP_PREFIX = ".marchwest-tmp-"
PLACEHOLDERS = frozenset({".gitkeep"})
LEDGER_PARTS = frozenset({"facts", "raw", "external"})
# The checkout's own folders: never an output, whatever they hold (data/processed and site/ are).
PROJECT_FOLDERS = ("src", "notebooks", "tests", "data", "benchmarks", "tools", "requirements")
PROJECT_OUTPUTS = ("data/processed", "site")
PAUSE_AT = "MARCHWEST_PAUSE_AT"  # a checkpoint name, or NAME#N for its N-th time
PAUSE_FIFO = "MARCHWEST_PAUSE_FIFO"  # a FIFO the paused command writes the name to
SHOWN = 3  # foreign files named in a refusal


class OutputError(Exception):
    """An output folder that cannot or must not be written; the message names it and why."""


def _is_ledger(folder: Path) -> bool:
    return (folder / "facts").is_dir() or (folder / "raw" / "article.txt").is_file()


def _project_folder(target: Path) -> str | None:
    """The project's own folder that ``target`` is or lies in (not an output folder), if any."""
    root = PROJECT_ROOT.resolve()
    if root not in target.parents:
        return None
    inside = target.relative_to(root).as_posix()
    if any(inside == out or inside.startswith(f"{out}/") for out in PROJECT_OUTPUTS):
        return None
    top = inside.split("/", 1)[0]
    return top if top in PROJECT_FOLDERS or top.startswith(".") else None


def refuse_protected(target: Path) -> None:
    """Refuse a ledger, its facts/raw/external, the project's own folders (notebooks/, src/, …),
    or a folder that holds the working folder, the project or the home folder."""
    for kept in (Path.cwd(), PROJECT_ROOT, Path.home()):
        kept = kept.resolve()
        if target == kept or target in kept.parents:
            raise OutputError(f"{target}: holds {kept}; choose a folder of its own")
    bundled = bundled_ledger_dir().resolve()
    for folder in (target, *target.parents):
        if folder == bundled or _is_ledger(folder):
            inside = target.relative_to(folder).parts
            if not inside or inside[0] in LEDGER_PARTS:
                raise OutputError(f"{target}: part of the ledger at {folder}; never written to")
    own = _project_folder(target)
    if own is not None:
        raise OutputError(f"{target}: the project's own {own}/ folder; never an output folder")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _walk(folder: Path) -> Iterator[str]:
    """Every file (or link) below ``folder`` but the manifest and placeholders, as paths."""
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        dirs.sort()
        links = [d for d in dirs if (here / d).is_symlink()]  # never followed, but counted
        for name in sorted(names + links):
            if name != MANIFEST and name not in PLACEHOLDERS:
                yield (here / name).relative_to(folder).as_posix()


def _unchanged(path: Path, digest: str | None) -> bool:
    """Whether ``path`` is the regular file recorded (a link or a FIFO is never read)."""
    return (
        digest is not None and path.is_file() and not path.is_symlink() and _digest(path) == digest
    )


def _files(folder: Path) -> list[str]:
    return sorted(_walk(folder))


def write_manifest(folder: Path) -> None:
    """Record every file now in ``folder`` (path and sha256) as written by marchwest."""
    files = {name: _digest(folder / name) for name in _files(folder)}
    text = json.dumps({"written_by": "marchwest", "files": files}, indent=1, sort_keys=True)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")


def _recorded(folder: Path) -> dict[str, str] | None:
    try:
        files = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return files if isinstance(files, dict) else None


def foreign_files(
    folder: Path, mark: tuple[str, str] | None = None, new: set[str] | None = None
) -> list[str]:
    """The files in ``folder`` that marchwest did not write, or that changed since.

    Without a manifest (an output of an older marchwest), a folder whose ``mark`` file holds the
    mark text counts as marchwest's if every file in it is one the new output (``new``) also has.
    """
    recorded = _recorded(folder)
    if recorded is not None:
        return [f for f in _files(folder) if not _unchanged(folder / f, recorded.get(f))]
    name, text = mark or ("", "")
    marked = bool(name) and (folder / name).is_file()
    if marked and text in (folder / name).read_text(encoding="utf-8", errors="replace"):
        return [f for f in _files(folder) if new is not None and f not in new]
    return list(islice(_walk(folder), SHOWN + 1))  # enough to name (a big folder is not walked)


def check_target(target: Path, *, mark=None, new=None) -> None:
    """Refuse a target that is not a folder, or that holds files marchwest did not write."""
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder")
    above = next((p for p in target.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        raise OutputError(f"{target}: {above} is a file, not a folder")
    if not target.exists():
        return
    foreign = foreign_files(target, mark, new)
    if foreign:
        shown = ", ".join(foreign[:SHOWN]) + (", ..." if len(foreign) > SHOWN else "")
        raise OutputError(
            f"{target}: holds files marchwest did not write ({shown}); "
            "choose another folder, or move those files out of it"
        )


def resolve(target: Path) -> Path:
    """The real folder behind ``target``: a symlink is followed deliberately (the output goes
    where it points, the link stays); a loop or an unreadable path is refused."""
    try:
        return Path(target).resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop (Python < 3.13)
        raise OutputError(f"{target}: cannot resolve the path: {error}") from error


def clean_leftovers(parent: Path) -> None:
    """Remove the temporary folders of earlier runs that were killed (their process is gone)."""
    for leftover in parent.glob(f"{TMP_PREFIX}*"):
        pid = leftover.name[len(TMP_PREFIX) :].split("-", 1)[0]
        if leftover.is_dir() and not leftover.is_symlink() and not _alive(pid):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths in one step (Linux ``renameat2``); elsewhere two renames, a moment apart."""
    try:
        renameat2 = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).renameat2
    except (OSError, TypeError, AttributeError):  # not Linux, or a C library without it
        renameat2 = None
    if renameat2 is not None:
        at_fdcwd, rename_exchange = -100, 2
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # else: the fallback
            raise OSError(code, os.strerror(code), str(b))
    aside = b.with_name(f"{TMP_PREFIX}{os.getpid()}-old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def checkpoint(name: str) -> None:
    """A named moment of a build, where a test may stop the command: when ``MARCHWEST_PAUSE_AT``
    names it (``NAME`` or ``NAME#N``, its N-th time), the command writes the name to the FIFO
    ``MARCHWEST_PAUSE_FIFO`` and then waits there for a signal (kill -9, Ctrl-C) or a line back."""
    wanted = os.environ.get(PAUSE_AT)
    if not wanted:
        return
    counts = _checkpoints_seen
    counts[name] = counts.get(name, 0) + 1
    if wanted not in (name, f"{name}#{counts[name]}"):
        return
    fifo = os.environ[PAUSE_FIFO]
    with open(fifo, "w", encoding="utf-8") as reached:
        reached.write(f"{name}\n")
    with open(fifo, encoding="utf-8") as resume:  # blocks until the test answers or signals
        resume.readline()


_checkpoints_seen: dict[str, int] = {}


@contextmanager
def replacing(target: Path, *, mark: tuple[str, str] | None = None) -> Iterator[Path]:
    """Yield an empty folder to build the new output in; on success it replaces ``target`` whole.

    Raises OutputError (before anything is built) for a target that must not be replaced; any
    error or interrupt while building leaves the target as it was and removes the folder.
    Checkpoints: ``aside`` (the empty folder made), ``built``, ``manifest``, ``swapped``.
    """
    real = resolve(target)
    refuse_protected(real)
    check_target(real, mark=mark)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(real.parent)
        building = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=real.parent))
    except OSError as error:
        raise OutputError(f"{target}: cannot write beside it: {error.strerror or error}") from error
    try:
        checkpoint("aside")
        yield building
        checkpoint("built")
        write_manifest(building)
        check_target(real, mark=mark, new=set(_files(building)))
        checkpoint("manifest")
        for name in PLACEHOLDERS:
            if (real / name).is_file() and not (building / name).exists():
                shutil.copy2(real / name, building / name)
        building.chmod(0o777 & ~_umask())
        if real.is_dir():
            _exchange(building, real)  # building now holds the old output
        else:
            os.rename(building, real)
        checkpoint("swapped")
    finally:
        shutil.rmtree(building, ignore_errors=True)
