"""The default method (DESIGN 3.2) checked by hand on a tiny fixture, plus properties."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.index.analysis import explain, peers, ranking, statistics, what_if
from assistant.index.claims import figure_claim_id
from assistant.index.registry import AREA_IDS, INDICATOR_IDS, Method
from assistant.index.scoring import compute_scores, figure
from tests.conftest import long_values, make_registry


def test_indicator_score_is_ratio_to_mean(tiny_registry):
    values = long_values(tiny_registry, {"fibre_households": [10.0, 20.0, 30.0, 40.0]})
    table = compute_scores(values, tiny_registry)
    # mean 25 -> 40, 80, 120, 160
    assert table.indicator_scores["fibre_households"].round(9).tolist() == [40.0, 80.0, 120.0, 160.0]


def test_cap_limits_outliers(tiny_registry):
    values = long_values(tiny_registry, {"digital_patents": [0.0, 0.0, 0.0, 100.0]})
    table = compute_scores(values, tiny_registry)
    # mean 25 -> raw 400 for the last, capped at 300; zeros score 0
    assert table.indicator_scores["digital_patents"].tolist() == [0.0, 0.0, 0.0, 300.0]
    lower_cap = compute_scores(values, tiny_registry, Method(cap=150.0))
    assert lower_cap.indicator_scores["digital_patents"].iloc[-1] == 150.0


def test_zero_mean_scores_everyone_100(tiny_registry):
    values = long_values(tiny_registry, {"ai_companies": [0.0, 0.0, 0.0, 0.0]})
    table = compute_scores(values, tiny_registry)
    assert table.indicator_scores["ai_companies"].tolist() == [100.0] * 4
    assert table.indicator_ranks["ai_companies"].tolist() == [1, 1, 1, 1]


def test_ties_get_competition_ranks(tiny_registry):
    values = long_values(tiny_registry, {"mobile_5g": [90.0, 95.0, 95.0, 80.0]})
    table = compute_scores(values, tiny_registry)
    assert table.indicator_ranks["mobile_5g"].tolist() == [3, 1, 1, 4]


def test_lower_is_better_inverts_score_and_rank():
    registry = make_registry(["A", "B", "C", "D"], lower_is_better=("it_graduates",))
    values = long_values(registry, {"it_graduates": [1.0, 2.0, 4.0, 1.0]})
    table = compute_scores(values, registry)
    # mean 2 -> 100*2/x = 200, 100, 50, 200
    assert table.indicator_scores["it_graduates"].tolist() == [200.0, 100.0, 50.0, 200.0]
    assert table.indicator_ranks["it_graduates"].tolist() == [1, 3, 4, 1]


def test_area_and_overall_are_weighted_means(tiny_registry):
    values = long_values(
        tiny_registry,
        {"research_institutes": [10.0, 30.0, 30.0, 30.0], "fibre_households": [40.0, 20.0, 20.0, 20.0]},
    )
    equal = compute_scores(values, tiny_registry)
    # research_institutes scores: 40, 120, 120, 120; the other two forschung indicators score 100
    assert equal.area_scores.at["05910000", "forschung"] == pytest.approx((40 + 100 + 100) / 3)
    # fibre: mean 25 -> 160, 80, 80, 80
    assert equal.area_scores.at["05910000", "infrastruktur"] == pytest.approx((160 + 100 + 100) / 3)
    expected_overall = (80 + 100 + 100 + 120) / 4
    assert equal.overall["05910000"] == pytest.approx(expected_overall)

    weighted = Method().with_weights({"infrastruktur": 3.0}, {"research_institutes": 2.0})
    table = compute_scores(values, tiny_registry, weighted)
    forschung = (2 * 40 + 100 + 100) / 4
    assert table.area_scores.at["05910000", "forschung"] == pytest.approx(forschung)
    assert table.overall["05910000"] == pytest.approx((forschung + 100 + 100 + 3 * 120) / 6)


def test_ranks_compare_unrounded_numbers(tiny_registry):
    values = long_values(tiny_registry, {"it_employees": [10.0, 10.0001, 9.0, 5.0]})
    table = compute_scores(values, tiny_registry)
    assert table.indicator_ranks["it_employees"].tolist() == [2, 1, 3, 4]
    assert table.overall_rank.tolist()[:2] == [2, 1]


def test_figure_format_for_indicator_and_area(tiny_registry):
    values = long_values(tiny_registry, {"fibre_households": [10.0, 20.0, 30.0, 40.0]})
    values.loc[(values.ags == "05910003") & (values.indicator == "fibre_households"), "provenance"] = "public"
    table = compute_scores(values, tiny_registry)
    fibre = figure(table, tiny_registry, "05910003", "fibre_households")
    assert fibre.pop("claim_id") == figure_claim_id(fibre, table.data_version)  # assistant.index.claims
    assert fibre == {"ags": "05910003", "municipality": "Dburg", "metric": "fibre_households", "value": 40.0,
                     "score": 160.0, "rank": 1, "of": 4, "unit": "%", "year": 2024, "provenance": "public",
                     "source": "demo"}
    area = figure(table, tiny_registry, "05910003", "infrastruktur")
    assert area["score"] is None
    assert area["value"] == pytest.approx(120.0)
    assert area["provenance"] == "synthetic"  # the weakest input provenance


def test_explanation_contributions_add_up(tiny_registry):
    values = long_values(tiny_registry, {i: [1.0 + n, 2.0, 3.0 + n, 4.0] for n, i in enumerate(INDICATOR_IDS)})
    table = compute_scores(values, tiny_registry, Method().with_weights({"forschung": 2.0}, {"mobile_5g": 3.0}))
    result = explain(table, tiny_registry, "05910000")
    assert sum(c.points for c in result.areas) == pytest.approx(result.overall - 100)
    assert sum(c.points for c in result.indicators) == pytest.approx(result.overall - 100)


def test_what_if_reports_rank_changes(tiny_registry):
    values = long_values(
        tiny_registry, {"fibre_households": [100.0, 1.0, 1.0, 1.0], "research_institutes": [1.0, 9.0, 1.0, 1.0]}
    )
    baseline = compute_scores(values, tiny_registry)
    result = what_if(values, tiny_registry, baseline, area_weights={"infrastruktur": 10.0})
    top = result.rows[0]
    assert top["municipality"] == "Aheim"
    assert top["change"] == int(baseline.overall_rank["05910000"]) - 1
    with pytest.raises(ValueError, match="area weight"):
        what_if(values, tiny_registry, baseline, area_weights=dict.fromkeys(AREA_IDS, 0.0))
    with pytest.raises(ValueError, match="finite"):
        what_if(values, tiny_registry, baseline, area_weights={"forschung": float("nan")})


def test_ranking_filters_keep_global_ranks(tiny_registry):
    values = long_values(tiny_registry, {"fibre_households": [10.0, 20.0, 30.0, 40.0]})
    table = compute_scores(values, tiny_registry)
    top = ranking(table, tiny_registry, "fibre_households", top=2)
    assert [f["municipality"] for f in top] == ["Dburg", "Cstadt"]
    bottom = ranking(table, tiny_registry, "fibre_households", bottom=1)
    assert [f["rank"] for f in bottom] == [4]
    subset = ranking(table, tiny_registry, "fibre_households", members=["05910000", "05910001"])
    assert [f["rank"] for f in subset] == [3, 4]


def test_peers_prefer_similar_structure():
    registry = make_registry(["A", "B", "C", "D", "E"])
    found = peers(registry, registry.municipalities[2].ags, k=2)
    assert {m.name for m, _ in found} == {"B", "D"}


def test_statistics(tiny_registry):
    values = long_values(tiny_registry, {"fibre_households": [10.0, 20.0, 30.0, 40.0]})
    stats = statistics(compute_scores(values, tiny_registry), tiny_registry, "fibre_households")
    assert (stats.mean, stats.median, stats.minimum, stats.maximum) == (25.0, 25.0, 10.0, 40.0)


positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(column=st.lists(positive, min_size=4, max_size=4), factor=st.floats(min_value=1e-3, max_value=1e3))
def test_properties_mean_100_and_scale_invariance(column: list[float], factor: float) -> None:
    registry = make_registry(["A", "B", "C", "D"], method=Method(cap=1e12))
    values = long_values(registry, {"it_employees": column})
    table = compute_scores(values, registry)
    assert table.indicator_scores["it_employees"].mean() == pytest.approx(100.0)
    scaled = values.copy()
    mask = scaled["indicator"] == "it_employees"
    scaled.loc[mask, "value"] = scaled.loc[mask, "value"] * factor
    rescored = compute_scores(scaled, registry)
    pd.testing.assert_series_equal(
        table.indicator_scores["it_employees"], rescored.indicator_scores["it_employees"], rtol=1e-9
    )
