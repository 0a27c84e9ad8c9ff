"""Questions about the index itself, read from their words rather than from whole phrases.

The cue patterns in `assistant.understanding.intents` match phrasings ("Welche Indikatoren gibt es?",
"Wie wird der Index berechnet?"). Blind question sets kept finding new ways to ask the same three
things, and on them the questions about the index itself (what it is made of, how it is computed and
where its data come from, what it found) were the worst-routed numeric families. Word order and
sentence form vary endlessly; the vocabulary of each family does not. So this module reads such a
question as a bag of words: it must be about the index (a word such as "Index", "Indikatoren",
"Zahlen", "Studie", "score"), and the family whose own words it uses most decides. It is a fallback:
the routing scores it below every phrase cue, so a cue that names an intent still wins.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from assistant.understanding.intents import HYPOTHESIS_WORDS_RE, loose_re

IndexFamily = Literal["indicators", "method", "findings"]

#: The index as the subject: without one of these words a question is not about the index itself
#: ("Woher kommen die Fördergelder für das Projekt?" asks about a project).
ABOUT_THE_INDEX: Final = loose_re(
    r"\b(qmetric|index|indizes|digital ?index|ranking|rangliste|studie|study|report|bericht|auswertung|indikator\w*|"
    r"indicators?|kennzahl\w*|kennziffer\w*|metrics?|kpis?|scores?|punkt\w*|points|zahlen|numbers|figures|werte|values|"
    r"daten|data|ergebnis\w*|results?|findings?|bereich|bereiche|bereichen|areas?|dimension\w*)\b"
)

_FAMILY_WORDS: Final[dict[IndexFamily, re.Pattern[str]]] = {
    # what it is made of
    "indicators": loose_re(
        r"\b(indikatoren|indicators|kennzahlen|kennziffern|metrics|kpis|bereiche|bereichen|areas|dimension\w*|"
        r"teilbereich\w*|bestandteil\w*|teile|parts|component\w*|komponent\w*|besteht|bestehen|consists?|made of|"
        r"enthalt\w*|contain\w*|umfass\w*|includ\w*|gehor\w*|belong\w*|fall\w* under|einfliess\w*|fliess\w*|"
        r"go(es)? into|feed\w* into|stecken|steckt|cover\w*|abgedeckt|themen|topics|aspects|aspekte)\b"),
    # how it is computed, where its data come from, how far to trust them
    "method": loose_re(
        r"\b(berechn\w*|rechn\w*|calculat\w*|comput\w*|ermittel\w*|gewicht\w*|weight\w*|normalis\w*|normaliz\w*|"
        r"normier\w*|skalier\w*|scal\w*|formel|formula|method\w*|vorgehen|approach|quelle\w*|sources?|woher|"
        r"herkunft|erhoben|erhebung|collected|gathered|echt|echte|real|synthetisch\w*|synthetic|demo\w*|"
        r"beispielwert\w*|made up|erfunden|geschatzt\w*|schatzung\w*|estimat\w*|assumed|annahme\w*|aktuell\w*|"
        r"up to date|belastbar\w*|zuverlassig\w*|reliab\w*|trust\w*|vertrau\w*|accura\w*|bedeute\w*|"
        r"mean|means|heisst|definiert|defined|definition)\b"),
    # what it found, for the region as a whole
    "findings": loose_re(
        r"\b(ergebnis\w*|results?|findings?|erkenntnis\w*|fazit|conclusions?|takeaways?|highlights?|kernaussage\w*|"
        r"botschaft\w*|messages?|trends?|herausgefunden|found|zeigt|shows?|says|sagt|insgesamt|as a whole|overall|"
        r"gesamtbild|big picture|surpris\w*|uberrasch\w*|interessant\w*|interesting|bemerkenswert\w*|notable|"
        r"wichtigst\w*|main|key|zentral\w*|lessons?|lehren)\b"),
}

#: When two families use the same number of their words, the more specific one is meant.
_TIE_ORDER: Final[tuple[IndexFamily, ...]] = ("method", "indicators", "findings")


def index_family(skeleton: str) -> IndexFamily | None:
    """The family of a question about the index itself, by the number of its family's words; None when
    the question is not about the index or uses no family's words."""
    if not ABOUT_THE_INDEX.search(skeleton):
        return None
    counts = {family: len(pattern.findall(skeleton)) for family, pattern in _FAMILY_WORDS.items()}
    best = max(_TIE_ORDER, key=lambda family: counts[family])
    return best if counts[best] else None


#: A hypothesis ("wenn", "would", "Szenario") and a change of a weight or a value, in any order: a what-if told by
#: its words ("Wo stünde Herne in einem Szenario mit verdoppelter Glasfaserquote?"), below the what-if phrases.
HYPOTHESIS_WORDS: Final = loose_re(rf"\b({HYPOTHESIS_WORDS_RE})\b")
CHANGE_WORDS: Final = loose_re(
    r"\b(gewicht\w*|weight\w*|weigh\w*|verdoppel\w*|doppelt\w*|double\w*|twice|verdreifach\w*|dreifach\w*|triple\w*|"
    r"halbier\w*|halve\w*|half|steiger\w*|erhoh\w*|raise\w*|increas\w*|improv\w*|verbesser\w*|boost\w*|"
    r"ausbau\w*|erreich\w*|reach\w*|ohne|without|weglass\w*|leave out|left out)\b")


def what_if_by_words(skeleton: str) -> bool:
    return bool(HYPOTHESIS_WORDS.search(skeleton) and CHANGE_WORDS.search(skeleton))

