"""What a project search returns: hits (the DESIGN 3.4 "projects" entries) and the index status.

Plain data classes without behaviour, kept apart from assistant.projects.retrieval so that the app and the
tools can name them without importing the search machinery (Chroma, the embedder).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from assistant.projects.store_health import REPAIR_COMMAND


@dataclass(frozen=True)
class ProjectHit:
    """One project found by search; every text field is inert plain text.

    `score` is the fused RRF score normalised to 0..1 (1.0 = first in every channel used);
    it orders results, it is not a probability. `channels` lists "dense" and/or "bm25" for
    search hits and "topics" for suggestions; `why` explains ranks and matched words.
    """

    id: str
    title: str
    municipalities: list[str]
    kreis: list[str]
    topics: list[str]
    status: str
    scope: str
    lead: str | None
    partners: list[str]
    funding: str | None
    budget_eur: float | None
    reusable: str | None
    sources: list[str]
    verified: bool
    score: float
    best_passage: str
    why: str
    channels: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON answer contract (DESIGN 3.4 "projects"): id, title, municipalities, score, and more."""
        data = asdict(self)
        data["score"] = round(self.score, 4)
        return data


@dataclass(frozen=True)
class IndexStatus:
    """What `ProjectSearch.status()` reports; the app's sidebar and `assistant doctor` read it."""

    available: bool
    mode: str
    location: str
    collection: str | None = None
    chunks: int = 0
    projects: int = 0
    embedder: str | None = None
    built_at: str | None = None
    revision: int = 0
    problem: str | None = None  # user-facing: never a path
    repair: str = REPAIR_COMMAND
    kind: str | None = None  # IndexUnavailableError.kind
    detail: str | None = None  # for operators: may name paths and library errors

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
