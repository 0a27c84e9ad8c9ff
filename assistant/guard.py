"""The number guard: every number in an answer must come from this turn's tool results.

Why: an answer is shown only if no number in it was made up, whoever wrote it (a template or a
language model). The guard is deliberately simple and conservative; it does not understand
sentences, it checks that each written number is one that a tool returned.

What counts as a number in the answer (`extract_numbers`):
- digit runs with an optional decimal part and thousands groups, in German ("1.234,5", "23,4")
  or English ("1,234.5", "23.4") style, with or without "%" ("23,4 %"), ranks ("Platz 3",
  "3.", "#3"), years ("2024"). Signs are ignored: "+3" and "-3" are both 3 (rank changes are
  stated with words next to them, and every change is also a fact).
- not numbers: digits glued to letters ("5G", "B54", "e5", "FTTB/H"), digits inside URLs and
  Markdown link targets, and list numbering (a number of one or two digits at the start of a line
  followed by "." or ")"). Nothing else is exempt: "53" in "von 53" passes because every figure
  carries `of = 53`, not because 53 is special.
- a token that reads differently in the two conventions ("1.234" = 1234 or 1.234) passes if either
  reading is traceable; dates such as "24.06.2025" have no valid reading and are flagged.

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

import bisect
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.numbers import DecimalMark, parse_number
from assistant.tool_results import ToolResult

_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>`\"']+", re.I)
_LIST_MARKER = re.compile(r"^([ \t]*(?:[-*+][ \t]+)?)\d{1,2}[.)](?=[ \t])", re.M)
_THIN = "\u00a0\u202f\u2009"
_NUMBER = re.compile(
    rf"(?<![\w.,/])(\d{{1,3}}(?:[.,{_THIN}]\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\w])"
)
#: Project fields that are retrieved prose or retrieval bookkeeping, not metadata.
_NOT_EVIDENCE = frozenset({"best_passage", "why", "channels"})
#: Result data that only echoes the caller's free text.
_ECHOED_DATA = frozenset({"query"})


@dataclass(frozen=True)
class NumberToken:
    text: str
    readings: tuple[tuple[float, int], ...]  # (value, decimals written) per valid convention
    position: int


@dataclass(frozen=True)
class GuardResult:
    ok: bool
    untraceable: tuple[str, ...]
    checked: int


def _readings(token: str) -> tuple[tuple[float, int], ...]:
    found: list[tuple[float, int]] = []
    marks: tuple[DecimalMark, ...] = (",", ".")
    for mark in marks:
        try:
            value = parse_number(token, decimal=mark)
        except ValueError:
            continue
        decimals = len(token.rpartition(mark)[2]) if mark in token else 0
        if (abs(value), decimals) not in found:
            found.append((abs(value), decimals))
    return tuple(found)


def extract_numbers(text: str) -> list[NumberToken]:
    """Every number a reader would see in `text` (see the module docstring for the rules)."""
    cleaned = _URL.sub(lambda m: " " * len(m.group(0)), text)
    cleaned = _LIST_MARKER.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), cleaned)
    tokens = []
    for match in _NUMBER.finditer(cleaned):
        raw = match.group(1)
        normalised = "".join(" " if ch in _THIN else ch for ch in raw)
        tokens.append(NumberToken(raw, _readings(normalised), match.start(1)))
    return tokens


class Evidence:
    """The sorted absolute values a turn's answer may show."""

    def __init__(self, values: Iterable[float]) -> None:
        self.values = sorted({abs(v) for v in values if math.isfinite(v)})

    def __len__(self) -> int:
        return len(self.values)

    def traces(self, value: float, decimals: int) -> bool:
        tolerance = 0.5 * 10.0 ** (-decimals) + 1e-9
        i = bisect.bisect_left(self.values, value - tolerance)
        return i < len(self.values) and self.values[i] <= value + tolerance


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
    tokens = extract_numbers(answer)
    bad = [t.text for t in tokens if not any(allowed.traces(v, d) for v, d in t.readings)]
    return GuardResult(not bad, tuple(bad), len(tokens))


def check_answer(
    answer: str, results: Sequence[ToolResult], question: str | None = None, *, extra: Iterable[float] = (),
    free_text: bool = True,
) -> GuardResult:
    """Convenience: `check(answer, evidence(results, question, extra, free_text=...))`."""
    return check(answer, evidence(results, question, extra, free_text=free_text))
