"""Rule tables of the offline planner: intent patterns, filler words, topics, numbers, weights.

Kept apart from the planner's control flow so that a rule can be read, reviewed and extended in
one place. Every pattern runs on the *skeleton* of a question: its words folded loosely (case,
umlauts and "ue"/"u" spellings removed, see `names.fold_loose`) with recognised entities replaced
by placeholders (`qmuni`, `qkreis`, `qplace`, `qgroup`, `qmetric`). So one pattern covers "über",
"ueber" and "uber", and no rule can be fooled by a town whose name is also a word.
"""

from __future__ import annotations

import re
from typing import Final

MUNI, KREIS, PLACE, GROUP, METRIC, PROJECT_NAME = "qmuni", "qkreis", "qplace", "qgroup", "qmetric", "qproject"
PLACEHOLDERS: Final = frozenset({MUNI, KREIS, PLACE, GROUP, METRIC, PROJECT_NAME})


def loose(text: str) -> str:
    """The last step of `names.fold_loose`: patterns and word lists must be spelt like the skeleton
    ("does" becomes "dos", "value" becomes "valu"), so they are loosened where they are defined."""
    return text.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def any_of(*alternatives: str) -> re.Pattern[str]:
    """One pattern matching any of the loosened `alternatives`."""
    return re.compile("|".join(f"(?:{loose(a)})" for a in alternatives))


def loose_re(pattern: str) -> re.Pattern[str]:
    return re.compile(loose(pattern))


def words(text: str) -> frozenset[str]:
    """A whitespace-separated word list, loosened like the skeleton."""
    return frozenset(loose(word) for word in text.split())


# --- method, indicators, findings ----------------------------------------------------------------
METHOD = any_of(
    r"\bwie (wird|werden|ist|sind|wurde|wurden) .{0,50}\b(berechnet|gemessen|ermittelt|erhoben|definiert|gewichtet|"
    r"normalisiert|zusammengesetzt|gebildet|bewertet|skaliert|aggregiert|kombiniert|zusammengefasst|verrechnet)\b",
    r"\b(berechnung\w*|methode|methodik|methodologie|definition|normalisierung|kappung|deckelung|gewichtung|"
    r"berechnungsweise|skalierung|aggregation)\b",
    r"\bwas (bedeutet|bedeuten|heisst|misst|messen|meint|ist gemeint|versteht man)\b", r"\bwofur steht\b",
    r"\bwoher (kommen|stammen|hast du|habt ihr|haben sie) (die |deine |eure |ihre )?(daten|zahlen|werte)\b",
    r"\b(datenquelle\w*|quellen)\b",
    r"\bsynthetisch\w*\b", r"\bwie aktuell\b", r"\baus welchem jahr\b",
    # "Sind das echte Zahlen oder Beispielwerte?", "is this real data?": the provenance of the values
    r"\b(echte|reale|richtige|offizielle) (zahlen|daten|werte)\b", r"\bbeispiel(werte|daten|zahlen)\b",
    r"\b(real|actual|official|fake|made up|dummy|demo) (data|numbers|figures|values)\b",
    r"\b(wie viele|wieviele|how many) (kommunen|stadte|gemeinden|indikatoren|kennzahlen|bereiche|municipalities|towns|"
    r"indicators|areas) (gibt es|umfasst|enthalt|sind im|sind es|are there|are in|does)\b",
    r"\bhow (is|are|was|were|do you) .{0,50}\b(calculated|computed|measured|defined|weighted|normali[sz]ed|"
    r"built|derived|scored|aggregated|calculate|compute|combined|put together|added up)\b",
    r"\b(methodology|method|definition|normali[sz]ation|weighting|formula)\b", r"\bwhat (does|do) .{0,50}\bmean\b",
    r"\bwhere (does|do) (the |your )?(data|numbers|figures|values) come from\b", r"(?<!open )\b(data )?sources?\b",
    r"\bsynthetic\b", r"\bprovenance\b", r"\bhow (recent|current|up to date)\b",
)
#: "Was ist X?" / "What is X?" reads as a definition only when no municipality is named.
DEFINITION = any_of(r"^(und )?(was|what) (ist|sind|is|are) (ein |eine |der |die |das |a |an |the )?qmetric$",
                 r"^(erklar\w*|explain|define|definiere) (mir |me )?(den |die |das |the )?(begriff |term )?qmetric$",
                 # "What does 'business gigabit access' actually measure?", "Was misst der Indikator X?"
                 r"^(und )?(what|was) (does|dos|do|misst|messen|bedeutet|means?) (\w+ ){0,3}qmetric"
                 r"( \w+)?( (measure|mean|bedeuten|messen))?$",
                 r"^(und )?(what|was) (does|dos|do) qmetric (\w+ )?(measure|mean)$",
                 # "What does the digital start-ups indicator actually count?", "Was zählt der Indikator X genau?"
                 r"^(und )?(what|was) (does|dos|do) (\w+ ){0,3}qmetric( \w+){0,3} (measure|mean|count|cover|include|"
                 r"capture|track)\b",
                 r"^(und )?was (misst|messen|zahlt|erfasst|umfasst|beschreibt) (\w+ ){0,3}qmetric( \w+){0,2}$")
