"""What the stored data consists of: per indicator, how many values are official, public and
synthetic, their years and their sources (issue 12).

One computation feeds three views, so they cannot drift apart: `assistant data status [--json]`,
the "Data status" section of the web page's sidebar and the generated table in docs/data.md
(scripts/data_status_table.py, checked by tests/test_data_status.py). Everything is derived from
the validated `IndexData`; new sources, years or provenances of a later data release appear
without code changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from assistant.index.data import IndexData
from assistant.index.registry import PROVENANCES

#: Column order of every view: the strongest provenance first.
PROVENANCE_ORDER: tuple[str, ...] = tuple(p for p in ("official", "public", "synthetic") if p in PROVENANCES)


@dataclass(frozen=True)
class SourceUse:
    """A source and how many stored values cite it (within one indicator, or in all)."""

    id: str
    title: str
    values: int


@dataclass(frozen=True)
class IndicatorStatus:
    """The make-up of one indicator's stored values."""

    id: str
    name_de: str
    name_en: str
    counts: Mapping[str, int]
    years: tuple[int, ...]
    sources: tuple[SourceUse, ...]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class DataStatus:
    """Per-indicator make-up plus the totals over all indicators."""

    indicators: tuple[IndicatorStatus, ...]
    counts: Mapping[str, int]
    years: tuple[int, ...]
    sources: tuple[SourceUse, ...]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, object]:
        """The JSON of `assistant data status --json`."""

        def sources(uses: Iterable[SourceUse]) -> list[dict[str, object]]:
            return [{"id": u.id, "title": u.title, "values": u.values} for u in uses]

        return {
            "indicators": [
                {"id": i.id, "name_de": i.name_de, "name_en": i.name_en, "counts": dict(i.counts), "total": i.total,
                 "years": list(i.years), "sources": sources(i.sources)}
                for i in self.indicators
            ],
            "totals": {"counts": dict(self.counts), "total": self.total, "years": list(self.years),
                       "sources": sources(self.sources)},
        }


def data_status(data: IndexData) -> DataStatus:
    """Count the stored values by indicator, provenance, year and source (sources in sources.csv order)."""
    registry = data.registry
    order = {source.id: n for n, source in enumerate(registry.sources)}
    titles = {source.id: source.title for source in registry.sources}
    records = list(zip(data.values["indicator"], data.values["provenance"], data.values["year"],
                       data.values["source"], strict=True))

    def uses(counter: Counter[str]) -> tuple[SourceUse, ...]:
        ids = sorted(counter, key=lambda sid: (order.get(sid, len(order)), sid))
        return tuple(SourceUse(sid, titles.get(sid, ""), counter[sid]) for sid in ids)

    def counts(provenances: Iterable[str]) -> dict[str, int]:
        counter = Counter(provenances)
        return {p: counter.get(p, 0) for p in PROVENANCE_ORDER}

    indicators = []
    for indicator in registry.indicators:
        mine = [r for r in records if r[0] == indicator.id]
        indicators.append(IndicatorStatus(
            indicator.id, indicator.name_de, indicator.name_en, counts(str(r[1]) for r in mine),
            tuple(sorted({int(r[2]) for r in mine})), uses(Counter(str(r[3]) for r in mine)),
        ))
    return DataStatus(
        tuple(indicators), counts(str(r[1]) for r in records), tuple(sorted({int(r[2]) for r in records})),
        uses(Counter(str(r[3]) for r in records)),
    )


def year_span(years: Iterable[int]) -> str:
    """Years as runs: (2022, 2023, 2024, 2025) -> "2022–2025"; (2022, 2024, 2025) -> "2022, 2024–2025"."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


def _cell(text: str) -> str:
    """Text inside a Markdown table cell: pipes escaped, line breaks flattened."""
    return " ".join(text.split()).replace("|", "\\|")


def markdown_tables(status: DataStatus) -> str:
    """The English tables of docs/data.md: one row per indicator plus totals, then the sources used."""
    head = " | ".join(PROVENANCE_ORDER)
    lines = [
        f"| indicator | {head} | years | sources |",
        "|---|" + "---:|" * len(PROVENANCE_ORDER) + "---|---|",
    ]
    for i in status.indicators:
        numbers = " | ".join(str(i.counts[p]) for p in PROVENANCE_ORDER)
        ids = ", ".join(f"`{u.id}` ({u.values})" for u in i.sources)
        lines.append(f"| `{i.id}` ({_cell(i.name_en)}) | {numbers} | {year_span(i.years)} | {ids} |")
    numbers = " | ".join(f"**{status.counts[p]}**" for p in PROVENANCE_ORDER)
    lines.append(f"| **total** ({status.total} values) | {numbers} | {year_span(status.years)} | "
                 f"{len(status.sources)} sources |")
    lines += ["", "| source | title | values |", "|---|---|---:|"]
    lines += [f"| `{u.id}` | {_cell(u.title)} | {u.values} |" for u in status.sources]
    return "\n".join(lines) + "\n"


def text_lines(status: DataStatus) -> list[str]:
    """The plain-text report of `assistant data status`."""
    width = max((len(i.id) for i in status.indicators), default=9)
    head = "".join(f"{p:>10}" for p in PROVENANCE_ORDER)
    lines = [f"{'indicator':<{width}}{head}  years        sources"]
    for i in status.indicators:
        numbers = "".join(f"{i.counts[p]:>10}" for p in PROVENANCE_ORDER)
        ids = ", ".join(f"{u.id} ({u.values})" for u in i.sources)
        lines.append(f"{i.id:<{width}}{numbers}  {year_span(i.years):<12} {ids}")
    numbers = "".join(f"{status.counts[p]:>10}" for p in PROVENANCE_ORDER)
    lines.append(f"{'total':<{width}}{numbers}  {year_span(status.years):<12} {status.total} values, "
                 f"{len(status.sources)} sources")
    lines += ["", "Sources:"]
    lines += [f"  {u.id}: {u.title} ({u.values} value{'' if u.values == 1 else 's'})" for u in status.sources]
    return lines
