"""The Streamlit page, headless (streamlit.testing AppTest): chat, per-answer parts, sidebar,
shared links, inert retrieved text, feedback, a missing project index and errors.

The project index is replaced by a small in-memory ProjectSource (the retrieval layer has its own
tests), so these tests need no Chroma index and no embedding model; everything else is real: the
shipped index data, the planner, the tools, the answer templates and the number guard.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant import presentation as pres
from assistant.answers import chat
from assistant.core.settings import Settings
from assistant.index.data_status import data_status, year_span
from assistant.index.digital_index import DigitalIndex
from assistant.projects.retrieval import IndexStatus
from tests.conftest import PROJECT_ROOT, SHIPPED_DATA

APP = PROJECT_ROOT / "app.py"
HAGEN_QUESTION = "Wie schneidet Hagen bei Glasfaser ab?"
EVIL_TITLE = 'Luft-Hub <img src="https://evil.example/x.png" onerror="alert(1)">'
EVIL_REUSABLE = "Sensorik ![pixel](https://evil.example/pixel.png?leak=1) <script>alert(1)</script>"


class FakeHit:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)


HIT = {
    "id": "luft-hub", "title": EVIL_TITLE, "municipalities": ["Lünen"], "kreis": ["Kreis Unna"],
    "topics": ["environment_sensors"], "status": "running", "scope": "municipality", "lead": None, "partners": [],
    "funding": "EFRE", "budget_eur": None, "reusable": EVIL_REUSABLE, "sources": ["https://www.example.org/luft"],
    "verified": True, "score": 0.9, "best_passage": "Luftqualität messen " + EVIL_REUSABLE, "why": "dense #1",
    "channels": ["dense"],
}


class FakeProjects:
    """A ProjectSource with one project whose text tries HTML and a tracking image."""

    def search(self, query: str, municipality: str | None = None, kreis: str | None = None,
               topic: str | None = None, status: str | None = None, k: int = 5, *, lang: str = "de",
               ) -> Sequence[FakeHit]:
        return [FakeHit(HIT)]

    def suggest_reusable(self, municipality_name: str, weak_indicators: Sequence[str], k: int = 5, *,
                         lang: str = "de") -> Sequence[FakeHit]:
        return [FakeHit({**HIT, "reason": "5G"})]

    def status(self) -> IndexStatus:
        return IndexStatus(True, "embedded", "memory", collection="fake", chunks=1, projects=1, embedder="fake")


class FakeProjectsEngine(chat.Engine):
    def __init__(self, settings: Settings | None = None, **kwargs: Any) -> None:
        super().__init__(settings, projects=FakeProjects(), **kwargs)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("ASSISTANT_HOME", str(home))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(SHIPPED_DATA))
    for name in ("ASSISTANT_LLM", "CHROMA_HOST"):
        monkeypatch.delenv(name, raising=False)
    return home


def _fresh() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def app(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setattr(chat, "Engine", FakeProjectsEngine)
    _fresh()
    yield AppTest.from_file(str(APP), default_timeout=60)
    _fresh()


@pytest.fixture(scope="module")
def index() -> DigitalIndex:
    return DigitalIndex.load(SHIPPED_DATA)


def ask(at: AppTest, question: str) -> AppTest:
    if not at.chat_input:
        at.run()
    return at.chat_input[0].set_value(question).run()


def last_answer(at: AppTest) -> Any:
    assert not at.exception, at.exception
    messages = at.chat_message
    assert messages[-1].name == "assistant"
    return messages[-1]


def charts(node: Any) -> list[Any]:
    return list(node.get("vega_lite_chart"))


def all_markdown(node: Any) -> str:
    """Every Markdown and caption text of an element, with Markdown escapes removed."""
    raw = "\n".join([*(m.value for m in node.markdown), *(c.value for c in node.caption)])
    return re.sub(r"\\(.)", r"\1", raw)


# --- chat ----------------------------------------------------------------------------------------

def test_first_visit_offers_example_questions(app: AppTest) -> None:
    app.run()
    assert not app.exception
    labels = [b.label for b in app.button]
    assert HAGEN_QUESTION in labels
    assert len(charts(app.main)) == 1  # the overview map of the 53
    next(b for b in app.button if b.label == HAGEN_QUESTION).click().run()
    answer = last_answer(app)
    assert "Hagen" in answer.markdown[0].value
    assert HAGEN_QUESTION not in [b.label for b in app.button]  # examples only on a first visit


def test_german_question_shows_answer_table_chart_map_and_more(app: AppTest, index: DigitalIndex) -> None:
    ask(app, HAGEN_QUESTION)
    assert [m.name for m in app.chat_message] == ["user", "assistant"]
    answer = last_answer(app)
    assert "Hagen" in answer.markdown[0].value
    table = answer.dataframe[0].value
    assert list(table.columns)[:4] == ["Kommune", "Kennzahl", "Wert", "Rang"]
    hagen = index.compare(["Hagen"], ["fibre_households"])[0]
    row = table[table["Kommune"] == "Hagen"].iloc[0]
    assert row["Wert"] == pres.format_value(float(str(hagen["value"])), "%", "de")
    assert row["Rang"] == f"{hagen['rank']} von 53"
    assert row["Geprüft"] == "ja, im Text belegt"  # words, not only a symbol (assistant.index.claims)
    assert len(charts(answer)) == 2  # bar chart and map
    assert answer.get("download_button")
    assert answer.get("feedback")
    expander = next(e for e in answer.expander if e.label == "Wie wurde das berechnet?")
    calls = json.loads(expander.code[0].value)
    assert calls
    assert all("name" in c and "args" in c for c in calls)
    assert app.query_params["q"] == HAGEN_QUESTION
    if hagen["provenance"] == "synthetic":
        assert any("synthetische" in w.value for w in app.main.warning)


def test_english_question_is_answered_in_english(app: AppTest) -> None:
    ask(app, "How does Essen compare on research?")
    answer = last_answer(app)
    assert "Essen" in answer.markdown[0].value
    assert list(answer.dataframe[0].value.columns)[:2] == ["Municipality", "Metric"]
    assert any(e.label == "How was this computed?" for e in answer.expander)
    assert app.query_params["lang"] == "en"


def test_follow_up_keeps_the_conversation(app: AppTest) -> None:
    ask(app, HAGEN_QUESTION)
    ask(app, "Und Bochum?")
    assert [m.name for m in app.chat_message] == ["user", "assistant"] * 2
    answer = last_answer(app)
    assert "Bochum" in answer.markdown[0].value
    assert "Bochum" in set(answer.dataframe[0].value["Kommune"])


def test_unknown_municipality_gets_a_clear_answer_and_no_numbers(app: AppTest) -> None:
    ask(app, "Wie schneidet Köln bei Glasfaser ab?")
    answer = last_answer(app)
    assert "Köln" in answer.markdown[0].value
    assert not answer.dataframe
    assert not charts(answer)
    assert not app.error


def test_new_conversation_starts_over(app: AppTest) -> None:
    ask(app, HAGEN_QUESTION)
    next(b for b in app.sidebar.button if b.label == "Neues Gespräch").click().run()
    assert not app.exception
    assert not app.chat_message
    assert "q" not in app.query_params


# --- shared links --------------------------------------------------------------------------------

def test_shared_link_asks_the_question_again(app: AppTest) -> None:
    app.query_params["q"] = HAGEN_QUESTION
    app.query_params["lang"] = "en"
    app.run()
    assert [m.name for m in app.chat_message] == ["user", "assistant"]
    assert "Hagen" in last_answer(app).markdown[0].value
    assert app.session_state["lang"] == "en"  # the interface follows the link's language
    app.run()  # a rerun does not ask again
    assert len(app.chat_message) == 2


def test_interface_language_defaults_to_the_browser_locale(app: AppTest) -> None:
    app.context = {"locale": "en-GB"}
    app.run()
    assert app.title[0].value == "Digital-Index Ruhr"
    assert app.chat_input[0].placeholder.startswith("Your question")
    app.sidebar.radio[0].set_value("de").run()
    assert app.chat_input[0].placeholder.startswith("Ihre Frage")


# --- sidebar -------------------------------------------------------------------------------------

def test_sidebar_says_what_is_answering(app: AppTest) -> None:
    app.run()
    text = all_markdown(app.sidebar)
    assert "Offline-Planer" in text
    assert "1 Projekte im Index" in text
    assert "synthetisch" in text


def test_what_if_slider_updates_the_ranking(app: AppTest, index: DigitalIndex) -> None:
    app.run()
    table = app.sidebar.dataframe[0].value
    assert set(table["Veränderung"]) == {"–"}
    slider = next(s for s in app.sidebar.slider if s.label == "Infrastruktur")
    slider.set_value(3.0).run()
    assert not app.exception
    weights = {**pres.default_area_weights(index), "infrastruktur": 3.0}
    expected = pres.what_if_table(index, weights, "de")
    changed = app.sidebar.dataframe[0].value
    assert list(changed["Kommune"]) == list(expected["Kommune"])
    assert list(changed["Veränderung"]) == list(expected["Veränderung"])
    assert set(changed["Veränderung"]) != {"–"}
    next(b for b in app.sidebar.button if b.label == "Standardgewichte").click().run()
    assert not app.exception
    assert not app.sidebar.warning  # no widget-state warning after the reset
    assert [s.value for s in app.sidebar.slider] == list(pres.default_area_weights(index).values())
    assert set(app.sidebar.dataframe[0].value["Veränderung"]) == {"–"}


def test_sidebar_data_status_shows_counts_years_and_sources(app: AppTest, index: DigitalIndex) -> None:
    app.run()
    assert not app.exception
    status = data_status(index.data)
    section = next(e for e in app.sidebar.expander if e.label == "Datenstand")
    indicators, sources = (table.value for table in section.table)
    fibre = next(i for i in status.indicators if i.id == "fibre_households")
    row = indicators.loc[fibre.name_de]
    assert [int(row[f"{icon} {label}"]) for icon, label in (("🟢", "amtlich"), ("🔵", "öffentlich"),
                                                           ("🟠", "synthetisch"))] == list(fibre.counts.values())
    assert row["Jahre"] == year_span(fibre.years)
    assert row["Quellen"].split(", ") == [u.id for u in fibre.sources]
    assert int(indicators.loc["Summe"]["🟠 synthetisch"]) == status.counts["synthetic"]
    assert list(sources.index) == [u.id for u in status.sources]
    assert [int(n) for n in sources["Werte"]] == [u.values for u in status.sources]
    app.sidebar.radio[0].set_value("en").run()
    section = next(e for e in app.sidebar.expander if e.label == "Data status")
    indicators = section.table[0].value
    assert fibre.name_en in indicators.index
    assert indicators.index.name == "Indicator"


def test_explorer_shows_area_scores_strengths_and_projects(app: AppTest, index: DigitalIndex) -> None:
    app.run()
    app.sidebar.selectbox[0].select("Hagen").run()
    assert not app.exception
    view = pres.explorer_view(index, "Hagen", "de")
    text = all_markdown(app.sidebar)
    assert "Hagen" in text
    assert "kreisfreie Stadt" in text
    assert "Stärken" in text
    assert "Schwächen" in text
    assert view.overall in text
    assert len(charts(app.sidebar)) == 1
    assert "Luft-Hub" in text  # a suggested project from the project index
    assert "<img" not in text


# --- safety --------------------------------------------------------------------------------------

def test_retrieved_html_and_images_are_shown_inert(app: AppTest) -> None:
    ask(app, "Welche Projekte zur Luftqualität gibt es in Lünen?")
    answer = last_answer(app)
    shown = all_markdown(answer)
    assert "Luft" in shown
    assert "<img" not in shown
    assert "<script" not in shown
    assert "](https://evil.example" not in shown.replace("\\](", "")
    for markdown in answer.markdown:
        assert "![" not in markdown.value.replace("!\\[", "")
    for element in answer.markdown:
        assert not element.proto.allow_html


def test_html_in_the_question_is_not_rendered(app: AppTest) -> None:
    ask(app, "<b>Hagen</b> ![x](https://evil.example/x.png)")
    assert not app.exception
    question = app.chat_message[0].markdown[0].value
    assert "<b>" not in question
    assert "![" not in question


def test_an_internal_error_is_a_message_not_a_traceback(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: chat.Assistant, question: str, lang: str | None = None) -> chat.Reply:
        raise RuntimeError("boom: secret internals")

    monkeypatch.setattr(chat.Assistant, "ask", broken)
    ask(app, HAGEN_QUESTION)
    assert not app.exception
    errors = [e.value for e in app.error]
    assert errors
    assert not any("boom" in e or "Traceback" in e for e in errors)


# --- feedback ------------------------------------------------------------------------------------

def test_feedback_is_stored_with_question_and_answer(app: AppTest, home: Path) -> None:
    ask(app, HAGEN_QUESTION)
    answer_text = last_answer(app).markdown[0].value
    app.feedback[0].set_value(0).run()
    assert not app.exception
    lines = (home / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[-1])
    assert record["rating"] == "down"
    assert record["question"] == HAGEN_QUESTION
    assert "Hagen" in record["answer"]
    assert pres.inert_markdown(record["answer"]) == answer_text


# --- without a project index ---------------------------------------------------------------------

def test_numeric_questions_work_without_a_project_index(home: Path) -> None:
    _fresh()
    try:
        at = AppTest.from_file(str(APP), default_timeout=60).run()
        assert not at.exception
        warnings = " ".join(w.value for w in at.sidebar.warning)
        assert "assistant index build" in warnings
        ask(at, HAGEN_QUESTION)
        answer = last_answer(at)
        assert "Hagen" in answer.markdown[0].value
        assert answer.dataframe
        ask(at, "Welche Projekte zur Luftqualität gibt es in Lünen?")
        assert "assistant index build" in all_markdown(last_answer(at))
    finally:
        _fresh()


# --- language and accessibility --------------------------------------------------------------------

def page_language_script(at: AppTest) -> str:
    """The document-language script the page sends (st.html with JavaScript), as text."""
    scripts = [h.proto.body for h in at.get("html") if "documentElement.lang" in h.proto.body]
    assert len(scripts) == 1, scripts
    return str(scripts[0])


def test_a_german_question_on_an_english_browser_gets_a_german_page(app: AppTest) -> None:
    app.context = {"locale": "en-US"}
    app.run()
    assert app.chat_input[0].placeholder.startswith("Your question")
    assert '"en"' in page_language_script(app)
    ask(app, HAGEN_QUESTION)
    assert app.session_state["lang"] == "de"
    assert app.chat_input[0].placeholder.startswith("Ihre Frage")
    assert '"de"' in page_language_script(app)
    assert "Diagramm" not in "".join(b.label for b in app.sidebar.button)  # sidebar is German too
    assert any(b.label == "Neues Gespräch" for b in app.sidebar.button)


def test_a_chosen_interface_language_is_kept_and_the_document_follows_the_answer(app: AppTest) -> None:
    app.run()
    app.sidebar.radio[0].set_value("en").run()
    ask(app, HAGEN_QUESTION)
    assert app.session_state["lang"] == "en"  # the visitor's choice wins for the interface
    assert "Hagen" in last_answer(app).markdown[0].value
    assert '"de"' in page_language_script(app)  # the answer, most of the page, is German


def test_chart_and_map_have_a_text_alternative_before_them(app: AppTest, index: DigitalIndex) -> None:
    ask(app, HAGEN_QUESTION)
    answer = last_answer(app)
    figures = index.compare(["Hagen"], ["fibre_households"])
    hagen = pres.format_value(float(str(figures[0]["value"])), "%", "de")
    captions = [re.sub(r"\\(.)", r"\1", c.value) for c in answer.caption]
    chart_text = next(c for c in captions if c.startswith("Balkendiagramm"))
    assert f"Hagen {hagen}, Platz {figures[0]['rank']} von 53" in chart_text
    assert "Ruhrgebiet-Mittelwert" in chart_text
    assert any(c.startswith("Karte der 53 Kommunen") and "Hagen" in c for c in captions)
    assert all(c.proto.alt for c in charts(answer))  # an accessible name on each graphic


def test_statement_and_plain_language_are_linked_from_the_sidebar(app: AppTest) -> None:
    app.run()
    labels = {link.proto.label: link.proto.page for link in app.sidebar.get("page_link")}
    assert labels["Erklärung zur Barrierefreiheit"].endswith("erklaerung_barrierefreiheit")
    assert labels["Leichte Sprache"].endswith("leichte_sprache")


def open_page(app: AppTest, page: str) -> AppTest:
    app.run()
    return app.switch_page(f"pages/{page}.py").run()


def test_accessibility_statement_names_gaps_and_the_ombuds_office_and_takes_reports(app: AppTest, home: Path) -> None:
    at = open_page(app, "erklaerung_barrierefreiheit")
    assert not at.exception
    assert at.title[0].value == "Erklärung zur Barrierefreiheit"
    body = all_markdown(at)
    assert "teilweise barrierefrei" in body
    assert pres.OMBUDS_NAME in body
    assert pres.OMBUDS_URL in body
    assert "https://github.com/streamlit/streamlit/issues/15726" in body
    at.button[0].click().run()  # an empty report is refused
    assert at.warning
    assert not (home / "feedback.jsonl").exists()
    at.text_area[0].set_value("Die Karte ist für mich nicht lesbar.")
    at.text_input[0].set_value("a@example.org")
    at.button[0].click().run()
    assert not at.exception
    record = json.loads((home / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert record["kind"] == "accessibility"
    assert record["message"] == "Die Karte ist für mich nicht lesbar."
    assert record["contact"] == "a@example.org"


def test_plain_language_page_follows_the_chat_language(app: AppTest) -> None:
    at = open_page(app, "leichte_sprache")
    assert not at.exception
    assert at.title[0].value == "Leichte Sprache"
    assert "Der Assistent erfindet keine Zahlen." in all_markdown(at)
    at.switch_page("app.py").run()
    at.sidebar.radio[0].set_value("en").run()
    at.switch_page("pages/leichte_sprache.py").run()
    assert "does not make up numbers" in all_markdown(at)
    at.switch_page("app.py").run()
    assert not at.exception
    assert at.chat_input[0].placeholder.startswith("Your question")  # the choice survived the pages
