"""The Assistant and its JSON contract (DESIGN 3.4), input hygiene, follow-ups, CLI and eval runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.chat import CLAIM_KEYS, CONTRACT_KEYS, MAX_QUESTION_CHARS, Assistant, Engine
from assistant.digital_index import DigitalIndex
from assistant.errors import AssistantError
from assistant.evaluation import load_questions, run_eval
from assistant.plan import ConversationState, Plan
from tests.chat_support import FakeProjects, ScriptedPlanner, call, make_data_dir, project

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIGURE_KEYS = ["ags", "municipality", "metric", "value", "score", "rank", "of", "unit", "year", "provenance", "source",
               "claim_id"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_data_dir(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def index(data_dir: Path) -> DigitalIndex:
    return DigitalIndex.load(data_dir)


def follow_up(state: ConversationState | None) -> Plan:
    """'und Bochum?': the metric of the previous turn for Bochum."""
    metric = state.metric if state and state.metric else "overall"
    return Plan("value", "de", (call("get_metric", municipalities=["Bochum"], metric=metric),), ("05911000",), metric)


@pytest.fixture
def planner() -> ScriptedPlanner:
    return ScriptedPlanner({
        "Wie steht Hagen bei 5G?": Plan("value", "de", (call("get_metric", municipalities=["Hagen"],
                                                             metric="mobile_5g"),), ("05914000",), "mobile_5g"),
        "und Bochum?": follow_up,
        "Luftprojekte?": Plan("project_search", "de", (call("search_projects", query="Luftqualität"),)),
    })


@pytest.fixture
def engine(index: DigitalIndex, planner: ScriptedPlanner) -> Engine:
    return Engine(index=index, planner=planner, projects=FakeProjects(hits=[project("luft-hub")]))


def test_reply_is_exactly_the_design_contract(engine: Engine) -> None:
    payload = Assistant(engine).ask("Wie steht Hagen bei 5G?").to_dict()
    assert list(payload) == [*CONTRACT_KEYS, *CLAIM_KEYS]
    assert payload["language"] == "de"
    assert payload["intent"] == "value"
    assert payload["tool_calls"] == [{"name": "get_metric",
                                      "args": {"municipalities": ["Hagen"], "metric": "mobile_5g"}}]
    assert all(list(f) == FIGURE_KEYS for f in payload["figures"])
    assert payload["figures"][0]["municipality"] == "Hagen"  # then its structural peers
    assert all(list(s) == ["id", "title", "url"] for s in payload["sources"])
    json.dumps(payload)  # plain JSON types only
    projects = Assistant(engine).ask("Luftprojekte?").to_dict()["projects"]
    assert projects == [{"id": "luft-hub", "title": "Projekt luft-hub", "municipalities": ["Lünen"], "score": 0.8312}]


def test_follow_ups_use_the_conversation_state_and_reset_clears_it(engine: Engine) -> None:
    assistant = Assistant(engine)
    assistant.ask("Wie steht Hagen bei 5G?")
    second = assistant.ask("und Bochum?")
    assert second.figures[0]["municipality"] == "Bochum"
    assert second.figures[0]["metric"] == "mobile_5g"
    assistant.reset()
    assert assistant.ask("und Bochum?").figures[0]["metric"] == "overall"


def test_assistants_share_one_engine_but_not_state(engine: Engine) -> None:
    first, second = Assistant(engine), Assistant(engine)
    first.ask("Wie steht Hagen bei 5G?")
    assert second.state.metric is None
    assert first.engine.index is second.engine.index


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "\u200b\u200b"])
def test_empty_questions_get_a_clear_answer(engine: Engine, planner: ScriptedPlanner, question: str) -> None:
    reply = Assistant(engine).ask(question)
    assert reply.intent == "help"
    assert reply.answer.startswith("Bitte stellen Sie eine Frage")
    assert planner.seen == []


def test_oversized_questions_are_refused_without_planning(engine: Engine, planner: ScriptedPlanner) -> None:
    reply = Assistant(engine).ask("Hagen " * 400)
    assert reply.intent == "out_of_scope"
    assert "2.000" in reply.answer
    assert "2.399" in reply.answer
    assert planner.seen == []
    assert len(reply.question) == MAX_QUESTION_CHARS
    assert reply.guard is not None
    assert reply.guard.ok
    assert Assistant(engine).ask("a" * MAX_QUESTION_CHARS).intent != "out_of_scope" or planner.seen


def test_control_zero_width_and_bidi_characters_are_removed(engine: Engine, planner: ScriptedPlanner) -> None:
    reply = Assistant(engine).ask("Wie steht Ha\u200bgen\u202e bei 5G?\x00\x1b[31m")
    assert planner.seen == ["Wie steht Hagen bei 5G?[31m"]
    assert any("Steuer" in n for n in reply.notices)
    clean = Assistant(engine).ask("Wie steht Hagen\u00a0bei 5G?")
    assert clean.figures
    assert not any("Steuer" in n for n in clean.notices)


def test_language_override_wins(engine: Engine) -> None:
    reply = Assistant(engine).ask("Wie steht Hagen bei 5G?", lang="en")
    assert reply.language == "en"
    assert "rank" in reply.answer


def eval_file(tmp_path: Path, chains: list[dict[str, object]]) -> Path:
    import yaml

    path = tmp_path / "questions.yaml"
    path.write_text(yaml.safe_dump(chains, allow_unicode=True), encoding="utf-8")
    return path


def test_eval_runner_scores_expectations(engine: Engine, tmp_path: Path) -> None:
    chains = load_questions(eval_file(tmp_path, [
        {"id": "hagen", "lang": "de", "turns": [
            {"q": "Wie steht Hagen bei 5G?", "expect": {"intent": "value", "municipalities": ["Hagen"],
                                                      "metric": "mobile_5g", "tools": ["get_metric"]}},
            {"q": "und Bochum?", "expect": {"intent": "compare", "municipalities": ["Bochum"]}},
        ]},
        {"id": "luft", "lang": "en", "turns": [
            {"q": "Luftprojekte?", "expect": {"intent": "project_search", "project_ids_any": ["luft-hub"]}},
        ]},
    ]))
    report = run_eval(engine, chains, reference=engine.index)
    assert [o.passed for o in report.outcomes] == [True, False, False]
    assert report.outcomes[1].problems == ["intent: expected compare, got value"]
    assert report.outcomes[2].problems == ["language: expected en, got de"]
    assert report.per_intent() == {"compare": (0, 1), "project_search": (0, 1), "value": (1, 1)}
    assert report.wrong_numbers == 0
    assert not report.ok
    assert "overall" in report.render()
    assert report.to_dict()["passed"] == 1


def test_eval_runner_flags_a_wrong_number(engine: Engine, data_dir: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    execute = engine.toolbox.execute

    def tampered(c, lang="de"):  # type: ignore[no-untyped-def]
        result = execute(c, lang)
        for f in result.figures:
            f["value"] = float(f["value"]) + 0.5
        return result

    monkeypatch.setattr(engine.toolbox, "execute", tampered)
    chains = load_questions(eval_file(tmp_path, [{"id": "x", "lang": "de", "turns": [
        {"q": "Wie steht Hagen bei 5G?", "expect": {"intent": "value"}}]}]))
    report = run_eval(engine, chains, reference=DigitalIndex.load(data_dir))
    assert report.wrong_numbers == len(report.outcomes[0].wrong_numbers) == 4  # Hagen and its three peers
    assert "Hagen / mobile_5g / value" in report.outcomes[0].wrong_numbers[0]


def test_eval_file_problems_are_reported_with_their_place(tmp_path: Path) -> None:
    path = eval_file(tmp_path, [{"id": "a", "turns": [{"q": "x", "expect": {"intent": "weather", "colour": 1}}]}])
    with pytest.raises(AssistantError, match=r"chain 1 \(a\), turn 1: unknown expect keys \['colour'\]"):
        load_questions(path)


# --- the command line, in a real subprocess (needs the real planner) -----------------------------
def run_cli(data_dir: Path, *args: str, stdin: str = "", home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_HOME": str(home or data_dir / "home"), "ASSISTANT_LLM": ""}
    return subprocess.run([sys.executable, "-m", "assistant", "--data-dir", str(data_dir), *args], input=stdin,
                          capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120, check=False)


def test_cli_chat_jsonl_keeps_state_and_resets(data_dir: Path) -> None:
    pytest.importorskip("assistant.planner")
    lines = "Wie schneidet Hagen bei Glasfaser ab?\nund Bochum?\n/reset\n\u200b\nwarum?\n"
    done = run_cli(data_dir, "chat", "--jsonl", stdin=lines)
    assert done.returncode == 0, done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(objects) == 5
    assert objects[2] == {"reset": True}
    first, second = objects[0], objects[1]
    assert list(first) == [*CONTRACT_KEYS, *CLAIM_KEYS]
    assert first["figures"][0]["municipality"] == "Hagen"
    assert first["figures"][0]["metric"] == "fibre_households"
    assert second["figures"][0]["municipality"] == "Bochum"
    assert second["figures"][0]["metric"] == "fibre_households"
    assert objects[3]["intent"] == "help"


def test_cli_ask_json(data_dir: Path) -> None:
    pytest.importorskip("assistant.planner")
    done = run_cli(data_dir, "ask", "--json", "How does Dortmund rank overall?")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["language"] == "en"
    assert payload["figures"][0]["municipality"] == "Dortmund"
    readable = run_cli(data_dir, "ask", "Wie steht Köln da?")
    assert readable.returncode == 0
    assert "Köln" in readable.stdout


def test_interactive_chat_prints_readable_answers(engine: Engine) -> None:
    from io import StringIO

    from assistant.cli_chat import run_chat

    out = StringIO()
    code = run_chat(Assistant(engine), StringIO("Wie steht Hagen bei 5G?\n/reset\n/quit\nund Bochum?\n"), out,
                    jsonl=False)
    text = out.getvalue()
    assert code == 0
    assert text.startswith("**Hagen** hat bei **5G-Abdeckung**")
    assert "(neues Gespräch / new conversation)" in text
    assert "Bochum" not in text  # /quit ended the session before the last line


def test_cli_eval_exit_code_follows_the_goal(data_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("assistant.planner")
    passing = eval_file(tmp_path, [{"id": "ok", "lang": "de", "turns": [
        {"q": "Wie schneidet Hagen bei Glasfaser ab?", "expect": {"intent": "value", "metric": "fibre_households"}}]}])
    done = run_cli(data_dir, "eval", "--file", str(passing))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "overall" in done.stdout
    assert "-> MET" in done.stdout
    failing = eval_file(tmp_path, [{"id": "bad", "lang": "de", "turns": [
        {"q": "Wie schneidet Hagen bei Glasfaser ab?", "expect": {"intent": "rank"}}]}])
    done = run_cli(data_dir, "eval", "--file", str(failing), "--json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False
    assert report["failures"][0]["problems"] == ["intent: expected rank, got value"]


def test_a_defect_below_ask_is_logged_and_answered_without_a_traceback(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("template defect")

    monkeypatch.setattr("assistant.chat.compose", broken)
    with caplog.at_level("ERROR", logger="assistant.chat"):
        reply = Assistant(engine).ask("Wie schneidet Hagen bei Glasfaser ab?")
    assert reply.answer.startswith("Entschuldigung, bei dieser Frage ist ein interner Fehler aufgetreten")
    assert reply.figures == []
    assert any("template defect" in (r.exc_text or "") for r in caplog.records)
