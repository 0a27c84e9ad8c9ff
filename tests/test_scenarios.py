"""Value what-ifs: one municipality's indicator value changed, scored by the deterministic scoring
module, carried as a scenario that anyone can recompute."""

from __future__ import annotations

import pytest

from assistant.answers.chat import Assistant, Engine
from assistant.answers.evaluation import wrong_numbers
from assistant.index.digital_index import DigitalIndex
from assistant.index.registry import OVERALL
from assistant.index.scenarios import scenario_table, what_if_value, with_values
from assistant.index.scoring import compute_scores, figure
from assistant.tools.toolbox import Toolbox
from tests.chat_support import FakeProjects, call


def ags_of(index: DigitalIndex, name: str) -> str:
    return index.municipality(name).ags


def test_a_factor_changes_only_that_value_and_the_scores_follow(index: DigitalIndex) -> None:
    ags = ags_of(index, "Hagen")
    scenario = what_if_value(index.data.values, index.registry, index.table, ags, "digital_startups", factor=3)
    old = float(index.table.values.at[ags, "digital_startups"])
    assert (scenario.old_value, scenario.new_value, scenario.capped) == (old, pytest.approx(3 * old), False)
    changed = scenario.table.values.compare(index.table.values)
    assert list(changed.index) == [ags]  # no other municipality's value moved
    expected = compute_scores(with_values(index.data.values, {ags: {"digital_startups": 3 * old}}), index.registry)
    assert float(scenario.table.overall[ags]) == pytest.approx(float(expected.overall[ags]))
    assert float(scenario.table.overall[ags]) > float(index.table.overall[ags])


def test_a_percentage_stays_at_most_100(index: DigitalIndex) -> None:
    ags = ags_of(index, "Bochum")
    scenario = what_if_value(index.data.values, index.registry, index.table, ags, "mobile_5g", factor=10)
    assert (scenario.new_value, scenario.capped) == (100.0, True)
    with pytest.raises(ValueError, match="more than 100"):
        what_if_value(index.data.values, index.registry, index.table, ags, "mobile_5g", value=120)
    with pytest.raises(ValueError, match="either a factor or a new value"):
        what_if_value(index.data.values, index.registry, index.table, ags, "mobile_5g")


def test_the_tool_figures_recompute_from_their_scenario(index: DigitalIndex) -> None:
    result = Toolbox(index, FakeProjects()).execute(
        call("what_if_value", municipality="Herne", metric="fibre_households", value=80))
    assert result.ok, result.error
    value, changed = result.figures
    assert (value["metric"], changed["metric"]) == ("fibre_households", OVERALL)
    table = scenario_table(index.data.values, index.registry, index.table, changed["scenario"])
    assert changed["value"] == figure(table, index.registry, changed["ags"], OVERALL)["value"]
    today = figure(index.table, index.registry, changed["ags"], OVERALL)
    assert (changed["default_value"], changed["default_rank"]) == (today["value"], today["rank"])
    assert value["value"] == 80.0
    # an assumed value is no measurement: it and the index resting on it say so
    assert (value["provenance"], value["source"], changed["provenance"]) == ("synthetic", "synthetic-demo", "synthetic")
    assert result.fact("new_rank") == changed["rank"]
    assert result.fact("rank_change") == int(today["rank"]) - int(changed["rank"])  # type: ignore[call-overload]


def test_a_value_what_if_answer_has_no_wrong_or_untraceable_number(index: DigitalIndex) -> None:
    reply = Assistant(Engine(index=index, projects=FakeProjects())).ask(
        "Was wäre, wenn Herne auf 80 Prozent Glasfaser käme?")
    assert reply.intent == "what_if"
    assert [c.name for c in reply.tool_calls] == ["what_if_value"]
    assert wrong_numbers(index, reply) == []
    assert reply.guard is not None
    assert list(reply.guard.untraceable) == []
    assert "80,0 %" in reply.answer
    assert "Platz" in reply.answer


# --- value thresholds ("über 80 Prozent") -------------------------------------------------------------
def test_a_threshold_keeps_exactly_the_municipalities_beyond_it(index: DigitalIndex) -> None:
    box = Toolbox(index, FakeProjects())
    values = index.table.values["fibre_households"]
    bound = float(values.median())
    result = box.execute(call("rank_municipalities", metric="fibre_households", n=53, above=bound))
    assert result.ok, result.error
    assert {f["ags"] for f in result.figures} == {a for a, v in values.items() if float(v) > bound}
    assert result.fact("above") == bound
    assert result.fact("scope") == 53.0
    both = box.execute(call("rank_municipalities", metric="fibre_households", n=53, above=bound, below=bound + 1))
    assert all(bound < float(f["value"]) < bound + 1 for f in both.figures)  # type: ignore[arg-type]


def test_a_threshold_answer_names_the_bound_and_has_no_untraceable_number(index: DigitalIndex) -> None:
    reply = Assistant(Engine(index=index, projects=FakeProjects())).ask(
        "Welche Kommunen liegen bei der Glasfaser über 30 Prozent?")
    assert reply.intent == "above_below"
    assert reply.tool_calls[0].args["above"] == 30.0
    assert "über 30,0 %" in reply.answer
    assert reply.guard is not None
    assert list(reply.guard.untraceable) == []
    assert wrong_numbers(index, reply) == []


@pytest.mark.parametrize(("args", "kind"), [
    ({"municipality": "Herne", "metric": "fibre_households", "value": 120.0}, "invalid_argument"),  # > 100 %
    ({"municipality": "Herne", "metric": "fibre_households", "factor": -1.0}, "invalid_argument"),
    ({"municipality": "Herne", "metric": "fibre_households", "value": float("nan")}, "invalid_argument"),
    ({"municipality": "Gotham", "metric": "fibre_households", "factor": 2.0}, "unknown_municipality"),
])
def test_a_bad_value_what_if_is_a_clear_error(index: DigitalIndex, args: dict[str, object], kind: str) -> None:
    result = Toolbox(index, FakeProjects()).execute(call("what_if_value", **args))
    assert not result.ok
    assert result.error_kind == kind


def test_a_threshold_that_is_no_number_is_a_clear_error(index: DigitalIndex) -> None:
    result = Toolbox(index, FakeProjects()).execute(
        call("rank_municipalities", metric="fibre_households", above=float("nan")))
    assert result.error_kind == "invalid_argument"
