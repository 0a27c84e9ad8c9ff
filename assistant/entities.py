"""Finding municipalities, Kreise, outside places and metrics in a question, with their spans.

Users type "Muelheim", "hagen", "Hagens Glasfaserquote", "im Kreis Wesel" or "Gelsenkirchn", and
several towns are also ordinary words ("das Wetter", "zum Essen", "die Alpen", "sie kamen"). So
matching is token based and greedy (longest form first, so "Kreis Wesel" beats "Wesel" and
"Wetter (Ruhr)" beats "Wetter"), the ambiguous names need a capital letter and a supporting
context, and typo tolerance only applies to long tokens that are not common words. Metrics come
from `DigitalIndex.metric_forms` plus inflection and compound handling ("Glasfaserquoten",
"Mobilfunkausbau"); paraphrases go to `MetricSimilarity`, an embedding match over the indicator
descriptions that is only consulted when nothing matched lexically.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from rapidfuzz import fuzz

from assistant.intents import FILLER, FOLLOWUP_FILLER, QUERY_FILLER
from assistant.names import NameResolver, fold_loose
from assistant.places import (
    ADJECTIVE_FORMS,
    AMBIGUOUS_STRONG,
    AMBIGUOUS_WEAK,
    COMMON_WORDS,
    DOMAIN_CUES,
    EXTRA_METRIC_FORMS,
    GROUP_FORMS,
    NEGATIVE_AFTER,
    NEGATIVE_BEFORE,
    OUTSIDE_PLACES,
    POSITIVE_BEFORE,
    kreis_forms,
)
from assistant.registry import Registry

PlaceKind = Literal["municipality", "kreis", "outside", "group"]
FUZZY_PLACE = 85.0
NEAR_MISS = 75.0
FUZZY_METRIC = 88.0
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_SUFFIXES = ("n", "en", "e", "s", "es", "er", "ern", "ns")
_ADDED = ("n", "en", "e", "s")  # "Startup" -> "Startups"; never "Informatik" -> "Informatiker"


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    key: str  # fold_loose(text): case, umlaut and "ue"/"u" insensitive

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def tokenize(text: str) -> tuple[Token, ...]:
    """Word tokens with spans; hyphens, brackets and apostrophes separate tokens."""
    tokens = []
    for match in _TOKEN.finditer(text):
        key = fold_loose(match.group()).replace(" ", "")
        if key:
            tokens.append(Token(match.group(), match.start(), match.end(), key))
    return tuple(tokens)


@dataclass(frozen=True)
class PlaceMention:
    """A municipality (value = AGS), a Kreis (value = its name), an outside place or a group filter."""

    kind: PlaceKind
    value: str
    name: str
    text: str
    start: int
    end: int
    fuzzy: bool = False


@dataclass(frozen=True)
class MetricMention:
    metric: str
    text: str
    start: int
    end: int
    via: Literal["lexical", "inflection", "fuzzy", "similarity"] = "lexical"


@dataclass(frozen=True)
class NearMiss:
    """A token that looks like a place name but matches none closely enough."""

    text: str
    start: int
    end: int
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class Entities:
    text: str
    tokens: tuple[Token, ...]
    places: tuple[PlaceMention, ...]
    metrics: tuple[MetricMention, ...]
    near_misses: tuple[NearMiss, ...]
    owner: dict[int, str] = field(default_factory=dict)  # token index -> placeholder kind

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


@dataclass(frozen=True)
class _Target:
    kind: PlaceKind
    value: str
    name: str


def _key(form: str) -> str:
    return " ".join(t.key for t in tokenize(form))


def _stem(word: str) -> str:
    """A light German stem for multiword metric names: "affiner" -> "affin", "Beschäftigten" -> "beschaftigt"."""
    for suffix in ("ern", "en", "er", "es", "em", "e", "n", "s"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class EntityFinder:
    """Builds its lookup tables once; `find` is then a few dict lookups per token."""

    def __init__(
        self, registry: Registry, metric_forms: Mapping[str, str], resolver: NameResolver | None = None
    ) -> None:
        self.registry = registry
        self.resolver = resolver or NameResolver(registry)
        self._places: dict[str, _Target] = {}
        for place, kind in ((name, "outside") for name in OUTSIDE_PLACES):
            for form in OUTSIDE_PLACES[place]:
                self._places.setdefault(_key(form), _Target(kind, place, place))  # type: ignore[arg-type]
        for kreis in registry.kreise:
            for form in kreis_forms(kreis):
                self._places[_key(form)] = _Target("kreis", kreis, kreis)
        for form, value in GROUP_FORMS.items():
            self._places[_key(form)] = _Target("group", value, value)
        self._single: dict[str, _Target] = {}  # one-token municipality keys, for genitive and typos
        for municipality in registry.municipalities:
            target = _Target("municipality", municipality.ags, municipality.name)
            for form in (municipality.name, municipality.ags, *municipality.aliases):
                key = _key(form)
                self._places[key] = target
                if " " not in key:
                    self._single[key] = target
        self._adjectives = {
            _key(form): self._single[_key(name)] for form, name in ADJECTIVE_FORMS.items() if _key(name) in self._single
        }
        self._outside_single = {k: t for k, t in self._places.items() if t.kind == "outside" and " " not in k}
        self._max_place = max(len(k.split()) for k in self._places)
        self._metrics: dict[str, str] = {}
        for form, metric in (*metric_forms.items(), *EXTRA_METRIC_FORMS.items()):
            self._metrics.setdefault(_key(form), metric)
        self._metric_single = {k: m for k, m in self._metrics.items() if " " not in k}
        self._metric_stems: dict[str, str] = {}
        for key, metric in self._metrics.items():
            if " " in key:
                self._metric_stems.setdefault(" ".join(_stem(word) for word in key.split()), metric)
        self._max_metric = max(len(k.split()) for k in self._metrics)
        self.common = frozenset(COMMON_WORDS | FILLER | QUERY_FILLER | FOLLOWUP_FILLER | self._vocabulary(registry))

    @staticmethod
    def _vocabulary(registry: Registry) -> set[str]:
        """Words of the indicator texts: known words, so never read as a misspelt town."""
        words: set[str] = set()
        for indicator in registry.indicators:
            for text in (indicator.name_de, indicator.name_en, indicator.description_de, indicator.description_en,
                         *indicator.synonyms):
                words.update(t.key for t in tokenize(text))
        return words

    # --- public ---------------------------------------------------------------------------------
    def find(self, text: str) -> Entities:
        tokens = tokenize(text)
        owner: dict[int, str] = {}
        places, pending = self._exact_places(tokens, owner)
        metrics = self._metrics_in(tokens, owner)
        cue = bool(metrics) or any(p.kind == "municipality" for p in places) or any(
            t.key in DOMAIN_CUES for t in tokens
        )
        for index, target in pending:
            if self._ambiguous_ok(tokens, index, target, cue):
                places.append(self._mention(tokens, index, 1, target))
                owner[index] = target.kind
        places.extend(self._fuzzy_places(tokens, owner))
        metrics.extend(self._fuzzy_metrics(tokens, owner))
        near = self._near_misses(tokens, owner)
        places = [replace(p, text=text[p.start : p.end]) for p in sorted(places, key=lambda p: p.start)]
        metrics = [replace(m, text=text[m.start : m.end]) for m in sorted(metrics, key=lambda m: m.start)]
        return Entities(text, tokens, tuple(places), tuple(metrics), near, owner)

    # --- places ----------------------------------------------------------------------------------
    @staticmethod
    def _mention(tokens: tuple[Token, ...], i: int, n: int, target: _Target, fuzzy: bool = False) -> PlaceMention:
        """Surface text is filled in by `find` from the original string (keeps hyphens and brackets)."""
        return PlaceMention(target.kind, target.value, target.name, "", tokens[i].start, tokens[i + n - 1].end, fuzzy)

    def _exact_places(
        self, tokens: tuple[Token, ...], owner: dict[int, str]
    ) -> tuple[list[PlaceMention], list[tuple[int, _Target]]]:
        places: list[PlaceMention] = []
        pending: list[tuple[int, _Target]] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self._max_place, len(tokens) - i), 0, -1):
                key = " ".join(t.key for t in tokens[i : i + n])
                target = self._places.get(key)
                if target is None and n == 1:
                    target = self._inflected(tokens[i].key)
                if target is None:
                    continue
                base = key.split()[0]
                if n == 1 and (base in AMBIGUOUS_STRONG or base in AMBIGUOUS_WEAK or key[:-1] in AMBIGUOUS_STRONG):
                    pending.append((i, target))  # decided once metrics and other places are known
                elif n > 1 and base in AMBIGUOUS_STRONG | AMBIGUOUS_WEAK and self._negative(tokens, i, i + n):
                    break  # "das Wetter an der Ruhr" is the weather
                else:
                    places.append(self._mention(tokens, i, n, target))
                    for j in range(i, i + n):
                        owner[j] = target.kind
                i += n - 1
                break
            i += 1
        return places, pending

    def _inflected(self, key: str) -> _Target | None:
        """Genitive ("Hagens", "Bochums") and safe adjective forms ("Essener", "Dortmunder")."""
        if key in self._adjectives:
            return self._adjectives[key]
        if len(key) > 4 and key.endswith("s"):
            target = self._single.get(key[:-1])
            if target and not key[:-1].endswith(("s", "x", "z")):
                return target
        return None

    @staticmethod
    def _negative(tokens: tuple[Token, ...], start: int, end: int) -> bool:
        before = tokens[start - 1].key if start > 0 else ""
        after = tokens[end].key if end < len(tokens) else ""
        return before in NEGATIVE_BEFORE or after in NEGATIVE_AFTER

    def _ambiguous_ok(self, tokens: tuple[Token, ...], i: int, target: _Target, cue: bool) -> bool:
        """'Wetter' is the town only when written like a name, and nothing says it is the weather."""
        token = tokens[i]
        if self._negative(tokens, i, i + 1):
            return False
        local = i > 0 and tokens[i - 1].key in POSITIVE_BEFORE
        base = token.key if token.key in AMBIGUOUS_STRONG | AMBIGUOUS_WEAK else token.key[:-1]
        if base in AMBIGUOUS_STRONG:
            return token.capitalised and (cue or local)
        # lower case ("wie ist essen bei glasfaser") needs a neighbour that expects a place, not just any cue:
        # "Leute kamen aus Bochum" mentions Bochum and still is not about Kamen.
        return token.capitalised or local

    def _fuzzy_places(self, tokens: tuple[Token, ...], owner: dict[int, str]) -> list[PlaceMention]:
        found = []
        for i, token in enumerate(tokens):
            if i in owner or not self._fuzzy_candidate(token):
                continue
            target, score = self._best_place(token.key)
            if target is not None and score >= FUZZY_PLACE:
                found.append(PlaceMention(target.kind, target.value, target.name, token.text, token.start, token.end,
                                          fuzzy=True))
                owner[i] = target.kind
        return found

    def _fuzzy_candidate(self, token: Token) -> bool:
        key = token.key
        return len(key) >= 5 and not key.isdigit() and key not in self.common and key.rstrip("s") not in self.common

    def _best_place(self, key: str) -> tuple[_Target | None, float]:
        best: tuple[_Target | None, float] = (None, 0.0)
        for pool in (self._single, self._outside_single):
            for candidate, target in pool.items():
                if candidate[0] != key[0] or candidate in AMBIGUOUS_STRONG | AMBIGUOUS_WEAK:
                    continue
                score = fuzz.ratio(key, candidate)
                if score > best[1]:
                    best = (target, score)
        return best

    def _near_misses(self, tokens: tuple[Token, ...], owner: dict[int, str]) -> tuple[NearMiss, ...]:
        misses = []
        for i, token in enumerate(tokens):
            if i in owner or not self._fuzzy_candidate(token):
                continue
            target, score = self._best_place(token.key)
            if target is not None and score >= NEAR_MISS:
                suggestions = tuple(self.resolver.suggest(token.text))
                misses.append(NearMiss(token.text, token.start, token.end, suggestions))
        return tuple(misses)

    # --- metrics ---------------------------------------------------------------------------------
    def _metrics_in(self, tokens: tuple[Token, ...], owner: dict[int, str]) -> list[MetricMention]:
        found: list[MetricMention] = []
        i = 0
        while i < len(tokens):
            if i in owner:
                i += 1
                continue
            for n in range(min(self._max_metric, len(tokens) - i), 0, -1):
                if any(j in owner for j in range(i, i + n)):
                    continue
                key = " ".join(t.key for t in tokens[i : i + n])
                metric = self._metrics.get(key)
                via: Literal["lexical", "inflection"] = "lexical"
                if metric is None and n == 1:
                    metric, via = self._inflected_metric(tokens[i].key), "inflection"
                elif metric is None:  # "IT-Beschäftigten", "KI-affiner Unternehmen": compare word stems
                    metric = self._metric_stems.get(" ".join(_stem(t.key) for t in tokens[i : i + n]))
                    via = "inflection"
                if metric is None:
                    continue
                found.append(MetricMention(metric, "", tokens[i].start, tokens[i + n - 1].end, via))
                for j in range(i, i + n):
                    owner[j] = "metric"
                i += n - 1
                break
            i += 1
        return found

    def _inflected_metric(self, key: str) -> str | None:
        """German inflection and compounds: "Glasfaserquoten", "Mobilfunkausbau", "Unternehmensgründungen"."""
        if len(key) < 4 or key in FILLER or key.isdigit():
            return None
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and key[: -len(suffix)] in self._metric_single:
                return self._metric_single[key[: -len(suffix)]]
            if suffix in _ADDED and key + suffix in self._metric_single:
                return self._metric_single[key + suffix]
        if len(key) < 8:
            return None
        heads = [f for f in self._metric_single if len(f) >= 5 and key.endswith(f) and len(key) - len(f) >= 3]
        if heads:
            return self._metric_single[max(heads, key=len)]
        prefixes = [f for f in self._metric_single if len(f) >= 5 and key.startswith(f) and len(key) - len(f) >= 3]
        return self._metric_single[max(prefixes, key=len)] if prefixes else None

    def _fuzzy_metrics(self, tokens: tuple[Token, ...], owner: dict[int, str]) -> list[MetricMention]:
        found = []
        for i, token in enumerate(tokens):
            if i in owner or len(token.key) < 6 or token.key in FILLER or token.key in COMMON_WORDS:
                continue
            best, score = None, 0.0
            for form, metric in self._metric_single.items():
                if len(form) >= 6 and form[0] == token.key[0] and abs(len(form) - len(token.key)) <= 1:
                    value = fuzz.ratio(token.key, form)
                    if value > score:
                        best, score = metric, value
            if best is not None and score >= FUZZY_METRIC:
                found.append(MetricMention(best, token.text, token.start, token.end, "fuzzy"))
                owner[i] = "metric"
        return found

    def metric_suggestions(self, text: str, limit: int = 3) -> list[str]:
        """Closest metric ids by spelling, for 'unknown metric' answers when no embedder is available."""
        key = " ".join(t.key for t in tokenize(text))
        scored = sorted(((fuzz.WRatio(key, form), metric) for form, metric in self._metrics.items()), reverse=True)
        result: list[str] = []
        for score, metric in scored:
            if score >= 50 and metric not in result:
                result.append(metric)
        return result[:limit]
