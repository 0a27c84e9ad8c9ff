"""Reusable projects for a municipality's weakest indicators (`ProjectSearch.suggest_reusable`).

Why a ranking of its own and not just a search: a council asking "what could we take over?" wants
projects of *other* municipalities that address *its* weak spots and that someone has actually
described as transferable. So the rank mixes topic fit (the documented indicator -> topic map
below, weakest indicator counting most), text relevance (a hybrid search with German search words
for the indicators) and evidence (a `reusable` field, `verified`), and every suggestion says why.
The mapping is documented in docs/operations.md ("Suggestions for a municipality's weak indicators").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

from assistant.core.errors import UnknownNameError
from assistant.index.registry import INDICATOR_IDS, Municipality, Registry
from assistant.projects.chunking import inert_text
from assistant.projects.keyword_index import ChunkTable
from assistant.projects.search_results import ProjectHit
from assistant.projects.topics import topic_label


class ProjectSearchLike(Protocol):
    """What the ranking needs from the retrieval facade (assistant.projects.retrieval.ProjectSearch has it).

    A protocol, not an import: retrieval calls this module, so this module must not import retrieval.
    """

    @property
    def registry(self) -> Registry: ...

    def resolve_municipality(self, text: str) -> Municipality: ...

    def chunk_table(self) -> tuple[Any, ChunkTable]: ...

    def search(self, query: str, *, k: int = 5) -> Sequence[ProjectHit]: ...

    def project_hit(
        self, table: ChunkTable, project: str, chunk: int, score: float, why: str, channels: list[str]
    ) -> ProjectHit: ...

#: Which project topics address a weak indicator. Documented in docs/operations.md.
INDICATOR_TOPICS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "research_institutes": ("research", "cooperation"),
        "research_projects": ("research", "cooperation"),
        "digital_patents": ("research", "economy"),
        "it_employees": ("education", "economy"),
        "it_graduates": ("education", "economy"),
        "ai_job_ads": ("economy", "education"),
        "digital_companies": ("economy", "data_platform"),
        "ai_companies": ("economy", "data_platform"),
        "digital_startups": ("startups",),
        "fibre_households": ("broadband",),
        "gigabit_business": ("broadband", "economy"),
        "mobile_5g": ("mobile",),
    }
)
#: German search words per indicator: the text channel of the ranking.
INDICATOR_QUERY: MappingProxyType[str, str] = MappingProxyType(
    {
        "research_institutes": "Forschungseinrichtungen Hochschulen Kooperation",
        "research_projects": "Forschungsprojekte Hochschulen Transfer",
        "digital_patents": "Patente Innovation Forschung",
        "it_employees": "IT-Fachkräfte Qualifizierung Weiterbildung",
        "it_graduates": "Informatik Studium Ausbildung",
        "ai_job_ads": "Künstliche Intelligenz Fachkräfte Unternehmen",
        "digital_companies": "Digitalwirtschaft Unternehmen Daten",
        "ai_companies": "KI-Unternehmen Daten Plattform",
        "digital_startups": "Startups Gründung Gründerzentrum",
        "fibre_households": "Glasfaserausbau Haushalte Breitband",
        "gigabit_business": "Gigabit Gewerbegebiete Glasfaser",
        "mobile_5g": "5G Mobilfunk Ausbau",
    }
)
TOPIC_WEIGHT = 0.6
TEXT_WEIGHT = 0.2
REUSABLE_BONUS = 0.15
VERIFIED_BONUS = 0.05


@dataclass(frozen=True)
class Suggestion:
    """A project another municipality could take over, and why it was suggested."""

    hit: ProjectHit
    reason: str
    indicators: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {**self.hit.to_dict(), "reason": self.reason, "indicators": list(self.indicators)}


def suggest_reusable(
    search: ProjectSearchLike, municipality_name: str, weak_indicators: Sequence[str], k: int = 5, *, lang: str = "de"
) -> list[Suggestion]:
    """Projects from other municipalities (or region-wide) that address the weakest indicators.

    `weak_indicators` comes from the scoring module, weakest first; earlier ones weigh more.
    Rank = 0.6 topic relevance (INDICATOR_TOPICS) + 0.2 text relevance (hybrid search with the
    indicators' search words) + evidence (0.15 if `reusable` says what can be taken over,
    0.05 if verified). The municipality's own projects are never suggested.
    """
    municipality = search.resolve_municipality(municipality_name)
    unknown = [i for i in weak_indicators if i not in INDICATOR_TOPICS]
    if unknown:
        raise UnknownNameError("indicator", unknown[0], [], "Valid: " + ", ".join(INDICATOR_IDS) + ".")
    weights = {ind: 1.0 / (1 + n) for n, ind in enumerate(dict.fromkeys(weak_indicators))}
    if not weights:
        return []
    _, table = search.chunk_table()
    query = " ".join(INDICATOR_QUERY[i] for i in weights)
    text_score = {h.id: h.score for h in search.search(query, k=len(table.cards))}
    scored: list[tuple[float, str, list[str]]] = []
    for project, card in table.cards.items():
        if municipality.name in card.get("municipalities", []):
            continue
        topics = set(card.get("topics", []))
        addressed = [i for i in weights if topics & set(INDICATOR_TOPICS[i])]
        if not addressed:
            continue
        relevance = sum(
            weights[i] * len(topics & set(INDICATOR_TOPICS[i])) / len(INDICATOR_TOPICS[i]) for i in addressed
        ) / sum(weights.values())
        evidence = (REUSABLE_BONUS if card.get("reusable") else 0.0) + (VERIFIED_BONUS if card.get("verified") else 0.0)
        scored.append((TOPIC_WEIGHT * relevance + TEXT_WEIGHT * text_score.get(project, 0.0) + evidence,
                       project, addressed))
    scored.sort(key=lambda s: (-s[0], s[1]))
    suggestions = []
    for score, project, addressed in scored[:k]:
        card = table.cards[project]
        chunk = next(i for i, m in enumerate(table.metadatas) if m.get("project_id") == project)
        reason = _reason(search, card, addressed, municipality, lang)
        hit = search.project_hit(table, project, chunk, score, reason, ["topics"])
        suggestions.append(Suggestion(hit, reason, addressed))
    return suggestions


def _reason(
    search: ProjectSearchLike, card: dict[str, Any], addressed: list[str], municipality: Municipality, lang: str
) -> str:
    de = lang == "de"
    known = {i.id for i in search.registry.indicators}
    names = [search.registry.indicator(i).name("de" if de else "en") if i in known else i for i in addressed]
    wanted = {t for i in addressed for t in INDICATOR_TOPICS[i]}
    topics = "; ".join(topic_label(t, lang) for t in card.get("topics", []) if t in wanted)
    where = ", ".join(card.get("municipalities") or []) or ("regionweit" if de else "region-wide")
    reusable = card.get("reusable")
    parts = [
        f"Adressiert die schwachen Indikatoren {', '.join(names)} von {municipality.name} (Themen: {topics}); "
        f"Projekt aus {where}." if de else
        f"Addresses {municipality.name}'s weak indicators {', '.join(names)} (topics: {topics}); "
        f"project from {where}.",
        (f"Übertragbar: {reusable}" if de else f"Reusable (German source text): {reusable}") if reusable else
        ("Was übertragbar ist, ist nicht beschrieben." if de else "What can be reused is not described."),
    ]
    if not card.get("verified"):
        parts.append("Hinweis: nur vage belegt (nicht verifiziert)." if de
                     else "Note: only vaguely sourced (not verified).")
    return inert_text(" ".join(parts))
