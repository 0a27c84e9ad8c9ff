"""The one tool list: every table that names tools is derived from `TOOL_SPECS` and agrees with it,
and one extra `ToolSpec` appears everywhere derived without touching another table."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from pydantic import Field

from assistant.answers.compose import RENDERERS
from assistant.index.digital_index import DigitalIndex
from assistant.tools import plan as plan_module
from assistant.tools.plan import INTENTS, ConversationState, ToolCall
from assistant.tools.tool_args import ToolArgs
from assistant.tools.tool_impl import ToolContext
from assistant.tools.tool_results import Fact, ToolResult
from assistant.tools.tool_specs import (
    IMPLEMENTATIONS,
    PROJECT_TOOLS,
    SCHEMAS,
    TOOL_INTENTS,
    TOOL_SIGNATURES,
    ToolSpec,
    register_tool,
    tool_spec,
    tool_specs,
    unregister_tool,
)
from assistant.tools.toolbox import Toolbox
from assistant.understanding.plan_args import call
from assistant.understanding.planner import Planner
from tests.test_entities import shipped_index

#: The main set and the newcomer dev set (the project-entity tools are exercised there).
EVAL_FILES = tuple(Path(__file__).resolve().parent.parent / "eval" / name
                   for name in ("questions.yaml", "newcomer_dev.yaml"))


@pytest.fixture(scope="module")
def index() -> DigitalIndex:
    return shipped_index()


def test_every_derived_table_agrees_with_the_spec_list(index: DigitalIndex) -> None:
    specs = tool_specs()
    names = [s.name for s in specs]
    assert len(names) == len(set(names)) == 16
    toolbox = Toolbox(index)
    assert list(SCHEMAS) == list(TOOL_SIGNATURES) == list(IMPLEMENTATIONS) == list(TOOL_INTENTS) == names
    assert list(toolbox.names) == names
    assert plan_module.TOOL_SIGNATURES is TOOL_SIGNATURES
    assert set(PROJECT_TOOLS) == {s.name for s in specs if s.project} == {
        "search_projects", "suggest_reusable_projects", "get_project", "learn_from", "similar_projects"}
    lc_tools = {t.name: t for t in toolbox.langchain_tools("en")}
    assert list(lc_tools) == names
    for spec in specs:
        assert SCHEMAS[spec.name] is spec.args
        assert IMPLEMENTATIONS[spec.name] is spec.body
        assert TOOL_SIGNATURES[spec.name] == spec.arg_names == tuple(spec.args.model_fields)
        assert TOOL_INTENTS[spec.name] == spec.intents[0]
        assert set(spec.intents) <= set(INTENTS), spec.name
        # the body takes the context and then exactly the argument model's fields
        assert tuple(inspect.signature(spec.body).parameters)[1:] == spec.arg_names, spec.name
        assert tuple(lc_tools[spec.name].args) == spec.arg_names
        assert lc_tools[spec.name].description == spec.description
        # the offline answer has a renderer for every tool
        assert spec.name in RENDERERS, f"no answer renderer for {spec.name}"


def test_the_planner_calls_tools_only_for_the_intents_their_spec_names(index: DigitalIndex) -> None:
    planner = Planner(index)
    seen: set[tuple[str, str]] = set()
    cases = [case for path in EVAL_FILES for case in yaml.safe_load(path.read_text(encoding="utf-8"))]
    for case in cases:
        state = ConversationState()
        for turn in case["turns"]:
            plan = planner.plan(turn["q"], state)
            state.remember(plan)
            for tool_call in plan.tool_calls:
                seen.add((tool_call.name, plan.intent))
    wrong = sorted((name, intent) for name, intent in seen if intent not in tool_spec(name).intents)
    assert wrong == []
    assert {name for name, _ in seen} == set(SCHEMAS)  # the eval sets exercise every tool


class CountMunicipalitiesArgs(ToolArgs):
    """How many municipalities have a population of at least `minimum` (a test-only tool)."""

    minimum: int = Field(default=0, ge=0, description="Smallest population counted.")


def count_municipalities(ctx: ToolContext, minimum: int) -> ToolResult:
    count = sum(1 for m in ctx.registry.municipalities if m.population >= minimum)
    return ToolResult("count_municipalities", {}, facts=[Fact("count", float(count))])


@pytest.fixture
def extra_tool() -> Iterator[ToolSpec]:
    spec = register_tool(ToolSpec("count_municipalities", CountMunicipalitiesArgs, count_municipalities, ("help",)))
    try:
        yield spec
    finally:
        unregister_tool(spec.name)


def test_one_extra_spec_appears_everywhere_derived(index: DigitalIndex, extra_tool: ToolSpec) -> None:
    name = extra_tool.name
    assert SCHEMAS[name] is CountMunicipalitiesArgs
    assert TOOL_SIGNATURES[name] == ("minimum",) == plan_module.TOOL_SIGNATURES[name]
    assert IMPLEMENTATIONS[name] is count_municipalities
    assert TOOL_INTENTS[name] == "help"
    assert name not in PROJECT_TOOLS
    assert call(name, minimum=100_000) == ToolCall(name, {"minimum": 100_000})  # the planner's constructor
    toolbox = Toolbox(index)
    assert name in toolbox.names
    lc_tool = next(t for t in toolbox.langchain_tools("de") if t.name == name)
    assert tuple(lc_tool.args) == ("minimum",)
    assert "population" in lc_tool.description
    result = toolbox.execute(ToolCall(name, {"minimum": 100_000}))
    assert result.ok
    assert result.fact("count") == sum(1 for m in index.registry.municipalities
                                                      if m.population >= 100_000)
    assert toolbox.execute(ToolCall(name, {"minimum": -1})).error_kind == "invalid_argument"


def test_an_extra_project_spec_joins_the_project_tools(extra_tool: ToolSpec) -> None:
    spec = register_tool(ToolSpec("count_projects", CountMunicipalitiesArgs, count_municipalities, ("help",),
                                  project=True))
    try:
        assert "count_projects" in PROJECT_TOOLS
        assert extra_tool.name not in PROJECT_TOOLS
    finally:
        unregister_tool(spec.name)
    assert "count_projects" not in PROJECT_TOOLS
    assert "count_projects" not in SCHEMAS


def test_a_tool_name_is_registered_once() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_tool(tool_specs()[0])
    with pytest.raises(ValueError, match="serves no intent"):
        ToolSpec("nothing", CountMunicipalitiesArgs, count_municipalities, ())
