"""Finding municipalities, Kreise, outside places and metrics in a question, with their spans.

Users type "Muelheim", "hagen", "Hagens Glasfaserquote", "im Kreis Wesel" or "Gelsenkirchn", and
several towns are also ordinary words ("das Wetter", "zum Essen", "die Alpen", "sie kamen"). So
matching is token based and greedy (longest form first, so "Kreis Wesel" beats "Wesel" and
"Wetter (Ruhr)" beats "Wetter"), the ambiguous names need a capital letter and a supporting
context, and typo tolerance only applies to long tokens that are not common words. Metrics come
from `DigitalIndex.metric_forms` plus inflection and compound handling ("Glasfaserquoten",
"Mobilfunkausbau"); paraphrases go to `MetricSimilarity`, an embedding match over the indicator
descriptions that is only consulted when nothing matched lexically.

This module runs the steps in the order that makes them work together; the steps themselves are
in `assistant.understanding.place_finder` and `assistant.understanding.metric_finder`, tokens in
`assistant.understanding.entity_tokens`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from assistant.index.names import NameResolver
from assistant.index.registry import Registry
from assistant.understanding.entity_tokens import Token, tokenize
from assistant.understanding.metric_finder import MetricFinder, MetricMention
from assistant.understanding.place_finder import NearMiss, PlaceFinder, PlaceKind, PlaceMention
from assistant.understanding.places import DOMAIN_CUES
from assistant.understanding.project_names import ProjectMention, ProjectNames


@dataclass(frozen=True)
class Entities:
    """Everything found in one question, in text order, and which token each mention claimed."""

    text: str
    tokens: tuple[Token, ...]
    places: tuple[PlaceMention, ...]
    metrics: tuple[MetricMention, ...]
    near_misses: tuple[NearMiss, ...]
    owner: dict[int, str] = field(default_factory=dict)  # token index -> placeholder kind
    projects: tuple[ProjectMention, ...] = ()  # corpus projects named in the question

    def of_kind(self, kind: PlaceKind) -> list[PlaceMention]:
        """Mentions of one kind, first mention of each value only, in text order."""
        seen: set[str] = set()
        result = []
        for place in self.places:
            if place.kind == kind and place.value not in seen:
                seen.add(place.value)
                result.append(place)
        return result

    @property
    def municipalities(self) -> list[PlaceMention]:
        return self.of_kind("municipality")

    def blanked(self) -> str:
        """The text with every place span replaced by spaces (for language detection)."""
        chars = list(self.text)
        for place in self.places:
            chars[place.start : place.end] = " " * (place.end - place.start)
        return "".join(chars)


class EntityFinder:
    """Builds its lookup tables once; `find` is then a few dict lookups per token."""

    def __init__(
        self, registry: Registry, metric_forms: Mapping[str, str], resolver: NameResolver | None = None,
        projects: ProjectNames | None = None,
    ) -> None:
        self.registry = registry
        self.projects = projects
        self.resolver = resolver or NameResolver(registry)
        self.place_finder = PlaceFinder(registry, self.resolver)
        self.metric_finder = MetricFinder(metric_forms, {i.id: i.area for i in registry.indicators},
                                          {i.id: f"{i.description_de} {i.description_en}" for i in registry.indicators})
        #: Known words (fillers, indicator vocabulary): never read as a misspelt or unknown place.
        self.common = self.place_finder.common

    def find(self, text: str) -> Entities:
        """Project names first (so "Smart City Bochum" is the project, not the town), then exact
        places, metrics, the ambiguous town names (which need the metrics as context), typos of
        places and metrics, typos of long project names, and last the near misses nothing claimed."""
        tokens = tokenize(text)
        owner: dict[int, str] = {}
        projects = self.projects.exact(text, tokens, owner) if self.projects else []
        places, pending = self.place_finder.exact(tokens, owner)
        if self.projects:  # a misspelt name with an unknown word in it, before a metric claims its rest
            projects.extend(self.projects.fuzzy(tokens, owner, unknown_word=True))
        metrics = self.metric_finder.lexical(tokens, owner)
        cue = bool(metrics) or any(p.kind == "municipality" for p in places) or any(
            t.key in DOMAIN_CUES for t in tokens
        )
        places.extend(self.place_finder.ambiguous(tokens, pending, owner, cue))
        places.extend(self.place_finder.fuzzy(tokens, owner, bool(metrics)))
        metrics.extend(self.metric_finder.fuzzy(tokens, owner))
        metrics = self.metric_finder.refine(tokens, owner, metrics)
        if self.projects:
            projects.extend(self.projects.fuzzy(tokens, owner))
        near = self.place_finder.near_misses(tokens, owner)
        places = [replace(p, text=text[p.start : p.end]) for p in sorted(places, key=lambda p: p.start)]
        metrics = [replace(m, text=text[m.start : m.end]) for m in sorted(metrics, key=lambda m: m.start)]
        named = [replace(p, text=text[p.start : p.end]) for p in sorted(projects, key=lambda p: p.start)]
        return Entities(text, tokens, tuple(places), tuple(metrics), near, owner, tuple(named))

    def metric_suggestions(self, text: str, limit: int = 3) -> list[str]:
        """Closest metric ids by spelling, for 'unknown metric' answers when no embedder is available."""
        return self.metric_finder.suggestions(text, limit)
