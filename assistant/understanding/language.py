"""Deciding whether a question is German or English, deterministically and per question.

Answers must come back in the language of the question (DESIGN 1.3), and users switch language
mid-conversation. A model-based detector would be overkill and unstable on the very short turns
that dominate a chat ("und Bochum?", "why?"), so this is a weighted vote of function words,
domain words, umlauts and typical word endings. When the evidence is tied (e.g. "Bochum?",
"Top 10"), the conversation's language wins, which is what a person would assume too.

Callers should blank out place names first (the planner does): "Mülheim an der Ruhr" contains the
German words "an der" even inside an English question.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.index.registry import Lang


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: German words that are (almost) never English words. Weight 1 unless listed in _STRONG.
_DE_WORDS = _set(
    """
    und oder aber der die das den dem des ein eine einen einem einer eines ist sind war waren wird werden wurde
    hat haben hatte wie was wer wo wann warum wieso weshalb welche welcher welches welchen welchem im ins bei
    beim mit von vom zu zum zur fuer für ueber über unter nicht kein keine keinen auch noch nur schon mir mich
    ich du dir dich wir uns ihr sie es sich gibt gib zeig zeige zeigt bitte mal doch denn dann liegt liegen
    steht stehen schneidet schneiden ab da dort hier vergleich vergleiche verglichen gegen gegenüber gegenueber
    als ob wenn wäre waere würde wuerde zählt zaehlt zählen zaehlen kann kannst können koennen könnte koennte
    soll sollte muss besten beste bester schlechtesten schwächsten schwaechsten stärksten staerksten höchste
    hoechste niedrigste meisten wenigsten kommune kommunen stadt städte staedte gemeinde gemeinden kreis kreise
    durchschnitt schnitt platz rang wert werte anteil quote projekte projekt ähnlich aehnlich vergleichbar
    vergleichbare gut schlecht besser schlechter eigentlich etwa welchem insgesamt gesamt ohne doppelt dreifach
    halb erkläre erklaere erklär bedeutet heißt heisst berechnet gewichtet gewichtung daten zahlen erzähl
    erzaehl sag sage nenn nenne liste hilfe danke hallo moin tschüss ja nein einwohnern einwohner lernen
    übernehmen uebernehmen gibts dazu davon darüber darueber sowie bzw jetzt heute
    """
)

#: English words that are (almost) never German words.
_EN_WORDS = _set(
    """
    and or the a of is are were be been does do did doing has have had what which who whom whose where when why
    how with for from about than then this that these those there their they it its my me you your our show tell
    give list please can could would should will compare compared versus against between above below average
    best worst bottom weakest strongest highest lowest most least rank ranked place position municipality
    municipalities town towns city cities district districts county region area score scores value values share
    rate similar comparable like if counted count counts weight weighted weights twice double triple three times
    half without explain means mean meaning calculated computed measured projects project could adopt reuse
    learn help thanks hello overall research employment companies infrastructure fibre fiber coverage graduates
    patents jobs ads what's how's where's doesn't don't isn't aren't terms regarding on at small large
    big all any some other others just only behind whos runs run anywhere somewhere else being done into more much
    many something anything who's
    """
)

#: Words that decide the language on their own in a two-word question.
_STRONG = frozenset(
    {"und", "oder", "warum", "wieso", "weshalb", "zeig", "zeige", "welche", "wie", "was", "ist", "bei", "mit",
     "and", "why", "the", "what", "how", "which", "show", "is", "about", "with"}
)

_GERMAN_ENDINGS = ("ung", "ungen", "keit", "heit", "lich", "isch", "schaft", "ieren", "chen", "nisse", "tät")
_ENGLISH_ENDINGS = ("ing", "tion's", "ly", "ness", "ship", "ed")
_TOKEN = re.compile(r"[^\W\d_]+(?:'[a-z]+)?", re.UNICODE)
_UMLAUT = re.compile(r"[äöüß]")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


def language_scores(text: str) -> tuple[float, float]:
    """(German evidence, English evidence) for a text; exposed for tests and debugging."""
    de = en = 0.0
    for position, raw in enumerate(_tokens(text)):
        word = raw.casefold()
        if word not in _EN_WORDS and word.partition("'")[0] in _EN_WORDS:
            word = word.partition("'")[0]  # "who's", "they're": the English word before the contraction
        capitalised_inside = raw[:1].isupper() and position > 0
        if word in _DE_WORDS:
            de += 2.0 if word in _STRONG else 1.0
        if word in _EN_WORDS:
            en += 2.0 if word in _STRONG else 1.0
        if _UMLAUT.search(word):
            # An umlaut in a lower-case word is German; in a capitalised one it may be a place name.
            de += 0.5 if capitalised_inside else 1.5
        if len(word) > 5 and word not in _DE_WORDS and word not in _EN_WORDS:
            if word.endswith(_GERMAN_ENDINGS) or "sch" in word:
                de += 0.5
            elif word.endswith(_ENGLISH_ENDINGS) or word.startswith(("th", "wh")):
                en += 0.5
    return de, en


def detect_language(text: str, fallback: Lang = "de") -> Lang:
    """'de' or 'en' for one question; `fallback` (the conversation's language) breaks ties."""
    de, en = language_scores(text)
    if de > en:
        return "de"
    if en > de:
        return "en"
    return fallback
