"""The accessibility statement (Erklärung zur Barrierefreiheit, BITV NRW § 4) and the explanation
in Leichte Sprache, as Markdown per language, plus the record a barrier report leaves in the
feedback log (the electronic feedback route of BITV NRW § 5).

The pages in pages/ only render these texts and the form. The known gaps are one list here, so
the page and docs/accessibility.md name the same ones; each Streamlit gap links its upstream issue.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from assistant.presentation.ui_text import Lang

#: The body to turn to when a report to the operator brings no satisfactory answer (BGG NRW
#: §§ 10d, 10e; BITV NRW §§ 9 ff.), and the monitoring body at IT.NRW.
OMBUDS_NAME = "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen"
OMBUDS_SEAT = "bei der Beauftragten der Landesregierung für die Belange der Menschen mit Behinderung"
OMBUDS_URL = "https://www.lbbp.nrw.de/ombudsstelle"
OMBUDS_INFO_URL = "https://www.mags.nrw/ombudsstelle-barrierefreie-informationstechnik"
MONITORING_NAME = "Überwachungsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen"
MONITORING_URL = "https://www.it.nrw/informationstechnik/digitale-verwaltung/ueberwachungsstelle-fuer-barrierefreiheit-nrw"

#: (German, English, upstream issue or "") – what is not yet accessible, and why.
KNOWN_GAPS: tuple[tuple[str, str, str], ...] = (
    ("Die Seite meldet ihre Sprache erst, wenn sie geladen ist: Streamlit liefert `<html lang=\"en\">` "
     "aus, die App setzt die Sprache danach per Skript. Ohne JavaScript bleibt „en“.",
     "The page declares its language only once it has loaded: Streamlit serves `<html lang=\"en\">`, the "
     "app sets the language afterwards by script. Without JavaScript it stays \"en\".",
     "https://github.com/streamlit/streamlit/issues/15726"),
    ("Diagramme und Karte sind Grafiken (Vega-Lite) und nicht per Tastatur erkundbar. Jede Grafik hat "
     "eine Textfassung davor, die Zahlen stehen vollständig in der Tabelle.",
     "Charts and the map are graphics (Vega-Lite) and cannot be explored by keyboard. Each has a text "
     "version before it; the table holds every number.",
     "https://github.com/streamlit/streamlit/issues/8563"),
    ("In der Tabelle ist das Spaltenmenü (drei Punkte) nicht per Tastatur erreichbar; die Tabelle selbst "
     "und der CSV-Download sind es.",
     "The table's column menu (three dots) cannot be reached by keyboard; the table itself and the CSV "
     "download can.",
     "https://github.com/streamlit/streamlit/issues/13332"),
    ("Streamlit belegt einzelne Tasten mit Befehlen (z. B. „c“ außerhalb von Eingabefeldern); sie lassen "
     "sich in der App nicht abschalten (WCAG 2.1.4).",
     "Streamlit binds single keys to commands (e.g. \"c\" outside input fields); the app cannot switch "
     "them off (WCAG 2.1.4).",
     "https://github.com/streamlit/streamlit/issues/16954"),
    ("Streamlits eigene Bedienelemente sind englisch beschriftet, auch auf der deutschen Seite "
     "(z. B. „Skip to main content“, „Download as CSV“, „Fullscreen“ an Tabelle, Diagramm und Karte).",
     "Streamlit's own controls are labelled in English, also on the German page (e.g. \"Skip to main "
     "content\", \"Download as CSV\", \"Fullscreen\" on table, chart and map).",
     "https://github.com/streamlit/streamlit/issues/1353"),
    ("Eine Erklärung in Deutscher Gebärdensprache fehlt noch.",
     "An explanation in German Sign Language is still missing.", ""),
    ("Geprüft wurde automatisch (axe-core, WCAG 2.1 A/AA) und mit der Tastatur; ein vollständiger "
     "BITV-Test durch Fachleute steht aus.",
     "Checked automatically (axe-core, WCAG 2.1 A/AA) and by keyboard; a full BITV test by experts is "
     "still to be done.", ""),
)


def _gaps(lang: Lang) -> str:
    lines = []
    for de, en, issue in KNOWN_GAPS:
        line = f"- {de if lang == 'de' else en}"
        if issue:
            line += f" ([{'Streamlit-Fehlerbericht' if lang == 'de' else 'Streamlit issue'}]({issue}))"
        lines.append(line)
    return "\n".join(lines)


def statement_markdown(lang: Lang) -> str:
    """The accessibility statement: scope, conformance status, known gaps, feedback, enforcement."""
    if lang == "de":
        return f"""Diese Erklärung gilt für den Web-Chat des Digital-Index-Ruhr-Assistenten. Öffentliche
Stellen in Nordrhein-Westfalen müssen ihre Websites nach dem Behindertengleichstellungsgesetz NRW und
der Barrierefreie-Informationstechnik-Verordnung NRW (BITV NRW) barrierefrei gestalten; Maßstab ist
die Norm EN 301 549, also WCAG 2.1 Stufe AA.

