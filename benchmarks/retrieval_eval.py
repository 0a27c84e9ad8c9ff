"""Retrieval quality on the real corpus: hit@1, hit@3 and MRR for dense only, BM25 only and hybrid.

    .venv/bin/python benchmarks/retrieval_eval.py [--queries benchmarks/eval_queries.yaml] [--misses]

Uses the configured index (ASSISTANT_HOME, ASSISTANT_EMBEDDER, CHROMA_HOST); builds or updates it
first (incremental: nothing is embedded when the corpus is unchanged). A query is a hit at k when
any of its expected project ids is among the first k projects; MRR uses the first expected id in
the top 10 (0 when none). Goal (issue 3): hybrid hit@3 >= 0.9 and not below either channel.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.core.settings import Settings
from assistant.projects.retrieval import ProjectSearch

HERE = Path(__file__).resolve().parent
MODES: dict[str, tuple[str, ...]] = {"dense": ("dense",), "bm25": ("bm25",), "hybrid": ("dense", "bm25")}
DEPTH = 10


@dataclass(frozen=True)
class EvalQuery:
    query: str
    expected: tuple[str, ...]
    category: str
    filters: dict[str, str]


def load_queries(path: Path) -> list[EvalQuery]:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        EvalQuery(str(q["query"]), tuple(q["expected"]), str(q.get("category", "other")), dict(q.get("filters") or {}))
        for q in raw["queries"]
    ]


def first_rank(found: list[str], expected: tuple[str, ...]) -> int | None:
    for rank, project in enumerate(found, start=1):
        if project in expected:
            return rank
    return None


def metrics(ranks: list[int | None]) -> tuple[float, float, float]:
    n = len(ranks) or 1
    hit1 = sum(r == 1 for r in ranks) / n
    hit3 = sum(r is not None and r <= 3 for r in ranks) / n
    mrr = sum(1 / r for r in ranks if r is not None) / n
    return hit1, hit3, mrr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--queries", type=Path, default=HERE / "eval_queries.yaml")
    parser.add_argument("--misses", action="store_true", help="list queries the hybrid search misses at 3")
    args = parser.parse_args(argv)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

    queries = load_queries(args.queries)
    settings = Settings.from_env()
    with ProjectSearch(settings) as search:
        report = search.build()
        print(f"index: {search.store.location} ({report.chunks} chunks from {report.files} files, "
              f"embedder {search.embedder.name}; this run embedded {report.embedded})")
        ranks: dict[str, list[int | None]] = {mode: [] for mode in MODES}
        hybrid_found: list[list[str]] = []
        started = time.perf_counter()
        for q in queries:
            for mode, channels in MODES.items():
                hits = search.search(q.query, k=DEPTH, channels=channels, **q.filters)
                found = [h.id for h in hits]
                ranks[mode].append(first_rank(found, q.expected))
                if mode == "hybrid":
                    hybrid_found.append(found)
        seconds = time.perf_counter() - started

    categories = sorted({q.category for q in queries})
    counts = ", ".join(f"{c}: {sum(q.category == c for q in queries)}" for c in categories)
    print(f"\n{len(queries)} queries ({counts}), {seconds:.1f} s for {len(queries) * len(MODES)} searches\n")
    print(f"{'':<20}" + "".join(f"{mode:>24}" for mode in MODES))
    print(f"{'':<20}" + "".join(f"{'hit@1  hit@3    MRR':>24}" for _ in MODES))
    for label, subset in [("all", list(range(len(queries))))] + [
        (c, [i for i, q in enumerate(queries) if q.category == c]) for c in categories
    ]:
        cells = []
        for mode in MODES:
            hit1, hit3, mrr = metrics([ranks[mode][i] for i in subset])
            cells.append(f"{hit1:6.2f} {hit3:6.2f} {mrr:6.3f}")
        print(f"{label + f' ({len(subset)})':<20}" + "".join(f"{c:>24}" for c in cells))

    hybrid = metrics(ranks["hybrid"])
    best_single = max(metrics(ranks["dense"])[1], metrics(ranks["bm25"])[1])
    verdict = "met" if hybrid[1] >= 0.9 and hybrid[1] >= best_single else "NOT met"
    print(f"\ngoal hybrid hit@3 >= 0.90 and >= each channel ({best_single:.2f}): {verdict}")
    if args.misses:
        print("\nhybrid misses at 3 (rank of first expected id in top 10, '-' = not found):")
        for i, q in enumerate(queries):
            rank = ranks["hybrid"][i]
            if rank is None or rank > 3:
                dense, bm25 = ranks["dense"][i], ranks["bm25"][i]
                print(f"  [{q.category}] {q.query!r} -> expected {list(q.expected)}, hybrid {rank or '-'}, "
                      f"dense {dense or '-'}, bm25 {bm25 or '-'}; got {hybrid_found[i][:3]}")
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    raise SystemExit(main())
