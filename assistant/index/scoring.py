"""The deterministic scoring method (DESIGN 3.2), as pure pandas functions without I/O.

Every number the assistant shows is computed here or read from values.csv. The method:
indicator score s = min(cap, 100 * x / mean) (inverted for lower-is-better indicators, 100 for all
when the mean is 0), area score = weighted mean of its indicator scores, overall = weighted mean
of the area scores. Ranks are competition ranks (1, 2, 2, 4) on unrounded numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from assistant.index.claims import data_version, figure_claim_id
from assistant.index.registry import AREA_IDS, OVERALL, PROVENANCES, Method, Registry

#: Weakest first: an aggregate built from any synthetic input is synthetic.
_PROVENANCE_ORDER = {name: n for n, name in enumerate(reversed(PROVENANCES))}
SCORE_UNIT = "Index (Ruhr = 100)"
COMPUTED_SOURCE = "computed"
#: The source of made-up values: the demonstration data, and the assumed value of a what-if.
SYNTHETIC_SOURCE = "synthetic-demo"


@dataclass(frozen=True)
class ScoreTable:
    """All scores and ranks for one method; frames are indexed by AGS in registry order.

    Metadata frames (years, provenance, sources) are pivoted only when first read: a what-if
    recompute needs scores and ranks, not provenance.
    """

    method: Method
    long: pd.DataFrame  # the long input: ags, indicator, value[, year, provenance, source]
    values: pd.DataFrame  # ags x indicator, stored values
    means: pd.Series  # indicator -> unweighted mean over all municipalities
    indicator_scores: pd.DataFrame
    area_scores: pd.DataFrame
    overall: pd.Series
    indicator_ranks: pd.DataFrame
    area_ranks: pd.DataFrame
    overall_rank: pd.Series
    #: the method as loaded (method.toml); a what-if table keeps it, so its figures' claim ids rest on
    #: the same data version as today's and differ from them only by value
    loaded_method: Method | None = None

    @property
    def count(self) -> int:
        return len(self.overall)

    def _meta(self, column: str, fill: object) -> pd.DataFrame:
        if column not in self.long.columns:
            return pd.DataFrame(fill, index=self.values.index, columns=self.values.columns)
        return self.long.pivot(index="ags", columns="indicator", values=column).reindex_like(self.values)

    @cached_property
    def data_version(self) -> str:
        """Hash of the stored values and the loaded method: part of every figure's claim id (assistant.index.claims).

        A what-if scenario is a computation on this data, not other data: its table has the same
        version, and its figures' ids differ from today's through their values.
        """
        columns = [c for c in ("ags", "indicator", "value", "year", "provenance", "source") if c in self.long.columns]
        rows = self.long[columns].itertuples(index=False, name=None)
        method = self.loaded_method or self.method
        weights = [(f"area:{k}", v) for k, v in method.area_weights.items()]
        weights += [(f"indicator:{k}", v) for k, v in method.indicator_weights.items()]
        return data_version(rows, [("cap", method.cap), *weights])

    @cached_property
    def years(self) -> pd.DataFrame:
        return self._meta("year", 0)

    @cached_property
    def provenance(self) -> pd.DataFrame:
        return self._meta("provenance", "synthetic")

    @cached_property
    def sources(self) -> pd.DataFrame:
        return self._meta("source", "")

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


def competition_rank(matrix: np.ndarray, descending: np.ndarray | bool = True) -> np.ndarray:
    """Column-wise competition ranks: 1 = best, ties share the best rank, next is skipped (1, 2, 2, 4).

    Rank = 1 + number of strictly better values, found by binary search in the sorted column,
    so 11,000 rows cost O(n log n) per column.
    """
    matrix = np.asarray(matrix, dtype=float).reshape(len(matrix), -1)
    flags = np.broadcast_to(np.asarray(descending), (matrix.shape[1],))
    ranks = np.empty(matrix.shape, dtype=int)
    for j in range(matrix.shape[1]):
        column = matrix[:, j]
        ordered = np.sort(column)
        if flags[j]:
            ranks[:, j] = 1 + len(column) - np.searchsorted(ordered, column, side="right")
        else:
            ranks[:, j] = 1 + np.searchsorted(ordered, column, side="left")
    return ranks


def indicator_score_matrix(x: np.ndarray, higher_is_better: np.ndarray, cap: float) -> tuple[np.ndarray, np.ndarray]:
    """s = min(cap, 100 x / mean), or min(cap, 100 mean / x) where lower is better; 100 if mean is 0."""
    means = x.mean(axis=0)
    safe_means = np.where(means == 0, 1.0, means)
    with np.errstate(divide="ignore", invalid="ignore"):
        inverted = np.where(x > 0, 100.0 * safe_means / np.where(x > 0, x, 1.0), np.inf)
    raw = np.where(higher_is_better, 100.0 * x / safe_means, inverted)
    raw = np.where(means == 0, 100.0, raw)
    return np.minimum(cap, raw), means


def pivot_values(values: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Long values (ags, indicator, value) -> wide ags x indicator in registry order."""
    rows = pd.Index([m.ags for m in registry.municipalities])
    columns = pd.Index([i.id for i in registry.indicators])
    row_index = rows.get_indexer(values["ags"])
    column_index = columns.get_indexer(values["indicator"])
    known = (row_index >= 0) & (column_index >= 0)
    matrix = np.full((len(rows), len(columns)), np.nan)
    matrix[row_index[known], column_index[known]] = values["value"].to_numpy(dtype=float)[known]
    return pd.DataFrame(matrix, index=rows, columns=columns)