### Stand der Vereinbarkeit

Der Web-Chat ist **teilweise barrierefrei**. Die automatische Prüfung mit axe-core findet nach dem
Laden und nach einer Antwort mit Tabelle, Diagramm und Karte keinen schwerwiegenden oder kritischen
Verstoß gegen WCAG 2.1 A/AA; Frage, Antwort, Tabelle, Rechenweg, CSV-Download und Bewertung sind mit
der Tastatur erreichbar. Die folgenden Inhalte sind noch nicht barrierefrei:

{_gaps(lang)}

### Barriere melden

Wenn Sie auf eine Barriere stoßen, schreiben Sie uns mit dem Formular unten. Ihre Meldung wird im
Rückmeldungsprotokoll dieses Dienstes gespeichert; eine Kontaktangabe ist freiwillig.

### Ombudsverfahren

Wenn Sie auf Ihre Meldung keine zufriedenstellende Antwort erhalten, können Sie sich an die
**{OMBUDS_NAME}** wenden ({OMBUDS_SEAT}). Informationen und Antragsformular: {OMBUDS_URL}
(siehe auch {OMBUDS_INFO_URL}). Die Einhaltung der Anforderungen überwacht die
**{MONITORING_NAME}** bei IT.NRW: {MONITORING_URL}
"""
    return f"""This statement covers the web chat of the Digital-Index Ruhr assistant. Public bodies in
North Rhine-Westphalia must make their websites accessible under the state's disability equality act
(BGG NRW) and its accessible-IT regulation (BITV NRW); the yardstick is EN 301 549, i.e. WCAG 2.1 level AA.

### Compliance status

The web chat is **partially compliant**. Automated checks with axe-core find no serious or critical
WCAG 2.1 A/AA violation after loading and after an answer with table, chart and map; question, answer,
table, calculation details, CSV download and rating can be reached by keyboard. Not yet accessible:

{_gaps(lang)}

### Report a barrier

If you meet a barrier, tell us with the form below. Your report is stored in this service's feedback
log; contact details are optional.

### Enforcement

If your report does not get a satisfactory answer, you can turn to the **{OMBUDS_NAME}** (the
ombuds office for accessible IT of North Rhine-Westphalia, {OMBUDS_SEAT}). Information and application
form: {OMBUDS_URL} (see also {OMBUDS_INFO_URL}). Compliance is monitored by the **{MONITORING_NAME}**
at IT.NRW: {MONITORING_URL}
"""


def plain_language_markdown(lang: Lang) -> str:
    """What the assistant does, in Leichte Sprache (short sentences, one idea each, no jargon)."""
    if lang == "de":
        return """Das ist der **Digital-Index-Ruhr-Assistent**.

Im Ruhr-Gebiet gibt es 53 Städte und Gemeinden.
Der Digital-Index zeigt:
Wie digital ist eine Stadt?

Zum Beispiel:

- Wie viele Häuser haben schnelles Internet?
- Wie viele Menschen arbeiten mit Computern?

Sie können dem Assistenten eine Frage schreiben.
Zum Beispiel: **Wie schneidet Hagen bei Glasfaser ab?**

Der Assistent antwortet.
Er zeigt Zahlen in einer Tabelle.
Er zeigt auch ein Bild mit Balken und eine Karte.

Die Zahlen kommen aus einer Rechnung.
Der Assistent erfindet keine Zahlen.

Manche Zahlen sind nur Beispiel-Zahlen.
Dann steht dort: **synthetisch**.

Sie können auch fragen:
Welche Projekte gibt es in einer Stadt?

Haben Sie ein Problem mit dieser Seite?
Dann schreiben Sie uns.
Das geht auf der Seite **Erklärung zur Barrierefreiheit**.
"""
    return """This is the **Digital-Index Ruhr assistant**.

The Ruhr area has 53 towns and cities.
The Digital Index shows:
How digital is a town?

For example:

- How many homes have fast internet?
- How many people work with computers?

You can write a question to the assistant.
For example: **How does Hagen do on fibre?**

The assistant answers.
It shows numbers in a table.
It also shows a picture with bars and a map.

The numbers come from a calculation.
The assistant does not make up numbers.

Some numbers are only example numbers.
Then it says: **synthetic**.

You can also ask:
Which projects are there in a town?

Do you have a problem with this page?
Then write to us.
You can do that on the page **Accessibility statement**.
"""


def barrier_report_record(*, message: str, contact: str, language: str, page: str,
                          when: datetime | None = None) -> dict[str, Any]:
    """One line of feedback.jsonl for a reported barrier (`kind` tells it from an answer rating)."""
    return {
        "time": (when or datetime.now(UTC)).isoformat(timespec="seconds"),
        "kind": "accessibility",
        "message": message.strip()[:4000],
        "contact": contact.strip()[:200],
        "language": language,
        "page": page,
    }
