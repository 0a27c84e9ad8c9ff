"""The Chroma side of the project index: where it lives, which collection is live, how it is built.

Embedded (`PersistentClient` under ASSISTANT_HOME/chroma) by default; a Chroma server when
CHROMA_HOST is set. Both behave the same because all state lives *in Chroma*:

- Each build target is a collection ``<prefix>-<timestamp>`` whose metadata records the embedder,
  dimension, chunker version, a ``state`` (building / complete) and a ``revision``. The live index
  is the newest *complete* collection. A full rebuild fills a new collection and flips its state
  to complete in one metadata write only after every chunk is in, then drops the old ones; a
  crashed or failed build leaves a "building" collection that nobody reads and the next build
  removes. No local pointer file, so several app replicas talking to one server agree on it.
- Incremental builds embed everything that changed *before* writing anything (an embedder
  failure leaves the live index untouched), then per file add the new chunks before deleting the
  old ones (chunk ids contain the content hash, so they never collide). Each chunk stores its
  file's content hash, so the next build derives what is indexed from the collection itself and
  repairs any half-applied file.

In embedded mode a Chroma client never sees writes made by another process, so every finished
build also writes ASSISTANT_HOME/index-state.json (atomically); readers notice the change and
reopen their client at the next lookup. It is a change notice only; the pointer lives in Chroma.

We compute embeddings ourselves and pass ``embeddings=`` on add and query; the collection is
still created with our registered embedding function (never Chroma's downloading default), which
records the embedder spec in the collection configuration.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.chunking import CHUNKER_VERSION, Chunk
from assistant.embeddings import Embedder, chroma_embedding_function
from assistant.errors import AssistantError
from assistant.settings import Settings

COLLECTION_PREFIX = "dir-projects"
STATE_FILE = "index-state.json"
REPAIR_COMMAND = "assistant index build --rebuild"
EMBED_BATCH = 32
WRITE_BATCH = 1000
Progress = Callable[[int, int, str], None]


class IndexUnavailableError(AssistantError):
    """The project index is missing, empty, unreachable, broken or built with another model."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"The project index is not available: {reason} Repair: run `{REPAIR_COMMAND}`.")


class BuildLockedError(AssistantError):
    """Another build holds the lock; Chroma's embedded mode tolerates one writer only."""


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


@dataclass(frozen=True)
class BuildReport:
    """What a build did. Counts are chunks: chunks == embedded + skipped (after the build)."""

    files: int
    chunks: int
    embedded: int
    skipped: int
    removed: int
    seconds: float
    collection: str
    rebuilt: bool

    def summary(self) -> dict[str, int | float]:
        """Exactly the keys of the CLI's --json line."""
        return {
            "files": self.files, "chunks": self.chunks, "embedded": self.embedded,
            "skipped": self.skipped, "removed": self.removed, "seconds": round(self.seconds, 3),
        }


