"""The reading side of the project index in Chroma: where it lives and which collection is live.

Embedded (`PersistentClient` under ASSISTANT_HOME/chroma) by default; a Chroma server when
CHROMA_HOST is set. Both behave the same because all state lives *in Chroma*: each build target
is a collection ``<prefix>-<timestamp>-<pid>`` whose metadata records the embedder, dimension,
chunker version, a ``state`` (building / complete) and a ``revision``; the live index is the
newest *complete* collection. No local pointer file, so several app replicas talking to one
server agree on it. Writing (builds) lives in assistant.projects.indexing.

In embedded mode a Chroma client never sees writes made by another process, so every finished
build also writes ASSISTANT_HOME/index-state.json (atomically); readers notice the change and
reopen their client at the next lookup. It is a change notice only; the pointer lives in Chroma.

We compute embeddings ourselves and pass ``embeddings=`` on add and query; collections are still
created with our registered embedding function (never Chroma's downloading default), which
records the embedder spec in the collection configuration.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.atomic_files import atomic_write
from assistant.core.settings import Settings
from assistant.projects.embeddings import chroma_embedding_function
from assistant.projects.store_health import (
    DOCTOR_COMMAND,
    LOCK_WAIT,
    REPAIR_COMMAND,
    SERVER_COMMAND,
    SERVER_TIMEOUT,
    IndexUnavailableError,
    check_sqlite,
    classify,
    integrity_problem,
    unavailable,
)

__all__ = [
    "COLLECTION_PREFIX", "DOCTOR_COMMAND", "LOCK_WAIT", "REPAIR_COMMAND", "SERVER_COMMAND", "SERVER_TIMEOUT",
    "SQLITE_FILE", "STATE_FILE", "CollectionInfo", "IndexUnavailableError", "Progress", "VectorStore",
    "check_sqlite", "classify", "integrity_problem", "now_stamp", "unavailable",
]

log = logging.getLogger(__name__)

COLLECTION_PREFIX = "dir-projects"
STATE_FILE = "index-state.json"
SQLITE_FILE = "chroma.sqlite3"
PAGE = 5000
Progress = Callable[[int, int, str], None]
#: Open embedded stores per path in this process (see VectorStore._close_stale_peers).
_OPEN_STORES: dict[str, weakref.WeakSet[VectorStore]] = {}
_OPEN_LOCK = threading.Lock()


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    state: str
    embedder: str
    dimension: int
    chunker: str
    revision: int
    activated_at: str
    corpus_hash: str

    @classmethod
    def from_metadata(cls, name: str, meta: Mapping[str, Any] | None) -> CollectionInfo:
        meta = meta or {}
        return cls(
            name=name, state=str(meta.get("state", "")), embedder=str(meta.get("embedder", "")),
            dimension=int(meta.get("dimension", 0) or 0), chunker=str(meta.get("chunker", "")),
            revision=int(meta.get("revision", 0) or 0), activated_at=str(meta.get("activated_at", "")),
            corpus_hash=str(meta.get("corpus_hash", "")),
        )

    def metadata(self) -> dict[str, Any]:
        return {
            "kind": COLLECTION_PREFIX, "state": self.state, "embedder": self.embedder,
            "dimension": self.dimension, "chunker": self.chunker, "revision": self.revision,
            "activated_at": self.activated_at, "corpus_hash": self.corpus_hash,
        }


def now_stamp() -> str:
    """UTC time with microseconds: orders collections by activation (`active`)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class VectorStore:
    """One Chroma location (embedded path or server) and the project collections in it.

    Every Chroma call goes through `_reading`, which turns whatever Chroma raises into an
    IndexUnavailableError: a damaged store must cost a project answer, never the whole reply.
    """

    def __init__(self, settings: Settings, embedder_name: str, *, prefix: str = COLLECTION_PREFIX) -> None:
        """`embedder_name` is the name of the configured embedder; reading needs no model loaded."""
        self.settings = settings
        self.embedder_name = embedder_name
        self.prefix = prefix
        self.ef = chroma_embedding_function(embedder_name)  # registers the EF class before any Chroma call
        self._client: Any = None
        self._opened_state: tuple[int, int] | None = None
        self._lock = threading.RLock()  # one client per store, also when sessions ask at once

    @property
    def mode(self) -> str:
        return "server" if self.settings.chroma_host else "embedded"

    @property
    def path(self) -> Path:
        return Path(self.settings.home) / "chroma"

    @property
    def location(self) -> str:
        """Where the index lives (a path or URL): for operators (CLI, doctor, logs), not for users."""
        if self.settings.chroma_host:
            return f"http://{self.settings.chroma_host}:{self.settings.chroma_port}"
        return str(self.path)

    def heartbeat(self, timeout: float = SERVER_TIMEOUT) -> None:
        """Server mode: raise IndexUnavailableError unless the server answers within `timeout`.

        Done with a plain HTTP request first because Chroma's client talks to the server already
        in its constructor, without any timeout.
        """
        import httpx

        url = f"{self.location}/api/v2/heartbeat"
        try:
            httpx.get(url, timeout=timeout).raise_for_status()
        except httpx.HTTPError as error:
            detail = f"the Chroma server at {self.location} does not answer: {type(error).__name__}: {error}"
            log.warning("project index unavailable (server): %s", detail)
            raise IndexUnavailableError(
                "the Chroma server (CHROMA_HOST) does not answer.", kind="server", detail=detail, repair=SERVER_COMMAND,
            ) from error

    def client(self, *, create: bool = False) -> Any:
        """The Chroma client; reading never creates an empty embedded store as a side effect."""
        with self._lock:
            if self._client is not None:
                return self._client
        if self.mode == "embedded":
            self._close_stale_peers()
        with self._lock:
            if self._client is not None:
                return self._client
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            if self.settings.chroma_host:
                self.heartbeat()
                with self._reading("connecting to the Chroma server"):
                    client = chromadb.HttpClient(
                        host=self.settings.chroma_host, port=self.settings.chroma_port, settings=chroma_settings
                    )
                    for owner in (client, getattr(client, "_admin_client", None)):
                        session = getattr(getattr(owner, "_server", None), "_session", None)
                        if session is not None:
                            session.timeout = SERVER_TIMEOUT
                self._client = client
                return self._client
            if not create and not (self.path / SQLITE_FILE).is_file():
                raise IndexUnavailableError(
                    "no index has been built yet.", kind="missing", detail=f"no index at {self.path}",
                )
            self.path.mkdir(parents=True, exist_ok=True)
            if (self.path / SQLITE_FILE).is_file():
                check_sqlite(self.path / SQLITE_FILE)
            with self._reading("opening the index"):
                self._opened_state = self._state_stamp()
                self._client = chromadb.PersistentClient(path=str(self.path), settings=chroma_settings)
            with _OPEN_LOCK:
                _OPEN_STORES.setdefault(str(self.path), weakref.WeakSet()).add(self)
            return self._client

    def _close_stale_peers(self) -> None:
        """Close every client in this process on the same path that predates the last build.

        Chroma shares one embedded System per path within a process and keeps it until the last
        client on it closes; a System opened before another process's build never sees that build.
        So one stale client would make every new client on the path stale too: close them all (a
        caller in the middle of a query gets IndexUnavailableError and ProjectSearch retries once).
        """
        current = self._state_stamp()
        with _OPEN_LOCK:
            peers = list(_OPEN_STORES.get(str(self.path), ()))
        for peer in peers:
            if peer._client is not None and peer._opened_state != current:
                peer.close()

    @contextlib.contextmanager
    def _reading(self, action: str) -> Iterator[None]:
        """Translate any Chroma failure into IndexUnavailableError (details logged, not shown)."""
        try:
            yield
        except IndexUnavailableError:
            raise
        except Exception as error:
            raise unavailable(action, self.location, error) from error

    def _ready(self) -> Any:
        """The client, after making sure (embedded mode) that no other process holds a lock."""
        self.refresh()
        client = self.client()
        if self.mode == "embedded":
            check_sqlite(self.path / SQLITE_FILE)
        return client

    def close(self) -> None:
        """Release the client. Chroma's HTTP client (and the admin client it creates internally)
        each own an httpx session that `close()` does not close; HTTP systems are never shared
        (Chroma gives each one a fresh identifier), so we close those sessions ourselves; otherwise
        their sockets leak until garbage collection. Embedded clients have no session."""
        with self._lock:
            client, self._client = self._client, None
        if client is None:
            return
        sessions = [
            getattr(getattr(owner, "_server", None), "_session", None)
            for owner in (client, getattr(client, "_admin_client", None))
        ]
        with contextlib.suppress(Exception):
            client.close()
        for session in sessions:
            if session is not None:
                with contextlib.suppress(Exception):
                    session.close()

    # -- change notification (embedded mode) ----------------------------------------------------

    @property
    def state_file(self) -> Path:
        return Path(self.settings.home) / STATE_FILE

    def _state_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.state_file.stat()
        except OSError:
            return None
        return (stat.st_ino, stat.st_mtime_ns)

    def write_state(self, info: CollectionInfo) -> None:
        """Announce a finished build: the JSON is replaced atomically (never half written).

        An embedded Chroma client never sees writes made by another process (it serves its own
        in-memory view), so readers compare this file's identity on every lookup and reopen their
        client when it changed (`refresh`). The live-collection pointer itself stays in Chroma.
        """
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({**info.metadata(), "collection": info.name}, indent=1)
        atomic_write(self.state_file, payload.encode("utf-8"))
        self._opened_state = self._state_stamp()

    def refresh(self) -> None:
        """Embedded mode: reopen the client when another process finished a build since we opened it."""
        with self._lock:
            stale = self._client is not None and self.mode == "embedded" and self._state_stamp() != self._opened_state
        if stale:
            self._close_stale_peers()

    # -- reading --------------------------------------------------------------------------------

    def collections(self) -> list[CollectionInfo]:
        """Our collections (any state), newest activation first."""
        client = self._ready()
        with self._reading("listing collections"):
            found = client.list_collections()
        infos = [
            CollectionInfo.from_metadata(c.name, c.metadata) for c in found
            if c.name.startswith(self.prefix + "-") and (c.metadata or {}).get("kind") == COLLECTION_PREFIX
        ]
        return sorted(infos, key=lambda i: (i.activated_at, i.name), reverse=True)

    def active(self) -> CollectionInfo | None:
        """The live collection: the newest complete one, or None."""
        return next((i for i in self.collections() if i.state == "complete"), None)

    def collection(self, name: str) -> Any:
        client = self._ready()
        with self._reading(f"opening collection {name}"):
            return client.get_collection(name, embedding_function=self.ef)

    def count(self, name: str) -> int:
        collection = self.collection(name)
        with self._reading(f"counting {name}"):
            return int(collection.count())

    def fetch_all(self, name: str) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """Every chunk of a collection (ids, passages, metadata), read in pages."""
        collection = self.collection(name)
        ids: list[str] = []
        documents: list[str] = []
        metadatas: list[dict[str, Any]] = []
        offset = 0
        while True:
            with self._reading(f"reading {name}"):
                page = collection.get(include=["documents", "metadatas"], limit=PAGE, offset=offset)
            ids.extend(page["ids"])
            documents.extend(d or "" for d in page["documents"] or [])
            metadatas.extend(dict(m or {}) for m in page["metadatas"] or [])
            if len(page["ids"]) < PAGE:
                return ids, documents, metadatas
            offset += PAGE

    def query(
        self, name: str, vector: Sequence[float], n: int, where: dict[str, Any] | None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine distance) of the n nearest chunks matching `where`."""
        collection = self.collection(name)
        with self._reading(f"querying {name}"):
            result = collection.query(
                query_embeddings=[list(map(float, vector))], n_results=n, where=where, include=["distances"]
            )
        ids = result["ids"][0] if result["ids"] else []
        distances = result["distances"][0] if result.get("distances") else [0.0] * len(ids)
        return list(zip(ids, map(float, distances), strict=True))
