"""Cue patterns of the project intents: asking about a named project, learning from another
municipality, "something like project X", and projects for the places weak on a metric.

Cues are features, not decisions: `assistant.understanding.routing` weighs them with the entities found and the
corpus support. Like every pattern in `assistant.understanding.intents` they run on the question's skeleton
(loosely folded words, entities as placeholders; a named project is `qproject`).
"""

from __future__ import annotations

from assistant.understanding.intents import NOT_A_FIELD, loose_re

#: "Was könnte Gladbeck von Oberhausen lernen?", "What can Hamm learn from Dortmund and Schwerte?"
LEARN_FROM = loose_re(
    r"qmuni\b.{0,60}\b(von|vom|from|bei) (der stadt |den stadten |the city of |the cities of |the |dem |der )?qmuni\b"
)
LEARN_VERB = loose_re(
    r"\b(" + NOT_A_FIELD + r"(lernen|lernt|lerne)|abschau\w*|abgucken|abkupfern|ubernehm\w*|ubernimmt|"
    r"nachmach\w*|nachnutz\w*|ubertrag\w*|vorbild\w*|kopier\w*|lehren|lessons?|"
    + NOT_A_FIELD + r"learn\w*|adopt\w*|copy|borrow|take over|reus\w*|profitier\w*|benefit|role model|example|"
    r"passen|passt|geeignet|work for|works for|would work|would suit|mitnehm\w*|mitnimmt|pick\w* up|take|"
    r"nehmen|holen|abgewinnen)\b"
    # "könnten wir in Witten das auch machen?", "wär das nix für Kamen?", "would that work for Unna?"
    r"|\b(das|so was|sowas|so etwas|that|this|it) (\w+ )?(auch|too|as well) (machen|umsetzen|einfuhren|do|try)\b"
    r"|\b(do|try|build|set up|implement) (that|this|it|the same)( thing)? (too|as well)\b|\bdo the same\b"
    r"|\b(war|ware) das (nix|nichts|was|etwas) fur\b|\bwould (that|this|it) (work|suit|be something)\b"
)
#: The municipality learnt from, in any word order: "Projekte aus qmuni", "von qmuni ... auf qmuni",
#: "qmuni's projects", "sich qmuni zum Vorbild".
LEARN_SOURCE = loose_re(
    r"\b(aus|von|vom|from|of|bei) (the |dem |der |den )?qmuni\b|\bqmuni s\b|\bqmuni (zum|als) vorbild"
)
#: A town as the owner of what follows: "Duisburg's cloud platform", "Bochums Glasfasernetz".
OWNER = loose_re(r"\bqmuni s\b")
#: The place learnt from, a town or a Kreis, a few words after "von/aus/from": "von Gelsenkirchen", "from
#: the smart region in Kreis Unna".
LEARN_SOURCE_NEAR = loose_re(r"\b(aus|von|vom|from|of|bei)( [a-z0-9]+){0,4} (qmuni|qkreis)\b")
#: Whether a town takes part in a project: "und ist Dorsten da auch dabei?", "is Herne involved?".
MEMBERSHIP = loose_re(r"\b(dabei|beteiligt|mitglied\w*|teil davon|mit drin|mitmachen|involved|a member|"
                      r"part of (it|this|that)|take part|takes part|taking part|participat\w*|on board|"
                      r"join|beitreten|beitritt|teilnehmen|dazukommen|einsteigen|sign up)\b")
