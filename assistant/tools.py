"""The fifteen tools of the assistant: typed, read-only questions to the scoring module and retrieval.

Why one module: the offline planner and an optional LLM call the *same* tools (plan.TOOL_SIGNATURES
names them and their arguments), so validation, error messages and result shapes cannot drift
between the two paths. Every tool returns a `ToolResult` and never raises to its caller:

- figures in the DESIGN 3.4 format, straight from `scoring.figure` (never rounded or edited);
- facts: every other number a tool supplies (Ruhr and Kreis averages, contributions, what-if ranks),
  so the number guard can trace each number in an answer back to a tool;
- sources for every source id a figure, finding or project uses;
- `error` with the valid values or closest names when an argument is wrong.

Argument schemas derive their choices from the registry (metric, area, indicator ids, Kreise,
population classes, corpus topics), so nobody retypes an id. The project side is a protocol and is
created lazily: numeric answers never touch Chroma or the embedding model.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.analysis import POPULATION_CLASSES
from assistant.errors import AssistantError, UnknownNameError
from assistant.plan import ToolCall
from assistant.registry import AREA_IDS, INDICATOR_IDS, KREISE, Lang, metric_ids
from assistant.topics import TOPICS

#: Parts of the method `describe_method` can explain.
METHOD_TOPICS: tuple[str, ...] = ("overview", "scores", "weights", "ranks", "average", "provenance", "peers")

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

    MetricId = str
    AreaId = str
    IndicatorId = str
    KreisName = str
    PopulationClass = str
    TopicId = str
    MethodTopic = str
else:  # pydantic reads these at run time: JSON schemas list the valid ids as an enum
    MetricId = Literal[metric_ids()]
    AreaId = Literal[AREA_IDS]
    IndicatorId = Literal[INDICATOR_IDS]
    KreisName = Literal[KREISE]
    PopulationClass = Literal[tuple(POPULATION_CLASSES)]
    TopicId = Literal[TOPICS]
    MethodTopic = Literal[METHOD_TOPICS]

log = logging.getLogger(__name__)

MUNICIPALITY_HELP = (
    "Name of one of the 53 Ruhr municipalities (e.g. 'Hagen', 'Mülheim an der Ruhr'); "
    "aliases, missing umlauts and small typos are accepted."
)


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
    """The retrieval facade as the tools use it (assistant.retrieval.ProjectSearch satisfies it).

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


# --- argument schemas (descriptions are written for the model) ---------------------------------
class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GetProfileArgs(_Args):
    """Everything about one municipality: overall index, four areas, twelve indicators, strengths."""

    municipality: str = Field(description=MUNICIPALITY_HELP, min_length=1, max_length=100)


class GetMetricArgs(_Args):
    """One metric for one or more municipalities, with rank of 53, Ruhr average and Kreis average."""

    municipalities: list[str] = Field(description=MUNICIPALITY_HELP, min_length=1, max_length=10)
    metric: MetricId = Field(description="Indicator id, area id or 'overall' (the Digital-Index).")


class CompareMunicipalitiesArgs(GetMetricArgs):
    """Compare several municipalities on one metric (indicator, area or overall), best first."""


class RankMunicipalitiesArgs(_Args):
    """Top or bottom N on a metric, optionally only one Kreis, kreisfreie Städte or a population class."""

    metric: MetricId = Field(default="overall", description="Indicator id, area id or 'overall'.")
    n: int = Field(default=10, ge=1, le=53, description="How many municipalities to list.")
    order: Literal["top", "bottom"] = Field(default="top", description="'top' = best first, 'bottom' = worst first.")
    kreis: KreisName | None = Field(default=None, description="Only the members of this Kreis.")
    kreisfrei: bool | None = Field(default=None, description="True: only kreisfreie Städte; False: only Kreis towns.")
    population_class: PopulationClass | None = Field(
        default=None, description="small < 20,000; medium 20,000-50,000; large 50,000-100,000; city >= 100,000."
    )


class FindPeersArgs(_Args):
    """Structurally similar municipalities (kreisfrei or not, population, density)."""

    municipality: str = Field(description=MUNICIPALITY_HELP, min_length=1, max_length=100)
    k: int = Field(default=5, ge=1, le=10)


class ExplainScoreArgs(_Args):
    """Why a municipality has its overall index: how much each area and indicator pulls it up or down."""

    municipality: str = Field(description=MUNICIPALITY_HELP, min_length=1, max_length=100)


class WhatIfWeightsArgs(_Args):
    """The overall ranking under other weights (e.g. infrastructure counts double), with rank changes."""

    area_weights: dict[AreaId, float] = Field(default_factory=dict, description="Area id -> weight (default 1).")
    indicator_weights: dict[IndicatorId, float] = Field(
        default_factory=dict, description="Indicator id -> weight (default 1)."
    )
    municipality: str | None = Field(default=None, description="Optional: " + MUNICIPALITY_HELP, max_length=100)


