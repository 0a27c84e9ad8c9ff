"""The evaluation report: routing accuracy apart from answer correctness, overall, per file and per tag.

A turn can be routed right and still answer wrong (the right intent, but the wrong projects on top),
or be routed wrong and still show the right project (a search that happens to find it). Issue 9 needs
both figures apart: the first measures understanding, the second what the user sees. A turn *passes*
only when both hold; that overall figure keeps the goal of `assistant eval` (>= 95 %, no wrong number).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

GOAL = 0.95


@dataclass
class TurnOutcome:
    chain: str
    turn: int
    question: str
    expected_intent: str  # the expected intent, or the acceptable ones joined by "|"
    intent: str
    seconds: float
    routing_problems: list[str] = field(default_factory=list)
    answer_problems: list[str] = field(default_factory=list)
    wrong_numbers: list[str] = field(default_factory=list)
    untraceable: list[str] = field(default_factory=list)
    source: str = ""  # the question file
    tags: list[str] = field(default_factory=list)  # the chain's tags
    project_hit: bool | None = None  # project_top3_any held (None: the turn states no such expectation)
    projects: list[str] = field(default_factory=list)  # the first three project ids of the answer

    @property
    def problems(self) -> list[str]:
        return self.routing_problems + self.answer_problems

    @property
    def routed(self) -> bool:
        return not self.routing_problems

    @property
    def answered(self) -> bool:
        return not (self.answer_problems or self.wrong_numbers or self.untraceable)

    @property
    def passed(self) -> bool:
        return self.routed and self.answered


@dataclass(frozen=True)
class Tally:
    """Counts of one group of turns."""

    turns: int
    routed: int
    answered: int
    passed: int
    project_hits: int
    project_turns: int

    @classmethod
    def of(cls, outcomes: Iterable[TurnOutcome]) -> Tally:
        items = list(outcomes)
        with_projects = [o for o in items if o.project_hit is not None]
        return cls(len(items), sum(o.routed for o in items), sum(o.answered for o in items),
                   sum(o.passed for o in items), sum(bool(o.project_hit) for o in with_projects), len(with_projects))

    def to_dict(self) -> dict[str, Any]:
        def share(part: int, whole: int) -> float | None:
            return round(part / whole, 4) if whole else None

        return {"turns": self.turns, "routed": self.routed, "answered": self.answered, "passed": self.passed,
                "routing_accuracy": share(self.routed, self.turns),
                "answer_correctness": share(self.answered, self.turns),
                "accuracy": share(self.passed, self.turns),
                "project_hit_at3": {"hits": self.project_hits, "turns": self.project_turns,
                                    "rate": share(self.project_hits, self.project_turns)}}

    def row(self, label: str) -> str:
        def pct(part: int, whole: int) -> str:
            return f"{part:>3}/{whole:<3} {100 * part / whole:5.1f}%" if whole else f"{'-':>15}"

        return (f"{label:<26} {self.turns:>5}  {pct(self.routed, self.turns)}  {pct(self.answered, self.turns)}  "
                f"{pct(self.passed, self.turns)}  {pct(self.project_hits, self.project_turns)}")


TABLE_HEADER = (f"{'':<26} {'turns':>5}  {'routing':>15}  {'answer':>15}  {'passed':>15}  {'project hit@3':>15}")


@dataclass
class EvalReport:
    outcomes: list[TurnOutcome]

    @property
    def accuracy(self) -> float:
        return sum(o.passed for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    @property
    def overall(self) -> Tally:
        return Tally.of(self.outcomes)

    def per_intent(self) -> dict[str, tuple[int, int]]:
        table: dict[str, list[int]] = {}
        for o in self.outcomes:
            row = table.setdefault(o.expected_intent, [0, 0])
            row[0] += o.passed
            row[1] += 1
        return {intent: (row[0], row[1]) for intent, row in sorted(table.items())}

    def _grouped(self, keys: Callable[[TurnOutcome], Iterable[str]]) -> dict[str, Tally]:
        groups: dict[str, list[TurnOutcome]] = {}
        for o in self.outcomes:
            for key in keys(o):
                groups.setdefault(key, []).append(o)
        return {key: Tally.of(items) for key, items in groups.items()}

    def per_tag(self) -> dict[str, Tally]:
        """Every tag of a chain counts each of its turns (a turn appears under several tags)."""
        return dict(sorted(self._grouped(lambda o: o.tags).items()))

    def per_file(self) -> dict[str, Tally]:
        return self._grouped(lambda o: [o.source] if o.source else [])

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
        overall = self.overall
        return {
            "turns": len(self.outcomes), "passed": overall.passed,
            "accuracy": round(self.accuracy, 4), "goal": GOAL, "ok": self.ok,
            "routing_accuracy": overall.to_dict()["routing_accuracy"],
            "answer_correctness": overall.to_dict()["answer_correctness"],
            "project_hit_at3": overall.to_dict()["project_hit_at3"],
            "wrong_numbers": self.wrong_numbers, "untraceable_numbers": self.untraceable,
            "per_intent": {k: {"passed": p, "total": t, "accuracy": round(p / t, 4)}
                           for k, (p, t) in self.per_intent().items()},
            "per_file": {k: v.to_dict() for k, v in self.per_file().items()},
            "per_tag": {k: v.to_dict() for k, v in self.per_tag().items()},
            "failures": [{**asdict(o), "problems": o.problems, "passed": o.passed, "routed": o.routed,
                           "answered": o.answered}
                         for o in self.outcomes if not o.passed],
        }

    def render(self) -> str:
        lines = [f"{'intent':<22} {'passed':>6} {'total':>6} {'accuracy':>9}"]
        for intent, (passed, total) in self.per_intent().items():
            lines.append(f"{intent:<22} {passed:>6} {total:>6} {100 * passed / total:>8.1f}%")
        passed = sum(o.passed for o in self.outcomes)
        lines.append(f"{'overall':<22} {passed:>6} {len(self.outcomes):>6} {100 * self.accuracy:>8.1f}%")
        lines += ["", "Routing (intent, municipalities, metric, tools, args) apart from answer correctness "
                  "(projects, notices, unresolved mentions, language, numbers):", TABLE_HEADER,
                  self.overall.row("overall")]
        files = self.per_file()
        if len(files) > 1:
            lines += ["", "per file:", TABLE_HEADER] + [tally.row(name) for name, tally in files.items()]
        tags = self.per_tag()
        if tags:
            lines += ["", "per tag:", TABLE_HEADER] + [tally.row(name) for name, tally in tags.items()]
        lines.append("")
        lines.append(f"wrong numbers: {self.wrong_numbers}; untraceable numbers: {self.untraceable}; "
                     f"goal: >= {100 * GOAL:.0f} % and no wrong number -> {'MET' if self.ok else 'NOT MET'}")
        failures = [o for o in self.outcomes if not o.passed]
        if failures:
            lines.append(f"\nFailures ({len(failures)}):")
        for o in failures:
            where = f"{o.source}: " if len(files) > 1 else ""
            lines.append(f"- {where}{o.chain} #{o.turn} {o.question!r}")
            lines += [f"    WRONG NUMBER: {p}" for p in o.wrong_numbers]
            lines += [f"    untraceable number in answer: {p}" for p in o.untraceable]
            lines += [f"    routing: {p}" for p in o.routing_problems]
            lines += [f"    answer: {p}" for p in o.answer_problems]
        return "\n".join(lines)