def compute_scores(values: pd.DataFrame, registry: Registry, method: Method | None = None) -> ScoreTable:
    """Full recompute of every score and rank. `values` is long: ags, indicator, value[, year, ...]."""
    method = method or registry.method
    wide = pivot_values(values, registry)
    x = wide.to_numpy()
    higher = np.array([i.higher_is_better for i in registry.indicators])
    scores, means = indicator_score_matrix(x, higher, method.cap)
    # area_matrix[i, k] = normalised weight of indicator i in area k
    area_matrix = np.zeros((len(registry.indicators), len(AREA_IDS)))
    for i, indicator in enumerate(registry.indicators):
        area_matrix[i, AREA_IDS.index(indicator.area)] = method.indicator_weights[indicator.id]
    area_matrix /= area_matrix.sum(axis=0)
    areas = scores @ area_matrix
    area_weights = np.array([method.area_weights[a] for a in AREA_IDS], dtype=float)
    overall = areas @ (area_weights / area_weights.sum())
    index, columns = wide.index, wide.columns
    return ScoreTable(
        method=method, long=values, values=wide, means=pd.Series(means, index=columns),
        indicator_scores=pd.DataFrame(scores, index=index, columns=columns),
        area_scores=pd.DataFrame(areas, index=index, columns=list(AREA_IDS)),
        overall=pd.Series(overall, index=index),
        indicator_ranks=pd.DataFrame(competition_rank(x, higher), index=index, columns=columns),
        area_ranks=pd.DataFrame(competition_rank(areas), index=index, columns=list(AREA_IDS)),
        overall_rank=pd.Series(competition_rank(overall)[:, 0], index=index),
        loaded_method=registry.method,
    )


def aggregate_provenance(provenances: list[str]) -> str:
    """The weakest provenance among the inputs of an aggregate."""
    return min(provenances, key=lambda p: _PROVENANCE_ORDER.get(p, -1)) if provenances else "synthetic"


def figure(table: ScoreTable, registry: Registry, ags: str, metric: str) -> dict[str, object]:
    """One figure in the DESIGN 3.4 format: the stored value (indicator) or the score (area/overall).

    Memoised on the (immutable) table, returned as a fresh dict: the label lookups on pandas'
    Arrow-backed string index were most of a numeric answer's CPU under concurrent load
    (benchmarks/load_chat.py). A what-if table is a new table, so it never sees stale figures.
    """
    cache: dict[tuple[int, str, str], dict[str, object]] = table.__dict__.setdefault("_figures", {})
    key = (id(registry), ags, metric)
    if key not in cache:
        found = _figure(table, registry, ags, metric)
        found["claim_id"] = figure_claim_id(found, table.data_version)
        cache[key] = found
    return dict(cache[key])


def _figure(table: ScoreTable, registry: Registry, ags: str, metric: str) -> dict[str, object]:
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
