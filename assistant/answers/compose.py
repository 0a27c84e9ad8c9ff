"""Template answers: short, exact, sourced text from a plan and this turn's tool results only.

Why templates: they are the offline default and the safety net of the LLM path. An LLM answer
that fails the number guard is replaced by the template answer built from the same tool results,
so these templates must be able to render any result of any tool, whatever the intent.

Every number shown is formatted from a figure or fact with assistant.core.numbers.format_number
(German "23,4 %", English "23.4 %"); retrieved text has already been made inert by the tools.
Numbers that belong to fixed wording (the rank example "1, 2, 2, 4") are returned in
`Composed.extra` so that the guard can tell them from invented ones.

This module assembles the answer (help, unknown names, tool errors, notices, source line); the
per-tool renderers live with their intent family in `assistant.answers.answers_figures` and
`assistant.answers.answers_knowledge`, the shared wording helpers in `assistant.answers.answer_writer`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answers.answer_templates import PHRASES
from assistant.answers.answer_writer import AnswerWriter, phrase
from assistant.answers.answers_figures import FIGURE_RENDERERS, stated_figures
from assistant.answers.answers_knowledge import KNOWLEDGE_RENDERERS, membership
from assistant.index.registry import AREA_IDS, INDICATOR_IDS, OVERALL, Lang, Registry
from assistant.tools.plan import Mention, Plan
from assistant.tools.tool_results import ToolResult

#: Intents whose answer needs no tool: the text comes from the plan and the registry.
NO_TOOL_INTENTS = ("help", "out_of_scope", "unknown_municipality", "unknown_metric")

#: tool name -> renderer(writer, result, intent), one for every tool
RENDERERS: dict[str, Callable[[AnswerWriter, ToolResult, str], str]] = {**FIGURE_RENDERERS, **KNOWLEDGE_RENDERERS}


@dataclass(frozen=True)
class Composed:
    """A template answer: its Markdown text, the notices shown with it, and the numbers of its
    fixed wording that the number guard must accept although no tool returned them."""

    text: str
    notices: list[str] = field(default_factory=list)
    extra: tuple[float, ...] = ()
    #: the figures the text names (DESIGN 3.4: what the answer states, not the whole table behind it)
    figures: list[dict[str, Any]] = field(default_factory=list)


# --- answers without tools ---------------------------------------------------------------------
def _suggest(w: AnswerWriter, suggestions: Sequence[str]) -> str:
    return " " + phrase("did_you_mean", w.lang, items=", ".join(suggestions[:3])) if suggestions else ""


def _unknown(w: AnswerWriter, mention: Mention) -> str:
    count = len(w.registry.municipalities)
    if mention.kind == "metric":
        names = [w.metric(m) if m in (*INDICATOR_IDS, *AREA_IDS, OVERALL) else m for m in mention.suggestions]
        all_names = ", ".join(i.name(w.lang) for i in w.registry.indicators)
        return (phrase("unknown_metric", w.lang, name=mention.text) + _suggest(w, names) + " "
                + phrase("available_metrics", w.lang, count=len(INDICATOR_IDS), areas=len(AREA_IDS), items=all_names))
    if mention.outside_region:
        return phrase("outside_region", w.lang, name=mention.text, count=count) + _suggest(w, mention.suggestions)
    examples = ", ".join(m.name for m in w.registry.municipalities[:4])
    return (phrase("unknown_municipality", w.lang, name=mention.text) + _suggest(w, mention.suggestions) + " "
            + phrase("coverage", w.lang, count=count, examples=examples))


def _error(w: AnswerWriter, r: ToolResult) -> str:
    if r.error_kind == "unknown_municipality":
        return _unknown(w, Mention("municipality", str(r.data.get("unknown", "?")), tuple(r.suggestions)))
    if r.error_kind == "unavailable":
        kind = str(r.data.get("unavailable") or "failed")
        kind = kind if f"unavailable_{kind}" in PHRASES else "failed"
        command = r.data.get("repair")
        repair = phrase("projects_repair", w.lang, command=command) if command else ""
        return phrase("projects_unavailable", w.lang, error=r.error, reason=phrase(f"unavailable_{kind}", w.lang),
                      repair=repair)
    return phrase("tool_error", w.lang, error=r.error)


def _notices(w: AnswerWriter, results: Sequence[ToolResult]) -> list[str]:
    figures = [f for r in results if r.ok for f in r.figures]
    synthetic = [f for f in figures if f["provenance"] == "synthetic"]
    if any(r.data.get("synthetic_inputs") for r in results if r.ok and not r.figures):
        return [phrase("partly_synthetic", w.lang)]  # e.g. a what-if ranking computed from all values
    if not synthetic:
        return []
    return [phrase("synthetic" if len(synthetic) == len(figures) else "partly_synthetic", w.lang)]


def compose(plan: Plan, results: Sequence[ToolResult], registry: Registry, lang: Lang | None = None) -> Composed:
    """The template answer for a plan and the results of its tool calls."""
    w = AnswerWriter(registry, lang or plan.language)
    parts: list[str] = []
    extra: list[float] = [float(len(registry.municipalities)), float(len(INDICATOR_IDS)), float(len(AREA_IDS))]
    if plan.intent == "help":
        parts.append(phrase("help", w.lang, count=len(registry.municipalities)))
    elif plan.intent == "out_of_scope" and not results:
        parts.append(phrase("out_of_scope", w.lang))
    parts += [_unknown(w, m) for m in plan.unresolved]
    if plan.intent in ("unknown_municipality", "unknown_metric") and not plan.unresolved and not results:
        parts.append(phrase("help", w.lang, count=len(registry.municipalities)))
    for result in results:
        if result.error:
            parts.append(_error(w, result))
        elif result.figures or result.name not in ("get_metric", "compare_municipalities", "get_profile"):
            if result.name == "get_project" and plan.municipalities:  # "ist Dorsten da auch dabei?"
                parts.append(membership(w, result, [registry.municipality(a) for a in plan.municipalities]))
            parts.append(RENDERERS[result.name](w, result, plan.intent))
        if result.name == "describe_method":
            extra += [1.0, 2.0, 4.0, 100.0]  # the rank example "1, 2, 2, 4" and "100 ×" of the fixed text
    notices = _notices(w, results)
    footer = [line for line in (w.source_line([r for r in results if r.ok]), *notices) if line]
    text = "\n\n".join(p for p in parts if p) or phrase("help", w.lang, count=len(registry.municipalities))
    if footer:
        text += "\n\n" + "\n".join(f"_{line}_" for line in footer)
    stated = [f for r in results if r.ok for f in stated_figures(r, plan.intent)]
    return Composed(text, [*notices, *plan.notices], tuple(extra), stated)
