"""What the page shows around an answer's text: project cards, source lines, extra notices and
the tool calls behind it.

Project fields come from the corpus (front matter written by many hands), so every field is
escaped and only http(s) links survive; a card never renders markup from its source.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.presentation.safe_markdown import escape_markdown, markdown_link
from assistant.presentation.ui_text import Lang, text

_STATUS_KEYS = frozenset({"status_planned", "status_running", "status_completed", "status_ongoing", "status_unknown"})


def _listing(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Iterable):
        return [str(v) for v in value if str(v).strip()]
    return []


def _shorten(value: object, limit: int) -> str:
    words = str(value).split()
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            return out + " …"
        out = f"{out} {word}".strip()
    return out


def project_markdown(project: Mapping[str, Any], lang: Lang, *, compact: bool = False) -> str:
    """A project card as inert Markdown: title, municipalities, status, what is reusable,
    funding and source links. Every field is escaped; only http(s) links survive. `compact`
    (the sidebar) keeps the title, places, a short "why" and the first link."""
    lines = [f"**{escape_markdown(project.get('title') or project.get('id') or '?')}**"]
    places = _listing(project.get("municipalities"))
    where = ", ".join(escape_markdown(p) for p in places) if places else escape_markdown(text("project_region", lang))
    facts = [f"{text('project_municipalities', lang)}: {where}"]
    status = project.get("status")
    if status:
        key = f"status_{status}"
        label = text(key, lang) if key in _STATUS_KEYS else str(status)
        facts.append(f"{text('project_status', lang)}: {escape_markdown(label)}")
    lines.append(" · ".join(facts))
    fields = (("reason", "project_why"),) if compact else (
        ("reusable", "project_reusable"), ("funding", "project_funding"), ("reason", "project_why"))
    for key, label in fields:
        value = project.get(key)
        if value:
            shown = _shorten(value, 160) if compact else value
            lines.append(f"{text(label, lang)}: {escape_markdown(shown)}")
    links = [markdown_link(u) for u in _listing(project.get("sources") or project.get("url"))]
    links = [link for link in links if link][: 1 if compact else None]
    if links:
        lines.append(f"{text('sources_heading', lang)}: " + " · ".join(links))
    return "  \n".join(lines)


def sources_markdown(sources: Sequence[Mapping[str, Any]]) -> list[str]:
    """One inert Markdown line per source: its title as a link where it has an http(s) URL."""
    lines = []
    for source in sources:
        title = str(source.get("title") or source.get("id") or "")
        link = markdown_link(source.get("url"), title)
        lines.append(link or escape_markdown(title))
    return [line for line in lines if line]


def extra_notices(reply: Mapping[str, Any]) -> list[str]:
    """The reply's notices that its answer text does not already say."""
    answer = str(reply.get("answer", ""))
    return [str(n) for n in reply.get("notices") or [] if str(n).strip() and str(n) not in answer]


def tool_call_summaries(tool_calls: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each tool call as its name and arguments only: what a reader (or a feedback record) needs
    to see how an answer was computed, without the results."""
    return [{"name": c.get("name"), "args": c.get("args", {})} for c in tool_calls]


def tool_calls_json(tool_calls: Sequence[Mapping[str, Any]]) -> str:
    """The tool calls with their arguments, for the 'How was this computed?' expander."""
    return json.dumps(tool_call_summaries(tool_calls), ensure_ascii=False, indent=2, default=str)
