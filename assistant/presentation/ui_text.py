"""Every string the web page shows, in German and English, as plain data.

No streamlit import: the strings are tested and reviewed like any other data. `text(key, lang)`
returns the string for the interface language; placeholders use `str.format` fields.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")

#: key -> (German, English)
TEXTS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "page_title": ("Digital-Index Ruhr – Assistent", "Digital-Index Ruhr – Assistant"),
        "title": ("Digital-Index Ruhr", "Digital-Index Ruhr"),
        "intro": (
            "Fragen Sie nach den 53 Kommunen des Ruhrgebiets im Digital-Index Ruhr oder nach "
            "Digitalprojekten, die andere Kommunen übernehmen können. Jede Zahl stammt aus dem "
            "Bewertungsmodul und nennt ihre Quelle.",
            "Ask about the 53 municipalities of the Ruhr area in the Digital-Index Ruhr, or about "
            "digital projects other municipalities can adopt. Every number comes from the scoring "
            "module and names its source.",
        ),
        "examples_heading": ("Zum Beispiel:", "For example:"),
        "chat_placeholder": ("Ihre Frage zum Digital-Index Ruhr …", "Your question about the Digital-Index Ruhr …"),
        "thinking": ("Werkzeuge laufen …", "Running tools …"),
        "done": ("Fertig", "Done"),
        "failed": ("Fehlgeschlagen", "Failed"),
        "synthetic_banner": (
            "Achtung: Die angezeigten Zahlen enthalten synthetische Demonstrationswerte, keine "
            "amtlichen Daten. Sie zeigen, wie der Assistent arbeitet, nicht, wie die Kommunen stehen.",
            "Note: the numbers shown include synthetic demonstration values, not official data. "
            "They show how the assistant works, not how the municipalities stand.",
        ),
        "synthetic_short": (
            "Enthält synthetische Demonstrationswerte.",
            "Includes synthetic demonstration values.",
        ),
        # per answer
        "figures_heading": ("Zahlen", "Figures"),
        "chart_heading": ("Diagramm", "Chart"),
        "map_heading": ("Karte", "Map"),
        "overview_map": (
            "Die 53 Kommunen des Regionalverbands Ruhr im Digital-Index Ruhr",
            "The 53 municipalities of the Regionalverband Ruhr in the Digital-Index Ruhr",
        ),
        "map_attribution": (
            "Kartengrundlage: Land NRW (2022), DVG2, dl-de/zero-2-0; Ortspunkte: © GeoBasis-DE / BKG (2022), "
            "dl-de/by-2-0 (www.govdata.de/dl-de/by-2-0), Daten verändert.",
            "Map data: Land NRW (2022), DVG2, dl-de/zero-2-0; centre points: © GeoBasis-DE / BKG (2022), "
            "dl-de/by-2-0 (www.govdata.de/dl-de/by-2-0), data modified.",
        ),
        "projects_heading": ("Projekte", "Projects"),
        "sources_heading": ("Quellen", "Sources"),
        "notices_heading": ("Hinweise", "Notices"),
        "how_computed": ("Wie wurde das berechnet?", "How was this computed?"),
        "intent_label": ("Erkannte Absicht", "Recognised intent"),
        "no_tool_calls": ("Keine Werkzeugaufrufe.", "No tool calls."),
        "download_csv": ("Zahlen als CSV", "Figures as CSV"),
        "share_link": ("Link zu dieser Frage", "Link to this question"),
        "feedback_thanks": ("Danke für Ihre Rückmeldung.", "Thank you for your feedback."),
        "feedback_failed": (
            "Die Rückmeldung konnte nicht gespeichert werden.",
            "The feedback could not be saved.",
        ),
        "col_municipality": ("Kommune", "Municipality"),
        "col_metric": ("Kennzahl", "Metric"),
        "col_value": ("Wert", "Value"),
        "col_rank": ("Rang", "Rank"),
        "col_year": ("Jahr", "Year"),
        "col_provenance": ("Herkunft", "Provenance"),
        "col_source": ("Quelle", "Source"),
        "col_link": ("Link", "Link"),
        "col_verified": ("Geprüft", "Verified"),
        "claim_verified": ("ja, im Text belegt", "yes, stated in the answer"),
        "claim_not_in_text": ("nicht im Text genannt", "not stated in the answer"),
        "claim_forged": ("nein, Kennung passt nicht zum Wert", "no, the claim id does not match the value"),
        "claim_unchecked": ("nicht prüfbar", "cannot be checked"),
        "col_change": ("Veränderung", "Change"),
        "col_default_rank": ("Rang (Standard)", "Rank (default)"),
        "col_index": ("Index", "Index"),
        "col_area": ("Bereich", "Area"),
        "col_score": ("Punktzahl", "Score"),
        "rank_of": ("{rank} von {of}", "{rank} of {of}"),
        "rank_word": ("Platz", "rank"),
        "chart_summary": (
            "Balkendiagramm {title}: {bars}. Gestrichelte Linie: {reference}.",
            "Bar chart {title}: {bars}. Dashed line: {reference}.",
        ),
        "chart_alt": ("Balkendiagramm {title}", "Bar chart {title}"),
        "map_summary": (
            "Karte der 53 Kommunen des Ruhrgebiets; farbig hervorgehoben: {names}.",
            "Map of the 53 municipalities of the Ruhr area; highlighted in colour: {names}.",
        ),
        "map_alt": ("Karte des Ruhrgebiets", "Map of the Ruhr area"),
        "ruhr_average": ("Ruhrgebiet = 100", "Ruhr average = 100"),
        "ruhr_mean": ("Ruhrgebiet-Mittelwert {value}", "Ruhr mean {value}"),
        "above": ("über Durchschnitt", "above average"),
        "below": ("unter Durchschnitt", "below average"),
        "highlighted": ("in der Antwort", "in the answer"),
        "other": ("weitere Kommunen", "other municipalities"),
        "computed": ("berechnet (Bewertungsmodul)", "computed (scoring module)"),
        "provenance_official": ("amtlich", "official"),
        "provenance_public": ("öffentlich", "public"),
        "provenance_synthetic": ("synthetisch", "synthetic"),
        "score_unit": ("Index (Ruhr = 100)", "index (Ruhr = 100)"),
        "project_municipalities": ("Kommunen", "Municipalities"),
        "project_region": ("Region (Ruhrgebiet)", "Region (Ruhr area)"),
        "project_status": ("Status", "Status"),
        "project_reusable": ("Übertragbar", "Reusable"),
        "project_funding": ("Förderung", "Funding"),
        "project_relevance": ("Relevanz", "Relevance"),
        "status_planned": ("geplant", "planned"),
        "status_running": ("laufend", "running"),
        "status_completed": ("abgeschlossen", "completed"),
        "status_ongoing": ("dauerhaft", "ongoing"),
        "status_unknown": ("unbekannt", "unknown"),
        "error_answer": (
            "Diese Frage konnte nicht beantwortet werden: {reason}",
            "This question could not be answered: {reason}",
        ),
        "error_generic": (
            "Beim Beantworten ist ein interner Fehler aufgetreten. Bitte formulieren Sie die Frage "
            "anders oder versuchen Sie es später erneut.",
            "An internal error occurred while answering. Please rephrase the question or try again later.",
        ),
        "error_render": (
            "Ein Teil dieser Antwort konnte nicht angezeigt werden.",
            "Part of this answer could not be displayed.",
        ),
        "error_startup": (
            "Der Assistent konnte nicht starten: {reason}",
            "The assistant could not start: {reason}",
        ),
        "sign_in_needed": ("Bitte melden Sie sich an, um den Assistenten zu nutzen.",
                           "Please sign in to use the assistant."),
        "sign_in": ("Anmelden", "Sign in"),
        "sign_out": ("Abmelden", "Sign out"),
        # sidebar
        "language": ("Sprache / Language", "Sprache / Language"),
        "new_conversation": ("Neues Gespräch", "New conversation"),
        "about_heading": ("Was hier antwortet", "What is answering"),
        "backend_offline": (
            "Offline-Planer (deterministisch, ohne Sprachmodell)",
            "Offline planner (deterministic, no language model)",
        ),
        "backend_llm": (
            "Sprachmodell {name} (Zahlen geprüft gegen die Werkzeugergebnisse)",
            "Language model {name} (numbers checked against the tool results)",
        ),
        "backend_fallback": (
            "Offline-Planer; das Sprachmodell {name} ist nicht verfügbar: {reason}",
            "Offline planner; the language model {name} is not available: {reason}",
        ),
        "answered_by": ("Beantwortet von", "Answered by"),
        "project_why": ("Warum", "Why"),
        "store_embedded": ("Projektindex: Chroma eingebettet", "Project index: Chroma embedded"),
        "store_server": ("Projektindex: Chroma-Server {host}", "Project index: Chroma server {host}"),
        "store_missing": (
            "Projektindex nicht verfügbar: {reason} Zahlenfragen funktionieren weiter. "
            "Reparatur: `{repair}`.",
            "Project index unavailable: {reason} Numeric questions still work. "
            "Repair: `{repair}`.",
        ),
        "store_ready": ("{count} Projekte im Index", "{count} projects in the index"),
        "data_counts": ("Datenherkunft der Werte", "Provenance of the values"),
        "data_status_heading": ("Datenstand", "Data status"),
        "data_status_intro": (
            "Wie viele Werte je Kennzahl amtlich, öffentlich oder synthetisch sind, aus welchen Jahren und "
            "Quellen; darunter die Quellen mit Titel.",
            "How many values per indicator are official, public or synthetic, from which years and sources; "
            "below, the sources with their titles.",
        ),
        "data_status_indicator": ("Kennzahl", "Indicator"),
        "data_status_years": ("Jahre", "Years"),
        "data_status_sources": ("Quellen", "Sources"),
        "data_status_total": ("Summe", "Total"),
        "data_status_source": ("Quelle", "Source"),
        "data_status_title": ("Titel", "Title"),
        "data_status_values": ("Werte", "Values"),
        "explorer_heading": ("Kommunen-Explorer", "Municipality explorer"),
        "explorer_pick": ("Kommune", "Municipality"),
        "explorer_overall": (
            "Digital-Index gesamt: {value} (Rang {rank})", "Digital Index overall: {value} (rank {rank})",
        ),
        "explorer_kreis": ("Kreis: {kreis}", "Kreis: {kreis}"),
        "explorer_kreisfrei": ("kreisfreie Stadt", "independent city (kreisfrei)"),
        "explorer_group_mean": ("Ø {group}", "Ø {group}"),
        "explorer_strengths": ("Stärken", "Strengths"),
        "explorer_weaknesses": ("Schwächen", "Weaknesses"),
        "explorer_none": ("keine", "none"),
        "explorer_projects": ("Übertragbare Projekte", "Reusable projects"),
        "explorer_no_projects": ("Keine passenden Projekte gefunden.", "No matching projects found."),
        "whatif_heading": ("Was wäre, wenn …", "What if …"),
        "whatif_intro": (
            "Gewichte der vier Bereiche ändern; die Rangliste zeigt die Veränderung gegenüber der "
            "Standardgewichtung.",
            "Change the weights of the four areas; the ranking shows the change against the default weights.",
        ),
        "whatif_reset": ("Standardgewichte", "Default weights"),
        # accessibility statement and Leichte Sprache (pages/)
        "statement_title": ("Erklärung zur Barrierefreiheit", "Accessibility statement"),
        "plain_title": ("Leichte Sprache", "Easy-to-read (Leichte Sprache)"),
        "barrier_message": ("Welche Barriere ist Ihnen begegnet?", "Which barrier did you meet?"),
        "barrier_contact": ("Kontakt für eine Antwort (freiwillig)", "Contact for a reply (optional)"),
        "barrier_send": ("Meldung senden", "Send report"),
        "barrier_thanks": ("Danke. Ihre Meldung ist gespeichert.", "Thank you. Your report has been saved."),
        "barrier_empty": ("Bitte beschreiben Sie die Barriere.", "Please describe the barrier."),
        "back_to_chat": ("Zurück zum Chat", "Back to the chat"),
        "kreisfreie_staedte": ("kreisfreie Städte", "independent cities"),
    }
)

#: Example questions for a first visit, per language.
EXAMPLES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "de": (
            "Wie schneidet Hagen bei Glasfaser ab?",
            "Vergleiche Bochum, Dortmund und Essen beim Digital-Index",
            "Top 5 im Kreis Unna bei der Infrastruktur",
            "Welche Projekte zur Luftqualität könnte Herne übernehmen?",
        ),
        "en": (
            "How does Hagen do on fibre?",
            "Compare Bochum, Dortmund and Essen on the Digital Index",
            "Which municipalities are above the Ruhr average?",
            "Which air-quality projects could Herne adopt?",
        ),
    }
)


def text(key: str, lang: Lang, **fields: object) -> str:
    """The string for `key` in `lang`, with `fields` filled in; a missing key raises KeyError."""
    de, en = TEXTS[key]
    template = de if lang == "de" else en
    return template.format(**fields) if fields else template


def language_from_locale(locale: str | None, default: Lang = "de") -> Lang:
    """'en-US' -> 'en', 'de-DE' -> 'de'; any other or missing locale gives `default`."""
    if not locale:
        return default
    primary = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    if primary == "en":
        return "en"
    if primary == "de":
        return "de"
    return default


def as_lang(value: object, default: Lang = "de") -> Lang:
    """A language code from untrusted input (query parameter, reply field)."""
    if value == "en":
        return "en"
    if value == "de":
        return "de"
    return default