INDICATORS = any_of(
    r"\bwelche (indikatoren|kennzahlen|kennziffern|messgrossen|bereiche|dimensionen|teilindizes|metriken|"
    r"themenfelder|merkmale|werte|daten)\b",
    r"\b(liste|list|uberblick|ubersicht|overview)( uber| der| aller| of| of all| all| the)* "
    r"(indikatoren|kennzahlen|indicators|metrics|bereiche|areas)\b",
    r"\b(which|what) (four |twelve |\d+ )?(indicators|metrics|areas|dimensions|measures|kpis)\b",
    r"\bwelche (vier |zwolf |\d+ )(indikatoren|kennzahlen|bereiche|dimensionen)\b",
    r"\bwhat do(es)? (you|the index) measure\b",
    r"\balle (indikatoren|kennzahlen|bereiche)\b", r"\ball (the )?(indicators|metrics)\b",
    r"\b(indikatoren|kennzahlen|indicators) (gibt es|hat der|does the|are there|in the|im bereich)\b",
    r"\bwas (misst|erfasst|umfasst|enthalt|beinhaltet) (der|die|das) (bereich |teilindex |dimension )?"
    r"(qmetric|index)\b",
    r"\bwas wird (alles )?gemessen\b",
    # "Aus welchen Teilen besteht der Index?", "what is the index made of?"
    r"\b(teilen|bestandteil\w*|komponenten|bausteinen|teilindizes)\b.{0,30}\b(index|qmetric)\b",
    r"\b(index|qmetric) (besteht|bestehen|setzt sich)\b.{0,20}\baus\b", r"\bwhat (is|s) the index made (up )?of\b",
    r"\bwelche daten (hast du|gibt es|enthalt)\b", r"\bwhat data do you have\b",
    # "What falls under the employment area?", "Was gehört zum Bereich Forschung?"
    r"\bwhat (falls|comes|goes|belongs) (under|into|in|to)\b", r"\bwhat (is|s) (in|inside) the qmetric\b",
    r"\bwas (gehort|zahlt|fallt) (alles )?(zu|zum|zur|unter|in)\b",
)
FINDINGS = any_of(
    r"\b(metropolregion\w*|metropolitan|metropolen|andere\w* regionen|other regions|regionen im vergleich|"
    r"handlungsfeld\w*|handlungsempfehlung\w*|empfehlungen|empfiehlt|recommendations?|recommends?|kernergebnis\w*|"
    r"ergebnisse|key findings|findings|kernaussage\w*|vorreiter|frontrunners?|front runners?|studie|study|"
    r"iw consult|veroffentlich\w*|published|publication|pressemitteilung|press release|results|"
    # what stands out in the index as a whole: "anything surprising in the results?"
    r"surpris\w*|uberrasch\w*|bemerkenswert\w*|remarkable|notable|stands? out|sticks? out)\b",
    r"\bwer hat (den|die|das) (qmetric|index|studie|ranking) (erstellt|gemacht|beauftragt|durchgefuhrt|erarbeitet)\b",
    r"\bwho (made|created|commissioned|conducted|built|published)\b",
)
REGION_WORDS: Final = frozenset(
    {"ruhrgebiet", "ruhrgebiets", "ruhrgebietes", "ruhrpott", "pott", "revier", "ruhr", "region", "regions",
     "metropole", "rvr", "regionalverband", "ruhrregion", "ruhrgebietskommunen", "gesamtregion"}
)