#: "ein Dashboard wie Essen", "a portal like the one in Dortmund": a town standing for its project.
LIKE_TOWN = loose_re(r"\b(wie|like) (in |bei |the one in |the ones in |in the )?qmuni\b")
#: "wie den Glasfaserausbau in Bochum", "like the one in Essen", "wie die aus Hagen": a town's own project,
#: described, as the model of a likeness (the town is where the model is, not where to look)
LIKE_TOWN_PROJECT = loose_re(r"\b(wie|like) (der|die|das|den|dem|the) (\w+ ){0,2}(in|von|aus|bei|of|from) qmuni\b")
#: "etwas wie Smart City Bochum", "ähnliche Plattform wie der Digital Campus", "something like X"
SIMILAR_TO = loose_re(
    r"\b(etwas|was|sowas|so etwas|something|anything|projekte?|projects?|initiative\w*|sachen|dinge|angebote?)"
    r" (ahnlich\w* )?(wie|like)\b"
    r"|\b(?!qproject\b)\w+(projekt|projekte|projects?|vorhaben|initiative\w*|ansatz|ansatze) (ahnlich\w* )?(wie|like)\b"
    r"|\b(ahnlich\w*|vergleichbar\w*|similar|comparable)\b.{0,40}\b(wie|zu|zur|zum|to|like) "
    r"(der |die |das |den |dem |the )?"
    r"(qproject|qmetric|qmuni|\w+ausbau\w*)"
    r"|\b(wie|like) (der |die |das |den |dem |the |a |an )?(qmuni s )?qproject\b.{0,40}"
    r"\b(fur|for|in|aber|but|anderen|other|nur|woanders|anderswo|elsewhere)\b"
    r"|\b(ahnlich\w*|similar) (wie|to) qproject"
    r"|\b(like|wie) qmuni s \w+"  # "what else is out there like Hamm's digital strategy?"
    r"|\bso (ein|eine|einen|einem|ne|nen|n) (\w+ )?wie\b"  # "so ein Glasfaserprojekt wie in Bochum"
    r"|\b(hat|haben|gibt s|gibts|gibt es) (\w+ )?(so was|sowas|so etwas) auch\b"  # "hat so was auch ne kleinere Stadt?"
    r"|\b(was|etwas|something|anything) (ahnlich\w*|vergleichbar\w*|similar|comparable)\b"  # "was Vergleichbares"
    r"|\b(andere\w*|weitere\w*|other|more)\b.{0,60}\b(wie|like) (der |die |das |den |dem |the )?qproject\b"
)
#: What a question asks about a project: lead, partners, funding, status, duration, members.
ASPECT = loose_re(
    r"\b(wer (leitet|finanziert|betreibt|fordert|macht|tragt|steckt|organisiert|ist)|finanzier\w*|gefordert|"
    r"forder\w*|partner\w*|mitglied\w*|lauft|laufen|status|budget|kost\w*|wie lange|seit wann|bis wann|"
    r"beteiligt|betreut|betreibt|leitet|ansprechpartner\w*|kontakt|"
    r"who (runs|leads|funds|is behind|pays|are|is part|operates|manages)|funded|funding|funds|members?|"
    r"partners?|running|how long|when|budget|cost\w*|part of|involved|operat\w*|manag\w*|"
    # where it is: "und wo sitzt der?", "where is it based?"
    r"wo sitzt|wo sitzen|standort\w*|sitz|adresse|based|located|location|headquarter\w*)\b"
)
#: "was ist/macht X", "what is X", "tell me about X", "X?" alone: a question about the named thing.
ABOUT = loose_re(
    r"\b(was (ist|macht|sind|misst|bietet|bringt|bedeutet|tut|heisst)|what (is|are|does)|tell me about|"
    r"erzahl\w*|infos?|informationen|details|about|uber)\b|^(und |and )?(der |die |das |the )?qproject$"
)
#: Pronouns by which a follow-up refers to the project of the last answer.
PROJECT_PRONOUN = loose_re(r"\b(es|das|dies|dieses|dieser|diese|dort|da|it|its|it s|this|that|they|their|them)\b"
                          r"|\b(zum|dem|das|der|den|die) ersten?\b|\bthe first( one)?\b")  # the first one shown
