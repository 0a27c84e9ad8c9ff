"""Writing the project index: corpus -> chunks -> embeddings -> a Chroma collection.

Split from the reading side (assistant.projects.vector_store, assistant.projects.retrieval) because the two have
different failure rules. Readers must never write; the one writer must never leave a half index:

- A full rebuild fills a new collection ``<prefix>-<timestamp>-<pid>`` in state "building" and
  flips it to "complete" in one metadata write only after every chunk is in, then drops the old
  ones. A crashed, killed or failed build leaves a "building" collection that nobody reads and
  the next build removes.
- Incremental builds embed everything that changed *before* writing anything (an embedder
  failure leaves the live index untouched), then per file add the new chunks before deleting the
  old ones (chunk ids contain the content hash, so they never collide). Each chunk stores its
  file's content hash, so the next build derives what is indexed from the collection itself and
  repairs any half-applied file.
- One builder per ASSISTANT_HOME (`build_lock`): Chroma's embedded mode is not process-safe for
  writers, and a second writer is the most common cause of damaged Chroma directories.

`index_diff` compares a corpus with a collection; the incremental build and `assistant doctor`
share it, so "consistent with the corpus" means the same thing in both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.errors import AssistantError
from assistant.core.settings import Settings
from assistant.index.registry import Registry
from assistant.projects.chunking import CHUNKER_VERSION, Chunk
from assistant.projects.embeddings import Embedder
from assistant.projects.vector_store import (
    SQLITE_FILE,
    STATE_FILE,
    CollectionInfo,
    IndexUnavailableError,
    Progress,
    VectorStore,
    integrity_problem,
    now_stamp,
)

log = logging.getLogger(__name__)

EMBED_BATCH = 32
WRITE_BATCH = 1000
PAGE = 5000
LOCK_FILE = "index-build.lock"
ChunksByFile = Mapping[str, list[Chunk]]


class BuildLockedError(AssistantError):
    """Another build holds the lock; Chroma's embedded mode tolerates one writer only."""


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
    quarantined: str | None = None  # where a damaged store was moved before rebuilding (operators only)

    def summary(self) -> dict[str, int | float]:
        """Exactly the keys of the CLI's --json line."""
        return {
            "files": self.files, "chunks": self.chunks, "embedded": self.embedded,
            "skipped": self.skipped, "removed": self.removed, "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class IndexDiff:
    """How a collection differs from the corpus, per source file (see `index_diff`)."""

    unchanged: dict[str, list[Chunk]] = field(default_factory=dict)
    changed: dict[str, list[Chunk]] = field(default_factory=dict)  # new or edited files
    gone: dict[str, list[str]] = field(default_factory=dict)  # indexed files no longer in the corpus: chunk ids

    @property
    def consistent(self) -> bool:
        return not self.changed and not self.gone


def file_hash(chunks: Sequence[Chunk]) -> str:
    """The content hash every chunk of one file carries (file bytes + embedder + chunker version)."""
    return str(chunks[0].metadata["content_hash"]) if chunks else ""


def corpus_hash(chunks_by_file: ChunksByFile) -> str:
    """One hash over every file name and content hash: changes whenever anything would be re-indexed."""
    state = "\n".join(f"{f}:{file_hash(c)}" for f, c in sorted(chunks_by_file.items()))
    return hashlib.sha256(state.encode()).hexdigest()


def chunk_corpus(settings: Settings, registry: Registry, embedder_name: str) -> dict[str, list[Chunk]]:
    """Validate the corpus (DataValidationError lists every problem) and chunk every project file."""
    from assistant.projects.chunking import chunk_project
    from assistant.projects.corpus import load_corpus

    corpus = load_corpus(settings.corpus_dir, registry)
    kreis_of = {m.name: m.kreis for m in registry.municipalities}
    return {doc.file: chunk_project(doc, kreis_of, embedder_name) for doc in corpus.projects}


def indexed_files(collection: Any) -> dict[str, dict[str, list[str]]]:
    """source file -> content hash -> chunk ids, read from the collection itself (paged)."""
    files: dict[str, dict[str, list[str]]] = {}
    offset = 0
    while True:
        page = collection.get(include=["metadatas"], limit=PAGE, offset=offset)
        for chunk_id, raw in zip(page["ids"], page["metadatas"] or [], strict=True):
            meta = raw or {}
            by_hash = files.setdefault(str(meta.get("source_file", "")), {})
            by_hash.setdefault(str(meta.get("content_hash", "")), []).append(chunk_id)
        if len(page["ids"]) < PAGE:
            return files
        offset += PAGE


def index_diff(indexed: Mapping[str, Mapping[str, list[str]]], chunks_by_file: ChunksByFile) -> IndexDiff:
    """A file is unchanged when exactly its current chunk ids (which contain its hash) are indexed."""
    diff = IndexDiff()
    for file, chunks in chunks_by_file.items():
        have = indexed.get(file, {})
        wanted = file_hash(chunks)
        if set(have) == {wanted} and sorted(have[wanted]) == sorted(c.id for c in chunks):
            diff.unchanged[file] = chunks
        else:
            diff.changed[file] = chunks
    for file, by_hash in indexed.items():
        if file not in chunks_by_file:
            diff.gone[file] = [i for ids in by_hash.values() for i in ids]
    return diff


@contextlib.contextmanager
def build_lock(home: Path) -> Iterator[None]:
    """Exclusive, non-blocking flock on ASSISTANT_HOME/index-build.lock for the whole build.

    The OS releases it when the process ends (also on SIGKILL), so a stale lock file is harmless.
    """
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    handle = (home / LOCK_FILE).open("a+")
    try:
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - non-POSIX platforms: no lock
            pass
        except OSError as error:
            log.info("index build refused, lock held: %s", home / LOCK_FILE)
            raise BuildLockedError("Another index build is running; wait for it to finish.") from error
        yield
    finally:
        handle.close()


def remove_stale_temp_files(home: Path) -> list[Path]:
    """Delete temp files a killed build left next to the state file (called under the build lock)."""
    stale = sorted(Path(home).glob(f".{STATE_FILE}.*.tmp"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def quarantine(store: VectorStore) -> Path:
    """Move a damaged embedded store aside (never delete it: it may help a diagnosis) and return where.

    Only `index build --rebuild` does this, under the build lock; readers that still hold the old
    files keep them until they notice the new state file and reopen.
    """
    store.close()
    target = store.path.with_name(f"{store.path.name}.damaged-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}")
    store.path.rename(target)
    log.warning("moved the damaged project index from %s to %s", store.path, target)
    return target


class IndexWriter:
    """Brings one VectorStore's project collection to exactly a given set of chunks."""

    embed_batch = EMBED_BATCH  # passages per embedder call (progress granularity)

    def __init__(self, store: VectorStore) -> None:
        self.store = store

    def build(
        self, chunks_by_file: ChunksByFile, embedder: Embedder, *, rebuild: bool = False,
        progress: Progress | None = None,
    ) -> BuildReport:
        """Bring the index to exactly `chunks_by_file` (file name -> its chunks, all one content hash)."""
        started = time.perf_counter()
        digest = corpus_hash(chunks_by_file)
        total_chunks = sum(len(c) for c in chunks_by_file.values())
        store = self.store
        if embedder.name != store.embedder_name:
            raise AssistantError(f"Store opened for {store.embedder_name}, build called with {embedder.name}.")
        quarantined: str | None = None
        with build_lock(Path(store.settings.home)):
            remove_stale_temp_files(Path(store.settings.home))
            if rebuild and store.mode == "embedded" and integrity_problem(store.path / SQLITE_FILE):
                quarantined = str(quarantine(store))
            try:
                store.client(create=True)
                active = store.active()
            except IndexUnavailableError as error:
                if not (rebuild and error.kind == "damaged" and store.mode == "embedded" and not quarantined):
                    raise
                quarantined = str(quarantine(store))
                store.client(create=True)
                active = None
            compatible = active is not None and (active.embedder, active.dimension, active.chunker) == (
                embedder.name, embedder.dimension, CHUNKER_VERSION
            )
            if rebuild or active is None or not compatible:
                embedded, removed = self._full_build(embedder, chunks_by_file, digest, progress)
                skipped, rebuilt = 0, True
                name = info.name if (info := store.active()) else ""
            else:
                assert active is not None
                embedded, skipped, removed = self._incremental(embedder, active, chunks_by_file, digest, progress)
                rebuilt, name = False, active.name
            live = store.active()
            if live is not None:
                store.write_state(live)
        return BuildReport(
            files=len(chunks_by_file), chunks=total_chunks, embedded=embedded, skipped=skipped,
            removed=removed, seconds=time.perf_counter() - started, collection=name, rebuilt=rebuilt,
            quarantined=quarantined,
        )

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

    def _full_build(
        self, embedder: Embedder, chunks_by_file: ChunksByFile, digest: str, progress: Progress | None
    ) -> tuple[int, int]:
        """New collection, filled completely, then switched live in one metadata write."""
        store = self.store
        old = store.collections()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
        info = CollectionInfo(
            name=f"{store.prefix}-{stamp}-{os.getpid()}", state="building", embedder=embedder.name,
            dimension=embedder.dimension, chunker=CHUNKER_VERSION, revision=1, activated_at="",
            corpus_hash=digest,
        )
        chunks = [c for _, file_chunks in sorted(chunks_by_file.items()) for c in file_chunks]
        collection = store.client().create_collection(
            info.name, embedding_function=store.ef, metadata=info.metadata(),
            configuration={"hnsw": {"space": "cosine", "ef_search": 100}},
        )
        try:
            vectors = self._embed(embedder, chunks, progress, len(chunks), 0)
            self._add(collection, chunks, vectors)
            if collection.count() != len(chunks):
                raise AssistantError(f"Expected {len(chunks)} chunks in {info.name}, found {collection.count()}.")
            live = CollectionInfo(**{**info.__dict__, "state": "complete", "activated_at": now_stamp()})
            collection.modify(metadata=live.metadata())  # the switch-over: one metadata write
            store.write_state(live)  # readers in other processes reopen *before* the old one is dropped
        except BaseException:
            with contextlib.suppress(Exception):
                store.client().delete_collection(info.name)
            raise
        removed = 0
        for stale in old:
            with contextlib.suppress(Exception):
                if stale.state == "complete":
                    removed += store.client().get_collection(stale.name, embedding_function=store.ef).count()
                store.client().delete_collection(stale.name)
        return len(chunks), removed

    def _incremental(
        self, embedder: Embedder, active: CollectionInfo, chunks_by_file: ChunksByFile, digest: str,
        progress: Progress | None,
    ) -> tuple[int, int, int]:
        collection = self.store.collection(active.name)
        indexed = indexed_files(collection)
        diff = index_diff(indexed, chunks_by_file)
        skipped = sum(len(c) for c in diff.unchanged.values())
        to_embed = [c for _, chunks in sorted(diff.changed.items()) for c in chunks]
        vectors = self._embed(embedder, to_embed, progress, len(to_embed), 0)  # may fail: nothing written yet
        if progress and not to_embed:
            progress(0, 0, "up to date")
        removed = 0
        position = 0
        for file, chunks in sorted(diff.changed.items()):
            self._add(collection, chunks, vectors[position:position + len(chunks)])
            position += len(chunks)
            keep = {c.id for c in chunks}
            stale = [i for ids in indexed.get(file, {}).values() for i in ids if i not in keep]
            if stale:
                collection.delete(ids=stale)
                removed += len(stale)
        for stale in diff.gone.values():
            collection.delete(ids=stale)
            removed += len(stale)
        if diff.changed or diff.gone or active.corpus_hash != digest:
            updated = CollectionInfo(**{**active.__dict__, "revision": active.revision + 1, "corpus_hash": digest})
            collection.modify(metadata=updated.metadata())
        self._drop_abandoned(keep=active.name)
        return len(to_embed), skipped, removed

    def _drop_abandoned(self, keep: str) -> None:
        """Remove collections left by failed or killed builds: half-filled ones, and an older complete
        one that a rebuild killed between its switch-over and its clean-up left behind (never `keep`)."""
        for info in self.store.collections():
            if info.name != keep:
                with contextlib.suppress(Exception):
                    self.store.client().delete_collection(info.name)
