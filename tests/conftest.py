"""Shared fixtures: a tiny hand-made registry for exact scoring checks, and the shipped data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assistant.registry import (
    INDICATORS_BY_AREA,
    Indicator,
    Method,
    Municipality,
    Registry,
    Source,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_DATA = PROJECT_ROOT / "index_data"


def make_registry(
    names: list[str], *, lower_is_better: tuple[str, ...] = (), method: Method | None = None
) -> Registry:
    """A registry with the twelve contract indicators and the given municipalities (all % units)."""
    municipalities = tuple(
        Municipality(
            ags=f"0591{n:04d}", name=name, kreis=name, kreisfrei=True, population=10_000 * (n + 1),
            population_date="2022-05-15", area_km2=10.0 * (n + 1), lat=None, lon=None,
        )
        for n, name in enumerate(names)
    )
    indicators = tuple(
        Indicator(
            id=indicator_id, area=area, name_de=indicator_id, name_en=indicator_id, unit="%",
            higher_is_better=indicator_id not in lower_is_better, weight=1.0, status="published",
            description_de="", description_en="",
        )
        for area, ids in INDICATORS_BY_AREA.items()
        for indicator_id in ids
    )
    source = Source("demo", "Demo", "Test", "", "", "", "")
    return Registry(municipalities, indicators, (source,), (), method or Method())


def long_values(registry: Registry, table: dict[str, list[float]]) -> pd.DataFrame:
    """Long frame from {indicator: [value per municipality]}; unlisted indicators get 1.0 for all."""
    rows = []
    for indicator in registry.indicators:
        column = table.get(indicator.id, [1.0] * len(registry.municipalities))
        for municipality, value in zip(registry.municipalities, column, strict=True):
            rows.append({"ags": municipality.ags, "indicator": indicator.id, "value": value, "year": 2024,
                         "provenance": "synthetic", "source": "demo"})
    return pd.DataFrame(rows)


@pytest.fixture
def tiny_registry() -> Registry:
    return make_registry(["Aheim", "Bdorf", "Cstadt", "Dburg"])
