"""Is the project index's SQLite file usable right now? And the error every reader raises if not.

Split from assistant.projects.vector_store because the checks are needed where no Chroma client may be
opened (assistant doctor, `index build --rebuild` before it decides to move a damaged store aside)
and because they run in Python's sqlite3 on purpose: Chroma's own SQLite access waits for a lock
without limit while holding the GIL, which would freeze every session of the web app.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from assistant.core.errors import AssistantError

log = logging.getLogger(__name__)

REPAIR_COMMAND = "assistant index build --rebuild"
DOCTOR_COMMAND = "assistant doctor"
SERVER_COMMAND = "chroma run --path DIR --host 127.0.0.1 --port PORT"
#: How long a reader waits for another process's lock on the embedded store before it reports the
#: index as busy. Chroma's own SQLite access waits without limit *while holding the GIL*, which
#: would freeze every session of the web app; our pre-check waits in Python's sqlite3 instead.
LOCK_WAIT = 3.0
#: Per-request limit for a Chroma server (Chroma's HTTP client has none: a hung server hangs us).
SERVER_TIMEOUT = 10.0


class IndexUnavailableError(AssistantError):
    """The project index is missing, empty, unreachable, busy, damaged or built with another model.

    `str(error)` is shown to users: the reason and the command that repairs it, never a filesystem
    path or a library's error text (paths tell an attacker about the server and mean nothing to a
    reader). `detail` has both, for logs and `assistant doctor`. `kind` is one of missing, empty,
    embedder, server, busy, damaged.
    """

    def __init__(self, reason: str, *, kind: str = "damaged", detail: str | None = None,
                 repair: str = REPAIR_COMMAND) -> None:
        self.reason = reason
        self.kind = kind
        self.detail = detail or reason
        self.repair = repair
        super().__init__(f"The project index is not available: {reason} Repair: run `{repair}`.")


def classify(error: BaseException) -> str:
    """'busy' for lock contention, 'damaged' for anything else a Chroma or SQLite call raised."""
    text = str(error).lower()
    return "busy" if "locked" in text or "busy" in text else "damaged"


def unavailable(action: str, location: str, error: BaseException) -> IndexUnavailableError:
    """The user-facing error for a failed Chroma/SQLite call; the details go to the log."""
    kind = classify(error)
    detail = f"{action} at {location} failed: {type(error).__name__}: {error}"
    log.warning("project index unavailable (%s): %s", kind, detail)
    if kind == "busy":
        return IndexUnavailableError(
            "the index is locked by another process and did not become free in time.",
            kind="busy", detail=detail, repair=DOCTOR_COMMAND,
        )
    return IndexUnavailableError("the index cannot be read (its files are damaged).", kind="damaged", detail=detail)


def check_sqlite(path: Path, wait: float = LOCK_WAIT) -> None:
    """Raise IndexUnavailableError if the store's SQLite file is locked past `wait` or not a database.

    Runs in Python's sqlite3, which releases the GIL while it waits, so a lock held by another
    process costs this request at most `wait` seconds and never blocks the other sessions. The
    connection is read-write (not `mode=ro`) so that a hot journal left by a killed writer is
    rolled back here, as any SQLite reader would, instead of failing the read.
    """
    try:
        connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=wait)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise unavailable("checking the index database", str(path.parent), error) from error


def integrity_problem(path: Path, wait: float = LOCK_WAIT) -> str | None:
    """SQLite's own check of the store's database (`PRAGMA quick_check`): None when sound or absent.

    Reads every page, so it finds damage that opening and listing do not (a malformed page in the
    middle of the file); seconds for a large store, so only rebuilds and `assistant doctor` run it.
    Lock contention is not damage: it raises IndexUnavailableError (kind "busy") instead.
    """
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=wait)
        try:
            rows = connection.execute("PRAGMA quick_check(3)").fetchall()  # the first 3 problems are enough
        finally:
            connection.close()
    except sqlite3.Error as error:
        if classify(error) == "busy":
            raise unavailable("checking the index database", str(path.parent), error) from error
        return f"{type(error).__name__}: {error}"
    result = "; ".join(" ".join(str(r[0]).split()) for r in rows)
    return None if result == "ok" else result
