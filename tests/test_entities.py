"""Entity recognition: names, aliases, inflections, Kreise, outside places, ambiguous town names, metrics."""

from __future__ import annotations

from functools import cache

import pytest

from assistant.index.digital_index import DigitalIndex
from assistant.understanding.entities import EntityFinder
from assistant.understanding.entity_tokens import tokenize
from tests.conftest import SHIPPED_DATA, make_registry


@cache
def shipped_index() -> DigitalIndex:
    """The shipped index_data, loaded once for all entity and planner tests."""
    return DigitalIndex.load(SHIPPED_DATA)


@pytest.fixture(scope="module")
def finder() -> EntityFinder:
    index = shipped_index()
    return EntityFinder(index.registry, index.metric_forms, index.resolver)


def municipalities(finder: EntityFinder, text: str) -> list[str]:
    return [p.name for p in finder.find(text).municipalities]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wie schneidet Hagen bei Glasfaser ab?", ["Hagen"]),
        ("hagen", ["Hagen"]),
        ("Hagens Glasfaserquote", ["Hagen"]),
        ("Bochums Start-ups", ["Bochum"]),
        ("Muelheim", ["Mülheim an der Ruhr"]),
        ("Mulheim an der Ruhr", ["Mülheim an der Ruhr"]),
        ("Mülheim a.d. Ruhr", ["Mülheim an der Ruhr"]),
        ("Haltern am See und Kamp Lintfort", ["Haltern am See", "Kamp-Lintfort"]),
        ("Kamp-Lintfort", ["Kamp-Lintfort"]),
        ("Oer-Erkenschwick", ["Oer-Erkenschwick"]),
        ("Fröndenberg", ["Fröndenberg/Ruhr"]),
        ("Hunxe", ["Hünxe"]),
        ("Essener Projekte", ["Essen"]),
        ("Dortmunder Glasfaser", ["Dortmund"]),
        ("in Bochum", ["Bochum"]),
        ("Gelsenkirchn", ["Gelsenkirchen"]),
        ("Mühlheim", ["Mülheim an der Ruhr"]),
        ("Vergleiche Bochum, Essen und Dortmund", ["Bochum", "Essen", "Dortmund"]),
        ("05914000", ["Hagen"]),
        ("Wetter (Ruhr) bei 5G", ["Wetter (Ruhr)"]),
        ("Wie steht Wetter bei Glasfaser da?", ["Wetter (Ruhr)"]),
        ("Glasfaser in Wetter", ["Wetter (Ruhr)"]),
        ("Wie steht Alpen da?", ["Alpen"]),
        ("Kamen bei 5G", ["Kamen"]),
        ("vergleiche essen und wesel", ["Essen", "Wesel"]),
    ],
)
def test_finds_municipalities(finder: EntityFinder, text: str, expected: list[str]) -> None:
    assert municipalities(finder, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Wie ist das Wetter?",
        "wetter morgen",
        "Was essen wir heute?",
        "zum Essen gehen",
        "Urlaub in den Alpen",
        "Sie kamen spät",
        "Welche Werte gibt es?",
        "Werner hat gefragt",
        "Die Schwerter sind scharf",
        "Wie ist das Wetter an der Ruhr?",
        "Gerne!",
    ],
)
def test_common_words_are_not_towns(finder: EntityFinder, text: str) -> None:
    assert municipalities(finder, text) == []


def test_weather_question_with_a_real_town_keeps_only_the_town(finder: EntityFinder) -> None:
    assert municipalities(finder, "Wie ist das Wetter in Bochum?") == ["Bochum"]


@pytest.mark.parametrize(
    ("text", "kreis"),
    [
        ("im Kreis Wesel", "Kreis Wesel"),
        ("Ennepe-Ruhr-Kreis", "Ennepe-Ruhr-Kreis"),
        ("EN-Kreis", "Ennepe-Ruhr-Kreis"),
        ("Kreis RE", "Kreis Recklinghausen"),
        ("Kreis Recklinghausen", "Kreis Recklinghausen"),
        ("des Kreises Unna", "Kreis Unna"),
        ("the Unna district", "Kreis Unna"),
    ],
)
def test_kreise_beat_their_towns(finder: EntityFinder, text: str, kreis: str) -> None:
    found = finder.find(text)
    assert [p.value for p in found.of_kind("kreis")] == [kreis]
    assert found.municipalities == []


