"""Reciprocal-rank fusion, the one way this package merges rankings: the dense and keyword channels of
the project search (`assistant.projects.retrieval`) and the several searches of one tool
(`assistant.tools.project_tools.learn_from`). Kept apart from retrieval so that a tool can fuse
rankings without importing the vector store at start-up.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)
RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[T]], k: int = RRF_K, weights: Mapping[str, float] | None = None
) -> dict[T, float]:
    """score(item) = sum over rankings of weight / (k + rank), rank 1 = best (Cormack et al. 2009).

    Ranks only, no raw scores: cosine distances and BM25 scores live on unrelated scales, and
    k=60 keeps one ranking's first place from outweighing agreement between several.
    """
    scores: dict[T, float] = {}
    for channel, items in rankings.items():
        weight = (weights or {}).get(channel, 1.0)
        for rank, item in enumerate(items, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores
