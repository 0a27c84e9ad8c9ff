"""The evaluation runner behind `assistant eval`: accuracy per intent and a hunt for wrong numbers.

The question file (eval/questions.yaml) states what must be true, never a number:

    - id: hagen-fibre
      lang: de
      turns:
        - q: "Wie schneidet Hagen bei Glasfaser ab?"
          expect: {intent: value, municipalities: [Hagen], metric: fibre_households, tools: [get_metric]}
        - q: "und Bochum?"
          expect: {intent: value, municipalities: [Bochum]}

Each chain runs through a fresh `Assistant` (shared `Engine`). A turn passes when every stated
expectation holds, no figure is a WRONG NUMBER (each figure is recomputed with `scoring.figure` from
an index loaded afresh from index_data and compared field by field), and the number guard finds no
untraceable number.

The expectations fall into two groups, reported separately because they fail for different reasons:

- **routing** (did the question reach the right place?): `intent` (one name or a list, any passes),
  the set of municipalities the plan resolved, `metric` (one or a list), the set of tools called,
  `args` of a tool call (schema defaults applying);
- **answer** (is what the user sees right?): at least one of `project_ids_any` among the projects,
  at least one of `project_top3_any` among the first three projects, `notices_any`,
  `outside_region` / `unresolved` / `suggestions_any` against the plan's unresolved mentions, the
  answer language (the turn's `lang`, else the chain's), and the figures and numbers above.

Intent names in a file may be names the planner does not know yet (`PLANNED_INTENTS`): the file is
written before the planner learns them, and such a turn then simply fails its routing check.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.answers.chat import Assistant, Engine, Reply
from assistant.answers.eval_report import EvalReport, TurnOutcome
from assistant.answers.guard import check_answer
from assistant.core.errors import AssistantError, UnknownNameError
from assistant.tools.plan import INTENTS
from assistant.tools.tool_specs import SCHEMAS

__all__ = ["EvalReport", "TurnOutcome", "check_turn", "load_questions", "run_eval", "wrong_numbers"]

ROUTING_KEYS = frozenset({"intent", "municipalities", "metric", "tools", "args"})
ANSWER_KEYS = frozenset({
    "project_ids_any", "project_top3_any", "lang", "notices_any", "outside_region", "unresolved", "suggestions_any",
})
EXPECT_KEYS = ROUTING_KEYS | ANSWER_KEYS
#: Intents the question files may name before the planner knows them (issue 9).
PLANNED_INTENTS = frozenset({"project_info", "learn_from", "similar_projects", "projects_for_weak"})
TOP = 3  # project_top3_any: a hit must be among the first TOP projects of the answer


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Read and check the question file; every problem is reported with the chain id and turn."""
    import yaml

    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise AssistantError(f"cannot read the evaluation file {path}: {error}") from error
    if not isinstance(raw, list):
        raise AssistantError(f"{path}: expected a list of chains, found {type(raw).__name__}")
    problems: list[str] = []
    for n, chain in enumerate(raw):
        where = f"{path}: chain {n + 1} ({chain.get('id', '?') if isinstance(chain, dict) else '?'})"
        if not isinstance(chain, dict) or not isinstance(chain.get("turns"), list) or not chain["turns"]:
            problems.append(f"{where}: expected keys id, lang, turns (a non-empty list)")
            continue
        for t, turn in enumerate(chain["turns"], start=1):
            if not isinstance(turn, dict) or not isinstance(turn.get("q"), str):
                problems.append(f"{where}, turn {t}: expected 'q' (text) and 'expect'")
                continue
            expect = turn.get("expect") or {}
            unknown = set(expect) - EXPECT_KEYS
            if unknown:
                problems.append(f"{where}, turn {t}: unknown expect keys {sorted(unknown)}")
            intents = _as_list(expect.get("intent"))
            if "intent" in expect and (not intents or not all(isinstance(i, str) for i in intents)):
                problems.append(f"{where}, turn {t}: 'intent' must be a name or a non-empty list of names")
            for intent in intents:
                if isinstance(intent, str) and intent not in INTENTS and intent not in PLANNED_INTENTS:
                    problems.append(f"{where}, turn {t}: unknown intent {intent!r}")
    if problems:
        raise AssistantError("invalid evaluation file:\n" + "\n".join(problems))
    return raw


