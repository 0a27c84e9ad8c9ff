"""The contract between understanding a question and answering it.

The offline planner (and, optionally, an LLM) turns a question into a `Plan`: an intent and the
tool calls that fetch its facts. The chat engine executes the calls and composes the answer from
their results only. Tool names and argument names here are the tools' real signatures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.index.registry import Lang
from assistant.tools.tool_specs import PROJECT_TOOLS, TOOL_SIGNATURES

Intent = Literal[
    "value",  # one metric for one municipality ("Wie schneidet Hagen bei Glasfaser ab?")
    "compare_average",  # one municipality vs. the Ruhr average (and its Kreis)
    "compare",  # several municipalities on a metric
    "rank",  # top/bottom N, optionally filtered (Kreis, kreisfrei, population class)
    "position",  # where a municipality stands in the overall ranking
    "above_below",  # who is above/below the Ruhr average; is X above it?
    "profile",  # everything about one municipality
    "explain",  # why a municipality scores as it does ("warum?")
    "peers",  # similar municipalities
    "what_if",  # other weights ("wenn Infrastruktur doppelt zählt")
    "method",  # how the index is computed, definitions
    "indicators",  # which indicators exist
    "findings",  # published facts (metropolitan regions, 5G share of the region, ...)
    "project_search",  # projects about a topic, optionally in a place
    "reusable_projects",  # projects another municipality could take over
    "project_info",  # one named project: what it is, who runs it, status, funding ("Was macht KDN?")
    "learn_from",  # what A could learn from B: A's weak indicators vs. B's figures, B's projects
    "similar_projects",  # projects like a named one elsewhere ("etwas wie Smart City Bochum für ...")
    "projects_for_weak",  # the weakest places on a metric plus projects on that topic
    "help",  # what can you do?
    "out_of_scope",  # weather, other regions' data, requests to change data, ...
    "unknown_municipality",  # a place outside the 53, or unrecognisable
    "unknown_metric",  # a metric that does not exist
]

INTENTS: tuple[str, ...] = Intent.__args__  # type: ignore[attr-defined]

#: Tool names with their argument names, derived from the one tool list (types: assistant.tools.tool_args).
__all__ = ["INTENTS", "TOOL_SIGNATURES", "ConversationState", "Intent", "Mention", "Plan", "ToolCall"]


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "args": dict(self.args)}


@dataclass(frozen=True)
class Mention:
    """Something the user named that could not be resolved, with the closest valid names."""

    kind: Literal["municipality", "metric", "kreis"]
    text: str
    suggestions: tuple[str, ...] = ()
    outside_region: bool = False  # a real place that is not one of the 53 (Köln, Münster)


@dataclass(frozen=True)
class Plan:
    intent: Intent
    language: Lang
    tool_calls: tuple[ToolCall, ...] = ()
    municipalities: tuple[str, ...] = ()  # AGS, in the order mentioned
    metric: str | None = None  # indicator id, area id or "overall"
    unresolved: tuple[Mention, ...] = ()
    notices: tuple[str, ...] = ()  # e.g. "interpreted 'Bochm' as Bochum"
    projects: tuple[str, ...] = ()  # corpus ids the plan is about (project_info, similar_projects)


#: Intents whose answer is a list of projects led by the best match.
_SEARCHES: frozenset[str] = frozenset({"project_search", "similar_projects", "reusable_projects", "projects_for_weak"})


@dataclass
class ConversationState:
    """What a follow-up ("und Bochum?", "warum?", "zeig die Top 10") may refer back to."""

    intent: Intent | None = None
    municipalities: tuple[str, ...] = ()
    metric: str | None = None
    language: Lang = "de"
    last_tool_calls: tuple[ToolCall, ...] = ()
    last_query: str | None = None  # last project-search query
    project: str | None = None  # the project the last project answer was about ("und wer finanziert das?")
    turns: int = 0

    def remember(self, plan: Plan, top_project: str | None = None) -> None:
        """Take what a follow-up may refer back to from `plan`. `top_project` is the first project the
        answer listed: after a search ("Was macht Gelsenkirchen mit Umweltsensoren?") "und wer bezahlt
        das?" asks about the project the user has just read about, as after a named one."""
        if plan.intent in ("unknown_municipality", "unknown_metric", "out_of_scope", "help"):
            self.turns += 1
            return
        self.intent = plan.intent
        self.project = plan.projects[0] if plan.projects else (top_project if plan.intent in _SEARCHES else None)
        if plan.municipalities:
            self.municipalities = plan.municipalities
        if plan.metric:
            self.metric = plan.metric
        self.language = plan.language
        self.last_tool_calls = plan.tool_calls
        for call in plan.tool_calls:
            if call.name in PROJECT_TOOLS and call.args.get("query"):
                self.last_query = str(call.args["query"])
        self.turns += 1
