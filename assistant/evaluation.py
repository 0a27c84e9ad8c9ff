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
expectation holds (intent; the set of municipalities the plan resolved; metric; the set of tools
called; `args` of a tool call, schema defaults applying; at least one of `project_ids_any` among the
projects; `notices_any`; `outside_region`, `unresolved` and `suggestions_any` against the plan's
unresolved mentions; the answer language: the turn's `lang`, else the chain's), no figure is
a WRONG NUMBER (each figure is recomputed with `scoring.figure` from an index loaded afresh from
index_data and compared field by field), and the number guard finds no untraceable number.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.chat import Assistant, Engine, Reply
from assistant.errors import AssistantError, UnknownNameError
from assistant.guard import check_answer
from assistant.plan import INTENTS
from assistant.tool_specs import SCHEMAS

EXPECT_KEYS = frozenset({
    "intent", "municipalities", "metric", "tools", "project_ids_any", "lang", "args", "notices_any",
    "outside_region", "unresolved", "suggestions_any",
})
GOAL = 0.95


@dataclass
class TurnOutcome:
    chain: str
    turn: int
    question: str
    expected_intent: str
    intent: str
    seconds: float
    problems: list[str] = field(default_factory=list)
    wrong_numbers: list[str] = field(default_factory=list)
    untraceable: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not (self.problems or self.wrong_numbers or self.untraceable)


@dataclass
class EvalReport:
    outcomes: list[TurnOutcome]

    @property
    def accuracy(self) -> float:
        return sum(o.passed for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    def per_intent(self) -> dict[str, tuple[int, int]]:
        table: dict[str, list[int]] = {}
        for o in self.outcomes:
            row = table.setdefault(o.expected_intent, [0, 0])
            row[0] += o.passed
            row[1] += 1
        return {intent: (row[0], row[1]) for intent, row in sorted(table.items())}

    @property
    def wrong_numbers(self) -> int:
        return sum(len(o.wrong_numbers) for o in self.outcomes)

    @property
    def untraceable(self) -> int:
        return sum(len(o.untraceable) for o in self.outcomes)

    @property
    def ok(self) -> bool:
        return self.accuracy >= GOAL and self.wrong_numbers == 0 and self.untraceable == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "turns": len(self.outcomes), "passed": sum(o.passed for o in self.outcomes),
            "accuracy": round(self.accuracy, 4), "goal": GOAL, "ok": self.ok,
            "wrong_numbers": self.wrong_numbers, "untraceable_numbers": self.untraceable,
            "per_intent": {k: {"passed": p, "total": t, "accuracy": round(p / t, 4)}
                           for k, (p, t) in self.per_intent().items()},
            "failures": [{**asdict(o), "passed": o.passed} for o in self.outcomes if not o.passed],
        }

    def render(self) -> str:
        lines = [f"{'intent':<22} {'passed':>6} {'total':>6} {'accuracy':>9}"]
        for intent, (passed, total) in self.per_intent().items():
            lines.append(f"{intent:<22} {passed:>6} {total:>6} {100 * passed / total:>8.1f}%")
        passed = sum(o.passed for o in self.outcomes)
        lines.append(f"{'overall':<22} {passed:>6} {len(self.outcomes):>6} {100 * self.accuracy:>8.1f}%")
        lines.append(f"wrong numbers: {self.wrong_numbers}; untraceable numbers: {self.untraceable}; "
                     f"goal: >= {100 * GOAL:.0f} % and no wrong number -> {'MET' if self.ok else 'NOT MET'}")
        failures = [o for o in self.outcomes if not o.passed]
        if failures:
            lines.append(f"\nFailures ({len(failures)}):")
        for o in failures:
            lines.append(f"- {o.chain} #{o.turn} {o.question!r}")
            lines += [f"    WRONG NUMBER: {p}" for p in o.wrong_numbers]
            lines += [f"    untraceable number in answer: {p}" for p in o.untraceable]
            lines += [f"    {p}" for p in o.problems]
        return "\n".join(lines)


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
            if "intent" in expect and expect["intent"] not in INTENTS:
                problems.append(f"{where}, turn {t}: unknown intent {expect['intent']!r}")
    if problems:
        raise AssistantError("invalid evaluation file:\n" + "\n".join(problems))
    return raw


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