class GetFindingsArgs(_Args):
    """Published findings about the Digital-Index Ruhr and the region (pioneers, 5G, metropolitan regions)."""

    area: AreaId | None = Field(default=None, description="Only findings about this area.")
    query: str | None = Field(default=None, max_length=300, description="Words to look for in the findings.")


class DescribeMethodArgs(_Args):
    """How the index is computed: scores, weights, ranks, the Ruhr average, data provenance, peers."""

    topic: MethodTopic | None = Field(default=None, description="Which part of the method.")


class ListIndicatorsArgs(_Args):
    """The twelve indicators (optionally of one area) with units and definitions."""

    area: AreaId | None = Field(default=None, description="Only the indicators of this area.")


class SearchProjectsArgs(_Args):
    """Digital projects in the Ruhr area by topic, optionally in one municipality, Kreis or topic."""

    query: str = Field(min_length=1, max_length=500, description="What the projects are about.")
    municipality: str | None = Field(default=None, description="Optional: " + MUNICIPALITY_HELP, max_length=100)
    kreis: KreisName | None = Field(default=None, description="Optional: only projects in this Kreis.")
    topic: TopicId | None = Field(default=None, description="Optional topic id from the corpus vocabulary.")
    k: int = Field(default=5, ge=1, le=10)


class SuggestReusableProjectsArgs(_Args):
    """Projects from other municipalities that address a municipality's weakest indicators."""

    municipality: str = Field(description=MUNICIPALITY_HELP, min_length=1, max_length=100)
    query: str | None = Field(default=None, max_length=500, description="Optional topic to focus on.")
    k: int = Field(default=5, ge=1, le=10)


class GetProjectArgs(_Args):
    """One digital project by its corpus id: what it is, lead and partners, municipalities, status,
    funding, what others can reuse, sources."""

    project: str = Field(min_length=1, max_length=100, description="Project id from the corpus, e.g. 'connected-ruhr'.")


class LearnFromArgs(_Args):
    """What one municipality could learn from another: its weakest indicators where the other scores
    higher (figures for both), and the other's projects on those topics."""

    municipality: str = Field(description="The learner. " + MUNICIPALITY_HELP, min_length=1, max_length=100)
    teacher: str = Field(description="The one to learn from. " + MUNICIPALITY_HELP, min_length=1, max_length=100)
    k: int = Field(default=3, ge=1, le=10)


class SimilarProjectsArgs(_Args):
    """Projects like a named project elsewhere (the project itself excluded), optionally in one
    municipality or Kreis, or for a population class."""

    project: str = Field(min_length=1, max_length=100, description="Project id from the corpus.")
    query: str | None = Field(default=None, max_length=300, description="Optional words the projects should match.")
    municipality: str | None = Field(default=None, description="Optional: " + MUNICIPALITY_HELP, max_length=100)
    kreis: KreisName | None = Field(default=None, description="Optional: only projects in this Kreis.")
    population_class: PopulationClass | None = Field(
        default=None, description="Optional: projects for towns of this class (small < 20,000 ...)."
    )
    k: int = Field(default=5, ge=1, le=10)


SCHEMAS: dict[str, type[_Args]] = {
    "get_profile": GetProfileArgs,
    "get_metric": GetMetricArgs,
    "compare_municipalities": CompareMunicipalitiesArgs,
    "rank_municipalities": RankMunicipalitiesArgs,
    "find_peers": FindPeersArgs,
    "explain_score": ExplainScoreArgs,
    "what_if_weights": WhatIfWeightsArgs,
    "get_findings": GetFindingsArgs,
    "describe_method": DescribeMethodArgs,
    "list_indicators": ListIndicatorsArgs,
    "search_projects": SearchProjectsArgs,
    "suggest_reusable_projects": SuggestReusableProjectsArgs,
    "get_project": GetProjectArgs,
    "learn_from": LearnFromArgs,
    "similar_projects": SimilarProjectsArgs,
}

PROJECT_TOOLS = frozenset({"search_projects", "suggest_reusable_projects", "get_project", "learn_from",
                           "similar_projects"})
PROJECT_FAILURE = ("The project search failed unexpectedly (details are in the server log). "
                   "Repair: run `assistant doctor`.")


def shown_error(error: object) -> str:
    """An error message as answers and models see it: the caller's text in it made inert (no HTML,
    no images), absolute file paths replaced (the server log keeps the full message)."""
    from assistant.chunking import inert_text
    from assistant.disclosure import redact_paths

    return redact_paths(inert_text(str(error), "en"))


