"""Every sentence pattern of the template answers, in German and English, as plain data.

Kept apart from the composition logic so that wording can be reviewed and changed without
touching code. Placeholders are `str.format` fields; numbers are always inserted already
formatted (German: "23,4 %", English: "23.4 %") by assistant.answers.compose.
"""

from __future__ import annotations

from types import MappingProxyType

#: key -> (German, English)
PHRASES: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        # values and positions
        "value_indicator": (
            "**{name}** hat bei **{metric}** einen Wert von **{value}** ({year}) und liegt damit auf **{rank}**.",
            "**{name}** has a value of **{value}** for **{metric}** ({year}), which puts it at **{rank}**.",
        ),
        "value_score": (
            "**{name}** erreicht bei **{metric}** **{value}** (Ruhr-Durchschnitt = 100, Datenstand {year}) "
            "und liegt damit auf **{rank}**.",
            "**{name}** scores **{value}** on **{metric}** (Ruhr average = 100, data year {year}), "
            "which puts it at **{rank}**.",
        ),
        "position": (
            "**{name}** liegt bei **{metric}** auf **{rank}** mit **{value}** (Ruhr-Durchschnitt = 100, "
            "Datenstand {year}).",
            "**{name}** is at **{rank}** on **{metric}** with **{value}** (Ruhr average = 100, data year {year}).",
        ),
        "rank": ("Platz {rank} von {of}", "rank {rank} of {of}"),
        "points": ("{value} Punkte", "{value} points"),
        "points_dative": ("{value} Punkten", "{value} points"),
        "ruhr_average": ("Der Ruhr-Durchschnitt liegt bei {value}", "The Ruhr average is {value}"),
        "group_average": ("der Durchschnitt {group} bei {value}", "the average {group} is {value}"),
        "group_average_alone": ("Der Durchschnitt {group} liegt bei {value}", "The average {group} is {value}"),
        "group_kreisfrei": ("der kreisfreien Städte", "of the independent cities (kreisfreie Städte)"),
        "group_kreis": ("im {kreis}", "in {kreis}"),
        "above": ("{name} liegt damit über dem Ruhr-Durchschnitt.", "{name} is therefore above the Ruhr average."),
        "below": ("{name} liegt damit unter dem Ruhr-Durchschnitt.", "{name} is therefore below the Ruhr average."),
        "equal": ("{name} liegt damit genau im Ruhr-Durchschnitt.", "{name} is therefore exactly at the Ruhr average."),
        "lower_better": ("(Bei diesem Indikator ist ein niedrigerer Wert besser.)",
                         "(For this indicator, lower is better.)"),
        "internal_error": (
            "Entschuldigung, bei dieser Frage ist ein interner Fehler aufgetreten; er wurde protokolliert. "
            "Bitte formulieren Sie die Frage anders, z. B. „Wie schneidet Hagen bei Glasfaser ab?“.",
            "Sorry, an internal error occurred with this question; it has been logged. "
            "Please rephrase it, e.g. \"How does Hagen do on fibre?\"."),
        "similar_line": ("Strukturell ähnliche Kommunen: {items}.", "Structurally similar municipalities: {items}."),
        "similar_item": ("{name} {value} ({rank})", "{name} {value} ({rank})"),
        # comparison
        "compare_head": ("Vergleich bei **{metric}**:", "Comparison on **{metric}**:"),
        "compare_line": ("- **{name}**: {value} ({rank}, {year})", "- **{name}**: {value} ({rank}, {year})"),
        "compare_lead": ("Vorn liegt **{name}**.", "**{name}** is ahead."),
        "compare_tie": ("Beide liegen gleichauf.", "They are level."),
        # rankings
        "rank_top": ("Die besten {n} bei **{metric}**{scope}:", "The top {n} on **{metric}**{scope}:"),
        "rank_bottom": ("Die schwächsten {n} bei **{metric}**{scope}:", "The bottom {n} on **{metric}**{scope}:"),
        "rank_leader": ("Spitzenreiter bei **{metric}**{scope} ist **{name}** mit {value} ({rank}).",
                        "The leader on **{metric}**{scope} is **{name}** with {value} ({rank})."),
        "rank_last": ("Schlusslicht bei **{metric}**{scope} ist **{name}** mit {value} ({rank}).",
                      "Last on **{metric}**{scope} is **{name}** with {value} ({rank})."),
        "rank_line": ("{pos}. **{name}** – {value} ({rank})", "{pos}. **{name}** – {value} ({rank})"),
        "scope_kreis": (" im {kreis}", " in {kreis}"),
        "scope_kreisfrei": (" unter den kreisfreien Städten", " among the kreisfreie Städte (independent cities)"),
        "scope_kreisangehoerig": (" unter den kreisangehörigen Kommunen", " among the towns within a Kreis"),
        "scope_population": (" bei Kommunen mit {low} bis unter {high} Einwohnern",
                             " among municipalities with {low} to under {high} inhabitants"),
        "scope_population_min": (" bei Kommunen ab {low} Einwohnern",
                                 " among municipalities with {low} inhabitants or more"),
        "rank_note": ("Die Plätze beziehen sich auf alle {of} Kommunen.", "Ranks are among all {of} municipalities."),
        "rank_empty": ("Keine Kommune erfüllt diese Auswahl.", "No municipality matches this selection."),
        "threshold_head": ("Bei **{metric}** liegen {count} von {scope} Kommunen{where} {bound}:",
                           "{count} of {scope} municipalities{where} are {bound} on **{metric}**:"),
        "threshold_none": ("Bei **{metric}** liegt keine der {scope} Kommunen{where} {bound}.",
                           "None of the {scope} municipalities{where} is {bound} on **{metric}**."),
        "bound_above": ("über {value}", "above {value}"),
        "bound_below": ("unter {value}", "below {value}"),
        "bound_and": (" und ", " and "),
        "above_count": ("Über dem Ruhr-Durchschnitt liegen {count} von {members} Kommunen{scope}.",
                        "{count} of {members} municipalities{scope} are above the Ruhr average."),
        # profile
        "profile_head": (
            "**{name}** ({kind}): Digital-Index **{value}**, **{rank}** (Ruhr-Durchschnitt = 100, Datenstand {year}).",
            "**{name}** ({kind}): Digital-Index **{value}**, **{rank}** (Ruhr average = 100, data year {year}).",
        ),
        "kind_kreisfrei": ("kreisfreie Stadt", "independent city"),
        "kind_kreis": ("{kreis}", "{kreis}"),
        "areas": ("Teilbereiche: {items}.", "Areas: {items}."),
        "strengths": ("Stärken: {items}.", "Strengths: {items}."),
        "weaknesses": ("Schwächen: {items}.", "Weaknesses: {items}."),
        # explanation
        "explain_head": (
            "**{name}** liegt im Digital-Index bei **{value}**, also {diff} Punkte {direction} dem "
            "Ruhr-Durchschnitt (100). So tragen die Bereiche dazu bei:",
            "**{name}** has a Digital-Index of **{value}**, {diff} points {direction} the Ruhr average (100). "
            "This is how the areas contribute:",
        ),
        "dir_above": ("über", "above"),
        "dir_below": ("unter", "below"),
        "explain_area": ("- {metric}: {value} ({rank}) – {effect}", "- {metric}: {value} ({rank}) – {effect}"),
        "pull_up": ("hebt den Index um {points} Punkte", "adds {points} points to the index"),
        "pull_down": ("senkt den Index um {points} Punkte", "takes {points} points off the index"),
        "pull_none": ("ohne Einfluss", "no effect"),
        "explain_up": ("Am stärksten nach oben ziehen: {items}.", "Pulling up most: {items}."),
        "explain_down": ("Am stärksten nach unten ziehen: {items}.", "Pulling down most: {items}."),
        # peers
        "peers_head": (
            "Kommunen, die **{name}** strukturell ähneln (Kreisfreiheit, Einwohnerzahl, Dichte); {name} selbst: "
            "{population} Einwohner, {density} Einwohner je km², Digital-Index {value} ({rank}):",
            "Municipalities structurally similar to **{name}** (independent city or not, population, density); "
            "{name} itself: {population} inhabitants, {density} inhabitants per km², Digital-Index {value} ({rank}):",
        ),
        "peer_line": (
            "- **{name}** ({kind}): {population} Einwohner, {density} je km², Digital-Index {value} ({rank})",
            "- **{name}** ({kind}): {population} inhabitants, {density} per km², Digital-Index {value} ({rank})",
        ),
        # what-if
        "whatif_head": ("Mit geänderter Gewichtung ({weights}):", "With changed weights ({weights}):"),
        "whatif_weight": ("{name} Gewicht {weight} statt {default}", "{name} weight {weight} instead of {default}"),
        "whatif_own": (
            "**{name}** käme auf {value} Punkte und **Platz {rank}** statt Platz {default_rank} ({change}).",
            "**{name}** would score {value} and be at **rank {rank}** instead of rank {default_rank} ({change}).",
        ),
        "whatif_value_head": (
            "Angenommen, **{name}** hätte bei {metric} {new} statt {old}{how}:",
            "Suppose **{name}** had {new} instead of {old} on {metric}{how}:",
        ),
        "whatif_value_factor": (" (das {factor}-Fache)", " ({factor} times today's value)"),
        "whatif_value_capped": (" (höchstens 100 %; das {factor}-Fache wäre mehr)",
                                " (at most 100 %; {factor} times would be more)"),
        "whatif_value_result": (
            "Dann käme {name} im Digital-Index auf {new_score} statt {old_score} Punkte und auf **Platz {new_rank}** "
            "statt Platz {old_rank} von {count} ({change}); bei {metric} selbst auf Platz {metric_rank} statt "
            "{metric_old_rank}.",
            "{name} would then score {new_score} instead of {old_score} on the Digital-Index and be at **rank "
            "{new_rank}** instead of rank {old_rank} of {count} ({change}); on {metric} itself at rank {metric_rank} "
            "instead of {metric_old_rank}.",
        ),
        "whatif_value_note": (
            "Nur eine Rechnung mit dem geänderten Wert und den üblichen Gewichten; die anderen Kommunen und die "
            "gespeicherten Daten bleiben unverändert.",
            "Only a calculation with the changed value and the default weights; the other municipalities and the "
            "stored data stay unchanged.",
        ),
        "moved_up": ("{n} Plätze besser", "up {n} places"),
        "moved_up_one": ("einen Platz besser", "up one place"),
        "moved_down": ("{n} Plätze schlechter", "down {n} places"),
        "moved_down_one": ("einen Platz schlechter", "down one place"),
        "unchanged": ("unverändert", "unchanged"),
        "whatif_top": ("Neue Spitze: {items}.", "New top: {items}."),
        "whatif_up": ("Größte Aufsteiger: {items}.", "Biggest climbers: {items}."),
        "whatif_down": ("Größte Absteiger: {items}.", "Biggest fallers: {items}."),
        "whatif_note": ("Nur eine Rechnung mit anderen Gewichten; die gespeicherten Daten bleiben unverändert.",
                        "A calculation with other weights only; the stored data stays unchanged."),
        # method, indicators, findings
        "indicators_head": ("Der Digital-Index Ruhr misst {count} Indikatoren{area}:",
                            "The Digital-Index Ruhr measures {count} indicators{area}:"),
        "indicators_area": (" im Bereich {area}", " in the area {area}"),
        "indicator_line": ("- **{name}** ({unit}){status}: {description}",
                           "- **{name}** ({unit}){status}: {description}"),
        "assumed": (" – Annahme, nicht veröffentlicht", " – assumption, not published"),
        "findings_head": ("Veröffentlichte Befunde zum Digital-Index Ruhr:",
                          "Published findings on the Digital-Index Ruhr:"),
        "finding_line": ("- {statement} (Quelle: {source})", "- {statement} (source: {source})"),
        # projects
        "projects_head": ("Projekte zu „{query}“{where}:", "Projects on “{query}”{where}:"),
        "projects_where": (" in {place}", " in {place}"),
        "projects_where_kreis": (" im {place}", " in {place}"),  # "im Kreis Unna", "im Ennepe-Ruhr-Kreis"
        "projects_learn_any": ("Projekte{where}, von denen sich lernen lässt (mit dem, was übertragbar ist):",
                               "Projects{where} to learn from (with what is reusable):"),
        "projects_learn_head": ("Projekte{where} zu „{query}“, von denen sich lernen lässt (mit dem, was "
                                "übertragbar ist):", "Projects{where} on “{query}” to learn from (with what is "
                                "reusable):"),
        "projects_regionwide": ("Regionsweite Projekte dazu, die auch {place} offenstehen:",
                                "Region-wide projects on it that are open to {place} as well:"),
        "projects_none": ("Dazu habe ich im Projektkorpus nichts gefunden{where}.",
                          "I found no matching project in the corpus{where}."),
        "project_line": ("{pos}. **{title}** ({where}) – Status: {status}",
                         "{pos}. **{title}** ({where}) – status: {status}"),
        "project_region": ("regionweit", "region-wide"),
        "project_reusable": ("   Übertragbar: „{text}“", "   Reusable (German source text): “{text}”"),
        "project_funding": ("   Förderung: {text}", "   Funding: {text}"),
        "project_budget": ("   Budget: {value} €", "   Budget: €{value}"),
        "project_link": ("   Link: {url}", "   Link: {url}"),
        "project_unverified": ("   (nur vage belegt, nicht verifiziert)", "   (only vaguely sourced, not verified)"),
        "reusable_head": (
            "Die schwächsten Indikatoren von **{name}**: {items}. Projekte anderer Kommunen, die dort ansetzen:",
            "The weakest indicators of **{name}**: {items}. Projects from other municipalities that address them:",
        ),
        "reusable_query_head": (
            "Projekte anderer Kommunen zu „{query}“, die **{name}** übernehmen könnte:",
            "Projects on “{query}” from other municipalities that **{name}** could adopt:",
        ),
        "reusable_none": ("Passende Projekte anderer Kommunen habe ich nicht gefunden.",
                          "I found no matching projects from other municipalities."),
        "project_member": ("**{name}** gehört zu den Kommunen dieses Projekts.",
                           "**{name}** is among the municipalities of this project."),
        "project_kreis_member": (
            "Das Projekt gilt für den {kreis}, zu dem **{name}** gehört; namentlich genannt sind nur die "
            "Kommunen unten.",
            "The project covers the {kreis}, to which **{name}** belongs; only the municipalities below are named.",
        ),
        "project_region_member": ("Das Projekt gilt für die ganze Region, also auch für **{name}**.",
                                  "The project covers the whole region, **{name}** included."),
        "project_not_member": ("**{name}** wird bei diesem Projekt nicht als beteiligte Kommune genannt.",
                               "**{name}** is not named among the municipalities of this project."),
        "project_info_head": ("**{title}** ({where}) – Status: {status}", "**{title}** ({where}) – status: {status}"),
        "project_lead": ("   Federführung: {text}", "   Lead: {text}"),
        "project_partners": ("   Partner: {text}", "   Partners: {text}"),
        "project_topics": ("   Themen: {text}", "   Topics: {text}"),
        "project_about": ("   Kurzbeschreibung: „{text}“", "   Summary (German source text): “{text}”"),
        "learn_head": (
            "Wo **{name}** schwächer ist als **{teacher}**: {items}.",
            "Where **{name}** is weaker than **{teacher}**: {items}.",
        ),
        "learn_none": ("**{name}** liegt bei keinem seiner schwachen Indikatoren hinter **{teacher}**.",
                       "**{name}** trails **{teacher}** on none of its weak indicators."),
        "learn_projects": ("Projekte aus {teacher}, die {name} übernehmen könnte:",
                           "Projects from {teacher} that {name} could adopt:"),
        "similar_head": ("Projekte ähnlich wie **{title}**{where}:", "Projects similar to **{title}**{where}:"),
        "similar_class": (" für {label}", " for {label}"),
        "similar_elsewhere": ("Ähnliche Projekte anderswo:", "Similar projects elsewhere:"),
        "similar_widened": ("{where} gibt es kein Projekt wie **{title}**; ähnliche Projekte anderswo:",
                            "{place} has no project like **{title}**; similar projects elsewhere:"),
        # unknowns, help, refusals, errors
        "outside_region": (
            "**{name}** gehört nicht zu den {count} Kommunen des Ruhrgebiets, die der Digital-Index Ruhr abdeckt "
            "(Gebiet des Regionalverbands Ruhr). Zu {name} habe ich deshalb keine Werte.",
            "**{name}** is not one of the {count} Ruhr municipalities covered by the Digital-Index Ruhr "
            "(the Regionalverband Ruhr area), so I have no values for {name}.",
        ),
        "unknown_municipality": ("Eine Kommune „{name}“ kenne ich im Digital-Index Ruhr nicht.",
                                 "I don't know a municipality “{name}” in the Digital-Index Ruhr."),
        "did_you_mean": ("Meinten Sie: {items}?", "Did you mean: {items}?"),
        "coverage": (
            "Der Index umfasst die {count} Kommunen des Ruhrgebiets, etwa {examples}.",
            "The index covers the {count} municipalities of the Ruhr area, e.g. {examples}.",
        ),
        "unknown_metric": ("Einen Indikator „{name}“ gibt es im Digital-Index Ruhr nicht.",
                           "The Digital-Index Ruhr has no indicator “{name}”."),
        "available_metrics": ("Verfügbar sind {count} Indikatoren in {areas} Bereichen: {items}.",
                              "Available are {count} indicators in {areas} areas: {items}."),
        "help": (
            "Ich beantworte Fragen zum Digital-Index Ruhr der {count} Kommunen des Ruhrgebiets und finde "
            "Digitalprojekte aus der Region. Zum Beispiel:\n"
            "- Wie schneidet Hagen bei Glasfaser ab?\n- Vergleiche Bochum und Dortmund bei der Forschung.\n"
            "- Zeig die besten Kommunen im Kreis Unna.\n- Warum liegt Herne unter dem Durchschnitt?\n"
            "- Welche Kommunen sind Gelsenkirchen ähnlich?\n- Was wäre, wenn Infrastruktur doppelt zählt?\n"
            "- Welche Luftqualitätsprojekte könnte Herne übernehmen?\n- Wie wird der Index berechnet?",
            "I answer questions about the Digital-Index Ruhr for the {count} municipalities of the Ruhr area and "
            "find digital projects from the region. For example:\n"
            "- How does Hagen do on fibre?\n- Compare Bochum and Dortmund on research.\n"
            "- Show the best municipalities in Kreis Unna.\n- Why is Herne below the average?\n"
            "- Which municipalities are similar to Gelsenkirchen?\n- What if infrastructure counted double?\n"
            "- Which air-quality projects could Herne adopt?\n- How is the index calculated?",
        ),
        "out_of_scope": (
            "Dabei kann ich nicht helfen: Ich beantworte nur Fragen zum Digital-Index Ruhr und zu Digitalprojekten "
            "im Ruhrgebiet. Daten ändern, Regeln aufheben oder andere Aufgaben übernehmen kann ich nicht.",
            "I can't help with that: I only answer questions about the Digital-Index Ruhr and digital projects in "
            "the Ruhr area. I cannot change data, drop my rules or take on other tasks.",
        ),
        "tool_error": ("Das konnte ich nicht beantworten: {error}", "I could not answer that: {error}"),
        # German: the reason by kind (the error text is English); English: the error text itself
        "projects_unavailable": ("Die Projektsuche ist gerade nicht verfügbar: {reason}{repair}",
                                 "Project search is not available right now: {error}"),
        "projects_repair": (" Abhilfe: `{command}` ausführen.", " Repair: run `{command}`."),
        "unavailable_missing": ("Es wurde noch kein Projektindex gebaut.", "No index has been built yet."),
        "unavailable_empty": ("Der Projektindex ist leer.", "The index is empty."),
        "unavailable_embedder": ("Der Projektindex wurde mit einem anderen Einbettungsmodell gebaut als dem "
                                 "eingestellten.", "The index was built with another embedding model."),
        "unavailable_server": ("Der Chroma-Server (CHROMA_HOST) antwortet nicht.",
                               "The Chroma server (CHROMA_HOST) does not answer."),
        "unavailable_busy": ("Der Projektindex ist von einem anderen Prozess gesperrt und wurde nicht rechtzeitig "
                             "frei.", "The index is locked by another process."),
        "unavailable_damaged": ("Die Dateien des Projektindex sind beschädigt.", "The index files are damaged."),
        "unavailable_unconfigured": ("In diesem Assistenten ist keine Projektsuche eingerichtet.",
                                     "Project search is not configured in this assistant."),
        "unavailable_failed": ("Die Projektsuche ist unerwartet fehlgeschlagen (Einzelheiten stehen im "
                               "Serverprotokoll).", "The project search failed unexpectedly."),
        "empty": ("Bitte stellen Sie eine Frage zum Digital-Index Ruhr oder zu Digitalprojekten im Ruhrgebiet.",
                  "Please ask a question about the Digital-Index Ruhr or digital projects in the Ruhr area."),
        "too_long": (
            "Die Frage ist zu lang ({length} Zeichen; höchstens {limit}). Bitte stellen Sie eine kürzere Frage.",
            "The question is too long ({length} characters; at most {limit}). Please ask a shorter question.",
        ),
        # footer
        "source_line": ("Quelle: {items}", "Source: {items}"),
        "more_sources": ("und weitere", "and others"),
        "synthetic": (
            "Hinweis: Diese Werte sind synthetische Demonstrationswerte, keine amtlichen Zahlen.",
            "Note: these values are synthetic demonstration values, not official figures.",
        ),
        "partly_synthetic": (
            "Hinweis: Ein Teil dieser Werte sind synthetische Demonstrationswerte, keine amtlichen Zahlen.",
            "Note: some of these values are synthetic demonstration values, not official figures.",
        ),
    }
)

