"""What a tool call returns (`ToolResult`, `Fact`) and the project-search protocol the tools use.

Why a module of its own: the tool bodies (assistant.tools.tool_impl), the Toolbox (assistant.tools.toolbox), the
answers and the guard all read these types; keeping them apart from the Toolbox lets the bodies
import them without a cycle. Every tool returns a `ToolResult` and never raises to its caller:

- figures in the DESIGN 3.4 format, straight from `scoring.figure` (never rounded or edited);
- facts: every other number a tool supplies (Ruhr and Kreis averages, contributions, what-if ranks),
  so the number guard can trace each number in an answer back to a tool;
- sources for every source id a figure, finding or project uses;
- `error` with the valid values or closest names when an argument is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Fact:
    """A number a tool supplies besides its figures, e.g. `ruhr_average` or `points:forschung`."""

    key: str
    value: float
    unit: str | None = None


@dataclass
class ToolResult:
    """What one tool call returned; `text()` is the compact rendering a language model reads."""

    name: str
    args: dict[str, Any]
    figures: list[dict[str, Any]] = field(default_factory=list)  # DESIGN 3.4 figures
    projects: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    error_kind: str | None = None  # invalid_argument, unknown_municipality, unknown_tool, not_allowed, unavailable
    suggestions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def fact(self, key: str) -> float | None:
        return next((f.value for f in self.facts if f.key == key), None)

    def text(self) -> str:
        """Plain lines for a model: errors, figures, facts, data, projects as marked untrusted text."""
        return render_result(self)


def _num(value: Any) -> str:
    """Model-facing number: at most two decimals, '.' as decimal mark, no exponent."""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.2f}".rstrip("0").rstrip(".")


def render_result(result: ToolResult) -> str:
    """Compact lines for a language model. Project text is fenced and labelled as untrusted data."""
    if result.error:
        lines = [f"ERROR in {result.name}: {result.error}"]
        if result.suggestions:
            lines.append("closest valid names: " + ", ".join(result.suggestions))
        return "\n".join(lines)
    lines = [f"RESULT of {result.name}"]
    for f in result.figures:
        score = "" if f.get("score") is None else f" (indicator score {_num(f['score'])})"
        lines.append(
            f"figure: {f['municipality']} | {f['metric']} = {_num(f['value'])} {f['unit']}{score} | "
            f"rank {f['rank']} of {f['of']} | year {f['year']} | {f['provenance']} | source {f['source']}"
        )
    lines += [f"fact: {x.key} = {_num(x.value)}" + (f" {x.unit}" if x.unit else "") for x in result.facts]
    for key, value in result.data.items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False, default=str)}")
    for p in result.projects:
        lines.append(
            f"project: id={p.get('id')} | municipalities={', '.join(p.get('municipalities') or []) or 'region'} | "
            f"status={p.get('status')} | verified={p.get('verified')} | score={_num(p.get('score') or 0)}"
        )
        text = " / ".join(str(p[k]) for k in ("title", "reusable", "funding", "why") if p.get(k))
        lines.append(f"  <untrusted-project-text>{text}</untrusted-project-text>")
    lines += [f"notice: {n}" for n in result.notices]
    lines += [f"source: {s['id']} | {s['title']} | {s.get('url', '')}" for s in result.sources]
    return "\n".join(lines)


class ProjectHitLike(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


class ProjectSource(Protocol):
    """The retrieval facade as the tools use it (assistant.projects.retrieval.ProjectSearch satisfies it).

    Both methods may raise an AssistantError (IndexUnavailableError names the repair command,
    UnknownNameError a bad filter); the Toolbox turns that into an error result.
    """

    def search(
        self, query: str, municipality: str | None = None, kreis: str | None = None, topic: str | None = None,
        status: str | None = None, k: int = 5, *, lang: str = "de",
    ) -> Sequence[ProjectHitLike]: ...

    def suggest_reusable(
        self, municipality_name: str, weak_indicators: Sequence[str], k: int = 5, *, lang: str = "de",
    ) -> Sequence[ProjectHitLike]: ...

    def project(self, project_id: str, *, lang: str = "de") -> Any:
        """One project by corpus id (a ProjectHit), or None when the index does not hold it."""


