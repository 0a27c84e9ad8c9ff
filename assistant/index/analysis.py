"""Questions answered from a ScoreTable: profiles, comparisons, rankings, peers, explanations,
what-if weightings and statistics. Pure functions; every figure comes from scoring.figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from assistant.index.registry import AREA_IDS, KREISFREI_GROUP, OVERALL, Method, Municipality, Registry
from assistant.index.scoring import ScoreTable, compute_scores, figure

Figure = dict[str, object]

#: Population classes for ranking filters (Zensus 2022 population).
POPULATION_CLASSES: dict[str, tuple[int, int]] = {
    "small": (0, 20_000),
    "medium": (20_000, 50_000),
    "large": (50_000, 100_000),
    "city": (100_000, 10**9),
}


@dataclass(frozen=True)
class Profile:
    municipality: Municipality
    figures: list[Figure]  # overall, four areas, twelve indicators
    strengths: list[str]  # metric ids scoring above the Ruhr average (100), best first
    weaknesses: list[str]  # metric ids below 100, weakest first
    group: str  # its Kreis, or "kreisfreie Städte"
    group_means: dict[str, float]  # metric -> mean score of its group (indicator: mean stored value)
    above_group: list[str]
    below_group: list[str]


def group_members(registry: Registry, municipality: Municipality) -> list[str]:
    return [m.ags for m in registry.municipalities if m.group == municipality.group]


def metric_level(table: ScoreTable, metric: str) -> pd.Series:
    """Stored value for indicators, score for areas and overall."""
    return table.values[metric] if metric in table.values.columns else table.metric_scores(metric)


def profile(table: ScoreTable, registry: Registry, ags: str) -> Profile:
    municipality = registry.municipality(ags)
    metrics = [OVERALL, *AREA_IDS, *(i.id for i in registry.indicators)]
    figures = [figure(table, registry, ags, metric) for metric in metrics]
    scored = {m: float(table.metric_scores(m)[ags]) for m in metrics if m != OVERALL}
    members = group_members(registry, municipality)
    group_means = {m: float(metric_level(table, m).loc[members].mean()) for m in metrics}
    above_group, below_group = [], []
    for metric in metrics:
        own = float(metric_level(table, metric)[ags])
        higher_better = metric not in table.values.columns or registry.indicator(metric).higher_is_better
        better = own > group_means[metric] if higher_better else own < group_means[metric]
        worse = own < group_means[metric] if higher_better else own > group_means[metric]
        if better:
            above_group.append(metric)
        elif worse:
            below_group.append(metric)
    return Profile(
        municipality=municipality, figures=figures,
        strengths=sorted((m for m, s in scored.items() if s > 100), key=lambda m: -scored[m]),
        weaknesses=sorted((m for m, s in scored.items() if s < 100), key=lambda m: scored[m]),
        group=municipality.group, group_means=group_means, above_group=above_group, below_group=below_group,
    )


def compare(table: ScoreTable, registry: Registry, ags_list: list[str], metrics: list[str]) -> list[Figure]:
    """Figures for several municipalities on one or more metrics, in the given order."""
    return [figure(table, registry, ags, metric) for metric in metrics for ags in ags_list]


def select(
    registry: Registry,
    kreis: str | None = None,
    kreisfrei: bool | None = None,
    population_class: str | None = None,
) -> list[str]:
    """AGS of the municipalities matching every given filter."""
    low, high = POPULATION_CLASSES.get(population_class or "", (0, 10**9))
    return [
        m.ags for m in registry.municipalities
        if (kreis is None or m.kreis == kreis)
        and (kreisfrei is None or m.kreisfrei == kreisfrei)
        and low <= m.population < high
    ]


def ranking(
    table: ScoreTable,
    registry: Registry,
    metric: str,
    *,
    top: int | None = None,
    bottom: int | None = None,
    members: list[str] | None = None,
) -> list[Figure]:
    """Best first (or worst first with `bottom`); ranks stay ranks among all municipalities."""
    ranks = table.metric_ranks(metric)
    chosen = members if members is not None else list(ranks.index)
    position = {ags: n for n, ags in enumerate(ranks.index)}
    order = sorted(chosen, key=lambda a: (int(ranks[a]), position[a]))
    if bottom:
        order = list(reversed(order))[:bottom]
    elif top:
        order = order[:top]
    return [figure(table, registry, ags, metric) for ags in order]


def peers(registry: Registry, ags: str, k: int = 5) -> list[tuple[Municipality, float]]:
    """Structurally similar municipalities.

    Distance = |Δ kreisfrei| + |Δ z(log population)| + |Δ z(log density)|, with z-scores over the
    53 municipalities: a kreisfreie Stadt is compared with cities of similar size and density first.
    """
    frame = pd.DataFrame(
        {
            "kreisfrei": [float(m.kreisfrei) for m in registry.municipalities],
            "population": [math.log(m.population) for m in registry.municipalities],
            "density": [math.log(max(m.density, 1.0)) for m in registry.municipalities],
        },
        index=[m.ags for m in registry.municipalities],
    )
    for column in ("population", "density"):
        std = frame[column].std(ddof=0) or 1.0
        frame[column] = (frame[column] - frame[column].mean()) / std
    distance = (frame - frame.loc[ags]).abs().sum(axis=1).drop(ags)
    nearest = distance.sort_values(kind="stable").head(k)
    return [(registry.municipality(a), float(d)) for a, d in nearest.items()]


@dataclass(frozen=True)
class Contribution:
    metric: str
    score: float
    points: float  # pull on the overall index in index points (sum over all = overall - 100)


@dataclass(frozen=True)
class Explanation:
    ags: str
    overall: float
    areas: list[Contribution]
    indicators: list[Contribution]


def explain(table: ScoreTable, registry: Registry, ags: str) -> Explanation:
    """How much each area and indicator pulls the overall index above or below 100.

    With area weights a_k and indicator weights w_i, overall - 100 = Σ_k a_k/Σa · (A_k - 100) and
    A_k - 100 = Σ_i w_i/Σw_k · (s_i - 100), so the contributions add up exactly.
    """
    method = table.method
    area_total = sum(method.area_weights[a] for a in AREA_IDS)
    areas, indicators = [], []
    for area in AREA_IDS:
        area_share = method.area_weights[area] / area_total
        score = float(table.area_scores.at[ags, area])
        areas.append(Contribution(area, score, area_share * (score - 100.0)))
        members = registry.area_indicators(area)
        weight_total = sum(method.indicator_weights[i.id] for i in members)
        for indicator in members:
            s = float(table.indicator_scores.at[ags, indicator.id])
            share = area_share * method.indicator_weights[indicator.id] / weight_total
            indicators.append(Contribution(indicator.id, s, share * (s - 100.0)))
    indicators.sort(key=lambda c: c.points)
    return Explanation(ags, float(table.overall[ags]), areas, indicators)


@dataclass(frozen=True)
class WhatIf:
    method: Method
    table: ScoreTable
    #: ags, municipality, overall, rank, default_rank, change (positive = moved up)
    rows: list[dict[str, object]] = field(default_factory=list)


def what_if(
    values: pd.DataFrame,
    registry: Registry,
    baseline: ScoreTable,
    area_weights: dict[str, float] | None = None,
    indicator_weights: dict[str, float] | None = None,
) -> WhatIf:
    """Rankings under other weights, with rank changes against the default (positive = moved up)."""
    for name, weight in {**(area_weights or {}), **(indicator_weights or {})}.items():
        if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
            raise ValueError(f"weight for {name} must be a finite number >= 0, got {weight!r}")
    method = baseline.method.with_weights(area_weights, indicator_weights)
    if sum(method.area_weights[a] for a in AREA_IDS) <= 0:
        raise ValueError("at least one area weight must be positive")
    for area in AREA_IDS:
        if sum(method.indicator_weights[i.id] for i in registry.area_indicators(area)) <= 0:
            raise ValueError(f"at least one indicator of {area} needs a positive weight")
    table = compute_scores(values, registry, method)
    rows = [
        {
            "ags": ags,
            "municipality": registry.municipality(str(ags)).name,
            "overall": float(table.overall[ags]),
            "rank": int(table.overall_rank[ags]),
            "default_rank": int(baseline.overall_rank[ags]),
            "change": int(baseline.overall_rank[ags]) - int(table.overall_rank[ags]),
        }
        for ags in table.overall_rank.sort_values(kind="stable").index
    ]
    return WhatIf(method, table, rows)


@dataclass(frozen=True)
class MetricStats:
    metric: str
    mean: float
    median: float
    minimum: float
    maximum: float
    group_means: dict[str, float]


def statistics(table: ScoreTable, registry: Registry, metric: str) -> MetricStats:
    """Mean, median, extremes and group means (Kreise and kreisfreie Städte) of a metric.

    Memoised on the (immutable) table: every value answer asks for its metric's averages, and the
    label lookups on pandas' Arrow-backed string index made this the costliest step of a numeric
    answer under load (benchmarks/load_chat.py, 20 sessions).
    """
    cache: dict[tuple[int, str], MetricStats] = table.__dict__.setdefault("_statistics", {})
    key = (id(registry), metric)
    if key not in cache:
        cache[key] = _statistics(table, registry, metric)
    return cache[key]


def _statistics(table: ScoreTable, registry: Registry, metric: str) -> MetricStats:
    level = metric_level(table, metric)
    groups: dict[str, list[str]] = {}
    for m in registry.municipalities:
        groups.setdefault(m.group, []).append(m.ags)
    ordered = sorted(groups, key=lambda g: (g != KREISFREI_GROUP, g))
    return MetricStats(
        metric=metric, mean=float(level.mean()), median=float(np.median(level.to_numpy())),
        minimum=float(level.min()), maximum=float(level.max()),
        group_means={g: float(level.loc[groups[g]].mean()) for g in ordered},
    )
