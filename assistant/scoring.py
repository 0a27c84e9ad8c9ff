"""The deterministic scoring method (DESIGN 3.2), as pure pandas functions without I/O.

Every number the assistant shows is computed here or read from values.csv. The method:
indicator score s = min(cap, 100 * x / mean) (inverted for lower-is-better indicators, 100 for all
when the mean is 0), area score = weighted mean of its indicator scores, overall = weighted mean
of the area scores. Ranks are competition ranks (1, 2, 2, 4) on unrounded numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from assistant.registry import AREA_IDS, OVERALL, PROVENANCES, Method, Registry

#: Weakest first: an aggregate built from any synthetic input is synthetic.
_PROVENANCE_ORDER = {name: n for n, name in enumerate(reversed(PROVENANCES))}
SCORE_UNIT = "Index (Ruhr = 100)"
COMPUTED_SOURCE = "computed"


@dataclass(frozen=True)
class ScoreTable:
    """All scores and ranks for one method; frames are indexed by AGS in registry order."""

    method: Method
    values: pd.DataFrame  # ags x indicator, stored values
    years: pd.DataFrame  # ags x indicator
    provenance: pd.DataFrame  # ags x indicator
    sources: pd.DataFrame  # ags x indicator
    means: pd.Series  # indicator -> unweighted mean over all municipalities
    indicator_scores: pd.DataFrame
    area_scores: pd.DataFrame
    overall: pd.Series
    indicator_ranks: pd.DataFrame
    area_ranks: pd.DataFrame
    overall_rank: pd.Series

    @property
    def count(self) -> int:
        return len(self.overall)

    def metric_scores(self, metric: str) -> pd.Series:
        """Scores of any metric: indicator score, area score or overall index."""
        if metric == OVERALL:
            return self.overall
        if metric in self.area_scores.columns:
            return self.area_scores[metric]
        return self.indicator_scores[metric]

    def metric_ranks(self, metric: str) -> pd.Series:
        if metric == OVERALL:
            return self.overall_rank
        if metric in self.area_ranks.columns:
            return self.area_ranks[metric]
        return self.indicator_ranks[metric]


def competition_rank(values: pd.Series | pd.DataFrame, *, descending: bool = True) -> pd.DataFrame | pd.Series:
    """1 = best, ties share the best rank and the next rank is skipped (1, 2, 2, 4)."""
    return values.rank(method="min", ascending=not descending).astype(int)


def indicator_scores(values: pd.DataFrame, registry: Registry, method: Method) -> tuple[pd.DataFrame, pd.Series]:
    """Scores per indicator relative to the unweighted mean over all municipalities in `values`."""
    means = values.mean(axis=0)
    scores = pd.DataFrame(index=values.index, columns=values.columns, dtype=float)
    for column in values.columns:
        mean = float(means[column])
        x = values[column].to_numpy(dtype=float)
        if mean == 0:
            scores[column] = 100.0
            continue
        if registry.indicator(column).higher_is_better:
            raw = 100.0 * x / mean
        else:
            with np.errstate(divide="ignore"):
                raw = np.where(x > 0, 100.0 * mean / np.where(x > 0, x, 1.0), np.inf)
        scores[column] = np.minimum(method.cap, raw)
    return scores, means


def area_scores(scores: pd.DataFrame, registry: Registry, method: Method) -> pd.DataFrame:
    """Weighted mean of each area's indicator scores (weights from the method)."""
    result = pd.DataFrame(index=scores.index)
    for area in AREA_IDS:
        ids = [i.id for i in registry.area_indicators(area)]
        weights = np.array([method.indicator_weights[i] for i in ids], dtype=float)
        result[area] = scores[ids].to_numpy(dtype=float) @ weights / weights.sum()
    return result


def overall_scores(areas: pd.DataFrame, method: Method) -> pd.Series:
    weights = np.array([method.area_weights[a] for a in AREA_IDS], dtype=float)
    return pd.Series(areas[list(AREA_IDS)].to_numpy(dtype=float) @ weights / weights.sum(), index=areas.index)


def pivot_values(values: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Long values (ags, indicator, value) -> wide ags x indicator in registry order."""
    wide = values.pivot(index="ags", columns="indicator", values="value")
    order = [m.ags for m in registry.municipalities if m.ags in wide.index] or list(wide.index)
    return wide.reindex(index=order, columns=[i.id for i in registry.indicators]).astype(float)


def rank_indicators(values: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Indicator ranks by stored value, direction-aware."""
    ranks = pd.DataFrame(index=values.index)
    for column in values.columns:
        descending = registry.indicator(column).higher_is_better
        ranks[column] = competition_rank(values[column], descending=descending)
    return ranks


def compute_scores(values: pd.DataFrame, registry: Registry, method: Method | None = None) -> ScoreTable:
    """Full recompute of every score and rank. `values` is long: ags, indicator, value[, year, ...]."""
    method = method or registry.method
    wide = pivot_values(values, registry)
    scores, means = indicator_scores(wide, registry, method)
    areas = area_scores(scores, registry, method)
    overall = overall_scores(areas, method)

    def meta(column: str, fill: object) -> pd.DataFrame:
        if column not in values.columns:
            return pd.DataFrame(fill, index=wide.index, columns=wide.columns)
        return values.pivot(index="ags", columns="indicator", values=column).reindex_like(wide)

    return ScoreTable(
        method=method, values=wide, years=meta("year", 0), provenance=meta("provenance", "synthetic"),
        sources=meta("source", ""), means=means, indicator_scores=scores, area_scores=areas, overall=overall,
        indicator_ranks=rank_indicators(wide, registry),
        area_ranks=pd.DataFrame(competition_rank(areas)), overall_rank=pd.Series(competition_rank(overall)),
    )


def aggregate_provenance(provenances: list[str]) -> str:
    """The weakest provenance among the inputs of an aggregate."""
    return min(provenances, key=lambda p: _PROVENANCE_ORDER.get(p, -1)) if provenances else "synthetic"


def figure(table: ScoreTable, registry: Registry, ags: str, metric: str) -> dict[str, object]:
    """One figure in the DESIGN 3.4 format: the stored value (indicator) or the score (area/overall)."""
    municipality = registry.municipality(ags)
    base: dict[str, object] = {"ags": ags, "municipality": municipality.name, "metric": metric}
    rank = int(table.metric_ranks(metric)[ags])
    if metric in table.values.columns:
        indicator = registry.indicator(metric)
        return {
            **base,
            "value": float(table.values.at[ags, metric]),
            "score": float(table.indicator_scores.at[ags, metric]),
            "rank": rank, "of": table.count, "unit": indicator.unit,
            "year": int(table.years.at[ags, metric]),
            "provenance": str(table.provenance.at[ags, metric]),
            "source": str(table.sources.at[ags, metric]),
        }
    inputs = (
        list(table.values.columns)
        if metric == OVERALL
        else [i.id for i in registry.area_indicators(metric)]
    )
    return {
        **base,
        "value": float(table.metric_scores(metric)[ags]),
        "score": None, "rank": rank, "of": table.count, "unit": SCORE_UNIT,
        "year": int(table.years.loc[ags, inputs].max()),
        "provenance": aggregate_provenance([str(p) for p in table.provenance.loc[ags, inputs]]),
        "source": COMPUTED_SOURCE,
    }