# --- municipality-centred intents ----------------------------------------------------------------
#: The mark of a hypothesis. A method question that names weights ("Wie wird der Index berechnet – sind alle
#: Indikatoren gleich gewichtet?") asks how it is, not what would be: without one of these it is no what-if.
#: The words that mark a hypothesis on their own, in any question (folded only where the fold is no other word:
#: "wurde" is also "was", "Lage" a situation); `assistant.understanding.intents_index` reads what-ifs by them.
HYPOTHESIS_WORDS_RE = (r"wenn|falls|if|would|ware|suppose\w*|assum\w*|imagine|angenommen|szenario\w*|scenarios?|"
                       r"simulat\w*|simulier\w*|hypothet\w*")
HYPOTHETICAL = loose_re(rf"\b({HYPOTHESIS_WORDS_RE}|waren|wurde|wurden|hatte|hatten|stell dir vor|ohne|without|"
                        r"excluding|mal|doppelt\w*|double\w*|halb\w*|half)\b")
WHAT_IF = any_of(
    r"\bwas (ware|wurde|passiert|passierte|geschieht|andert sich)\b.{0,60}\b(wenn|falls|bei|ohne)\b",
    r"\bwas wenn\b", r"\bangenommen\b", r"\bwie (sahe|sieht|ware)\b.{0,50}\b(aus )?(wenn|falls|ohne)\b",
    r"\b(wenn|falls)\b.{0,60}\b(doppelt\w*|zweifach\w*|dreifach\w*|vierfach\w*|halb\w*|nicht|starker|schwacher|"
    r"mehr|weniger|\d+ ?fach|wichtiger|unwichtiger|hoher|geringer)\b.{0,30}\b(zahl\w*|gewicht\w*|einfliess\w*|"
    r"ware|waren|wurde|gehen|ginge|eingehen|berucksichtigt)\b",
    r"\b(doppelt|dreifach|starker|hoher|weniger|halb|geringer|anders|gleich) (stark )?gewichtet\b",
    r"\b(gewicht\w*|gewichtung) .{0,30}\b(verdoppel\w*|verdreifach\w*|erhoh\w*|auf \d|halbier\w*|null|andern|anders)\b",
    r"^(und |aber )?(ohne|without|excluding) qmetric", r"\b(wenn|falls|if) .{0,20}\b(ohne|without)\b",
    r"\bwhat if\b", r"\b(suppose|supposing|assuming|imagine|let s say)\b.{0,60}\b(count\w*|weigh\w*|mattered)\b",
    # one town's own value changed: "if Boenen doubled its 5G coverage", "wenn Herne auf 80 Prozent Glasfaser kame"
    r"\b(wenn|falls|if|suppose|supposing|assuming|imagine|angenommen)\b.{0,40}\bqmuni\b.{0,50}\b(verdoppel\w*|"
    r"verdreifach\w*|doubled?|tripled?|twice|halved?|halbier\w*|steiger\w*|erhoh\w*|improved?|raised?|increased?|"
    r"reached|erreich\w*|hatte|had|kame|kam|got|gets)\b",
    r"\b(would|wurde|ware|sahe)\b.{0,60}\b(without|ohne|excluding)\b",
    r"\bif .{0,50}\b(counted|counts|count|weighted|weighed|mattered|had (double|twice|half|no|more))\b",
    r"\b(double|triple|twice|half|more|less|zero|no|extra|higher|lower) (the )?weight\w*\b",
    r"\bweigh\w* .{0,25}\b(double|twice|triple|three times|more|less|half|higher|lower|heavier)\b",
    r"\b(andere|alternative|neue) gewicht\w*\b", r"\b(other|different|alternative) weights?\b",
    r"\b(gleich|equal\w*) (gewicht\w*|weights?|weighted)\b", r"\bmit (doppeltem|dreifachem|halbem) gewicht\b",
)
#: "maschinelles Lernen", "machine learning" name a research field, not someone learning from others.
NOT_A_FIELD = r"(?<!maschinelles )(?<!maschinellem )(?<!maschinellen )(?<!maschinelle )(?<!machine )(?<!deep )"
REUSE = any_of(
    r"\b(ubernehm\w*|ubernahm\w*|ubernommen|nachnutz\w*|nachmach\w*|nachahm\w*|abschau\w*|abgucken|abkupfern|"
    r"kopier\w*|adaptier\w*|ubertrag\w*|" + NOT_A_FIELD + r"(lernen|lernt|learn\w*)|profitier\w*|nachbau\w*|adopt\w*|"
    r"reus\w*|re use|"
    r"take over|replicat\w*|copy|borrow|transferable|transfer)\b",
    r"\b(passen|passt|geeignet|sinnvoll) (zu|fur) qmuni\b", r"\bfur qmuni (passen|geeignet|sinnvoll|interessant)\b",
    r"\b(empfiehlst|empfehlen|empfehlt|empfiehlt) (du |sie |ihr )?(fur )?qmuni\b", r"\bsuit\w* qmuni\b",
    r"\brecommend\w* (for|to) qmuni\b", r"\b(would|could) (help|suit|fit|benefit) qmuni\b",
    r"\b(helfen|helfe|nutzen) qmuni\b", r"\bqmuni (helfen|nutzen|weiterbringen)\b",
)
_PROJECT_NOUNS = (
    r"\b(projekt|projekte|projekten|projekts|project|projects|initiative|initiativen|initiatives|vorhaben|"
    r"modellprojekt\w*|leuchtturmprojekt\w*|pilotprojekt\w*|smart city projekt\w*|use cases?|anwendungsfall|"
    r"anwendungsfalle|losungen|solutions|massnahmen|programme|best practices?|praxisbeispiel\w*|vorzeigeprojekt\w*|"
    r"angebote|angeboten|partnerships?|partnerschaft\w*|kooperation\w*|cooperations?|collaborations?)\b",
    r"\bsmart (city|region|cities)\b", r"\bbeispiele? (fur|zu|aus|von)\b", r"\bexamples? (of|for|from)\b",
    r"\b(showcases?|showcase examples|vorzeigebeispiel\w*|leuchtturm\w*)\b",
)
#: Words that name projects ("Projekte", "use cases", "Beispiele für"): after a project answer they ask for
#: other projects, while "who runs it?" asks about the one just shown.
PROJECT_NOUN = any_of(*_PROJECT_NOUNS)
PROJECT = any_of(*_PROJECT_NOUNS, r"\bwer (macht|arbeitet|betreibt|nutzt|setzt)\b",
              r"\bwho (is doing|does|works|is working|uses|runs)\b")