#: "in Städten, die bei Glasfaser schwach sind", "where fibre is weak"
WEAK_AT = loose_re(
    r"\b(schwach\w*|schlecht\w*|hinten|nachholbedarf|ruckstand|ruckstandig\w*|abgehangt\w*|aufholbedarf|"
    r"hinterher\w*|nachzugler\w*|wenig|wenige|wenigsten|kaum|weak\w*|lagging|lag|behind|poor\w*|worst|low|few|hardly|"
    # the superlatives of the same: "the towns where the fewest companies use AI", "mit dem geringsten Anteil"
    r"barely|fewest|lowest|least|smallest|niedrigst\w*|geringst\w*|schlechtest\w*)\b"
)
#: Asking for help or for examples from others: "Ansätze, die helfen könnten", "anything we could look at".
#: The asker's own town: "Wir in Marl: ...", "We're in Witten and ...", "bei uns in Werne".
OWN_TOWN = loose_re(r"\b(wir|we|we re|uns|us)( sind| are)?( hier)? (in|aus|bei|from) qmuni\b|\bour town qmuni\b")
#: Someone else who may have done it: "Hat schon jemand eine App ...?", "Does anyone use sensors ...?"
SOMEONE = loose_re(r"\b(jemand|irgendwer|irgendjemand|anyone|anybody|someone|somebody|"
                   r"any (city|town|place|municipality))\b")
HELP_SEEK = loose_re(
    r"\b(helfen|hilft|weiterhelfen|ansatze|ideen|vorbilder|beispiele|tipps|help|helps|ideas|approaches|examples|"
    r"could look at|can look at|schon jemand|hat jemand|has anyone|has anybody|did anyone|anyone done)\b"
)
#: Who does something, as opposed to how much of it there is: "Wer baut in Bochum das Glasfasernetz?",
#: "Who links the fibre backbones ...?". The index has no actors, only the corpus does. Verbs of
#: having, standing and ranking ("wer hat/liegt/ist") are not among them: those ask for a ranking.
ACTOR = loose_re(
    r"\bwer (baut\w*|kummert|betreibt|betreut|forscht|entwickelt|verbindet|koppelt|plant|organisiert|steckt|"
    r"treibt|leitet|finanziert|fordert|unterstutzt|vernetzt|bietet|liefert|hat \w+ (gebaut|ausgebaut|verlegt)|"
    r"ist (fur|zustandig|verantwortlich)|hat das gebaut|verlegt|ubernimmt|"
    r"hat (\w+ ){0,4}(gemacht|entwickelt|aufgebaut|gestartet|eingerichtet|ins leben gerufen))\b"
    # "Wer im Ruhrgebiet hat das schon gemacht?": who did it, with a place or time between
    r"|\bwer( \w+){1,3} (hat|haben) (\w+ ){0,4}(gemacht|umgesetzt|gebaut|ausgebaut|entwickelt|aufgebaut|"
    r"eingefuhrt|eingerichtet|gestartet)\b"
    r"|\bwho (is |are |s )?(building|builds|built|links|linked|linking|connects|connected|runs|running|operates|"
    r"researches|researching|develops|developing|is behind|are behind|provides|maintains|funds|funded|lays|"
    r"manages|coordinates|does research|made|created|set up|started|launched|developed|designed|supports|helps|"
    r"backs|finances|advises)\b"
    # "who is Duisburg's IT provider?", "Wer ist der IT-Dienstleister von Duisburg?": a role only an actor fills
    r"|\b(wer|who) (ist|sind|is|are|s) (der |die |das |the )?(\w+ ){0,3}(it )?(dienstleister\w*|betreiber\w*|"
    r"trager\w*|anbieter\w*|ansprechpartner\w*|provider|providers|operator|operators|supplier|vendor|host)\b"
    r"|\b(welche\w*|which) (firma|firmen|unternehmen baut|anbieter|betreiber|institut\w*|company|companies|"
    r"provider|providers|operator|operators|institute|institutes)\b"
)
#: Something being done, not a level: "Which fibre roll-outs are under way?", "Glasfaserausbau in
#: Essen - was lief da?". Weighed with the corpus support, never alone.
ACTIVITY = loose_re(
    r"\b(roll ?outs?|rollouts?|under way|underway|ongoing|in progress|going on|was lief|was lauft|was tut sich|"
    r"was passiert|gebaut|ausgebaut|verlegt|being built|being rolled out|aktuell laufend\w*)\b"
)
#: Asks what happened or is happening, never how much: "Glasfaserausbau in Essen – was lief da?".
HAPPENING = loose_re(
    r"\b(was lief|was lauft|was tut sich|was passiert|was ist (da )?passiert|was wurde (da )?gemacht|"
    r"what happened|what s happening|what is happening|what s going on|what is going on|what was done|"
    r"wie lief (das|es)|wie ist (das|es) gelaufen|how did (it|that) go)\b"
)
EXISTS = loose_re(r"^(und |and )?(gibt es|gibts|gibt s|is there|are there|any|is anyone|is anybody|does anyone|"
                  r"does anybody|hat jemand|macht jemand)\b"
                  # anywhere, with an article: a thing is asked for, not an amount ("..., gibt es da ein
                  # Gründerzentrum?", "is there a hub for founders in Essen?")
                  r"|\b(gibt es|gibts|gibt s) (da |dort |hier )?(ein|eine|einen|so ein\w*)\b|\bis there (a|an)\b")