def _as_list(value: Any) -> list[Any]:
    """`intent: value` and `intent: [a, b]` alike: a list of the acceptable values."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _names(engine: Engine, reply: Reply) -> set[str]:
    """Municipalities the turn resolved: the plan's AGS plus municipality arguments of the calls."""
    registry = engine.index.registry
    names = {registry.municipality(a).name for a in (reply.plan.municipalities if reply.plan else ())
             if registry.has_municipality(a)}
    for call in reply.tool_calls:
        values = call.args.get("municipalities") or [call.args.get("municipality")]
        for value in values:
            if isinstance(value, str) and value:
                try:
                    names.add(engine.index.municipality(value).name)
                except UnknownNameError:
                    names.add(value)
    return names


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


def expected_figure(reference: Any, shown: dict[str, Any]) -> dict[str, object]:
    """The figure as index_data gives it; a what-if figure (`scenario`) is recomputed under its weights or values,
    and its default value/rank and rank change are checked against the default method."""
    from assistant.index.scenarios import scenario_table
    from assistant.index.scoring import figure

    ags, metric = str(shown["ags"]), str(shown["metric"])
    scenario = shown.get("scenario")
    if not isinstance(scenario, dict):
        return figure(reference.table, reference.registry, ags, metric)
    table = scenario_table(reference.data.values, reference.registry, reference.table, scenario)
    expected = figure(table, reference.registry, ags, metric)
    default = figure(reference.table, reference.registry, ags, metric)
    expected["default_value"], expected["default_rank"] = default["value"], default["rank"]
    expected["rank_change"] = int(default["rank"]) - int(expected["rank"])  # type: ignore[call-overload]
    expected["scenario"] = scenario
    return expected


def wrong_numbers(reference: Any, reply: Reply) -> list[str]:
    """Every figure recomputed from index_data with scoring.figure; any differing field is wrong."""
    found = []
    for f in reply.figures:
        try:
            expected = expected_figure(reference, f)
        except KeyError:
            found.append(f"{f.get('municipality')} / {f.get('metric')}: no such municipality or metric in index_data")
            continue
        for key, value in expected.items():
            if not _same(f.get(key), value):
                found.append(
                    f"{f['municipality']} / {f['metric']} / {key}: answer {f.get(key)!r}, index_data {value!r}"
                )
    return found


def _check_args(reply: Reply, expected: dict[str, Any]) -> list[str]:
    """`args: {tool: {arg: value}}`: the first call of that tool has these values (schema defaults apply)."""
    problems = []
    for tool, wanted in expected.items():
        found = next((c for c in reply.tool_calls if c.name == tool), None)
        if found is None:
            problems.append(f"args: no call of {tool}")
            continue
        fields = SCHEMAS[tool].model_fields if tool in SCHEMAS else {}
        for key, value in (wanted or {}).items():
            default = fields[key].get_default(call_default_factory=True) if key in fields else None
            got = found.args.get(key, default)
            if got != value and not (got in (None, {}, []) and value in (None, {}, [])):
                problems.append(f"args: {tool}.{key} expected {value!r}, got {got!r}")
    return problems


def _check_mentions(reply: Reply, expect: dict[str, Any]) -> list[str]:
    """outside_region / unresolved / suggestions_any against the plan's unresolved mentions."""
    mentions = list(reply.plan.unresolved) if reply.plan else []
    problems = []
    outside = {m.text.casefold() for m in mentions if m.outside_region}
    for name in expect.get("outside_region") or []:
        if str(name).casefold() not in outside:
            problems.append(f"outside_region: expected {name}, got {sorted(outside)}")
    for wanted in expect.get("unresolved") or []:
        if not any(m.kind == wanted.get("kind", m.kind)
                   and (not wanted.get("text") or m.text.casefold() == str(wanted["text"]).casefold())
                   for m in mentions):
            problems.append(f"unresolved: expected {wanted}, got {[(m.kind, m.text) for m in mentions]}")
    if expect.get("suggestions_any"):
        offered = {s for m in mentions for s in m.suggestions}
        if not offered & set(expect["suggestions_any"]):
            problems.append(f"suggestions: expected any of {expect['suggestions_any']}, got {sorted(offered)}")
    return problems


