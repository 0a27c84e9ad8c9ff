"""The body of the value what-if tool: one municipality's indicator value changed, its new overall
score and rank (its ToolSpec entry: assistant.tools.tool_specs; the computation:
assistant.index.scenarios).

Both figures (the indicator and the overall index) carry their `scenario`, so the number guard, the
evaluation and an outside client recompute them with `scenarios.scenario_table`; today's value and
rank stand in each figure as `default_value` and `default_rank`, as in a weight what-if.
"""

from __future__ import annotations

from assistant.index.registry import OVERALL
from assistant.index.scenarios import what_if_value as value_scenario
from assistant.index.scoring import SCORE_UNIT, figure
from assistant.tools.tool_impl import ToolContext
from assistant.tools.tool_results import Fact, ToolResult


def what_if_value(ctx: ToolContext, municipality: str, metric: str, factor: float | None,
                  value: float | None) -> ToolResult:
    target = ctx.resolve([municipality])[0]
    if factor is None and value is None:
        factor = 2.0  # "what if it improved": the planner's assumption, stated in the answer as a factor
    scenario = value_scenario(ctx.index.data.values, ctx.registry, ctx.table, target.ags, metric,
                              factor=factor if value is None else None, value=value)
    figures = []
    for shown in (metric, OVERALL):
        today = figure(ctx.table, ctx.registry, target.ags, shown)
        changed = figure(scenario.table, ctx.registry, target.ags, shown)
        figures.append({**changed, "scenario": scenario.scenario, "default_value": today["value"],
                        "default_rank": today["rank"], "rank_change": int(today["rank"]) - int(changed["rank"])})  # type: ignore[call-overload]
    unit = ctx.unit(metric)
    overall_new = figures[1]
    facts = [Fact("old_value", scenario.old_value, unit), Fact("new_value", scenario.new_value, unit),
             Fact("old_score", float(overall_new["default_value"]), SCORE_UNIT),
             Fact("new_score", float(overall_new["value"]), SCORE_UNIT),
             Fact("old_rank", float(overall_new["default_rank"])), Fact("new_rank", float(overall_new["rank"])),
             Fact("rank_change", float(overall_new["rank_change"])),
             Fact(f"old_rank:{metric}", float(figures[0]["default_rank"])),
             Fact(f"new_rank:{metric}", float(figures[0]["rank"])),
             Fact("ruhr_average", 100.0, SCORE_UNIT)]
    if factor is not None and value is None:
        facts.append(Fact("factor", float(factor)))
    data = {"municipality": target.name, "metric": metric, "factor": factor if value is None else None,
            "value": value, "capped": scenario.capped, "old_value": scenario.old_value,
            "new_value": scenario.new_value, "scenario": scenario.scenario,
            "synthetic_inputs": str(figures[0].get("provenance")) == "synthetic"}
    return ctx.result("what_if_value", figures, facts=facts, data=data)
