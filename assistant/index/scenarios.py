"""What-if scenarios on the data itself: one municipality's indicator value changed ("Wenn Bönen seine
5G-Abdeckung verdoppelt, wo landet es dann?"), and the one place every scenario figure is recomputed.

A weight scenario (`analysis.what_if`) asks how the method judges; a value scenario asks what a
municipality's own progress would change. Both are computations on the same deterministic scoring,
never new data: the changed value is an assumption the answer names as such, and a figure that
comes from a scenario carries it (`scenario`), so anyone can recompute it with `scenario_table`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from assistant.index.registry import Registry
from assistant.index.scoring import SYNTHETIC_SOURCE, ScoreTable, compute_scores

#: The largest factor a value scenario accepts: beyond it the question is no longer a plan.
MAX_FACTOR = 10.0


@dataclass(frozen=True)
class ValueScenario:
    """One municipality's indicator value changed, and the scores that follow from it."""

    ags: str
    indicator: str
    old_value: float
    new_value: float
    capped: bool  # the factor would pass 100 % and the value was held at 100
    table: ScoreTable

    @property
    def scenario(self) -> dict[str, Any]:
        """The figure key that lets anyone recompute this scenario (`scenario_table`)."""
        return {"values": {self.ags: {self.indicator: self.new_value}}}


def with_values(values: pd.DataFrame, changes: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """The long value table with some (ags, indicator) values replaced; the input stays untouched.
    A replaced value is an assumption, not a measurement: it is marked synthetic, with the source of
    made-up values, so every figure resting on it says so (an aggregate takes its weakest input)."""
    changed = values.copy()
    for ags, by_indicator in changes.items():
        for indicator, value in by_indicator.items():
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"value for {ags}/{indicator} must be a finite number >= 0, got {value!r}")
            rows = (changed["ags"].astype(str) == str(ags)) & (changed["indicator"] == indicator)
            if not rows.any():
                raise KeyError(f"no value for {ags}/{indicator}")
            changed.loc[rows, ["value", "provenance", "source"]] = [float(value), "synthetic", SYNTHETIC_SOURCE]
    return changed


def what_if_value(values: pd.DataFrame, registry: Registry, baseline: ScoreTable, ags: str, indicator: str,
                  factor: float | None = None, value: float | None = None) -> ValueScenario:
    """Scores under the default method with one value changed: by a factor ("doubled") or to a value
    ("auf 80 Prozent"). A percentage never passes 100: a factor that would is held at 100 (`capped`)."""
    if (factor is None) == (value is None):
        raise ValueError("give either a factor or a new value")
    old = float(baseline.values.at[ags, indicator])
    if factor is not None:
        if not (math.isfinite(factor) and 0 <= factor <= MAX_FACTOR):
            raise ValueError(f"factor must be between 0 and {MAX_FACTOR:g}, got {factor!r}")
        new = old * factor
    else:
        new = float(value)  # type: ignore[arg-type]
    capped = registry.indicator(indicator).is_percentage and new > 100.0
    if capped and value is not None:
        raise ValueError(f"{indicator} is a percentage; {new:g} is more than 100")
    new = min(new, 100.0) if capped else new
    table = compute_scores(with_values(values, {ags: {indicator: new}}), registry, baseline.method)
    return ValueScenario(ags, indicator, old, new, capped, table)


def scenario_table(values: pd.DataFrame, registry: Registry, baseline: ScoreTable,
                   scenario: Mapping[str, Any]) -> ScoreTable:
    """The score table a figure's `scenario` describes: other weights, other values, or both."""
    method = baseline.method.with_weights(dict(scenario.get("area_weights") or {}),
                                          dict(scenario.get("indicator_weights") or {}))
    changes = scenario.get("values") or {}
    return compute_scores(with_values(values, changes) if changes else values, registry, method)