#: A thing asked for with an article: "Is there a place in Essen where ...", "Gibt es in Hamm eine Strategie
#: ...?". A "where" or "best" in the clause that follows describes the thing; it asks for no ranking.
A_THING = loose_re(r"^(und |and )?(is there|are there|gibt es|gibts|gibt s)( in qmuni| im qkreis)? "
                   r"(a|an|any|ein|eine|einen|so ein\w*)\b")
#: "in other cities", "anderswo", "nur woanders": with a named project, the like of it elsewhere.
ELSEWHERE = loose_re(
    r"\b(woanders|anderswo|anderorts|elsewhere|(any|some|every) ?where else|sonst ?wo|"
    r"andere\w* (stadte\w*|kommunen|gemeinden|orte\w*|kreise\w*)|"
    r"other (cities|towns|places|municipalities|regions|districts)|"
    r"kleiner\w* (stadte\w*|kommunen|gemeinden|orte\w*)|smaller (towns|cities|places|municipalities))\b"
)
#: "noch mehr Ansätze", "weitere ... außer X", "What else resembles X?": alternatives to a named project.
ALTERNATIVE = loose_re(
    r"\b(weitere\w*|noch mehr|mehr davon|ausser|what else|anything else|others?|besides|apart from|resembl\w*|ahnel\w*|"
    r"vergleichbar\w*|ahnlich\w*|similar|comparable|alternativ\w*|andere|anderen|anderer|anderes|sonst so|sonst noch|"
    r"(any|some)one else|(any|some)body else|who else|jemand anders|sonst jemand|noch jemand|irgendwer sonst|"
    r"wer sonst|irgendjemand sonst|wer (hat|macht|baut|plant) (sonst |auch )?noch)\b"
    r"|\b(neben|ausser) (dem |der |den |the )?qproject\b"  # "Neben dem Servicekonto.NRW – was gibt es noch ...?"
)
#: Words of likeness itself: a constraint on the alternatives ("Vergleichbares, aber mit Bundesförderung")
#: then does not turn the question into one about the named project's funding.
LIKENESS = loose_re(r"\b(vergleichbar\w*|ahnlich\w*|ahnel\w*|gleichartig\w*|similar\w*|comparable|resembl\w*|"
                    r"like it|like that|so was wie|sowas wie|so etwas wie)\b")
#: "was davon", "which of these": a follow-up about the projects of the last answer.
OF_THOSE = loose_re(r"\b(davon|was davon|welche davon|of these|of those|of them|from that|from these)\b")
#: Facts only a project has, never the index: funding, sponsors, partners, lead, budget.
PROJECT_FACT = loose_re(
    r"\b(forderung\w*|fordermittel\w*|gefordert|finanzier\w*|zuschuss\w*|budget\w*|partner\w*|trager\w*|"
    r"projekttrager\w*|funding|funded|grants?|subsid\w*|sponsors?|partners?|budget)\b"
)
