"""Shared fixtures and helpers: a tiny hand-made registry for exact scoring checks, the shipped data, and
the one way tests run the command line in a child process and stop a child they started."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from assistant.index.digital_index import DigitalIndex
from assistant.index.registry import (
    INDICATORS_BY_AREA,
    Indicator,
    Method,
    Municipality,
    Registry,
    Source,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_DATA = PROJECT_ROOT / "index_data"


def run_cli(args: Sequence[str], env: Mapping[str, str] | None = None, *, stdin: str = "",
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`assistant ARGS` in a child process (`python -m assistant`, the console script's code), from the
    project root, output captured; the exit code is the caller's to check. In-process callers use
    `assistant.cli.commands.main(argv)` with capsys instead."""
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin,
                          env=dict(env) if env is not None else None, cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


def stop_process(process: subprocess.Popen[Any], timeout: float = 10) -> None:
    """Stop exactly the child we started, by its PID: SIGTERM, SIGKILL if it ignores that, then reap it
    and close its pipes."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    for stream in (process.stdout, process.stderr, process.stdin):
        if stream is not None:
            stream.close()


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


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index_data directory with the shipped registry and formula-made values (tests.chat_support):
    the default data of the chat, answer, tool and guard tests. Tests that need other data override it."""
    from tests.chat_support import make_data_dir

    return make_data_dir(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def index(data_dir: Path) -> DigitalIndex:
    """The DigitalIndex over `data_dir`."""
    return DigitalIndex.load(data_dir)


@pytest.fixture
def tiny_registry() -> Registry:
    return make_registry(["Aheim", "Bdorf", "Cstadt", "Dburg"])