def wrong_numbers(reference: Any, reply: Reply) -> list[str]:
    """Every figure recomputed from index_data with scoring.figure; any differing field is wrong."""
    from assistant.scoring import figure

    found = []
    for f in reply.figures:
        try:
            expected = figure(reference.table, reference.registry, str(f["ags"]), str(f["metric"]))
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


def check_turn(engine: Engine, reference: Any, reply: Reply, expect: dict[str, Any], lang: str | None) -> list[str]:
    """The expectation problems of one turn (empty list = as expected)."""
    problems = []
    if "intent" in expect and reply.intent != expect["intent"]:
        problems.append(f"intent: expected {expect['intent']}, got {reply.intent}")
    if "municipalities" in expect:
        wanted = {engine.index.municipality(n).name if engine.index.resolver.resolve_fuzzy(n) else n
                  for n in expect["municipalities"] or []}
        got = _names(engine, reply)
        if wanted != got:
            problems.append(f"municipalities: expected {sorted(wanted)}, got {sorted(got)}")
    if "metric" in expect:
        got_metric = reply.plan.metric if reply.plan else None
        if expect["metric"] != got_metric:
            problems.append(f"metric: expected {expect['metric']}, got {got_metric}")
    if "tools" in expect:
        wanted_tools, got_tools = set(expect["tools"] or []), {c.name for c in reply.tool_calls}
        if wanted_tools != got_tools:
            problems.append(f"tools: expected {sorted(wanted_tools)}, got {sorted(got_tools)}")
    if expect.get("project_ids_any"):
        ids = [p.get("id") for p in reply.projects]
        if not set(expect["project_ids_any"]) & set(ids):
            errors = [r.error for r in reply.results if r.error]
            problems.append(f"projects: expected any of {expect['project_ids_any']}, got {ids}"
                            + (f" (tool error: {errors[0]})" if errors else ""))
    problems += _check_args(reply, expect.get("args") or {})
    problems += _check_mentions(reply, expect)
    if expect.get("notices_any"):
        notices = " | ".join(reply.notices).casefold()
        if not any(str(n).casefold() in notices for n in expect["notices_any"]):
            problems.append(f"notices: expected any of {expect['notices_any']}, got {reply.notices}")
    wanted_lang = expect.get("lang") or lang
    if wanted_lang and reply.language != wanted_lang:
        problems.append(f"language: expected {wanted_lang}, got {reply.language}")
    return problems


def run_eval(
    engine: Engine, chains: Sequence[dict[str, Any]], reference: Any | None = None,
    progress: Callable[[TurnOutcome], None] | None = None,
) -> EvalReport:
    """Run every chain through a fresh Assistant; `reference` is an independently loaded index."""
    if reference is None:
        from assistant.digital_index import DigitalIndex

        reference = DigitalIndex.load(engine.settings.data_dir)
    outcomes = []
    for chain in chains:
        assistant = Assistant(engine)
        for n, turn in enumerate(chain["turns"], start=1):
            expect = dict(turn.get("expect") or {})
            started = time.perf_counter()
            reply = assistant.ask(turn["q"])
            seconds = time.perf_counter() - started
            guard = check_answer(reply.answer, reply.results, reply.question, extra=reply.evidence_extra)
            outcome = TurnOutcome(
                chain=str(chain.get("id", "?")), turn=n, question=turn["q"],
                expected_intent=str(expect.get("intent", reply.intent)), intent=reply.intent, seconds=seconds,
                problems=check_turn(engine, reference, reply, expect, turn.get("lang") or chain.get("lang")),
                wrong_numbers=wrong_numbers(reference, reply), untraceable=list(guard.untraceable),
            )
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return EvalReport(outcomes)
