"""Temporary files of a run: named so that they are unique per run and recognisable, and cleaned up.

Everything a run writes beside the user's outputs before publishing them starts with :data:`PREFIX` and carries
the writing process's id and a random part: ``.landslide-mapper-<kind>-<pid>-<random>/`` (folders) and
``.landslide-mapper-<pid>-<random>.<name>.part.tif`` (a probability raster being written). Two runs into the same
folder never share a name. A run normally removes its own; a run that was killed cannot, so
:func:`clean_leftovers`, called at the start of the next run in that folder, removes those of processes that no
longer run (and the un-tagged ``.NAME.part.tif`` files older versions left), with a log line each. Pure: never
imports QGIS.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError, LandslideMapperError, Message

PREFIX = ".landslide-mapper-"
_TAGGED = re.compile(re.escape(PREFIX) + r"(?:[a-z]+-)?(\d+)-")
_LEGACY_PART = re.compile(r"^\.(?!landslide-mapper-).+\.part\.tif$")  # versions before the run tag


#: a write that fails with less than this free on its disk failed because the disk is full (GDAL's own messages say
#: so only sometimes: "database or disk is full", or "no such table" for a GeoPackage it could not create)
FULL_DISK_BYTES = 4 * 2**20


@contextlib.contextmanager
def full_disk_explained(*folders: str | Path):
    """Turn an error raised while writing into ``folders`` into one sentence when their disk is (nearly) full."""
    try:
        yield
    except Exception as exc:
        if isinstance(exc, LandslideMapperError):
            raise
        for folder in folders:
            try:
                free = shutil.disk_usage(folder).free
            except OSError:
                continue
            if free < FULL_DISK_BYTES:
                raise InputError(Message("no space left on the disk of {folder} ({free:.1f} MB free): nothing was "
                                         "written; free some space and run again", folder=folder,
                                         free=free / 2**20)) from exc
        raise


@contextlib.contextmanager
def output_folder(path: str | Path, what: str = "output folder"):
    """The run's output folder ``path``, made when missing; a run that fails leaves no empty folder it made. A
    path that is a file is refused with one sentence."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(Message("the {what} {path} is a file, not a folder: choose a folder", what=what, path=path))
    created = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(Message("cannot make the {what} {path}: {value}", what=what, path=path,
                                 value=exc.strerror or exc)) from None
    try:
        yield path
    except BaseException:
        if created:
            try:
                if not any(p.is_file() or p.is_symlink() for p in path.rglob("*")):  # (empty sub-folders only)
                    shutil.rmtree(path)
            except OSError:
                pass
        raise


def temp_folder(parent: str | Path, kind: str) -> Path:
    """A new, empty temporary folder in ``parent`` for this run (``kind``: what it holds, letters only)."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-", dir=parent))


def temp_file(final: str | Path) -> Path:
    """A unique temporary name beside ``final`` under which it is written and then renamed into place."""
    final = Path(final)
    return final.parent / f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}.{final.name}.part{final.suffix}"


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but another user's
        return True
    return True


def clean_leftovers(folder: str | Path, log: Callable[[str], None] | None = None,
                    started: float | None = None) -> list[Path]:
    """Remove the temporary files and folders crashed runs left in ``folder``: tagged with the id of a process that
    no longer runs, or (older versions' ``.NAME.part.tif``) last changed before this run ``started`` (a
    ``time.time()``, default now). Returns what was removed; never raises (a leftover that cannot be removed
    stays, with a log line)."""
    log = log or (lambda m: None)
    started = time.time() if started is None else started
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        tagged = _TAGGED.match(name)
        if tagged:
            stale = not _running(int(tagged.group(1)))
        elif _LEGACY_PART.match(name) and entry.is_file():
            try:
                stale = entry.stat().st_mtime < started
            except OSError:
                continue
        else:
            continue
        if not stale:
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
            log(Message("Removed {name}, left in {folder} by a run that was stopped", name=entry.name, folder=folder))
        except OSError as exc:
            log(Message("Warning: could not remove {entry} (left by a run that was stopped): {exc}", entry=entry,
                        exc=exc))
    return removed