EXPLAIN = any_of(
    r"\b(warum|wieso|weshalb|weswegen|why|erklar\w*|explain\w*|begrund\w*|grunde|reasons?|ursache\w*|"
    r"woran liegt|treiber|schwachstellen|schwachpunkte|weak (spots|points))\b",
    # "the drivers of Hagen's score", not "drivers keep circling for a spot"
    r"\bdrivers? (of|behind|for)\b",
    # "What's holding Hamminkeln back?", "Was bremst Herne aus?"
    r"\bhold\w* (qmuni\w* |\w+ ){0,3}back\b", r"\bbrems\w*\b.{0,40}\baus\b", r"\bhalt\w* .{0,40}\bzuruck\b",
    r"\bhow come\b", r"\bwhat (drives|makes|explains|pulls|holds)\b", r"\bwas (zieht|treibt)\b",
    # "Wie kommt der Infrastrukturwert von Alpen zustande?", "how is Hagen's score made up?"
    r"\bwie kommt .{0,50}\bzustande\b", r"\bsetzt sich .{0,50}\bzusammen\b", r"\bzusammengesetzt\b",
    r"\bhow (is|are) .{0,50}\b(made up|composed|put together|calculated|computed)\b",
    r"\bwo (liegen|sind) (die |ihre |seine )?(starken|schwachen)\b",
    # one side only ("Schwächen von Herne", "where are Hagen's strengths"): what pulls the index down or up;
    # both sides ("Stärken und Schwächen") ask for the whole picture, a profile
    r"(?<!und )(?<!and )\b(starken|schwachen|strengths|weaknesses) (von |of )?qmuni\b",
    r"\bqmuni\w* (starken|schwachen)\b(?! und)",
)
PEERS = any_of(
    r"\b(ahnlich\w*|vergleichbar\w*|peers?|peer group|vergleichsstadte|vergleichskommunen|vergleichsgruppe|"
    r"similar|comparable|alike|strukturahnlich\w*|artverwandt\w*|zwilling\w*|twins?)\b",
    r"\b(kommunen|stadte|gemeinden|orte|towns|cities|municipalities) (ahneln|resemble) qmuni\b",
    r"\b(kommunen|stadte|gemeinden|orte|places|towns|cities|municipalities|others)\b.{0,15}\b(wie|like) qmuni\b",
    r"\b(so|genauso|ebenso) (gross|aufgestellt|strukturiert) wie qmuni\b",
    # "Mit welchen Städten kann man Haltern vergleichen?", "which towns compare with Hagen?"
    r"\bmit (welchen|welcher) (kommunen|stadten|stadt|gemeinden|orten)\b.{0,40}\bvergleich\w*",
    r"\b(which|what) (towns|cities|municipalities|places) (\w+ )?compare (to|with) qmuni\b",
)
#: How a town stands as a whole, with no metric but the index named: "Wie ist Gladbeck digital aufgestellt?",
#: "Schwelm auf einen Blick". With an indicator or area ("bei Glasfaser aufgestellt") it is that value.
STANDING = any_of(r"\baufgestellt\b", r"\bauf einen blick\b", r"\bat a glance\b", r"\bin a nutshell\b")
PROFILE = any_of(
    r"\b(\w*profil\w*|steckbrief\w*|uberblick|ubersicht|zusammenfassung|portrat|gesamtbild|profile|overview|summary|"
    r"dashboard|factsheet|fact sheet|everything|\w*portrat\w*|portrait|snapshot|full picture|big picture|story)\b",
    # "Wo ist Dorsten stark und wo schwach?", "strengths and weaknesses of Unna", "was kann Herne gut, was nicht?"
    r"\bstark\w* (und|oder) (\w+ ){0,2}schwach\w*\b", r"\bstrengths? (and|or) weakness\w*\b",
    r"\bgut\b.{0,12}\b(was|wo) nicht\b",
    # "Zeig mir die Werte von Kamen", "give me the numbers for Lünen", "Recklinghausen's results"
    r"\b(werte|zahlen|kennzahlen|kennziffern|ergebnisse|daten|numbers|figures|results|stats|statistics|values|data) "
    r"(von|fur|zu|uber|for|of|on)( the)? qmuni\b",
    r"\bqmuni s (results|numbers|figures|values|data|stats|scores)\b",
    # "wie Dinslaken dasteht – in allen Bereichen", "how Mülheim performs across the four areas"
    r"\b(in|across|over|uber) (all |allen |alle |the |den |its |seinen |ihren )?(four |vier )?"
    r"(bereichen|bereiche|areas|dimensions|dimensionen|teilbereichen|handlungsfeldern)\b",
    r"\balles (uber|zu|von)\b", r"\balle (werte|kennzahlen|indikatoren|zahlen|daten|ergebnisse) (von|fur|zu|uber)\b",
    r"\btell me about\b", r"\ball (the )?(values|indicators|figures|numbers|data|results) (for|of|on)\b",
    r"\bwhat do you know about\b", r"\bwas weisst du uber\b", r"\berzahl\w* (mir )?(was |etwas |mehr )?(uber|von)\b",
    r"^(zeig\w*|show|gib)( mir| me)?( das| die| den)? qmuni( an)?$",
)
ABOVE_BELOW = any_of(
    r"\b(uber|unter|uberm|unterm|oberhalb|unterhalb)( dem| den| des| im)?( \w+)? "
    r"\w*(durchschnitt\w*|schnitt|mittel|mittelwert)\b",
    r"\b\w*(uberdurchschnittlich|unterdurchschnittlich)\w*\b",
    r"\b(above|below|under|over)( the)?( \w+)? (average|mean)\b", r"\b(above|below)[ -]average\b",
    r"\b(besser|schlechter|better|worse) (als|than)( der| den| dem| the)?( \w+)? "
    r"\w*(durchschnitt\w*|schnitt|average)\b",
    r"\b(uber|unter|above|below|over|under) 100( punkte?n?| points?)?\b",
    # a value threshold: "über 80 Prozent", "weniger als 2 Prozent der Stellenanzeigen", "more than 50 %"
    r"\b(uber|unter|mehr als|weniger als|mindestens|hochstens|above|below|over|under|more than|less than|"
    r"at least|at most) \d+( \d+)? ?(%|prozent|percent|punkte\w*|points?)",
    # "%" is no word: "Which towns have more than 95 % 5G coverage?" reads "more than 95 qmetric". Only in a
    # question for places, so "In Dortmund arbeiten über 140 Unternehmen ..." stays a statement.
    r"^(und |and )?(welche\w*|wer|wo|which|who|where|gibt es|gibts|are there|is there)\b.{0,60}"
    r"\b(uber|unter|mehr als|weniger als|mindestens|hochstens|above|below|over|under|more than|less than|"
    r"at least|at most) \d+( \d+)? qmetric",
    r"^(und |and )?(liegt|liegen|ist|sind|is|are) .{0,40}\b(druber|daruber|drunter|darunter|above it|below it)\b",
    # "which towns beat the regional average", "fall short of the average", "übertreffen den Schnitt"
    r"\b(beat\w*|exceed\w*|outperform\w*|fall\w* short of|trail\w*|ubertreff\w*|ubersteig\w*|verfehl\w*)"
    r"( the| den| dem)?( \w+)? \w*(average|mean|durchschnitt\w*|schnitt)\b",
)
BELOW_WORDS = loose_re(
    r"\b(unter|unterhalb|drunter|darunter|\w*unterdurchschnittlich\w*|below|under|schlechter|worse)\b"
)
COMPARE_AVERAGE = any_of(
    r"\b(vergleich\w*|verglichen|gegenuber|relativ|vs|versus|gemessen am|verhaltnis|abstand)\b.{0,30}"
    r"\b\w*(durchschnitt\w*|schnitt|mittel|mittelwert)\b",
    r"\b(compared?|comparison|relative|vs|versus|against|gap|distance|stack up)\b.{0,30}\baverage\b",
    r"\bkreisdurchschnitt\w*\b", r"\bdurchschnitt des (kreises|qkreis)\b",
    r"\b(vergleich|verglichen|compared?|relative) (zum|zur|mit dem|mit der|with the|to the|to its) "
    r"(kreis|region|ruhrgebiet|rest|district|ruhr|revier)\b", r"\bwie weit (uber|unter)\b",
    r"\bhow far (above|below)\b", r"\b(im|in) (durchschnitts|mittel)vergleich\b",
    # "Wie weit ist Bochum vom Ruhr-Schnitt entfernt?", "how far from the average is Herne?"
    r"\b(wie weit|how far)\b.{0,50}\b\w*(durchschnitt\w*|schnitt|average|mean)\b",
    # "ist das viel?", "is that good?": only the Ruhr average tells whether a value is much
    r"^(und |and )?(ist|is|isn t|war|was) (das|that|this|es|it) (eigentlich |really |actually )?(viel|wenig|gut|"
    r"schlecht|hoch|niedrig|a lot|much|good|bad|high|low|ok|okay|normal)\b",
)
POSITION = any_of(
    r"\b(platz|platze|platzier\w*|rang|range|rangplatz|position|tabellenplatz|ranking|rangliste|tabelle|rank|ranked|"
    r"ranks|place|standing|wievielte\w*|stelle)\b",
    r"\bwo (steht|liegt|landet|rangiert|befindet sich) qmuni\b", r"\bwhere (does|is|do) qmuni\b",
    # the town speaking of itself ("bei uns in Werne – wo stehen wir bei den Start-ups?")
    r"\bwo (stehen|liegen|landen|rangieren) wir\b", r"\bwhere (do|are) we (stand|rank|come in|land)\b",
    r"\bunter den (top|besten|ersten)\b", r"\b(among|in) the (top|best|bottom)\b", r"\bin den top\b",
)
#: Asks how much: "Wie viel schnelles Internet hat Herne?", "how many", "what share". Only the index
#: answers that, whatever other words the corpus knows.
QUANTITY = loose_re(
    r"\b(wie ?viele?|wieviel\w*|wie hoch|wie gross|wie stark|wie gut|anteil\w*|quote|prozent\w*|"
    r"how (much|many|high|large|big|good|strong)|what (share|percentage|proportion)|share of|percentage)\b"
)
LIST_QUESTION = loose_re(r"\b(welche\w*|wer|which|who|liste|list|zeig\w*|show|nenn\w*|name)\b")
RANK = any_of(
    r"\b(top|bottom|flop) ?\d*\b",
    r"\b(beste|besten|bester|bestes|starkste\w*|schwachste\w*|schlechteste\w*|hochste\w*|niedrigste\w*|meiste\w*|"
    r"wenigste\w*|grosste\w*|groesste\w*|fuhrend\w*|spitze|spitzenreiter|schlusslicht\w*|letzte\w*|ersten|vorne|hinten|ranking|rangliste|"
    r"reihenfolge|sortier\w*|best|worst|biggest|largest|greatest|fewest|weakest|strongest|highest|lowest|most|least|leading|leaders?|leads?|"
    r"laggards?|lagging|top performers?|ranked|weakest|strongest)\b",
    r"\b(is|s|are|comes|came|ranks|ranked|ends up|landet|liegt|ist) (last|first|letzter|erster)\b",
    r"\b(last|first) place\b",
    r"\bam (besten|grossten|schlechtesten|starksten|schwachsten|meisten|wenigsten|hochsten|niedrigsten|weitesten)\b",
)
BOTTOM_WORDS = loose_re(
    r"\b(bottom|flop|schwachste\w*|schlechteste\w*|niedrigste\w*|wenigste\w*|schlusslicht\w*|letzte\w*|hinten|"
    r"worst|weakest|lowest|least|laggards?|lagging|am (schlechtesten|schwachsten|wenigsten|niedrigsten)|"
    r"schwach|schlecht|wenig|weak|poor|low|few|fewest|fewer|hinterher\w*)\b"
)
#: "Welche Kommunen sind bei Glasfaser schwach?", "Wo gibt es viel 5G?": which places, and how they do.
PLACES_THAT = loose_re(r"^(und |and )?(welche\w*|wer|wo|which|who|where)\b")
HOW_THEY_DO = loose_re(
    r"\b(schwach|schlecht|wenig|weak|poor|low|few|stark|gut|viel|hoch|strong|good|much|many|high)\b")