def test_town_wesel_is_not_the_kreis(finder: EntityFinder) -> None:
    found = finder.find("Wie steht Wesel da?")
    assert [p.name for p in found.municipalities] == ["Wesel"]
    assert found.of_kind("kreis") == []


@pytest.mark.parametrize(
    ("text", "group"),
    [("die kreisfreien Städte", "kreisfrei"), ("kreisangehörige Gemeinden", "kreisangehoerig"),
     ("independent cities", "kreisfrei")],
)
def test_groups(finder: EntityFinder, text: str, group: str) -> None:
    assert [p.value for p in finder.find(text).of_kind("group")] == [group]


@pytest.mark.parametrize(
    ("text", "place"),
    [("Köln", "Köln"), ("Koeln", "Köln"), ("Cologne", "Köln"), ("Düsseldorf", "Düsseldorf"), ("Münster", "Münster"),
     ("Munich", "München"), ("Kreis Mettmann", "Kreis Mettmann")],
)
def test_outside_places(finder: EntityFinder, text: str, place: str) -> None:
    found = finder.find(f"Wie steht {text} da?")
    assert [p.value for p in found.of_kind("outside")] == [place]
    assert found.municipalities == []


def test_the_minster_is_no_outside_place(finder: EntityFinder) -> None:
    assert finder.find("Wir besuchen das Münster").of_kind("outside") == []


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("Glasfaserquote", "fibre_households"),
        ("Glasfaserquoten", "fibre_households"),
        ("bei Glasfaser", "fibre_households"),
        ("Breitbandausbau", "fibre_households"),
        ("5G-Abdeckung", "mobile_5g"),
        ("Mobilfunkausbau", "mobile_5g"),
        ("KI-Stellenanzeigen", "ai_job_ads"),
        ("IT-Beschäftigten", "it_employees"),
        ("KI-affiner Unternehmen", "ai_companies"),
        ("Unternehmensgründungen", "digital_startups"),
        ("research", "forschung"),
        ("Forschung", "forschung"),
        ("insgesamt", "overall"),
        ("Digital-Index", "overall"),
        ("overall", "overall"),
        ("gigabit_business", "gigabit_business"),
        ("fibre_households", "fibre_households"),
        ("Glasfasr", "fibre_households"),
    ],
)
def test_metrics(finder: EntityFinder, text: str, metric: str) -> None:
    assert [m.metric for m in finder.find(text).metrics] == [metric]


def test_informatik_is_not_read_as_informatiker(finder: EntityFinder) -> None:
    """A different word, not a typo: left to the similarity fallback."""
    assert finder.find("Leute die Informatik studiert haben").metrics == ()


def test_spans_point_into_the_original_text(finder: EntityFinder) -> None:
    text = "Wie schneidet Mülheim an der Ruhr bei der 5G-Abdeckung ab?"
    found = finder.find(text)
    place, metric = found.places[0], found.metrics[0]
    assert text[place.start : place.end] == "Mülheim an der Ruhr" == place.text
    assert text[metric.start : metric.end] == "5G-Abdeckung" == metric.text


def test_fuzzy_matches_are_flagged(finder: EntityFinder) -> None:
    place = finder.find("Wie steht Bochm da?").places[0]
    assert place.fuzzy
    assert place.name == "Bochum"
    assert not finder.find("Wie steht Bochum da?").places[0].fuzzy


def test_near_miss_below_the_threshold_gives_suggestions(finder: EntityFinder) -> None:
    found = finder.find("Wie schneidet Recklnhsn ab?")
    assert found.municipalities == []
    assert "Recklinghausen" in found.near_misses[0].suggestions


def test_short_tokens_are_never_fuzzy(finder: EntityFinder) -> None:
    assert municipalities(finder, "Esen") == []


def test_tokenize_folds_case_and_umlauts() -> None:
    assert [t.key for t in tokenize("Über Mülheim-Kärlich")] == ["uber", "mulheim", "karlich"]


def test_works_on_a_tiny_registry() -> None:
    registry = make_registry(["Aheim", "Bdorf"])
    finder = EntityFinder(registry, {"glasfaser": "fibre_households"})
    found = finder.find("Aheim bei Glasfaser")
    assert [p.name for p in found.municipalities] == ["Aheim"]
    assert [m.metric for m in found.metrics] == ["fibre_households"]
