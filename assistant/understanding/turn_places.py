"""What a turn says about places it cannot take at face value: names read despite a typo,
places outside the 53 municipalities, and words where a place should be that match none.

Each becomes a notice or an unresolved `Mention`, so the answer names the problem ("'Xanthen' is
not one of the 53 municipalities; did you mean Xanten?") instead of silently answering for
another town or for none.
"""

from __future__ import annotations

from typing import Literal

from assistant.index.registry import metric_name
from assistant.tools.plan import Mention, Plan
from assistant.understanding.places import CONTAINING_PLACES
from assistant.understanding.turn_reading import QuestionReading

_SLOT_BEFORE = frozenset({"in", "aus", "nach", "von", "fur", "und", "and", "of", "for", "about", "mit", "with",
                          # "Wie schneidet Atlantis bei Glasfaser ab?", "How does Atlantis do on fibre?" (MI-01)
                          "schneidet", "steht", "liegt", "dos"})


class PlaceChecks(QuestionReading):
    """Notices and unresolved mentions for guessed, outside and unknown places."""

    def note_places(self, project: bool = False) -> None:
        """Say which names were read despite a typo, and which places the index does not cover (for a
        project answer not NRW or Germany: they contain the Ruhr, and NRW-wide services are projects)."""
        for place in self.ents.places:
            if place.fuzzy and place.kind == "municipality":
                self._note_interpreted(place.text, place.name)
        for mention in self.metrics:
            if mention.via == "fuzzy":
                self._note_interpreted(mention.text, metric_name(self.registry, mention.metric, self.lang))
        for place in self.outside:
            if project and place.value in CONTAINING_PLACES:
                continue
            kind: Literal["municipality", "kreis"] = "kreis" if "kreis" in place.name.casefold() else "municipality"
            self.unresolved.append(Mention(kind, place.text, (), outside_region=True))
            self.notices.append(self.t(
                f"{place.name} gehört nicht zu den 53 Kommunen des Ruhrgebiets, die der Digital-Index Ruhr abdeckt.",
                f"{place.name} is not one of the 53 Ruhr municipalities covered by the Digital-Index Ruhr."))

    def _note_interpreted(self, typed: str, meant: str) -> None:
        self.notices.append(self.t(f"„{typed}“ als {meant} interpretiert", f"Interpreted '{typed}' as {meant}"))

    def ask_for_municipality(self) -> Plan:
        """A rule needs a municipality and none was named: point out a near miss, or ask for one."""
        if self.ents.near_misses or self.slot_unknowns():
            return self.unknown_place()
        self.notices.append(self.t("Bitte nennen Sie eine der 53 Kommunen.",
                                   "Please name one of the 53 municipalities."))
        return self.make("unknown_municipality")

    def slot_unknowns(self) -> list[str]:
        """Capitalised unknown words where a place is expected ("in Xanthen", "und Bochm?")."""
        found = []
        for i, token in enumerate(self.ents.tokens):
            if i in self.ents.owner or len(token.key) < 3 or token.key in self.planner.finder.common:
                continue
            before = self.ents.tokens[i - 1].key if i else ""
            if token.capitalised and (before in _SLOT_BEFORE or self.elliptical_unknown()):
                found.append(token.text)
        return found

    def elliptical_unknown(self) -> bool:
        """A one-word question ("Xanthen?"): whatever the word is, it stands where a place would."""
        return len(self.content_words) == 1

    def unknown_place(self) -> Plan:
        """'unknown_municipality' with every near miss and unknown place word, and suggestions for each."""
        for miss in self.ents.near_misses:
            self.unresolved.append(Mention("municipality", miss.text, miss.suggestions))
        for text in self.slot_unknowns():
            if all(text != u.text for u in self.unresolved):
                self.unresolved.append(Mention("municipality", text, tuple(self.planner.finder.resolver.suggest(text))))
        for mention in self.unresolved:
            if mention.kind == "municipality" and not mention.outside_region:
                hint = ", ".join(mention.suggestions)
                de_hint, en_hint = (f"; meinten Sie {hint}?", f"; did you mean {hint}?") if hint else (".", ".")
                self.notices.append(self.t(f"„{mention.text}“ ist keine der 53 Kommunen{de_hint}",
                                           f"'{mention.text}' is not one of the 53 municipalities{en_hint}"))
        return self.make("unknown_municipality")
