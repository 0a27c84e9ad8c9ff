"""Word lists for entity recognition: places outside the region, Kreis spellings, groups, town
names that are also ordinary words, and the context words that decide between the two readings.

Data, not logic (see `assistant.understanding.entities`). Keys are compared after `names.fold_loose`, so
spellings with and without umlauts need no separate entries.
"""

from __future__ import annotations

from typing import Final

from assistant.understanding.intents import words

#: Outside places that contain the whole Ruhr: "in NRW" names where a service works (Servicekonto.NRW),
#: not a place the index should have covered.
CONTAINING_PLACES: Final = frozenset({"Nordrhein-Westfalen", "Deutschland"})
#: Well-known places that are not among the 53, with their spellings. Value of a Mention: the first form.
OUTSIDE_PLACES: Final[dict[str, tuple[str, ...]]] = {
    name.split("|")[0]: tuple(name.split("|"))
    for name in (
        "Köln|Cologne|Koeln", "Düsseldorf|Duesseldorf|Dusseldorf", "Münster|Muenster|Munster", "Berlin",
        "München|Munich|Muenchen", "Hamburg", "Bonn", "Aachen", "Krefeld", "Wuppertal", "Solingen", "Remscheid",
        "Leverkusen", "Neuss", "Mönchengladbach|Moenchengladbach|Gladbach", "Bielefeld", "Paderborn", "Stuttgart",
        "Frankfurt|Frankfurt am Main", "Hannover|Hanover", "Bremen", "Dresden", "Leipzig", "Nürnberg|Nuremberg",
        "Kassel", "Osnabrück", "Mainz", "Wiesbaden", "Karlsruhe", "Mannheim", "Freiburg", "Heidelberg", "Kiel",
        "Rostock", "Magdeburg", "Erfurt", "Potsdam", "Saarbrücken", "Siegen", "Iserlohn", "Lüdenscheid",
        "Arnsberg", "Soest", "Lippstadt", "Ahlen", "Warendorf", "Coesfeld", "Dülmen", "Borken", "Bocholt", "Kleve",
        "Velbert", "Ratingen", "Mettmann", "Hilden", "Viersen", "Dormagen", "Gütersloh", "Herford", "Minden",
        "Detmold", "Werl", "Menden", "Hemer", "Sundern", "Wien|Vienna", "Paris", "London", "Amsterdam",
        "Rotterdam", "Zürich|Zurich", "Bayern|Bavaria", "Sachsen|Saxony", "Hessen|Hesse", "Niedersachsen",
        "Baden-Württemberg", "Nordrhein-Westfalen|NRW|North Rhine-Westphalia", "Deutschland|Germany",
        "Rheinland|Rhineland", "Münsterland", "Sauerland", "Ostwestfalen|OWL", "Siegerland", "Bergisches Land",
        "Kreis Mettmann", "Kreis Soest", "Märkischer Kreis", "Kreis Borken", "Kreis Kleve", "Kreis Coesfeld",
        "Rhein-Kreis Neuss", "Hochsauerlandkreis", "Kreis Viersen", "Kreis Heinsberg", "Kreis Warendorf",
    )
}

_KREIS_BASES: Final = {
    "Ennepe-Ruhr-Kreis": ("Ennepe-Ruhr", "EN", "Ennepe Ruhr"),
    "Kreis Recklinghausen": ("Recklinghausen", "RE", "Vest"),
    "Kreis Unna": ("Unna", "UN"),
    "Kreis Wesel": ("Wesel", "WES"),
}


def kreis_forms(kreis: str) -> tuple[str, ...]:
    """Ways people write a Kreis: "Kreis Unna", "Kreises Wesel", "Unna district", "EN-Kreis", "Kreis RE"."""
    forms = [kreis]
    for base in _KREIS_BASES.get(kreis, ()):
        forms += [f"Kreis {base}", f"Kreises {base}", f"Landkreis {base}", f"{base}-Kreis", f"{base}-Kreises",
                  f"{base} district", f"district of {base}", f"district {base}", f"{base} county", f"county of {base}"]
    if kreis == "Ennepe-Ruhr-Kreis":
        forms += ["Ennepe-Ruhr", "Ennepe Ruhr Kreis", "Enneperuhrkreis"]
    if kreis == "Kreis Recklinghausen":
        forms += ["Vest Recklinghausen"]
    return tuple(forms)


