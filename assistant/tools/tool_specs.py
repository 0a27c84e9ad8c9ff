"""The one list of tools: each `ToolSpec` says everything the rest of the package needs to know.

Why one list: tool knowledge used to live in six hand-synced tables (argument schemas, argument
signatures for the planner, implementations, the project-tool set, the tool -> intent map, ...), so
adding a tool touched seven files and a forgotten table failed only at run time. Now every such
table is a *live view* of `TOOL_SPECS`: `SCHEMAS`, `TOOL_SIGNATURES`, `IMPLEMENTATIONS`,
`PROJECT_TOOLS` and `TOOL_INTENTS` below, the LangChain tools of the Toolbox and the JSON schemas a
model sees. Adding a tool means: write its argument model (assistant.tools.tool_args), its body
(assistant.tools.tool_impl; the project-entity tools: assistant.tools.project_tools), one `ToolSpec` entry
here, and, for the offline answer, a renderer (assistant.answers.answers_figures / answers_knowledge;
tests/test_tool_specs.py fails until it exists).

`register_tool` adds a spec at run time (tests use it to prove the views follow the list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, KeysView, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from assistant.tools import project_tools, scenario_tools
from assistant.tools import tool_impl as impl
from assistant.tools.tool_args import (
    CompareMunicipalitiesArgs,
    DescribeMethodArgs,
    ExplainScoreArgs,
    FindPeersArgs,
    GetFindingsArgs,
    GetMetricArgs,
    GetProfileArgs,
    GetProjectArgs,
    LearnFromArgs,
    ListIndicatorsArgs,
    RankMunicipalitiesArgs,
    SearchProjectsArgs,
    SimilarProjectsArgs,
    SuggestReusableProjectsArgs,
    ToolArgs,
    WhatIfValueArgs,
    WhatIfWeightsArgs,
)
from assistant.tools.tool_results import ToolResult

if TYPE_CHECKING:
    from assistant.tools.plan import Intent  # a type only: plan re-exports TOOL_SIGNATURES from here


@dataclass(frozen=True)
class ToolSpec:
    """One tool: its name, argument model, body, the intents it serves and whether it needs projects.

    `intents[0]` is the intent an LLM turn gets when this is the first tool it called; the others are
    the further planner intents that call it (tests/test_tool_specs.py checks the planner keeps to them).
    `project` tools get the project search (created lazily) and their failures cost only the project
    part of an answer. The description a model reads is the argument model's docstring.
    """

    name: str
    args: type[ToolArgs]
    body: Callable[..., ToolResult]
    intents: tuple[Intent, ...]
    project: bool = False

    def __post_init__(self) -> None:
        if not self.intents:
            raise ValueError(f"tool {self.name} serves no intent")

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(self.args.model_fields)

    @property
    def description(self) -> str:
        return (self.args.__doc__ or self.name).strip()


_SPECS: dict[str, ToolSpec] = {}


def register_tool(spec: ToolSpec) -> ToolSpec:
    """Add a tool to the list; every derived table sees it at once. Names are unique."""
    if spec.name in _SPECS:
        raise ValueError(f"tool {spec.name} is already registered")
    _SPECS[spec.name] = spec
    return spec


def unregister_tool(name: str) -> None:
    """Remove a tool added by `register_tool` (tests undo their extra tools with it)."""
    del _SPECS[name]


for _spec in (
    ToolSpec("get_profile", GetProfileArgs, impl.get_profile, ("profile",)),
    ToolSpec("get_metric", GetMetricArgs, impl.get_metric, ("value", "compare_average", "position", "above_below")),
    ToolSpec("compare_municipalities", CompareMunicipalitiesArgs, impl.compare_municipalities, ("compare",)),
    ToolSpec("rank_municipalities", RankMunicipalitiesArgs, impl.rank_municipalities,
             ("rank", "above_below", "projects_for_weak")),
    ToolSpec("find_peers", FindPeersArgs, impl.find_peers, ("peers",)),
    ToolSpec("explain_score", ExplainScoreArgs, impl.explain_score, ("explain",)),
    ToolSpec("what_if_weights", WhatIfWeightsArgs, impl.what_if_weights, ("what_if",)),
    ToolSpec("what_if_value", WhatIfValueArgs, scenario_tools.what_if_value, ("what_if",)),
    ToolSpec("get_findings", GetFindingsArgs, impl.get_findings, ("findings",)),
    ToolSpec("describe_method", DescribeMethodArgs, impl.describe_method, ("method",)),
    ToolSpec("list_indicators", ListIndicatorsArgs, impl.list_indicators, ("indicators", "method")),
    # also the related projects beside a reading won on entities alone (understanding.planner.Turn
    # .with_related_projects); the first intent stays the one an LLM's call of it is read as
    ToolSpec("search_projects", SearchProjectsArgs, impl.search_projects,
             ("project_search", "projects_for_weak", "value", "compare", "position", "findings", "rank",
              "unknown_municipality"), project=True),
    ToolSpec("suggest_reusable_projects", SuggestReusableProjectsArgs, impl.suggest_reusable_projects,
             ("reusable_projects",), project=True),
    ToolSpec("get_project", GetProjectArgs, project_tools.get_project, ("project_info",), project=True),
    ToolSpec("learn_from", LearnFromArgs, project_tools.learn_from, ("learn_from",), project=True),
    ToolSpec("similar_projects", SimilarProjectsArgs, project_tools.similar_projects, ("similar_projects",),
             project=True),
):
    register_tool(_spec)


def tool_specs() -> tuple[ToolSpec, ...]:
    """The registered tools in registration order (the order a model is offered them)."""
    return tuple(_SPECS.values())


def tool_spec(name: str) -> ToolSpec:
    """The spec of one tool; KeyError for a name that is not registered."""
    return _SPECS[name]


V = TypeVar("V")


class SpecView(Mapping[str, V], Generic[V]):
    """A read-only, live table derived from the tool list: tool name -> `pick(spec)`."""

    def __init__(self, pick: Callable[[ToolSpec], V], where: Callable[[ToolSpec], bool] = lambda _s: True) -> None:
        self._pick, self._where = pick, where

    def __getitem__(self, name: str) -> V:
        spec = _SPECS.get(name)
        if spec is None or not self._where(spec):
            raise KeyError(name)
        return self._pick(spec)

    def __iter__(self) -> Iterator[str]:
        return iter([name for name, spec in _SPECS.items() if self._where(spec)])

    def __len__(self) -> int:
        return sum(1 for spec in _SPECS.values() if self._where(spec))

    def __repr__(self) -> str:
        return f"SpecView({dict(self)!r})"


#: tool name -> argument model (validation, JSON schema for a model)
SCHEMAS: SpecView[type[ToolArgs]] = SpecView(lambda s: s.args)
#: tool name -> argument names in schema order (the planner emits exactly these)
TOOL_SIGNATURES: SpecView[tuple[str, ...]] = SpecView(lambda s: s.arg_names)
#: tool name -> body(context, **validated arguments)
IMPLEMENTATIONS: SpecView[Callable[..., ToolResult]] = SpecView(lambda s: s.body)
#: tool name -> the intent an LLM turn gets from the first tool it called
TOOL_INTENTS: SpecView[Intent] = SpecView(lambda s: s.intents[0])
#: the tools that need the project search (a live set)
PROJECT_TOOLS: KeysView[str] = SpecView(lambda s: s.project, lambda s: s.project).keys()