STATUS_LABELS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "planned": ("geplant", "planned"), "running": ("laufend", "running"),
        "completed": ("abgeschlossen", "completed"), "ongoing": ("dauerhaft", "ongoing"),
        "unknown": ("unbekannt", "unknown"),
    }
)

METHOD_TEXT: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "overview": (
            "Der Digital-Index Ruhr bewertet {municipalities} Kommunen mit {indicators} Indikatoren in {areas} "
            "Bereichen (Forschung, Beschäftigung, Unternehmen, Infrastruktur; je {per_area} Indikatoren). "
            "{scores} {weights} {average}",
            "The Digital-Index Ruhr rates {municipalities} municipalities with {indicators} indicators in {areas} "
            "areas (research, employment, companies, infrastructure; {per_area} indicators each). "
            "{scores} {weights} {average}",
        ),
        "scores": (
            "Jeder Indikatorwert wird am Ruhr-Durchschnitt gemessen: Score = 100 × Wert ÷ Durchschnitt "
            "(bei Indikatoren, bei denen weniger besser ist, umgekehrt), höchstens {cap}.",
            "Each indicator value is measured against the Ruhr average: score = 100 × value ÷ average "
            "(inverted where lower is better), capped at {cap}.",
        ),
        "weights": (
            "Ein Bereich ist der gewichtete Mittelwert seiner Indikator-Scores, der Gesamtindex der gewichtete "
            "Mittelwert der Bereiche; derzeit zählen alle Bereiche {area_weights}.",
            "An area is the weighted mean of its indicator scores, the overall index the weighted mean of the "
            "areas; currently the areas count {area_weights}.",
        ),
        "average": (
            "100 ist der Ruhr-Durchschnitt: Werte über 100 liegen über dem Durchschnitt.",
            "100 is the Ruhr average: values above 100 are above average.",
        ),
        "ranks": (
            "Plätze: 1 ist der beste; Gleichstände teilen sich den besseren Platz (1, 2, 2, 4). Indikatoren werden "
            "nach ihrem Wert, Bereiche und der Gesamtindex nach ihrem Score gereiht.",
            "Ranks: 1 is best; ties share the better rank (1, 2, 2, 4). Indicators are ranked by their value, "
            "areas and the overall index by their score.",
        ),
        "provenance": (
            "Von {values} Werten sind {official} amtlich, {public} öffentlich belegt und {synthetic} synthetische "
            "Demonstrationswerte. Die offizielle Methode der Studie ist nicht veröffentlicht; diese Methode ist "
            "unsere dokumentierte Annahme.",
            "Of {values} values, {official} are official, {public} are published figures and {synthetic} are "
            "synthetic demonstration values. The study's official method is not public; this method is our "
            "documented assumption.",
        ),
        "peers": (
            "Ähnliche Kommunen werden nach Kreisfreiheit, Einwohnerzahl und Bevölkerungsdichte bestimmt "
            "(Abstand der standardisierten Logarithmen).",
            "Similar municipalities are found by independent-city status, population and population density "
            "(distance of the standardised logarithms).",
        ),
    }
)