#: Group filters: kreisfreie Städte (True) and kreisangehörige Kommunen (False).
GROUP_FORMS: Final[dict[str, str]] = {
    **dict.fromkeys(
        ("kreisfreie", "kreisfreien", "kreisfreier", "kreisfrei", "kreisfreie Städte", "kreisfreien Städte",
         "kreisfreien Städten", "independent cities", "independent towns", "urban districts", "county-free cities",
         "district-free cities", "kreisfreie Großstädte"),
        "kreisfrei",
    ),
    **dict.fromkeys(
        ("kreisangehörige", "kreisangehörigen", "kreisangehöriger", "kreisangehörige Städte",
         "kreisangehörigen Städte", "kreisangehörigen Städten", "kreisangehörige Gemeinden",
         "kreisangehörigen Gemeinden", "kreisangehörige Kommunen", "kreisangehörigen Kommunen",
         "district municipalities", "district towns", "towns within the districts"),
        "kreisangehoerig",
    ),
}

#: Adjective forms that are unambiguous ("Essener Projekte", "Dortmunder Glasfaser").
ADJECTIVE_FORMS: Final[dict[str, str]] = {
    "Essener": "Essen", "Dortmunder": "Dortmund", "Bochumer": "Bochum", "Duisburger": "Duisburg",
    "Hagener": "Hagen", "Herner": "Herne", "Gelsenkirchener": "Gelsenkirchen", "Oberhausener": "Oberhausen",
    "Mülheimer": "Mülheim", "Bottroper": "Bottrop", "Recklinghäuser": "Recklinghausen", "Wittener": "Witten",
    "Moerser": "Moers", "Weseler": "Wesel", "Hattinger": "Hattingen", "Gladbecker": "Gladbeck",
    "Dorstener": "Dorsten", "Dinslakener": "Dinslaken", "Lüner": "Lünen", "Unnaer": "Unna", "Marler": "Marl",
    "Hertener": "Herten", "Bergkamener": "Bergkamen", "Schwelmer": "Schwelm", "Gevelsberger": "Gevelsberg",
    "Ennepetaler": "Ennepetal", "Herdecker": "Herdecke", "Waltroper": "Waltrop", "Dattelner": "Datteln",
    "Xantener": "Xanten", "Hamminkelner": "Hamminkeln", "Kamener": "Kamen", "Holzwickeder": "Holzwickede",
    "Bönener": "Bönen", "Rheinberger": "Rheinberg", "Hünxer": "Hünxe", "Sprockhöveler": "Sprockhövel",
}

#: Town names that are also common words. Strong: need a capital letter and a supporting context.
AMBIGUOUS_STRONG: Final = frozenset({"wetter", "datteln"})
#: Weak: a capital letter or a supporting context is enough (and no article in front).
AMBIGUOUS_WEAK: Final = frozenset({"essen", "alpen", "kamen", "munster", "siegen"})

#: A word right before the name that makes it an ordinary noun ("das Wetter", "zum Essen", "die Alpen").
NEGATIVE_BEFORE: Final = words(
    """
    das dem des der die den ein einem eines einen zum beim vom gutes gute schones schone schlechtes leckeres
    leckere warmes kaltes heutige heutigen morgige morgigen mein meine unser unsere kein keine the a an our my
    good bad nice sie wir ihr
    """
)
#: A word right after the name that makes it an ordinary word ("Essen gehen", "Wetter morgen").
NEGATIVE_AFTER: Final = words(
    """
    gehen kochen bestellen machen lecker morgen heute wird wurde war ist's bericht vorhersage forecast today
    tomorrow schon sie wir
    """
)
#: A word right before the name that supports the town reading ("in Wetter", "aus Essen", "und Kamen").
POSITIVE_BEFORE: Final = words(
    """
    in aus nach fur von und oder vs versus gegen mit zwischen stadt kommune gemeinde town city municipality of
    from and or for about vergleiche compare ist steht schneidet liegt hat does is
    """
)
#: Words that make a question about the index, so an ambiguous name is read as a town.
DOMAIN_CUES: Final = words(
    """
    index digitalindex platz rang ranking profil durchschnitt vergleich vergleiche kommune kommunen stadt
    schneidet abschneiden steht kennzahl kennzahlen wert werte projekte projekt score rank average compare
    profile projects municipality ahnlich ahnliche peers indikator indikatoren indicator indicators digital
    """
)

