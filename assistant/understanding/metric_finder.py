"""Finding the index's metrics in a question: indicator, area and overall names with their
German inflections and compounds ("Glasfaserquoten", "Mobilfunkausbau", "IT-Beschäftigten").

Forms come from `DigitalIndex.metric_forms` plus `places.EXTRA_METRIC_FORMS`. Paraphrases that
share no word with any form are not found here: the planner hands those to `MetricSimilarity`
(an embedding match) only when nothing matched lexically, so the common path stays fast.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from rapidfuzz import fuzz

from assistant.understanding.entity_tokens import Token, span_key, text_key
from assistant.understanding.intents import FILLER
from assistant.understanding.places import COMMON_WORDS, EXTRA_METRIC_FORMS

FUZZY_METRIC = 88.0
#: Words too general to tell two indicators of an area apart.
_GENERIC = FILLER | COMMON_WORDS
_SUFFIXES = ("n", "en", "e", "s", "es", "er", "ern", "ns")
_ADDED = ("n", "en", "e", "s")  # "Startup" -> "Startups"; never "Informatik" -> "Informatiker"
#: Words a definition uses about itself (how it was measured, that it is assumed), never about the subject.
_ABOUT_DEFINITIONS = frozenset({
    "indikator", "indicator", "indikators", "indicators", "annahme", "assumption", "assumed", "angenommen",
    "quellen", "sources", "public", "offentlichen", "ausdrucklich", "explicitly", "measured", "ermittelt",
    "erfasst", "erfassten", "covered", "prozent", "percent", "diesen", "lasst", "erkennen",
})


#: Words that join two subjects side by side rather than one naming the other's subject.
_COORDINATING = frozenset({"und", "and", "sowie", "oder", "or", "bzw", "versus", "vs", "gegen", "als"})


@dataclass(frozen=True)
class MetricMention:
    metric: str
    text: str
    start: int
    end: int
    via: Literal["lexical", "inflection", "fuzzy", "similarity"] = "lexical"


def _stem(word: str) -> str:
    """A light German stem for multiword metric names: "affiner" -> "affin", "Beschäftigten" -> "beschaftigt"."""
    for suffix in ("ern", "en", "er", "es", "em", "e", "n", "s"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class MetricFinder:
    """Builds the metric tables once; each step skips tokens claimed in `owner` (token index ->
    kind) by places or earlier steps, and claims the ones it matches as "metric"."""

    def __init__(self, metric_forms: Mapping[str, str], areas: Mapping[str, str] | None = None,
                 descriptions: Mapping[str, str] | None = None) -> None:
        """`areas`: indicator id -> area id, for refining an area mention ("companies") to one of its
        indicators when the rest of the question names it ("... use digital technologies").
        `descriptions`: indicator id -> its definition text (both languages); its words that no other
        indicator of the area uses count as that indicator's words too ("firms that use artificial
        intelligence" is `ai_companies`, whose definition alone speaks of artificial intelligence)."""
        self._metrics: dict[str, str] = {}
        for form, metric in (*metric_forms.items(), *EXTRA_METRIC_FORMS.items()):
            self._metrics.setdefault(text_key(form), metric)
        self._metric_single = {k: m for k, m in self._metrics.items() if " " not in k}
        self._metric_stems: dict[str, str] = {}
        for key, metric in self._metrics.items():
            if " " in key:
                self._metric_stems.setdefault(" ".join(_stem(word) for word in key.split()), metric)
        self._max_metric = max(len(k.split()) for k in self._metrics)
        #: multiword forms written as one word: "Techjobs" for "tech jobs", "ITJobs" for "IT-Jobs"
        self._closed = {k.replace(" ", ""): m for k, m in self._metrics.items() if " " in k}
        area_words: dict[str, set[str]] = {}
        for key, metric in self._metrics.items():
            area_words.setdefault(metric, set()).update(_stem(w) for w in key.split())
        defined = {i: {_stem(w) for w in text_key(d).split() if len(w) >= 5 and w not in _GENERIC | _ABOUT_DEFINITIONS}
                   for i, d in (descriptions or {}).items()}
        used_by = Counter(w for words in defined.values() for w in words)
        defined = {i: {w for w in words if used_by[w] == 1} for i, words in defined.items()}  # one indicator's only
        self._indicator_words: dict[str, dict[str, frozenset[str]]] = {}
        areas = areas or {}
        self._areas = dict(areas)
        #: every word stem an indicator's own names use ("Gigabit für Unternehmen" -> gigabit, unternehm):
        #: an indicator of one area can be about the subject another area names ("Betriebe" + "Internet")
        self._own_stems = {i: frozenset(w for w in area_words.get(i, set()) if w not in _GENERIC and len(w) >= 4)
                           for i in areas}
        self._area_stems = {a: frozenset(w for w in area_words.get(a, set()) if w not in _GENERIC and len(w) >= 4)
                            for a in set(areas.values())}
        for indicator, area in areas.items():
            own = area_words.get(indicator, set()) - area_words.get(area, set())
            informative = {w for w in own if w not in _GENERIC and len(w) >= 2}
            siblings = [i for i, a in areas.items() if a == area and i != indicator]
            informative |= defined.get(indicator, set()).difference(*(
                defined.get(s, set()) | area_words.get(s, set()) for s in siblings))
            self._indicator_words.setdefault(area, {})[indicator] = frozenset(informative)

    def refine(self, tokens: tuple[Token, ...], owner: dict[int, str],
               mentions: list[MetricMention]) -> list[MetricMention]:
        """An area named by its generic word ("companies", "Firmen") becomes the indicator of that
        area whose distinctive words the rest of the question uses: "What share of companies use
        digital technologies?" is `digital_companies`, "viele KI-Firmen" is `ai_companies`. The words
        that decided it are claimed as "metric" in `owner`, as the metric name itself is."""
        free = {_stem(t.key) for i, t in enumerate(tokens)
                if i not in owner and (t.key not in _GENERIC or len(t.key) >= 4)}
        refined = []
        for mention in mentions:
            candidates = self._indicator_words.get(mention.metric, {})
            overlap = {m: len(words & free) for m, words in candidates.items()}
            best = max(overlap.values(), default=0)
            winners = [m for m, n in overlap.items() if n == best]
            if best > 0 and len(winners) == 1:
                refined.append(MetricMention(winners[0], mention.text, mention.start, mention.end, mention.via))
                words = candidates[winners[0]]
                for i, token in enumerate(tokens):  # the words that named the indicator belong to the metric:
                    if i not in owner and _stem(token.key) in words:  # no project words left over from them
                        owner[i] = "metric"
            else:
                refined.append(mention)
        return self._combined(tokens, refined)

    def _consistent(self, indicator: str, metric: str) -> bool:
        """Whether `indicator` is what a mention of `metric` may mean: the metric itself, its area, or
        an area whose subject the indicator's own names speak of ("Gigabit für Unternehmen" is about
        companies, though it belongs to the infrastructure)."""
        if metric in (indicator, self._areas.get(indicator)):
            return True
        return bool(self._area_stems.get(metric, frozenset()) & self._own_stems.get(indicator, frozenset()))

    def _combined(self, tokens: tuple[Token, ...], mentions: list[MetricMention]) -> list[MetricMention]:
        """Several metric mentions that together name one indicator become that indicator:
        "Haben Betriebe in Bottrop schnelles Internet?" names companies and the wired infrastructure, and
        only business gigabit access is both. Coordinated mentions ("Infrastruktur doppelt und Forschung
        gar nicht") are separate subjects and stay apart, as do the overall index, a single mention and
        mentions no one indicator fits."""
        specific = sorted((m for m in mentions if m.metric in self._areas or m.metric in self._area_stems),
                          key=lambda m: m.start)
        if len({m.metric for m in specific}) < 2:
            return mentions
        between = {t.key for t in tokens if specific[0].end <= t.start and t.end <= specific[-1].start}
        if between & _COORDINATING:
            return mentions
        fitting = [i for i in self._areas if all(self._consistent(i, m.metric) for m in specific)]
        if len(fitting) == 1:  # every mention keeps its words (and so its place in the skeleton)
            return [replace(m, metric=fitting[0]) if m in specific else m for m in mentions]
        return mentions

    def lexical(self, tokens: tuple[Token, ...], owner: dict[int, str]) -> list[MetricMention]:
        """Metric names, longest form first, with inflected and compound forms of one-word names."""
        found: list[MetricMention] = []
        i = 0
        while i < len(tokens):
            if i in owner:
                i += 1
                continue
            for n in range(min(self._max_metric, len(tokens) - i), 0, -1):
                if any(j in owner for j in range(i, i + n)):
                    continue
                key = span_key(tokens, i, n)
                metric = self._metrics.get(key)
                via: Literal["lexical", "inflection"] = "lexical"
                if metric is None and n == 1:
                    metric, via = self._inflected(tokens[i].key), "inflection"
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

    def _inflected(self, key: str) -> str | None:
        """German inflection and compounds: "Glasfaserquoten", "Mobilfunkausbau", "Unternehmensgründungen"."""
        if len(key) < 4 or key in FILLER or key.isdigit():
            return None
        closed = self._closed.get(key) or self._closed.get(key[:-1] if key.endswith("s") else key)
        if closed is not None:
            return closed
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

    def fuzzy(self, tokens: tuple[Token, ...], owner: dict[int, str]) -> list[MetricMention]:
        """Misspelt one-word metric names ("Glasfasser"), for long tokens that are not common words."""
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

    def suggestions(self, text: str, limit: int = 3) -> list[str]:
        """Closest metric ids by spelling, for 'unknown metric' answers when no embedder is available."""
        key = text_key(text)
        scored = sorted(((fuzz.WRatio(key, form), metric) for form, metric in self._metrics.items()), reverse=True)
        result: list[str] = []
        for score, metric in scored:
            if score >= 50 and metric not in result:
                result.append(metric)
        return result[:limit]
