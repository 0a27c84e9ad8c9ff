"""The number guard: every number in an answer must come from this turn's tool results.

Why: an answer is shown only if no number in it was made up, whoever wrote it (a template or a
language model). The guard is deliberately simple and conservative; it does not understand
sentences, it checks that each written number is one that a tool returned.

What counts as a number in the answer is defined once, in `assistant.index.number_check.extract_numbers`
(digit runs in German or English style, ranks, years, "3rd"; not digits glued to letters such as
"5G" or "B54", URLs or list numbering), and the check itself is `assistant.index.number_check.verify_with`:
the guard is proof-carrying numbers with a wider ledger. A claim checker for a reader accepts only
figures and facts; the guard also accepts everything else this turn's tools returned (below), so
every number in an answer it lets through is one a tool supplied. Without a language both readings
of "1.234" count (1234 and 1.234); dates such as "24.06.2025" have no valid reading and are flagged.

Traceable values (`Evidence`): every figure's value, score, rank, of and year; every fact; every
number in the tool arguments; every number in the tools' structured data (finding statements,
indicator descriptions, what-if rows, peers), in project metadata, source titles, tool notices and
error messages (which may quote a limit such as "at most 53"); plus,
optionally, the numbers in the question itself (the template path allows them so that "Top 10"
or "Platz 3?" can be repeated; the LLM path does not, so that a model cannot launder a number
the user planted). For the same reason the LLM path passes `free_text=False`: numbers written
inside free text are then not evidence: string arguments and the query a result echoes (a model
could plant a number by searching for "Dortmund 1000" and then quote it), and the prose fields of
project cards and their source titles (staff-editable documents, like `best_passage`). Numeric
arguments (Top n, weights) and numeric project metadata (budget, years) still count. The passage
text a search matched (`best_passage`) and the retrieval explanation (`why`) are not evidence on
either path: numbers are never copied from retrieved text.

Rounding: a number written with d decimals matches a traceable value t when |t - v| <= 0.5·10^-d
(so 23.4567 may be shown as 23, 23,5 or 23,46, whatever the rounding mode; never as 24).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.index.number_check import Entry, Ledger, NumberToken, extract_numbers, verify_with
from assistant.tools.tool_results import ToolResult

__all__ = ["Evidence", "GuardResult", "NumberToken", "check", "check_answer", "evidence", "extract_numbers"]

#: Project fields that are retrieved prose or retrieval bookkeeping, not metadata.
_NOT_EVIDENCE = frozenset({"best_passage", "why", "channels"})
#: Result data that only echoes the caller's free text.
_ECHOED_DATA = frozenset({"query"})


@dataclass(frozen=True)
class GuardResult:
    ok: bool
    untraceable: tuple[str, ...]
    checked: int


class Evidence:
    """The numbers a turn's answer may show, as a claims ledger of bare evidence entries."""

    def __init__(self, values: Iterable[float]) -> None:
        self.values = sorted({abs(v) for v in values if math.isfinite(v)})
        self.ledger = Ledger(Entry(v, "evidence", None) for v in self.values)

    def __len__(self) -> int:
        return len(self.values)

    def traces(self, value: float, decimals: int) -> bool:
        return bool(self.ledger.near(value, decimals))


def _collect(value: Any, out: list[float]) -> None:
    """Numbers in any nested structure; strings contribute the numbers written in them."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        out.append(float(value))
    elif isinstance(value, str):
        out.extend(v for token in extract_numbers(value) for v, _ in token.readings)
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, out)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _collect(item, out)


def _without_text(value: Any) -> Any:
    """`value` with every string removed (numbers in lists and dicts kept)."""
    if isinstance(value, str):
        return None
    if isinstance(value, dict):
        return {k: _without_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_text(v) for v in value]
    return value


def evidence(
    results: Sequence[ToolResult], question: str | None = None, extra: Iterable[float] = (), *,
    free_text: bool = True,
) -> Evidence:
    """Everything this turn's tools returned that an answer may quote (see module docstring)."""
    found: list[float] = list(extra)
    for result in results:
        _collect(result.args if free_text else _without_text(result.args), found)
        for f in result.figures:
            _collect({k: f.get(k) for k in ("value", "score", "rank", "of", "year", "unit")}, found)
        found.extend(fact.value for fact in result.facts)
        _collect(result.data if free_text else {k: v for k, v in result.data.items() if k not in _ECHOED_DATA},
                 found)
        for project in result.projects:
            fields = {k: v for k, v in project.items() if k not in _NOT_EVIDENCE}
            _collect(fields if free_text else _without_text(fields), found)
        prose = set() if free_text else {p.get("title") for p in result.projects}
        _collect([s.get("title", "") for s in result.sources if s.get("title") not in prose], found)
        _collect([result.error or "", *result.suggestions, *result.notices], found)
    if question:
        _collect(question, found)
    return Evidence(found)


def check(answer: str, allowed: Evidence) -> GuardResult:
    """Which numbers in `answer` no reading of which matches the evidence."""
    report = verify_with(answer, allowed.ledger)
    return GuardResult(report.ok, tuple(n.text for n in report.unverified), len(report.numbers))


def check_answer(
    answer: str, results: Sequence[ToolResult], question: str | None = None, *, extra: Iterable[float] = (),
    free_text: bool = True,
) -> GuardResult:
    """Convenience: `check(answer, evidence(results, question, extra, free_text=...))`."""
    return check(answer, evidence(results, question, extra, free_text=free_text))
