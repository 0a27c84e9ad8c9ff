"""Resolving what people type to municipalities: case, umlauts, aliases and typos.

Kept separate from the planner because the CLI, the importer and the retrieval filters need the
same resolution: one place decides what "Muelheim" or "hunxe" means.
"""

from __future__ import annotations

import unicodedata

from rapidfuzz import fuzz, process

from assistant.index.registry import Municipality, Registry

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
FUZZY_THRESHOLD = 85.0


def fold(text: str) -> str:
    """Case-, umlaut-, accent- and punctuation-insensitive key ("Mülheim a.d. Ruhr" -> "muelheim a d ruhr")."""
    lowered = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in plain)
    return " ".join(cleaned.split())


def fold_loose(text: str) -> str:
    """Like `fold`, but 'ue' and 'u' compare equal, so "Hunxe" and "Huenxe" meet."""
    return fold(text).replace("ae", "a").replace("oe", "o").replace("ue", "u")


class NameResolver:
    """Maps names, aliases and near misses to municipalities of the registry."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._exact: dict[str, Municipality] = {}
        for municipality in registry.municipalities:
            for form in (municipality.name, municipality.ags, *municipality.aliases):
                self._exact.setdefault(fold(form), municipality)
                self._exact.setdefault(fold_loose(form), municipality)
        self._choices = list(self._exact)

    def resolve(self, text: str) -> Municipality | None:
        """Exact match on a name, alias or AGS after folding; no guessing."""
        key = fold(text)
        if not key:
            return None
        if key.isdigit() and len(key) == 7:
            key = "0" + key  # an AGS that lost its leading zero in a spreadsheet
        return self._exact.get(key) or self._exact.get(fold_loose(text))

    def resolve_fuzzy(self, text: str, threshold: float = FUZZY_THRESHOLD) -> Municipality | None:
        """Exact match, else the single best typo-tolerant match above the threshold."""
        exact = self.resolve(text)
        if exact or len(fold(text)) < 4:
            return exact
        best = process.extractOne(fold(text), self._choices, scorer=fuzz.ratio, score_cutoff=threshold)
        return self._exact[best[0]] if best else None

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Closest municipality names, best first, for 'did you mean' messages."""
        matches = process.extract(fold(text), self._choices, scorer=fuzz.WRatio, limit=limit * 4)
        names: list[str] = []
        for key, score, _ in matches:
            name = self._exact[key].name
            if score >= 50 and name not in names:
                names.append(name)
        return names[:limit]