SINGULAR_RANK = loose_re(
    r"\b(welche|welcher|which) (kommune|stadt|gemeinde|municipality|city|town|ort)\b"
    r"|\b(wer|who) (hat|ist|liegt|has|is|leads)\b"
)
COMPARE = any_of(
    r"\b(vergleich\w*|verglichen|vs|versus|gegen|gegenuber|compare\w*|comparison|against|unterschied\w*|difference)\b",
    r"\b(besser|schlechter|starker|schwacher|better|worse|stronger|weaker) (als|than)\b",
)
REGION_FINDING_OVERRIDES = loose_re(r"\b(vergleich\w*|compared?|comparison|versus|vs|gegenuber)\b")

# --- follow-ups -------------------------------------------------------------------------------------
#: Words an elliptical follow-up may consist of besides entities ("und was ist mit qmuni?").
FOLLOWUP_FILLER: Final = words(
    "und and aber but oder or was ist mit what about how wie sieht siehts es aus bei beim on for fur in im dann denn "
    "noch mal auch bitte please the die der das den dem zu zum zur of with vs versus so steht stehts da ab schneidet "
    "does do it look looks is are jetzt now hier dort there gilt gleiche same selbe ok okay gut also dasselbe "
    "regarding concerning hinsichtlich bezuglich sachen in terms at about to "
    # adding a town to the comparison: "nimm noch Duisburg dazu", "add Dinslaken", "plus Herne"
    "nimm nimmt nehmen dazu hinzu add include plus too as well"
)
FOLLOWUP_START = loose_re(r"^(und|and|aber|but|what about|how about|dann|then|jetzt|now|ok|okay|auch|also|compared|"
                          r"verglichen|im vergleich|versus|vs|"
                            r"zeig\w*|show|was ist mit|wie ist es mit|wie sieht es)\b")