def check_routing(engine: Engine, reply: Reply, expect: dict[str, Any]) -> list[str]:
    """Problems with where the question was routed: intent, municipalities, metric, tools, args."""
    problems = []
    intents = _as_list(expect.get("intent"))
    if intents and reply.intent not in intents:
        wanted = intents[0] if len(intents) == 1 else " or ".join(intents)
        problems.append(f"intent: expected {wanted}, got {reply.intent}")
    if "municipalities" in expect:
        wanted_names = {engine.index.municipality(n).name if engine.index.resolver.resolve_fuzzy(n) else n
                        for n in expect["municipalities"] or []}
        got = _names(engine, reply)
        if wanted_names != got:
            problems.append(f"municipalities: expected {sorted(wanted_names)}, got {sorted(got)}")
    if "metric" in expect:
        got_metric = reply.plan.metric if reply.plan else None
        metrics = _as_list(expect["metric"]) or [None]
        if got_metric not in metrics:
            wanted_metric = metrics[0] if len(metrics) == 1 else " or ".join(map(str, metrics))
            problems.append(f"metric: expected {wanted_metric}, got {got_metric}")
    if "tools" in expect:
        wanted_tools, got_tools = set(expect["tools"] or []), {c.name for c in reply.tool_calls}
        if wanted_tools != got_tools:
            problems.append(f"tools: expected {sorted(wanted_tools)}, got {sorted(got_tools)}")
    problems += _check_args(reply, expect.get("args") or {})
    return problems


def _project_problems(reply: Reply, expect: dict[str, Any]) -> list[str]:
    ids = [p.get("id") for p in reply.projects]
    errors = [r.error for r in reply.results if r.error]
    tool_error = f" (tool error: {errors[0]})" if errors else ""
    problems = []
    if expect.get("project_ids_any") and not set(expect["project_ids_any"]) & set(ids):
        problems.append(f"projects: expected any of {expect['project_ids_any']}, got {ids}{tool_error}")
    if expect.get("project_top3_any") and not set(expect["project_top3_any"]) & set(ids[:TOP]):
        problems.append(f"projects top {TOP}: expected any of {expect['project_top3_any']}, got {ids[:TOP]}"
                        f"{tool_error}")
    return problems


def check_answer_expectations(reply: Reply, expect: dict[str, Any], lang: str | None) -> list[str]:
    """Problems with what the user sees: projects, notices, unresolved mentions, language."""
    problems = _project_problems(reply, expect)
    problems += _check_mentions(reply, expect)
    if expect.get("notices_any"):
        notices = " | ".join(reply.notices).casefold()
        if not any(str(n).casefold() in notices for n in expect["notices_any"]):
            problems.append(f"notices: expected any of {expect['notices_any']}, got {reply.notices}")
    wanted_lang = expect.get("lang") or lang
    if wanted_lang and reply.language != wanted_lang:
        problems.append(f"language: expected {wanted_lang}, got {reply.language}")
    return problems


def check_turn(engine: Engine, reference: Any, reply: Reply, expect: dict[str, Any], lang: str | None) -> list[str]:
    """The expectation problems of one turn (empty list = as expected): routing, then answer."""
    return check_routing(engine, reply, expect) + check_answer_expectations(reply, expect, lang)


def run_eval(
    engine: Engine, chains: Sequence[dict[str, Any]], reference: Any | None = None,
    progress: Callable[[TurnOutcome], None] | None = None, source: str = "",
) -> EvalReport:
    """Run every chain through a fresh Assistant; `reference` is an independently loaded index.

    `source` names the question file in the report, so several files can be merged into one report.
    """
    if reference is None:
        from assistant.index.digital_index import DigitalIndex

        reference = DigitalIndex.load(engine.settings.data_dir)
    outcomes = []
    for chain in chains:
        assistant = Assistant(engine)
        tags = [str(t) for t in chain.get("tags") or []]
        for n, turn in enumerate(chain["turns"], start=1):
            expect = dict(turn.get("expect") or {})
            started = time.perf_counter()
            reply = assistant.ask(turn["q"])
            seconds = time.perf_counter() - started
            guard = check_answer(reply.answer, reply.results, reply.question, extra=reply.evidence_extra)
            intents = _as_list(expect.get("intent")) or [reply.intent]
            outcome = TurnOutcome(
                chain=str(chain.get("id", "?")), turn=n, question=turn["q"],
                expected_intent="|".join(map(str, intents)), intent=reply.intent, seconds=seconds,
                routing_problems=check_routing(engine, reply, expect),
                answer_problems=check_answer_expectations(reply, expect, turn.get("lang") or chain.get("lang")),
                wrong_numbers=wrong_numbers(reference, reply), untraceable=list(guard.untraceable),
                source=source, tags=tags,
                project_hit=(None if not expect.get("project_top3_any")
                             else not _project_problems(reply, {"project_top3_any": expect["project_top3_any"]})),
                projects=[str(p.get("id")) for p in reply.projects[:TOP]],
            )
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return EvalReport(outcomes)
