"""The topic vocabulary of the project corpus: ids, display labels, and the README parser.

Why separate from assistant.projects.corpus: topics are used well beyond validation (tool schemas list
them, chunks are embedded with their labels, suggestions explain themselves with them), and
those users should not need the corpus parser. corpus/README.md is authoritative (DESIGN 3.3);
the built-in labels are the fallback and enrich indexed text so that "Breitband" finds `broadband`.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType

README = "README.md"

#: Fallback vocabulary and display labels (German, English). corpus/README.md is authoritative
#: (DESIGN 3.3); these labels enrich the indexed text so that "Breitband" finds `broadband`.
TOPIC_LABELS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "broadband": ("Breitband, Glasfaser, Gigabit", "broadband, fibre, gigabit"),
        "mobile": ("Mobilfunk, 5G, WLAN, LoRaWAN", "mobile network, 5G, Wi-Fi, LoRaWAN"),
        "mobility": ("Mobilität, Verkehr, ÖPNV, Parken", "mobility, transport, parking"),
        "energy": ("Energie, Energieeffizienz", "energy, energy efficiency"),
        "climate": ("Klimaschutz, Klimaanpassung", "climate protection, climate adaptation"),
        "environment_sensors": ("Umweltsensorik, Luftqualität", "environmental sensors, air quality"),
        "data_platform": ("Datenplattform, Dashboard", "data platform, dashboard"),
        "open_data": ("Offene Daten, Open Data", "open data"),
        "administration": ("Digitale Verwaltung, Online-Dienste", "digital administration, e-government"),
        "participation": ("Bürgerbeteiligung", "citizen participation"),
        "economy": ("Wirtschaft, Wirtschaftsförderung", "economy, business"),
        "startups": ("Gründungen, Start-ups", "startups"),
        "research": ("Forschung, Hochschulen", "research, universities"),
        "education": ("Bildung, Schulen", "education, schools"),
        "health": ("Gesundheit, Pflege", "health, care"),
        "tourism": ("Tourismus, Kultur", "tourism, culture"),
        "urban_development": ("Stadtentwicklung, Smart City", "urban development, smart city"),
        "it_services": ("Kommunale IT-Dienste", "municipal IT services"),
        "cooperation": ("Interkommunale Zusammenarbeit, Netzwerk", "cooperation, network"),
        "security": ("Sicherheit, IT-Sicherheit, Datenschutz", "security, IT security, data protection"),
    }
)
TOPICS: tuple[str, ...] = tuple(TOPIC_LABELS)


def topic_label(topic: str, lang: str = "de") -> str:
    """Display label of a topic id; unknown ids (added in README only) show as themselves."""
    labels = TOPIC_LABELS.get(topic)
    if labels is None:
        return topic.replace("_", " ")
    return labels[0] if lang == "de" else labels[1]


_TOPIC_HEADING = re.compile(r"^#{1,6}\s.*(topic|themen|vokabular|vocabulary)", re.IGNORECASE)
_TOPIC_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.|\|)\s*`([a-z][a-z0-9_]*)`")


def parse_topic_vocabulary(readme_text: str) -> tuple[str, ...]:
    """Topic ids listed in README's topic section: list items or table rows starting with `id`.

    Only the first section whose heading mentions topics/Themen/vocabulary is read, so ids quoted
    elsewhere in the README (examples, field names) do not become topics by accident.
    """
    topics: list[str] = []
    in_section = False
    section_level = 0
    for line in readme_text.splitlines():
        heading = re.match(r"^(#{1,6})\s", line)
        if heading:
            level = len(heading.group(1))
            if in_section and level <= section_level:
                break
            if not in_section and _TOPIC_HEADING.match(line):
                in_section, section_level = True, level
            continue
        if in_section:
            match = _TOPIC_ITEM.match(line)
            if match and match.group(1) not in topics:
                topics.append(match.group(1))
    return tuple(topics)


def topic_vocabulary(corpus_dir: Path) -> tuple[str, ...]:
    """The vocabulary from corpus/README.md, or the built-in one when there is no parseable README."""
    readme = Path(corpus_dir) / README
    if readme.is_file():
        parsed = parse_topic_vocabulary(readme.read_text(encoding="utf-8"))
        if parsed:
            return parsed
    return TOPICS