#: Words that never name a metric or a place; whatever else remains may be a metric the user wants.
FILLER: Final = words(
    """
    gesamtbild gesamtschau gesamteindruck gesamtuberblick
    und oder aber der die das den dem des ein eine einen einem einer eines ist sind war waren wird werden wurde
    hat haben hatte wie was wer wo wann warum wieso weshalb welche welcher welches welchen welchem im in ins bei
    beim mit von vom zu zum zur fur uber unter nicht kein keine auch noch nur schon mir mich ich du dir dich wir uns
    ihr sie es sich gibt gib zeig zeige zeigt bitte mal doch denn dann liegt liegen steht stehen schneidet schneiden
    abschneiden abgeschnitten ab da dort hier als ob wenn kann kannst konnen konnte soll sollte muss gut gute guten
    schlecht besser schlechter eigentlich etwa so sehr viel viele wenig aktuell aktuelle derzeit momentan heute
    jetzt insgesamt stadt stadte kommune kommunen gemeinde gemeinden ort orte wert werte hoch hohe hoch niedrig
    aus aussieht sieht gerade eher ganz dabei damit dazu davon daruber drin digital digitale digitaler
    digitalisierung digitalisiert aufgestellt performance leistung abschneidet bereich thema sachen hinsichtlich
    bezuglich punkto betrifft angeht steht's wirklich denn eigentlich genau konkret bitte danke sag sage nenn nenne
    and or but the a an of is are was were be been does do did has have had what which who where when why how with
    for from about than then this that these those there their they it its my me you your our show tell give list
    please can could would should will in on at by to as so very much many well good bad doing do perform performs
    performing fare fares faring stand stands score scores scored currently now today city cities town towns
    municipality municipalities place places value values area digital digitalisation digitalization terms
    regarding concerning look looks like auf welchem welchen welches wievielten wievielte gibt's gibts kriegt
    bekommt erreicht erreichen hatte hatten sein seine ihre ihren unsere unserer mein meine dein deine euer
    """
)

