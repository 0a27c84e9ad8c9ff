"""Words that fill a plan's arguments rather than choose its intent: numbers ("die besten fünf"),
population classes and bounds ("unter 50.000 Einwohnern"), weight multipliers for a what-if
("doppelt", "halb so viel"), the topic of a method question and the corpus topic a question names.

Split from `assistant.understanding.intents` (the cues that choose an intent); the readers that use
these tables live in `assistant.understanding.plan_args`.
"""

from __future__ import annotations

import re
from typing import Final

from assistant.understanding.intents import any_of, loose_re

# --- numbers, population classes, weights ---------------------------------------------------------
NUMBER_WORDS: Final = {
    "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    "zehn": 10, "elf": 11, "zwolf": 12, "funfzehn": 15, "zwanzig": 20, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20,
}
_NUM = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
RANK_N = any_of(
    rf"\b(?:top|bottom|flop) ?{_NUM}\b",
    rf"\b{_NUM} (?:besten|beste|starksten|schwachsten|schlechtesten|hochsten|niedrigsten|fuhrenden|best|worst|weakest|"
    r"strongest|highest|lowest|leading|top|bottom|kommunen|stadte|gemeinden|municipalities|cities|towns|platze|places)\b",
    rf"\b(?:letzten|ersten|besten|schwachsten|schlechtesten|last|first|best|worst|bottom|flop|platze|places) {_NUM}\b",
)
_POP_NUMBER = r"(\d{1,3}(?: \d{3})+|\d+(?: ?(?:tsd|tausend|k|000))?)"
POP_BELOW = loose_re(rf"\b(?:unter|weniger als|bis|below|under|fewer than|less than|up to) {_POP_NUMBER}\b")
POP_ABOVE = loose_re(rf"\b(?:uber|mehr als|ab|above|over|more than|at least) {_POP_NUMBER}\b")
POP_BETWEEN = loose_re(rf"\b(?:zwischen|between) {_POP_NUMBER} (?:und|and) {_POP_NUMBER}\b")
POP_WORDS = loose_re(r"\b(einwohner\w*|inhabitants|residents|people|bevolkerung|population)\b")
POP_CLASS_WORDS: Final = (
    (loose_re(r"\b(klein\w*|kleinstadt\w*|small\w*|tiny|little)\b"), "small"),
    (loose_re(r"\b(mittelgross\w*|mittlere\w*|mittelstadt\w*|medium\w*|mid sized)\b"), "medium"),
    (loose_re(r"\b(grossstadt\w*|grossen stadte|grosse stadte|big cities|large cities|major cities)\b"), "city"),
    (loose_re(r"\b(grossere\w*|larger)\b"), "large"),
)

MULTIPLIERS: Final = (
    (loose_re(r"\b(vierfach\w*|four times|4 ?fach|4x|x4)\b"), 4.0),
    (loose_re(r"\b(dreifach\w*|verdreifach\w*|triple\w*|three times|thrice|3 ?fach|3x|x3)\b"), 3.0),
    (loose_re(r"\b(doppelt\w*|zweifach\w*|verdoppel\w*|double\w*|twice|two times|2 ?fach|2x|x2)\b"), 2.0),
    (loose_re(r"\b(halb\w*|half|halved|halbier\w*)\b"), 0.5),
    (loose_re(r"\b(nicht|ohne|without|excluding|ignoring|null|zero|not|no weight|gar nicht|weglass\w*|raus|"
              r"didn ?t|don ?t|doesn ?t|wouldn ?t|isn ?t|weren ?t|never|at all|keine rolle|no role)\b"), 0.0),
    (loose_re(r"\b(starker|mehr|hoher|wichtiger|more|higher|stronger|heavier|extra)\b"), 2.0),
    (loose_re(r"\b(weniger|schwacher|geringer|unwichtiger|less|lower|weaker|lighter)\b"), 0.5),
)
#: A what-if about the method, not about a municipality's own value: "wenn Glasfaser doppelt zählt".
WEIGHT_WORDS: Final = loose_re(r"\b(gewicht\w*|zahl(t|en|te|ten)|zaehl\w*|count\w*|weigh\w*|matter\w*|wichtig\w*|"
                               r"einfliess\w*|eingehen|berucksichtig\w*|mitzahl\w*|rolle|role)\b")
#: "ohne die nur angenommenen Indikatoren", "if we left out the estimated indicators": every indicator whose
#: values are not published (status in index_data/indicators.csv) leaves the index, a what-if on the data's basis.
UNPUBLISHED_LEFT_OUT: Final = loose_re(
    r"\b(ohne|without|weglass\w*|wegliess\w*|weg ?lassen|rausnehm\w*|ausklammer\w*|ausschliess\w*|exclud\w*|"
    r"left out|leave out|leaving out|drop\w*|ignor\w*)\b.{0,60}\b(angenommen\w*|geschatzt\w*|synthetisch\w*|"
    r"nicht veroffentlicht\w*|unveroffentlicht\w*|assumed|estimated|synthetic|unpublished|not published|made up)\b")
