"""Crash-safe file replacement and a directory lock, for every writer of project data.

Readers and crashes must see the old or the new file, never a mix: index_data/ feeds every
number the assistant shows, and the project-index manifest decides which collection answers.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from assistant.core.errors import ImportRejectedError, Problem


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` so that readers and crashes see the old or the new file, never a mix.

    The temp file lives in the same directory (os.replace is atomic only within a file system),
    is flushed and fsynced before the rename, keeps the old file's permissions, and the directory
    is fsynced afterwards so the rename itself survives a power cut.
    """
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):  # not every platform can open a directory
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


@contextlib.contextmanager
def directory_lock(data_dir: Path, *, clean: bool) -> Iterator[None]:
    """Exclusive flock on the directory itself (no lock file left in index_data/); POSIX only.

    Holding it, temp files of a killed import are removed (unless `clean` is off for a dry run).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no locking
        yield
        return
    handle = os.open(data_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            problem = Problem(data_dir.name, None, None, "no other import running on this directory", "it is locked")
            raise ImportRejectedError([problem]) from None
        for stale in data_dir.glob(".*.csv.*.tmp") if clean else ():
            stale.unlink(missing_ok=True)
        yield
    finally:
        os.close(handle)


