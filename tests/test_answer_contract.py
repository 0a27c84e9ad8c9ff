"""Answer contract (DESIGN 3.4) through the chat engine: figures back every number an answer shows and
only what it names; one-item rankings read as a sentence; German answers carry no English text."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.answers.answer_writer import fmt
from assistant.answers.chat import CLAIM_KEYS, CONTRACT_KEYS, Assistant, Engine
from assistant.index.analysis import what_if
from assistant.index.digital_index import DigitalIndex
from assistant.index.registry import OVERALL
from assistant.projects.store_health import IndexUnavailableError
from tests.chat_support import FakeProjects, project
from tests.test_entities import shipped_index

FIGURE_KEYS = {"ags", "municipality", "metric", "value", "score", "rank", "of", "unit", "year", "provenance", "source"}


@pytest.fixture(scope="module")
def index() -> DigitalIndex:
    return shipped_index()


def ask(index: DigitalIndex, question: str, projects: Any = None) -> dict[str, Any]:
    engine = Engine(index=index, projects=projects or FakeProjects(hits=[project("luft-hub")]))
    payload = Assistant(engine).ask(question).to_dict()
    assert list(payload) == [*CONTRACT_KEYS, *CLAIM_KEYS]
    for figure in payload["figures"]:
        assert set(figure) >= FIGURE_KEYS
    return payload


def test_a_what_if_answer_has_a_figure_for_every_municipality_it_shows(index: DigitalIndex) -> None:
    payload = ask(index, "Was wäre, wenn Infrastruktur doppelt zählt?")
    assert payload["intent"] == "what_if"
    scenario = what_if(index.data.values, index.registry, index.table, {"infrastruktur": 2.0}, {})
    rows = {str(r["ags"]): r for r in scenario.rows}
    figures = payload["figures"]
    assert len(figures) >= 5
    answer = payload["answer"]
    for f in figures:
        row = rows[f["ags"]]
        assert f["metric"] == OVERALL
        assert f["value"] == pytest.approx(float(row["overall"]))  # type: ignore[arg-type]
        assert f["rank"] == row["rank"]
        assert f["default_rank"] == row["default_rank"]
        assert f["rank_change"] == row["change"]
        assert f["default_value"] == pytest.approx(float(index.table.overall[f["ags"]]))
        assert f["scenario"] == {"area_weights": {"infrastruktur": 2.0}, "indicator_weights": {}}
        assert f["municipality"] in answer
    # the five leaders as the answer lists them, each number from its figure
    for f in sorted(figures, key=lambda f: int(f["rank"]))[:5]:
        assert f"{f['rank']}. {f['municipality']} ({fmt(f['value'], 'de', 1)})" in answer
    named = {str(r["municipality"]) for r in scenario.rows if str(r["municipality"]) in answer}
    assert named <= {f["municipality"] for f in figures}


def test_a_what_if_answer_for_one_municipality_puts_it_first(index: DigitalIndex) -> None:
    payload = ask(index, "Was wäre für Hagen, wenn Forschung dreifach zählt?")
    assert payload["intent"] == "what_if"
    first = payload["figures"][0]
    assert first["municipality"] == "Hagen"
    assert f"Platz {first['rank']}" in payload["answer"] or f"Rang {first['rank']}" in payload["answer"]


def test_above_the_average_carries_figures_only_for_the_municipalities_it_names(index: DigitalIndex) -> None:
    payload = ask(index, "Welche Kommunen liegen über dem Ruhr-Durchschnitt?")
    assert payload["intent"] == "above_below"
    above = [ags for ags, score in index.table.overall.items() if float(score) > 100.0]
    assert 0 < len(above) < 53
    assert sorted(f["ags"] for f in payload["figures"]) == sorted(above)
    listed = payload["answer"].split("Kommunen.", 1)[1].split("\n", 1)[0]
    assert [name.strip(" .") for name in listed.split(",")] == [f["municipality"] for f in payload["figures"]]


@pytest.mark.parametrize(("question", "start", "order"), [
    ("Die besten 1 bei Glasfaser", "Spitzenreiter bei **Glasfaser-Haushalte** ist **{name}** mit ", "top"),
    ("the top 1 on fibre", "The leader on **Fibre households** is **{name}** with ", "top"),
    ("Die schwächsten 1 bei Glasfaser", "Schlusslicht bei **Glasfaser-Haushalte** ist **{name}** mit ", "bottom"),
])
def test_a_one_item_ranking_reads_as_a_sentence(index: DigitalIndex, question: str, start: str, order: str) -> None:
    payload = ask(index, question)
    assert payload["intent"] == "rank"
    assert payload["tool_calls"][0]["args"]["n"] == 1
    ranks = index.table.metric_ranks("fibre_households")
    wanted = ranks.idxmin() if order == "top" else ranks.idxmax()
    assert [f["ags"] for f in payload["figures"]] == [wanted]
    name = index.registry.municipality(str(wanted)).name
    assert payload["answer"].startswith(start.format(name=name)), payload["answer"]
    assert "1. **" not in payload["answer"]


#: English words of the former notices and error texts; none may appear in a German answer.
ENGLISH = re.compile(r"\b(the|is|not|available|repair|run|failed|cannot|damaged|built|yet|locked|index has|"
                     r"unexpectedly|server log|does not answer|embedding model)\b", re.I)


def german_prose(answer: str) -> str:
    """The answer without commands in backticks and without the source line (titles are names)."""
    lines = [line for line in answer.splitlines() if not line.startswith("_Quelle")]
    return re.sub(r"`[^`]*`", "", "\n".join(lines))


@pytest.mark.parametrize("error", [
    IndexUnavailableError("the index cannot be read (its files are damaged).", kind="damaged"),
    IndexUnavailableError("no index has been built yet.", kind="missing"),
    IndexUnavailableError("the index is locked by another process.", kind="busy", repair="assistant doctor"),
    IndexUnavailableError("the Chroma server (CHROMA_HOST) does not answer.", kind="server",
                          repair="chroma run --path DIR --host 127.0.0.1 --port PORT"),
    IndexUnavailableError("the index was built with embedder 'x'.", kind="embedder"),
    IndexUnavailableError("the index is empty.", kind="empty"),
    RuntimeError("sqlite3.DatabaseError: file is not a database"),
])
@pytest.mark.parametrize("question", ["Welche Projekte gibt es zu Luftqualität?", "Was kann Herne von anderen lernen?"])
def test_a_german_answer_about_an_unavailable_project_index_is_german(
        index: DigitalIndex, error: Exception, question: str) -> None:
    payload = ask(index, question, FakeProjects(error=error))
    assert payload["language"] == "de"
    assert "Die Projektsuche ist gerade nicht verfügbar" in payload["answer"]
    assert ENGLISH.findall(german_prose(payload["answer"])) == []
    assert not [n for n in payload["notices"] if ENGLISH.search(n)]
    if isinstance(error, IndexUnavailableError):
        assert f"Abhilfe: `{error.repair}` ausführen." in payload["answer"]


def test_the_english_answer_keeps_the_english_reason(index: DigitalIndex) -> None:
    error = IndexUnavailableError("no index has been built yet.", kind="missing")
    payload = ask(index, "Which projects are there on air quality?", FakeProjects(error=error))
    assert payload["language"] == "en"
    assert "Project search is not available right now: The project index is not available: no index has been " \
           "built yet. Repair: run `assistant index build --rebuild`." in payload["answer"]


@pytest.mark.parametrize("question", [
    "Wie schneidet Hagen bei Glasfaser ab?", "Top 5 bei 5G im Kreis Unna", "Welche Kommunen liegen über dem "
    "Ruhr-Durchschnitt?", "Was wäre, wenn Infrastruktur doppelt zählt?", "Warum liegt Herne so weit hinten?",
    "Welche Indikatoren gibt es?", "Wie wird der Index berechnet?", "Welche Projekte gibt es zu Luftqualität?",
    "Kommunen wie Bottrop", "Was kannst du?",
])
def test_german_answers_of_many_intents_carry_no_english_notice(index: DigitalIndex, question: str) -> None:
    payload = ask(index, question)
    assert payload["language"] == "de"
    assert ENGLISH.findall(german_prose(payload["answer"])) == [], payload["answer"]
    assert [n for n in payload["notices"] if ENGLISH.search(n)] == []
