"""Finding places in a question: the 53 municipalities, Kreise, group filters ("kreisfreie
Städte") and well-known places outside the region, plus near misses worth a "did you mean".

Several towns are also ordinary words ("das Wetter", "zum Essen", "die Alpen", "sie kamen"), so an
ambiguous name counts only when written like a name and supported by its context, and typo
tolerance only applies to long tokens that are not known words. Matching is greedy over token
windows, longest form first, so "Kreis Wesel" beats "Wesel" and "Wetter (Ruhr)" beats "Wetter".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from assistant.index.names import NameResolver
from assistant.index.registry import Registry
from assistant.understanding.entity_tokens import Token, span_key, text_key, tokenize
from assistant.understanding.intents import FILLER, FOLLOWUP_FILLER, QUERY_FILLER
from assistant.understanding.places import (
    ADJECTIVE_FORMS,
    AMBIGUOUS_STRONG,
    AMBIGUOUS_WEAK,
    COMMON_WORDS,
    GROUP_FORMS,
    NEGATIVE_AFTER,
    NEGATIVE_BEFORE,
    OUTSIDE_PLACES,
    POSITIVE_BEFORE,
    kreis_forms,
)

PlaceKind = Literal["municipality", "kreis", "outside", "group"]
FUZZY_PLACE = 85.0
NEAR_MISS = 75.0


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
class NearMiss:
    """A token that looks like a place name but matches none closely enough."""

    text: str
    start: int
    end: int
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class PlaceTarget:
    """What a place form in the lookup table stands for."""

    kind: PlaceKind
    value: str
    name: str


class PlaceFinder:
    """Builds the place tables once; each step then fills `owner` (token index -> kind) so that
    later steps, and the metric finder, skip the tokens a place has claimed."""

    def __init__(self, registry: Registry, resolver: NameResolver) -> None:
        self.resolver = resolver
        self._places: dict[str, PlaceTarget] = {}
        for place, kind in ((name, "outside") for name in OUTSIDE_PLACES):
            for form in OUTSIDE_PLACES[place]:
                self._places.setdefault(text_key(form), PlaceTarget(kind, place, place))  # type: ignore[arg-type]
        for kreis in registry.kreise:
            for form in kreis_forms(kreis):
                self._places[text_key(form)] = PlaceTarget("kreis", kreis, kreis)
        for form, value in GROUP_FORMS.items():
            self._places[text_key(form)] = PlaceTarget("group", value, value)
        self._single: dict[str, PlaceTarget] = {}  # one-token municipality keys, for genitive and typos
        for municipality in registry.municipalities:
            target = PlaceTarget("municipality", municipality.ags, municipality.name)
            for form in (municipality.name, municipality.ags, *municipality.aliases):
                key = text_key(form)
                self._places[key] = target
                if " " not in key:
                    self._single[key] = target
        self._adjectives = {
            text_key(form): self._single[text_key(name)]
            for form, name in ADJECTIVE_FORMS.items() if text_key(name) in self._single
        }
        self._outside_single = {k: t for k, t in self._places.items() if t.kind == "outside" and " " not in k}
        self._max_place = max(len(k.split()) for k in self._places)
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

    @staticmethod
    def _mention(tokens: tuple[Token, ...], i: int, n: int, target: PlaceTarget, fuzzy: bool = False) -> PlaceMention:
        """Surface text is filled in by `EntityFinder.find` from the original string (keeps hyphens and brackets)."""
        return PlaceMention(target.kind, target.value, target.name, "", tokens[i].start, tokens[i + n - 1].end, fuzzy)

    # --- exact and ambiguous names -----------------------------------------------------------------
    def exact(
        self, tokens: tuple[Token, ...], owner: dict[int, str]
    ) -> tuple[list[PlaceMention], list[tuple[int, PlaceTarget]]]:
        """Unambiguous places, longest form first, and the ambiguous one-word names that `ambiguous`
        decides once the metrics and other places of the question are known."""
        places: list[PlaceMention] = []
        pending: list[tuple[int, PlaceTarget]] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self._max_place, len(tokens) - i), 0, -1):
                if any(j in owner for j in range(i, i + n)):  # a project name claimed it ("Smart City Bochum")
                    continue
                key = span_key(tokens, i, n)
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

    def ambiguous(self, tokens: tuple[Token, ...], pending: list[tuple[int, PlaceTarget]], owner: dict[int, str],
                  cue: bool) -> list[PlaceMention]:
        """The pending ambiguous names that are places here; `cue`: the question is about the index."""
        found = []
        for index, target in pending:
            if self._ambiguous_ok(tokens, index, target, cue):
                found.append(self._mention(tokens, index, 1, target))
                owner[index] = target.kind
        return found

    def _inflected(self, key: str) -> PlaceTarget | None:
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

    def _ambiguous_ok(self, tokens: tuple[Token, ...], i: int, target: PlaceTarget, cue: bool) -> bool:
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

    # --- typos and near misses ---------------------------------------------------------------------
    def fuzzy(self, tokens: tuple[Token, ...], owner: dict[int, str], cue: bool = False) -> list[PlaceMention]:
        """Misspelt place names close enough to read as the place ("Gelsenkirchn"). A lower-case word is never
        read as a misspelt place outside the region ("bei manchen Kommunen" is not München), and a misspelt
        town whose name is also a common noun ("Dateln") counts under the rule of `ambiguous`: capitalised,
        with a metric in the question and no article before it ("das Wettter" stays the weather)."""
        found = []
        for i, token, target, score in self._closest(tokens, owner, ambiguous=cue):
            if target is not None and target.kind == "outside" and not token.capitalised:
                continue
            if target is not None and score >= FUZZY_PLACE:
                found.append(PlaceMention(target.kind, target.value, target.name, token.text, token.start, token.end,
                                          fuzzy=True))
                owner[i] = target.kind
        return found

    def near_misses(self, tokens: tuple[Token, ...], owner: dict[int, str]) -> tuple[NearMiss, ...]:
        """Tokens too far from any place to read as one, but close enough to suggest names for."""
        misses = []
        for _, token, target, score in self._closest(tokens, owner):
            if target is not None and score >= NEAR_MISS:
                suggestions = tuple(self.resolver.suggest(token.text))
                misses.append(NearMiss(token.text, token.start, token.end, suggestions))
        return tuple(misses)

    def _closest(
        self, tokens: tuple[Token, ...], owner: dict[int, str], ambiguous: bool = False
    ) -> Iterator[tuple[int, Token, PlaceTarget | None, float]]:
        """Each unclaimed token that could be a misspelt place, with its closest place and score.
        Lazy, so a caller that claims a token in `owner` is seen by the following ones."""
        for i, token in enumerate(tokens):
            if i in owner or not self._fuzzy_candidate(token):
                continue
            noun = i > 0 and tokens[i - 1].key in NEGATIVE_BEFORE
            target, score = self._best_place(token.key, ambiguous=ambiguous and token.capitalised and not noun)
            yield i, token, target, score

    def _fuzzy_candidate(self, token: Token) -> bool:
        key = token.key
        return len(key) >= 5 and not key.isdigit() and key not in self.common and key.rstrip("s") not in self.common

    def _best_place(self, key: str, ambiguous: bool = False) -> tuple[PlaceTarget | None, float]:
        best: tuple[PlaceTarget | None, float] = (None, 0.0)
        for pool in (self._single, self._outside_single):
            for candidate, target in pool.items():
                if candidate[0] != key[0] or (candidate in AMBIGUOUS_STRONG | AMBIGUOUS_WEAK and not ambiguous):
                    continue
                score = fuzz.ratio(key, candidate)
                if score > best[1]:
                    best = (target, score)
        return best