def _validation_message(tool: str, error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "arguments"
        got = problem.get("input")
        shown = repr(got) if len(repr(got)) < 80 else ("…" if isinstance(got, dict) else repr(got)[:60] + "…")
        parts.append(f"argument '{where}': {problem['msg']} (got {shown})")
    return f"{tool}: " + "; ".join(parts)


class Toolbox:
    """Executes tool calls by name against one DigitalIndex, with an allow-list.

    `projects` may be the retrieval facade itself or a zero-argument factory; a factory is called
    on the first project question only, so a scoring question never imports Chroma.
    """

    def __init__(
        self,
        index: Any,
        projects: ProjectSource | Callable[[], ProjectSource] | None = None,
        allowed: Iterable[str] | None = None,
    ) -> None:
        self.index = index
        self._projects = projects
        self._lock = threading.Lock()  # one facade even when two sessions ask their first project question
        self.allowed = frozenset(allowed) if allowed is not None else frozenset(SCHEMAS)
        unknown = self.allowed - set(SCHEMAS)
        if unknown:
            raise ValueError("unknown tools in allow-list: " + ", ".join(sorted(unknown)))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in SCHEMAS if n in self.allowed)

    def project_source(self) -> ProjectSource | None:
        """The retrieval facade, created on first use (errors such as a missing index propagate)."""
        with self._lock:
            source = self._projects
            if source is not None and not hasattr(source, "search") and callable(source):
                source = self._projects = source()
            return source  # type: ignore[return-value]  # a factory has been replaced by its product

    def _normalise(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """Map readable metric/area/Kreis names ("Glasfaser", "Unna") to ids before validation."""
        result = dict(args)
        for key in ("metric", "area"):
            value = result.get(key)
            if isinstance(value, str) and value not in metric_ids():
                with contextlib.suppress(UnknownNameError):
                    result[key] = self.index.metric(value)
        for key in ("area_weights", "indicator_weights"):
            weights = result.get(key)
            if isinstance(weights, Mapping):
                resolved: dict[str, Any] = {}
                for name, weight in weights.items():
                    try:
                        resolved[self.index.metric(str(name)) if name not in metric_ids() else name] = weight
                    except UnknownNameError:
                        resolved[str(name)] = weight
                result[key] = resolved
        kreis = result.get("kreis")
        if isinstance(kreis, str) and kreis not in KREISE:
            with contextlib.suppress(UnknownNameError):
                result["kreis"] = self.index.kreis(kreis)
        return result

    def execute(self, call: ToolCall | Mapping[str, Any], lang: Lang = "de") -> ToolResult:
        """Run one call; any user-caused problem becomes an error result, never an exception."""
        if not isinstance(call, ToolCall):
            call = ToolCall(str(call.get("name", "")), dict(call.get("args") or {}))
        args = dict(call.args)
        if call.name not in SCHEMAS:
            return ToolResult(call.name, args, error=f"Unknown tool '{call.name}'. Available tools: "
                              + ", ".join(self.names) + ".", error_kind="unknown_tool")
        if call.name not in self.allowed:
            return ToolResult(call.name, args, error=f"Tool '{call.name}' is not allowed here.",
                              error_kind="not_allowed")
        try:
            parsed = SCHEMAS[call.name].model_validate(self._normalise(args))
        except ValidationError as error:
            return ToolResult(call.name, args, error=shown_error(_validation_message(call.name, error)),
                              error_kind="invalid_argument")
        from assistant.project_tools import PROJECT_IMPLEMENTATIONS  # the functions import this module
        from assistant.tool_impl import IMPLEMENTATIONS, ToolContext

        context = ToolContext(self.index, lang, self.project_source if call.name in PROJECT_TOOLS else None)
        implementation = IMPLEMENTATIONS.get(call.name) or PROJECT_IMPLEMENTATIONS[call.name]
        try:
            result: ToolResult = implementation(context, **parsed.model_dump())
        except UnknownNameError as error:
            kind = "unknown_municipality" if error.kind == "municipality" else "invalid_argument"
            return ToolResult(call.name, args, error=shown_error(error), error_kind=kind,
                              suggestions=list(error.suggestions),
                              data={"unknown": shown_error(error.name), "kind": error.kind})
        except (AssistantError, ValueError) as error:
            log.info("tool %s failed: %s", call.name, error)
            unavailable = call.name in PROJECT_TOOLS and not isinstance(error, ValueError)
            kind = "unavailable" if unavailable else "invalid_argument"
            return ToolResult(call.name, args, error=shown_error(error), error_kind=kind)
        except Exception:  # a broken project index must cost the project answer, never the whole reply
            if call.name not in PROJECT_TOOLS:
                raise
            log.exception("project tool %s failed unexpectedly", call.name)
            return ToolResult(call.name, args, error=PROJECT_FAILURE, error_kind="unavailable")
        result.args = args
        return result

    def langchain_tools(self, lang: Lang = "de") -> list[StructuredTool]:
        """The allowed tools as LangChain StructuredTools (content = text, artifact = ToolResult)."""
        from langchain_core.tools import StructuredTool

        def make(name: str) -> StructuredTool:
            def run(**kwargs: Any) -> tuple[str, ToolResult]:
                result = self.execute(ToolCall(name, kwargs), lang)
                return result.text(), result

            schema = SCHEMAS[name]
            return StructuredTool.from_function(
                func=run, name=name, description=(schema.__doc__ or name).strip(), args_schema=schema,
                response_format="content_and_artifact",
                handle_validation_error=lambda error: f"{name}: invalid arguments: {error}",
            )

        return [make(name) for name in self.names]
