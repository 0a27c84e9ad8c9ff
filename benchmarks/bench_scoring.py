"""Median time of a full recompute (all scores and ranks) and of a what-if recompute.

Runs on the shipped 53 municipalities and on a generated table of 11,000 municipalities x 12
indicators (roughly every German municipality). Goals on the 2-core machine: 53 in < 5 ms,
11,000 in < 200 ms.

    python benchmarks/bench_scoring.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from assistant.index.data import load_index_data
from assistant.index.registry import AREA_IDS, Municipality, Registry
from assistant.index.scoring import compute_scores

DATA_DIR = Path(__file__).resolve().parent.parent / "index_data"


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm-up
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def synthetic_registry(base: Registry, count: int) -> tuple[Registry, pd.DataFrame]:
    """A registry with `count` generated municipalities and random positive values."""
    rng = np.random.default_rng(11_000)
    municipalities = tuple(
        Municipality(f"{n:08d}", f"Gemeinde {n}", "Kreis Wesel", False, 1000 + n, "2022-05-15", 10.0,
                     None, None)
        for n in range(count)
    )
    registry = Registry(municipalities, base.indicators, base.sources, (), base.method)
    ags = np.repeat([m.ags for m in municipalities], len(base.indicators))
    indicators = np.tile([i.id for i in base.indicators], count)
    values = pd.DataFrame({"ags": ags, "indicator": indicators, "value": rng.uniform(0.1, 100.0, ags.size)})
    return registry, values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    data = load_index_data(DATA_DIR)
    registry, values = data.registry, data.values
    doubled = registry.method.with_weights({AREA_IDS[3]: 2.0})
    big_registry, big_values = synthetic_registry(registry, 11_000)
    rows = [
        ("full recompute, 53 municipalities", median_ms(lambda: compute_scores(values, registry), args.repeat), 5.0),
        ("what-if recompute, 53 municipalities",
         median_ms(lambda: compute_scores(values, registry, doubled), args.repeat), 5.0),
        ("full recompute, 11,000 x 12",
         median_ms(lambda: compute_scores(big_values, big_registry), max(5, args.repeat // 3)), 200.0),
        ("what-if recompute, 11,000 x 12",
         median_ms(lambda: compute_scores(big_values, big_registry, doubled), max(5, args.repeat // 3)), 200.0),
    ]
    print(f"{'case':<40} {'median ms':>10} {'goal ms':>8}  ok")
    for name, value, goal in rows:
        print(f"{name:<40} {value:>10.2f} {goal:>8.0f}  {'yes' if value < goal else 'NO'}")


if __name__ == "__main__":
    main()