def _file_hash(chunks: Sequence[Chunk]) -> str:
    return str(chunks[0].metadata["content_hash"]) if chunks else ""


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class VectorStore:
    """One Chroma location (embedded path or server) and the project collections in it."""

    embed_batch = EMBED_BATCH  # passages per embedder call (progress granularity)

    def __init__(self, settings: Settings, embedder_name: str, *, prefix: str = COLLECTION_PREFIX) -> None:
        """`embedder_name` is the name of the configured embedder; reading needs no model loaded."""
        self.settings = settings
        self.embedder_name = embedder_name
        self.prefix = prefix
        self.ef = chroma_embedding_function(embedder_name)  # registers the EF class before any Chroma call
        self._client: Any = None
        self._opened_state: tuple[int, int] | None = None

    @property
    def mode(self) -> str:
        return "server" if self.settings.chroma_host else "embedded"

    @property
    def path(self) -> Path:
        return Path(self.settings.home) / "chroma"

    @property
    def location(self) -> str:
        if self.settings.chroma_host:
            return f"http://{self.settings.chroma_host}:{self.settings.chroma_port}"
        return str(self.path)

    def client(self, *, create: bool = False) -> Any:
        """The Chroma client; reading never creates an empty embedded store as a side effect."""
        if self._client is not None:
            return self._client
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if self.settings.chroma_host:
            try:
                self._client = chromadb.HttpClient(
                    host=self.settings.chroma_host, port=self.settings.chroma_port, settings=chroma_settings
                )
                self._client.heartbeat()
            except Exception as error:
                self.close()
                raise IndexUnavailableError(
                    f"the Chroma server at {self.location} does not answer ({type(error).__name__}). "
                    "Start it (`chroma run --path DIR --host 127.0.0.1 --port PORT`) or unset CHROMA_HOST."
                ) from error
            return self._client
        if not create and not (self.path / "chroma.sqlite3").is_file():
            raise IndexUnavailableError(f"no index at {self.path}.")
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            self._opened_state = self._state_stamp()
            self._client = chromadb.PersistentClient(path=str(self.path), settings=chroma_settings)
        except Exception as error:
            raise IndexUnavailableError(f"the index at {self.path} cannot be opened ({error}).") from error
        return self._client

    def close(self) -> None:
        """Release the client. Chroma's HTTP client (and the admin client it creates internally)
        each own an httpx session that `close()` does not close; HTTP systems are never shared
        (Chroma gives each one a fresh identifier), so we close those sessions ourselves; otherwise
        their sockets leak until garbage collection. Embedded clients have no session."""
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

    def _write_state(self, info: CollectionInfo) -> None:
        """Announce a finished build: JSON written to a temp file and moved into place atomically.

        An embedded Chroma client never sees writes made by another process (it serves its own
        in-memory view), so readers compare this file's identity on every lookup and reopen their
        client when it changed (`refresh`). The live-collection pointer itself stays in Chroma.
        """
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.state_file.with_name(f".{STATE_FILE}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({**info.metadata(), "collection": info.name}, indent=1), encoding="utf-8")
        os.replace(temporary, self.state_file)
        self._opened_state = self._state_stamp()

    def refresh(self) -> None:
        """Embedded mode: reopen the client when another process finished a build since we opened it."""
        if self._client is not None and not self.settings.chroma_host and self._state_stamp() != self._opened_state:
            self.close()

    # -- reading --------------------------------------------------------------------------------

    def collections(self) -> list[CollectionInfo]:
        """Our collections (any state), newest activation first."""
        self.refresh()
        try:
            found = self.client().list_collections()
        except IndexUnavailableError:
            raise
        except Exception as error:
            raise IndexUnavailableError(f"listing collections at {self.location} failed ({error}).") from error
        infos = [
            CollectionInfo.from_metadata(c.name, c.metadata) for c in found
            if c.name.startswith(self.prefix + "-") and (c.metadata or {}).get("kind") == COLLECTION_PREFIX
        ]
        return sorted(infos, key=lambda i: (i.activated_at, i.name), reverse=True)

    def active(self) -> CollectionInfo | None:
        """The live collection: the newest complete one, or None."""
        return next((i for i in self.collections() if i.state == "complete"), None)

    def collection(self, name: str) -> Any:
        try:
            return self.client().get_collection(name, embedding_function=self.ef)
        except Exception as error:
            raise IndexUnavailableError(f"collection {name} cannot be opened ({error}).") from error

    def fetch_all(self, name: str) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """Every chunk of a collection (ids, passages, metadata), read in pages."""
        collection = self.collection(name)
        ids: list[str] = []
        documents: list[str] = []
        metadatas: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = collection.get(include=["documents", "metadatas"], limit=5000, offset=offset)
            ids.extend(page["ids"])
            documents.extend(d or "" for d in page["documents"] or [])
            metadatas.extend(dict(m or {}) for m in page["metadatas"] or [])
            if len(page["ids"]) < 5000:
                return ids, documents, metadatas
            offset += 5000

    def query(
        self, name: str, vector: Sequence[float], n: int, where: dict[str, Any] | None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine distance) of the n nearest chunks matching `where`."""
        collection = self.collection(name)
        try:
            result = collection.query(
                query_embeddings=[list(map(float, vector))], n_results=n, where=where, include=["distances"]
            )
        except Exception as error:
            raise IndexUnavailableError(f"querying {name} failed ({error}).") from error
        ids = result["ids"][0] if result["ids"] else []
        distances = result["distances"][0] if result.get("distances") else [0.0] * len(ids)
        return list(zip(ids, map(float, distances), strict=True))

    # -- writing --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def build_lock(self) -> Iterator[None]:
        """One builder per ASSISTANT_HOME (embedded Chroma is not process-safe for writers)."""
        home = Path(self.settings.home)
        home.mkdir(parents=True, exist_ok=True)
        handle = (home / "index-build.lock").open("a+")
        try:
            try:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except ImportError:  # pragma: no cover - non-POSIX platforms: no lock
                pass
            except OSError as error:
                raise BuildLockedError(f"Another index build is running (lock {home / 'index-build.lock'}).") from error
            yield
        finally:
            handle.close()

    def _embed(
        self, embedder: Embedder, chunks: Sequence[Chunk], progress: Progress | None, total: int, done: int
    ) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(chunks), self.embed_batch):
            batch = chunks[start:start + self.embed_batch]
            matrix = embedder.embed_documents([c.embed_text for c in batch])
            if matrix.shape != (len(batch), embedder.dimension):
                raise AssistantError(f"Embedder {embedder.name} returned shape {matrix.shape}.")
            vectors.extend(matrix.astype(float).tolist())
            if progress:
                progress(done + start + len(batch), total, "embedding")
        return vectors

    def _add(self, collection: Any, chunks: Sequence[Chunk], vectors: Sequence[list[float]]) -> None:
        for start in range(0, len(chunks), WRITE_BATCH):
            part = chunks[start:start + WRITE_BATCH]
            collection.upsert(
                ids=[c.id for c in part], embeddings=list(vectors[start:start + WRITE_BATCH]),
                documents=[c.text for c in part], metadatas=[dict(c.metadata) for c in part],
            )

    def _indexed_files(self, collection: Any) -> dict[str, dict[str, list[str]]]:
        """source file -> content hash -> chunk ids, read from the collection itself."""
        files: dict[str, dict[str, list[str]]] = {}
        offset = 0
        while True:
            page = collection.get(include=["metadatas"], limit=5000, offset=offset)
            for chunk_id, raw in zip(page["ids"], page["metadatas"] or [], strict=True):
                meta = raw or {}
                by_hash = files.setdefault(str(meta.get("source_file", "")), {})
                by_hash.setdefault(str(meta.get("content_hash", "")), []).append(chunk_id)
            if len(page["ids"]) < 5000:
                return files
            offset += 5000

    def build(
        self, chunks_by_file: Mapping[str, list[Chunk]], embedder: Embedder, *, rebuild: bool = False,
        progress: Progress | None = None,
    ) -> BuildReport:
        """Bring the index to exactly `chunks_by_file` (file name -> its chunks, all one content hash)."""
        started = time.perf_counter()
        state = "\n".join(f"{f}:{_file_hash(c)}" for f, c in sorted(chunks_by_file.items()))
        corpus_hash = hashlib.sha256(state.encode()).hexdigest()
        total_chunks = sum(len(c) for c in chunks_by_file.values())
        if embedder.name != self.embedder_name:
            raise AssistantError(f"Store opened for {self.embedder_name}, build called with {embedder.name}.")
        with self.build_lock():
            self.client(create=True)
            active = self.active()
            compatible = active is not None and (active.embedder, active.dimension, active.chunker) == (
                embedder.name, embedder.dimension, CHUNKER_VERSION
            )
            if rebuild or active is None or not compatible:
                embedded, removed = self._full_build(embedder, chunks_by_file, corpus_hash, progress)
                skipped, rebuilt = 0, True
                name = info.name if (info := self.active()) else ""
            else:
                assert active is not None
                embedded, skipped, removed = self._incremental(embedder, active, chunks_by_file, corpus_hash, progress)
                rebuilt, name = False, active.name
            live = self.active()
            if live is not None:
                self._write_state(live)
        return BuildReport(
            files=len(chunks_by_file), chunks=total_chunks, embedded=embedded, skipped=skipped,
            removed=removed, seconds=time.perf_counter() - started, collection=name, rebuilt=rebuilt,
        )

    def _full_build(
        self, embedder: Embedder, chunks_by_file: Mapping[str, list[Chunk]], corpus_hash: str, progress: Progress | None
    ) -> tuple[int, int]:
        """New collection, filled completely, then switched live in one metadata write."""
        old = self.collections()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
        info = CollectionInfo(
            name=f"{self.prefix}-{stamp}-{os.getpid()}", state="building", embedder=embedder.name,
            dimension=embedder.dimension, chunker=CHUNKER_VERSION, revision=1, activated_at="",
            corpus_hash=corpus_hash,
        )
        chunks = [c for _, file_chunks in sorted(chunks_by_file.items()) for c in file_chunks]
        collection = self.client().create_collection(
            info.name, embedding_function=self.ef, metadata=info.metadata(),
            configuration={"hnsw": {"space": "cosine", "ef_search": 100}},
        )
        try:
            vectors = self._embed(embedder, chunks, progress, len(chunks), 0)
            self._add(collection, chunks, vectors)
            if collection.count() != len(chunks):
                raise AssistantError(f"Expected {len(chunks)} chunks in {info.name}, found {collection.count()}.")
            live = CollectionInfo(**{**info.__dict__, "state": "complete", "activated_at": _now()})
            collection.modify(metadata=live.metadata())  # the switch-over: one metadata write
        except BaseException:
            with contextlib.suppress(Exception):
                self.client().delete_collection(info.name)
            raise
        removed = 0
        for stale in old:
            with contextlib.suppress(Exception):
                if stale.state == "complete":
                    removed += self.client().get_collection(stale.name, embedding_function=self.ef).count()
                self.client().delete_collection(stale.name)
        return len(chunks), removed

    def _incremental(
        self, embedder: Embedder, active: CollectionInfo, chunks_by_file: Mapping[str, list[Chunk]], corpus_hash: str,
        progress: Progress | None,
    ) -> tuple[int, int, int]:
        collection = self.collection(active.name)
        indexed = self._indexed_files(collection)
        changed: dict[str, list[Chunk]] = {}
        skipped = 0
        for file, chunks in chunks_by_file.items():
            wanted = _file_hash(chunks)
            have = indexed.get(file, {})
            if set(have) == {wanted} and sorted(have[wanted]) == sorted(c.id for c in chunks):
                skipped += len(chunks)
            else:
                changed[file] = chunks
        gone = [f for f in indexed if f not in chunks_by_file]
        to_embed = [c for _, chunks in sorted(changed.items()) for c in chunks]
        vectors = self._embed(embedder, to_embed, progress, len(to_embed), 0)  # may fail: nothing written yet
        if progress and not to_embed:
            progress(0, 0, "up to date")
        removed = 0
        position = 0
        for file, chunks in sorted(changed.items()):
            self._add(collection, chunks, vectors[position:position + len(chunks)])
            position += len(chunks)
            keep = {c.id for c in chunks}
            stale = [i for ids in indexed.get(file, {}).values() for i in ids if i not in keep]
            if stale:
                collection.delete(ids=stale)
                removed += len(stale)
        for file in gone:
            stale = [i for ids in indexed[file].values() for i in ids]
            collection.delete(ids=stale)
            removed += len(stale)
        if changed or gone or active.corpus_hash != corpus_hash:
            updated = CollectionInfo(**{**active.__dict__, "revision": active.revision + 1, "corpus_hash": corpus_hash})
            collection.modify(metadata=updated.metadata())
        self._drop_abandoned(keep=active.name)
        return len(to_embed), skipped, removed

    def _drop_abandoned(self, keep: str) -> None:
        """Remove collections left by failed builds (never the live one)."""
        for info in self.collections():
            if info.name != keep and info.state != "complete":
                with contextlib.suppress(Exception):
                    self.client().delete_collection(info.name)
