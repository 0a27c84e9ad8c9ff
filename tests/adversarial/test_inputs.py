"""Bad input (UC-01, SI-02): oversized questions up to 10 MB, floods of numbers, empty and
whitespace-only text, control and invisible characters, emoji and mixed scripts; and error
messages that must not show the server's paths.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from assistant.answers.chat import Assistant, Engine
from assistant.core.disclosure import find_disclosures, installation_paths, redact_paths, secret_values
from assistant.core.text_safety import MAX_QUESTION_CHARS, MAX_RAW_CHARS, clean_question
from assistant.projects.retrieval import ProjectSearch
from assistant.projects.vector_store import IndexUnavailableError
from assistant.tools.plan import ToolCall
from assistant.tools.toolbox import Toolbox
from tests.adversarial.harness import Case, World, ask_case, case_problems, load_catalogue, violations
from tests.chat_support import FakeProjects, ScriptedPlanner

CATALOGUE = load_catalogue()
CASES = [c for c in CATALOGUE.cases if c.category in ("oversized", "number_flood", "empty_and_odd_text")]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_a_clear_safe_answer(world: World, case: Case) -> None:
    started = time.perf_counter()
    replies = ask_case(world.engine, case)
    assert case_problems(replies, case, world) == []
    assert len(replies[-1].question) <= MAX_QUESTION_CHARS
    assert time.perf_counter() - started < 5.0  # bounded work whatever the size


def _scripted(world: World) -> tuple[Assistant, ScriptedPlanner]:
    planner = ScriptedPlanner({})
    return Assistant(Engine(world.settings, index=world.index, planner=planner, projects=world.search)), planner


def test_a_question_over_the_limit_is_refused_before_planning(world: World) -> None:
    assistant, planner = _scripted(world)
    reply = assistant.ask("x" * (MAX_QUESTION_CHARS + 1))
    assert planner.seen == []
    assert reply.intent == "out_of_scope"
    assert "2.001 Zeichen" in reply.answer
    assert "2.000" in reply.answer
    assert reply.guard is not None
    assert reply.guard.ok


def test_a_question_at_the_limit_is_planned(world: World) -> None:
    assistant, planner = _scripted(world)
    assistant.ask("Hagen " + "x" * (MAX_QUESTION_CHARS - 6))
    assert len(planner.seen) == 1
    assert len(planner.seen[0]) == MAX_QUESTION_CHARS


def test_megabytes_are_not_even_cleaned(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.answers import chat

    seen: list[int] = []
    original = chat.clean_question

    def counting(text: str) -> tuple[str, bool]:
        seen.append(len(text))
        return original(text)

    monkeypatch.setattr(chat, "clean_question", counting)
    assistant, planner = _scripted(world)
    huge = "Hagen Glasfaser" + "\u200b" * (10 * 1024 * 1024)
    started = time.perf_counter()
    reply = assistant.ask(huge)
    assert time.perf_counter() - started < 1.0
    assert seen == [MAX_RAW_CHARS]
    assert planner.seen == []
    assert reply.intent == "out_of_scope"
    assert "10.485.775 Zeichen" in reply.answer  # the real length is reported, not the cleaned prefix


def test_invisible_characters_are_removed_with_a_notice(world: World) -> None:
    reply = Assistant(world.engine).ask("Wie schneidet Ha\u200bgen bei Glas\u00adfaser ab?\u202e\U000e0041")
    assert reply.intent == "value"
    assert reply.question == "Wie schneidet Hagen bei Glasfaser ab?"
    assert any("Unsichtbare" in n for n in reply.notices)
    assert reply.figures[0]["municipality"] == "Hagen"


def test_project_answers_without_an_index_show_no_path(world: World, tmp_path: Path) -> None:
    settings = dataclasses.replace(world.settings, home=tmp_path / "empty-home")
    search = ProjectSearch(settings, registry=world.index.registry)
    try:
        engine = Engine(settings, index=world.index, planner=world.engine.planner, projects=search)
        reply = Assistant(engine).ask("Welche Projekte zur Luftqualität gibt es in Lünen?")
    finally:
        search.close()
    assert reply.intent == "project_search"
    assert "assistant index build" in reply.answer  # the repair command is named ...
    assert str(settings.home) not in reply.answer  # ... the server's directory is not
    assert str(tmp_path) not in reply.answer
    assert violations(reply, world) == []


def test_tool_errors_name_no_path_and_quote_input_inertly(world: World) -> None:
    broken = FakeProjects(error=IndexUnavailableError("the index at /srv/assistant/home/chroma cannot be opened."))
    toolbox = Toolbox(world.index, broken)
    result = toolbox.execute(ToolCall("search_projects", {"query": "Luft"}))
    assert result.error_kind == "unavailable"
    assert result.error is not None
    assert "/srv/assistant" not in result.error
    assert "‹path›" in result.error
    assert "/srv/assistant" not in result.text()  # nor in what a model reads
    invalid = toolbox.execute(ToolCall("get_metric", {"municipalities": ["Hagen"], "metric": "<img src=x onerror=1>"}))
    unknown = toolbox.execute(ToolCall("get_profile", {"municipality": "<script>x</script>Atlantis"}))
    for result in (invalid, unknown):
        assert result.error is not None
        assert "<img" not in result.error
        assert "<script" not in result.error
    assert unknown.data["unknown"] == "Atlantis"


@pytest.mark.parametrize(("typed", "cleaned"), [
    ("Wie schneidet <b>Hagen</b> ab?", "Wie schneidet ‹b>Hagen‹/b> ab?"),
    ("X![](https://evil.example/x.png)", "X! [](https://evil.example/x.png)"),
    ("[k](javascript:alert(1)) [d](  DATA:text/html,x)", "[k] (javascript:alert(1)) [d] ( DATA:text/html,x)"),
    ("Kommunen < 20.000 Einwohner", "Kommunen < 20.000 Einwohner"),
    ("[Quelle](https://example.org)", "[Quelle](https://example.org)"),
])
def test_question_hygiene_neutralises_markup_the_answer_may_quote(typed: str, cleaned: str) -> None:
    assert clean_question(typed) == (cleaned, False)


def test_disclosure_checks_find_secrets_and_paths_and_nothing_else(world: World) -> None:
    environ = {"OPENAI_API_KEY": "sk-abcdefgh12", "MY_TOKEN": "short", "DB_PASSWORD": "hunter2hunter2", "HOME": "/x"}
    assert secret_values(environ) == ("hunter2hunter2", "sk-abcdefgh12")  # "short" is below 8 characters
    assert find_disclosures("key sk-abcdefgh12", world.settings, environ) == ["secret"]
    assert find_disclosures(f"siehe {world.settings.home}/chroma.", world.settings, environ) == ["path"]
    assert find_disclosures("Platz 3 von 53, Quelle https://example.org/a/b", world.settings, environ) == []
    assert find_disclosures("/etc/passwd", world.settings, environ) == []
    assert find_disclosures("/etc/passwd", world.settings, environ, any_path=True) == ["path"]
    assert str(world.settings.home) in installation_paths(world.settings)
    assert redact_paths("no index at /srv/a/chroma. See https://example.org/x/y, km/h, 1/2") == (
        "no index at ‹path›. See https://example.org/x/y, km/h, 1/2")
    assert redact_paths(r"C:\Users\x\index failed") == "‹path› failed"