#: A new value named outright: "auf 80 Prozent", "to 80 %", "reached 90 percent".
NEW_VALUE: Final = loose_re(r"\b(?:auf|to|at|reach\w*|erreich\w*|von|of) (\d+(?: \d+)?) ?(?:%|prozent|percent|pct)")
#: A value threshold: "über 80 Prozent", "weniger als 2 %", "more than 50 percent", "unter 90 Punkten".
_AMOUNT = r" (\d+(?: \d+)?) ?(%|prozent|percent|pct|punkte\w*|points?)?"
THRESHOLD_ABOVE: Final = loose_re(r"\b(?:uber|mehr als|mindestens|wenigstens|hoher als|above|over|more than|"
                                  r"at least|greater than|higher than)" + _AMOUNT)
THRESHOLD_BELOW: Final = loose_re(r"\b(?:unter|weniger als|hochstens|maximal|niedriger als|below|under|less than|"
                                  r"fewer than|at most|lower than)" + _AMOUNT)
EXPLICIT_WEIGHT = loose_re(r"\b(?:gewicht(?:ung)?|weight|faktor|factor)(?: von| of| auf| to)? (\d+(?: \d+)?)\b")
CLAUSE_SPLIT = re.compile(r"[,;]|\bund\b|\band\b|\baber\b|\bbut\b|\bsowie\b", re.IGNORECASE)

# --- method topics and project topics -------------------------------------------------------------
#: Keywords -> the method topics of `describe_method` (assistant.tools.tool_args.METHOD_TOPICS); else "overview".
METHOD_TOPICS: Final = (
    (loose_re(r"\b(gewicht\w*|weight\w*)\b"), "weights"),
    (loose_re(r"\b(quelle\w*|sources?|woher|synthetisch\w*|synthetic|provenance|herkunft|aktuell|jahr|year|"
                r"recent|current|official|offiziell\w*)\b"), "provenance"),
    (loose_re(r"\b(ahnlich\w*|vergleichbar\w*|peers?|similar\w*)\b"), "peers"),
    (loose_re(r"\b(rang\w*|rank\w*|platz\w*|reihenfolge)\b"), "ranks"),
    (loose_re(r"\b(durchschnitt\w*|average|mittel\w*|100)\b"), "average"),
    (loose_re(r"\b(normalis\w*|normaliz\w*|kappung|deckel\w*|cap|skalier\w*|scal\w*|punkte|scores?|"
                r"berechne\w*|calculat\w*|comput\w*)\b"), "scores"),
)
#: Corpus topic vocabulary (corpus/README.md) keyed by loosely folded word stems, most specific first.
TOPICS: Final = (
    (r"luftqualitat\w*|luft|feinstaub\w*|sensor\w*|messnetz\w*|umweltsensor\w*|air quality|air|iot|lorawan|"
     r"environment\w*|umweltdaten", "environment_sensors"),
    (r"open data|offene daten|offene \w+daten|opendata|open government", "open_data"),
    (r"datenplattform\w*|data platform\w*|urbane daten\w*|dashboard\w*|digitaler zwilling|digital twin\w*|"
     r"datenhub\w*|data hub", "data_platform"),
    (r"glasfaser\w*|breitband\w*|fibre|fiber|broadband|gigabit\w*|ftth|ftt[bh]", "broadband"),
    (r"5g|mobilfunk\w*|funknetz\w*|wlan|wifi|wi fi|mobile network\w*", "mobile"),
    (r"mobilitat\w*|verkehr\w*|parken|parkplatz\w*|parking|traffic|mobility|opnv|radverkehr|e mobilitat", "mobility"),
    (r"energie\w*|energy|strom|warme\w*|solar\w*|photovoltaik", "energy"),
    (r"klima\w*|climate|co2|emission\w*", "climate"),
    (r"verwaltung\w*|online dienste|ozg|burgerservice\w*|e government|egovernment|administration|"
     r"burgerdienste|behord\w*", "administration"),
    (r"beteiligung\w*|burgerbeteiligung|partizipation|participation|mitmach\w*", "participation"),
    (r"start ?ups?|startup\w*|grunder\w*|grundung\w*|founders?", "startups"),
    (r"forschung\w*|research|hochschul\w*|universit\w*|wissenschaft\w*", "research"),
    (r"bildung\w*|schule\w*|schul\w*|education|schools?", "education"),
    (r"gesundheit\w*|health\w*|pflege\w*|krankenhaus\w*|hospital\w*", "health"),
    (r"touris\w*", "tourism"),
    (r"stadtentwicklung|quartier\w*|urban development|stadtumbau|innenstadt\w*", "urban_development"),
    (r"it dienstleist\w*|rechenzentr\w*|cloud\w*|it services?|it infrastruktur", "it_services"),
    (r"kooperation\w*|zusammenarbeit|interkommunal\w*|cooperation|netzwerk\w*|network(s|ing)?", "cooperation"),
    (r"sicherheit\w*|security|cyber\w*|katastrophenschutz", "security"),
    (r"wirtschaft\w*|economy|economic|mittelstand|gewerbe\w*|handel", "economy"),
)
TOPIC_RULES: Final = tuple((loose_re(rf"\b(?:{pattern})\b"), topic) for pattern, topic in TOPICS)
