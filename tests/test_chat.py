"""The Assistant and its JSON contract (DESIGN 3.4), input hygiene, follow-ups, CLI and eval runner."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.answers.chat import CLAIM_KEYS, CONTRACT_KEYS, Assistant, Engine
from assistant.answers.evaluation import load_questions, run_eval
from assistant.core.errors import AssistantError
from assistant.core.text_safety import MAX_QUESTION_CHARS
from assistant.index.digital_index import DigitalIndex
from assistant.tools.plan import ConversationState, Plan
from tests.chat_support import FakeProjects, ScriptedPlanner, call, project
from tests.conftest import run_cli

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIGURE_KEYS = ["ags", "municipality", "metric", "value", "score", "rank", "of", "unit", "year", "provenance", "source",
               "claim_id"]


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


def eval_file(tmp_path: Path, chains: list[dict[str, object]], name: str = "questions.yaml") -> Path:
    import yaml

    path = tmp_path / name
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


def project_engine(index: DigitalIndex, hits: list[str]) -> Engine:
    """A planner that routes 'Luftprojekte?' to a project search returning `hits` in this order."""
    planner = ScriptedPlanner({
        "Luftprojekte?": Plan("project_search", "de", (call("search_projects", query="Luftqualität"),)),
        "Wie steht Hagen bei 5G?": Plan("value", "de", (call("get_metric", municipalities=["Hagen"],
                                                                metric="mobile_5g"),), ("05914000",), "mobile_5g"),
    })
    return Engine(index=index, planner=planner, projects=FakeProjects(hits=[project(h) for h in hits]))


def test_eval_intent_and_metric_may_be_lists_and_planned_intents_load(index: DigitalIndex, tmp_path: Path) -> None:
    chains = load_questions(eval_file(tmp_path, [
        {"id": "either", "lang": "de", "turns": [
            {"q": "Luftprojekte?", "expect": {"intent": ["reusable_projects", "project_search"]}},
            {"q": "Wie steht Hagen bei 5G?", "expect": {"intent": ["value", "position"],
                                                      "metric": ["fibre_households", "mobile_5g"]}},
            {"q": "Wie steht Hagen bei 5G?", "expect": {"intent": "value", "metric": ["fibre_households", "overall"]}},
        ]},
        {"id": "planned", "lang": "de", "turns": [
            {"q": "Luftprojekte?", "expect": {"intent": "project_info"}},
            {"q": "Luftprojekte?", "expect": {"intent": ["learn_from", "similar_projects"]}},
        ]},
    ]))
    report = run_eval(project_engine(index, ["luft-hub"]), chains, reference=index)
    assert [o.passed for o in report.outcomes] == [True, True, False, False, False]
    assert report.outcomes[2].routing_problems == ["metric: expected fibre_households or overall, got mobile_5g"]
    assert report.outcomes[3].routing_problems == ["intent: expected project_info, got project_search"]
    assert report.outcomes[4].problems == ["intent: expected learn_from or similar_projects, got project_search"]
    assert report.per_intent()["reusable_projects|project_search"] == (1, 1)
    with pytest.raises(AssistantError, match="unknown intent 'weather'"):
        load_questions(eval_file(tmp_path, [{"id": "w", "turns": [
            {"q": "x", "expect": {"intent": ["value", "weather"]}}]}], name="bad.yaml"))


def test_eval_project_top3_any_counts_only_the_first_three_projects(index: DigitalIndex, tmp_path: Path) -> None:
    chains = load_questions(eval_file(tmp_path, [{"id": "top3", "lang": "de", "turns": [
        {"q": "Luftprojekte?", "expect": {"project_top3_any": ["luft-hub"]}},
        {"q": "Luftprojekte?", "expect": {"project_ids_any": ["luft-hub"]}},
        {"q": "Luftprojekte?", "expect": {"project_top3_any": ["kdn", "dos-2030"]}},
    ]}]))
    report = run_eval(project_engine(index, ["kdn", "krzn", "dos-2030", "luft-hub"]), chains, reference=index)
    first, second, third = report.outcomes
    assert first.answer_problems == [
        "projects top 3: expected any of ['luft-hub'], got ['kdn', 'krzn', 'dos-2030']"]
    assert first.routed
    assert not first.answered
    assert first.project_hit is False
    assert second.passed
    assert second.project_hit is None
    assert third.passed
    assert third.project_hit is True
    assert report.to_dict()["project_hit_at3"] == {"hits": 1, "turns": 2, "rate": 0.5}


def test_eval_report_keeps_routing_apart_from_answer_per_file_and_tag(index: DigitalIndex, tmp_path: Path) -> None:
    from assistant.answers.evaluation import EvalReport

    engine = project_engine(index, ["luft-hub", "kdn"])
    dev = load_questions(eval_file(tmp_path, [
        {"id": "misrouted-but-found", "lang": "de", "tags": ["project-describe", "de"], "turns": [
            {"q": "Luftprojekte?", "expect": {"intent": "similar_projects", "project_top3_any": ["luft-hub"]}}]},
        {"id": "routed-but-wrong-project", "lang": "de", "tags": ["project-named", "de"], "turns": [
            {"q": "Luftprojekte?", "expect": {"intent": "project_search", "project_top3_any": ["ruhr-on"]}}]},
    ], name="dev.yaml"))
    test = load_questions(eval_file(tmp_path, [
        {"id": "numeric", "lang": "en", "tags": ["numeric", "en"], "turns": [
            {"q": "Wie steht Hagen bei 5G?", "expect": {"intent": "value", "municipalities": ["Hagen"]}}]},
    ], name="test.yaml"))
    report = EvalReport(run_eval(engine, dev, reference=index, source="dev.yaml").outcomes
                        + run_eval(engine, test, reference=index, source="test.yaml").outcomes)
    misrouted, wrong_project, numeric = report.outcomes
    assert (misrouted.routed, misrouted.answered) == (False, True)
    assert (wrong_project.routed, wrong_project.answered) == (True, False)
    assert (numeric.routed, numeric.answered) == (True, False)  # answered in German, English expected
    payload = report.to_dict()
    assert (payload["routing_accuracy"], payload["answer_correctness"], payload["accuracy"]) == (0.6667, 0.3333, 0.0)
    assert payload["per_file"]["dev.yaml"]["routed"] == 1
    assert payload["per_file"]["dev.yaml"]["answered"] == 1
    assert payload["per_file"]["test.yaml"]["turns"] == 1
    assert payload["per_tag"]["de"]["project_hit_at3"] == {"hits": 1, "turns": 2, "rate": 0.5}
    assert payload["per_tag"]["numeric"]["project_hit_at3"]["rate"] is None
    assert payload["wrong_numbers"] == 0
    text = report.render()
    assert "per file:" in text
    assert "per tag:" in text
    assert "routing: intent: expected similar_projects, got project_search" in text
    assert "answer: language: expected en, got de" in text


def test_newcomer_files_follow_their_split_rule_and_name_real_things() -> None:
    """eval/README.md: per category, ids ordered by sha1; even positions dev, odd positions test."""
    import hashlib

    files = {part: load_questions(PROJECT_ROOT / "eval" / f"newcomer_{part}.yaml") for part in ("dev", "test")}
    side = {chain["id"]: part for part, chains in files.items() for chain in chains}
    assert len(side) == sum(len(c) for c in files.values())  # no id twice, not even across the files
    categories: dict[str, list[str]] = {}
    for chains in files.values():
        for chain in chains:
            categories.setdefault(chain["tags"][0], []).append(chain["id"])
    assert set(categories) == {"project-describe", "project-named", "project-similar", "project-reuse",
                               "project-followup", "numeric"}
    for ids in categories.values():
        ordered = sorted(ids, key=lambda i: hashlib.sha1(i.encode()).hexdigest())
        assert [side[i] for i in ordered] == ["dev" if n % 2 == 0 else "test" for n in range(len(ordered))]
    corpus_ids = {p.stem for p in (PROJECT_ROOT / "corpus").glob("*.md")}
    names = {m.name for m in DigitalIndex.load(PROJECT_ROOT / "index_data").registry.municipalities}
    for chains in files.values():
        for chain in chains:
            assert chain["tags"][1] in ("de", "en"), chain["id"]
            for turn in chain["turns"]:
                expect = turn["expect"]
                assert set(expect.get("project_top3_any", [])) <= corpus_ids, chain["id"]
                assert set(expect.get("municipalities", [])) <= names, chain["id"]
                assert chain["tags"][0] == "numeric" or expect.get("project_top3_any"), chain["id"]


# --- the command line, in a real subprocess (needs the real planner) -----------------------------
def cli_env(data_dir: Path, home: Path | None = None) -> dict[str, str]:
    """The environment of a CLI child: its own home, no language model."""
    return {**os.environ, "ASSISTANT_HOME": str(home or data_dir / "home"), "ASSISTANT_LLM": ""}


def test_cli_chat_jsonl_keeps_state_and_resets(data_dir: Path) -> None:
    pytest.importorskip("assistant.understanding.planner")
    lines = "Wie schneidet Hagen bei Glasfaser ab?\nund Bochum?\n/reset\n\u200b\nwarum?\n"
    done = run_cli(["--data-dir", str(data_dir), "chat", "--jsonl"], cli_env(data_dir), stdin=lines)
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
    pytest.importorskip("assistant.understanding.planner")
    done = run_cli(["--data-dir", str(data_dir), "ask", "--json", "How does Dortmund rank overall?"], cli_env(data_dir))
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["language"] == "en"
    assert payload["figures"][0]["municipality"] == "Dortmund"
    readable = run_cli(["--data-dir", str(data_dir), "ask", "Wie steht Köln da?"], cli_env(data_dir))
    assert readable.returncode == 0
    assert "Köln" in readable.stdout


def test_interactive_chat_prints_readable_answers(engine: Engine) -> None:
    from io import StringIO

    from assistant.cli.chat_commands import run_chat

    out = StringIO()
    code = run_chat(Assistant(engine), StringIO("Wie steht Hagen bei 5G?\n/reset\n/quit\nund Bochum?\n"), out,
                    jsonl=False)
    text = out.getvalue()
    assert code == 0
    assert text.startswith("**Hagen** hat bei **5G-Abdeckung**")
    assert "(neues Gespräch / new conversation)" in text
    assert "Bochum" not in text  # /quit ended the session before the last line


def test_cli_eval_exit_code_follows_the_goal(data_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("assistant.understanding.planner")
    passing = eval_file(tmp_path, [{"id": "ok", "lang": "de", "turns": [
        {"q": "Wie schneidet Hagen bei Glasfaser ab?", "expect": {"intent": "value", "metric": "fibre_households"}}]}])
    done = run_cli(["--data-dir", str(data_dir), "eval", "--file", str(passing)], cli_env(data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "overall" in done.stdout
    assert "-> MET" in done.stdout
    failing = eval_file(tmp_path, [{"id": "bad", "lang": "de", "turns": [
        {"q": "Wie schneidet Hagen bei Glasfaser ab?", "expect": {"intent": "rank"}}]}])
    done = run_cli(["--data-dir", str(data_dir), "eval", "--file", str(failing), "--json"], cli_env(data_dir))
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False
    assert report["failures"][0]["problems"] == ["intent: expected rank, got value"]


def test_cli_eval_runs_several_files_into_one_report(data_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("assistant.understanding.planner")
    first = eval_file(tmp_path, [{"id": "a", "lang": "de", "tags": ["numeric"], "turns": [
        {"q": "Wie schneidet Hagen bei Glasfaser ab?", "expect": {"intent": ["value", "position"]}}]}], name="a.yaml")
    second = eval_file(tmp_path, [{"id": "b", "lang": "de", "tags": ["numeric"], "turns": [
        {"q": "Wie schneidet Hagen bei Glasfaser ab?", "expect": {"intent": "rank"}}]}], name="b.yaml")
    done = run_cli(["--data-dir", str(data_dir), "eval", "--file", str(first), "--file", str(second), "--json"],
                   cli_env(data_dir))
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert {name: tally["passed"] for name, tally in report["per_file"].items()} == {str(first): 1, str(second): 0}
    assert report["per_tag"]["numeric"]["routed"] == 1
    assert report["routing_accuracy"] == 0.5


def test_a_defect_below_ask_is_logged_and_answered_without_a_traceback(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("template defect")

    monkeypatch.setattr("assistant.answers.chat.compose", broken)
    with caplog.at_level("ERROR", logger="assistant.answers.chat"):
        reply = Assistant(engine).ask("Wie schneidet Hagen bei Glasfaser ab?")
    assert reply.answer.startswith("Entschuldigung, bei dieser Frage ist ein interner Fehler aufgetreten")
    assert reply.figures == []
    assert any("template defect" in (r.exc_text or "") for r in caplog.records)


def test_the_conversation_remembers_the_top_hit_of_a_project_search(index: DigitalIndex) -> None:
    assistant = Assistant(project_engine(index, ["luft-hub", "kdn"]))
    assistant.ask("Luftprojekte?")
    assert assistant.state.project == "luft-hub"  # "und wer bezahlt das?" asks about it
    assistant.ask("Wie steht Hagen bei 5G?")
    assert assistant.state.project is None


def test_the_planner_knows_the_projects_of_the_engines_own_corpus(tmp_path: Path, index: DigitalIndex) -> None:
    """Project names come from the corpus the engine searches, not from the environment's default
    corpus: a name only the default corpus knows must not become a call the search cannot answer."""
    from dataclasses import replace

    from assistant.core.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shipped = Path(__file__).resolve().parent.parent / "corpus"
    for name in ("README.md", "kdn.md"):
        (corpus / name).write_text((shipped / name).read_text(encoding="utf-8"), encoding="utf-8")
    settings = replace(Settings.from_env({}), corpus_dir=corpus, home=tmp_path / "home")
    engine = Engine(settings=settings, index=index)
    assert set(engine.planner.catalog.docs) == {"kdn"}  # type: ignore[attr-defined]
    assert engine.planner.plan("Digital Campus Zollverein").intent != "project_info"
    assert engine.planner.plan("Was macht KDN?").intent == "project_info"