#: Topics a question may name without saying "Projekte" and still be a project search.
PROJECT_ONLY_TOPICS: Final = frozenset(
    {"environment_sensors", "open_data", "data_platform", "mobility", "energy", "climate", "administration",
     "participation", "education", "health", "tourism", "urban_development", "it_services", "cooperation", "security"}
)
#: Words dropped from a project or findings query (besides FILLER and entities).
QUERY_FILLER: Final = words(
    """
    projekt projekte projekten projekts project projects initiative initiativen initiatives vorhaben gibt es
    existieren existiert laufen lauft there any some welche which what gibt's beispiele beispiel examples example
    zum thema themen topic topics bereich bereichen zu zur zum about on regarding for konnte konnten could would
    ubernehmen ubernimmt nachnutzen adopt reuse take over learn lernen von anderen others other andere anderen
    interessant interesting passen passt suit suits helfen help empfiehlst recommend recommended ruhrgebiet
    region ruhr metropole aktuell aktuelle laufende current running bekannt known finde find such suche search
    searching looking gemacht done macht does doing deal deals dealing concern concerning with mit welchen
    exist exists existieren available verfugbar going happening passiert lauft s copy kopieren borrow adapt
    adaptieren nachmachen abschauen um besser werden better become improve verbessern
    """
)