#: Extra metric phrasings beyond ids, names and synonyms (loosely folded before use).
EXTRA_METRIC_FORMS: Final[dict[str, str]] = {
    "Digital-Index Ruhr": "overall", "Digitalindex Ruhr": "overall", "Gesamtwert": "overall",
    "Gesamtscore": "overall", "Gesamtranking": "overall", "Gesamtrang": "overall", "Gesamtplatzierung": "overall",
    "Gesamtbewertung": "overall", "Indexwert": "overall", "overall score": "overall", "index score": "overall",
    "Digitalisierungsgrad": "overall", "Digitalisierungsstand": "overall", "Digitalisierungsindex": "overall",
    "Digitalisierung": "overall", "digitalisation": "overall", "digitalization": "overall",
    "Wissenschaft": "forschung", "Innovation": "forschung", "Arbeitsmarkt": "beschaeftigung",
    "Fachkräfte": "beschaeftigung", "Arbeitsplätze": "beschaeftigung", "Beschäftigte": "beschaeftigung",
    "jobs": "beschaeftigung", "labour market": "beschaeftigung", "workforce": "beschaeftigung",
    "Wirtschaft": "unternehmen", "Firmen": "unternehmen", "Betriebe": "unternehmen", "businesses": "unternehmen",
    "firms": "unternehmen", "economy": "unternehmen", "Netzausbau": "infrastruktur", "Netze": "infrastruktur",
    "connectivity": "infrastruktur", "digitale Infrastruktur": "infrastruktur",
    "Glasfaserabdeckung": "fibre_households", "Glasfaser-Abdeckung": "fibre_households",
    "5G-Netzabdeckung": "mobile_5g", "Mobilfunkempfang": "mobile_5g", "Handyempfang": "mobile_5g",
    # colloquial: "schnelles Internet" is the wired infrastructure; "im Haushalt"/"at home" refines it
    # to fibre households (MetricFinder.refine)
    "Internet": "infrastruktur", "Internetgeschwindigkeit": "infrastruktur", "Internetanschluss": "infrastruktur",
    "IT-Leute": "it_employees", "IT Leute": "it_employees", "IT people": "it_employees", "IT-Fachleute": "it_employees",
}

#: Frequent words of length >= 5 that must never be read as a misspelt town or metric.
COMMON_WORDS: Final = words(
    """
    werte werten werden werner wesen wetten gerne herde hagel essig mitten witze kamera kammer kommen kamine
    bonus boden bochen dorten dorthin dortige herren hertz herzen sehen selbst selber seltsam unnatig unten alle
    allen alpha alter alternativ essay esser haltung halten hallo hamburger marke marken markt morgen mehrere
    moeglich bitte danke hilfe frage fragen antwort antworten kommune kommunen gemeinde gemeinden stadte staedte
    stadt region regionen ruhrgebiet kreise kreis kreisen daten zahlen zahl werte wertung liste listen platz
    platze rang range ranking profil profile vergleich vergleiche vergleichen ahnlich ahnliche durchschnitt
    projekte projekten schnitt warum wieso weshalb welche welcher welches welchen besten beste schlechteste
    schwachsten starksten hochste niedrigste letzten ersten unter ueber uber zwischen gegen gegenuber insgesamt
    gesamt wirklich eigentlich genau bereich bereiche sachen thema themen jahre jahren heute gestern morgen
    immer wieder schon welchem wohin woher dabei damit darum deshalb trotzdem ungefahr better worse where which
    while whose would could should there these those their other others about above below under after before
    every thing things people place places score scores value values cities towns municipality municipalities
    district districts county counties average ranking ranked similar compare compared explain reason reasons
    profile overview projects project research please thanks hello sensor sensoren luftqualitat open daten
    plattform verwaltung mobilitat energie klima smart initiative initiativen gutes schones wetter weather essen
    alpen kamen datteln westen osten norden suden mitte schule schulen bildung tourismus gesundheit sicherheit
    kultur sport hotel hotels meister fussball zeige zeigen nenne nennen liste sortiert sortieren ubernehmen
    lernen anderen andere anderer german germans deutsche deutschen deutscher english englisch schwerter sonst
    hangen hangt hangte
    sonstwo sonstige sonstigen woanders anderswo elsewhere anywhere somewhere
    """
)