#: Words that carry the intent, not the metric: never sent to the similarity fallback.
INTENT_WORDS: Final = words(
    """
    grossstadte grossstadten kleinstadte kleinstadten mittelstadte mittelstadten kleinere grossere mittlere
    top bottom flop beste besten bester bestes starkste starksten schwachste schwachsten schlechteste schlechtesten
    hochste hochsten niedrigste niedrigsten meisten meiste wenigsten fuhrend fuhrenden fuhrende spitze vorne hinten
    letzten ersten ranking rangliste reihenfolge sortiert best worst weakest strongest highest lowest most least
    leading leaders leads lead platz platzierung position rang stelle tabelle rank ranked ranks standing durchschnitt
    ruhrdurchschnitt ruhrgebietsdurchschnitt schnitt mittel mittelwert uberdurchschnittlich unterdurchschnittlich
    average mean oberhalb unterhalb above below over vergleich vergleiche vergleichen verglichen versus gegenuber
    compare compared comparison against unterschied difference starker schwacher stronger weaker besser schlechter
    better worse profil steckbrief uberblick ubersicht zusammenfassung profile overview summary warum wieso weshalb
    why erklare erklar erklaren explain grunde reasons ahnlich ahnliche ahnlichen vergleichbar vergleichbare
    vergleichbaren similar comparable peers abschneiden schneidet abgeschnitten schneiden steht stehen liegt liegen
    landet wo wert werte anteil quote hoch hohe hoher niedrig gering how does do fare fares rate rates share level
    stand zeig zeige zeigen show list liste nenne nennen sag sage tell welche welcher which wer who kommune kommunen
    stadte gemeinden municipalities cities towns ruhrgebiet ruhrgebiets region ruhr kreis ganz gesamten alle all
    einwohnern einwohner inhabitants klein kleine kleinen small mittelgrosse grosse grossen big large aktuell
    derzeit momentan eigentlich gerade bitte mal nochmal wieder dann denn also okay ok ja nein yes no vs und
    punkte punkten points score scores wert index ranked place war waren jahr year entfernt weit weg far away
    druber daruber drunter darunter machen umsetzen einfuhren nachmachen
    """
)
