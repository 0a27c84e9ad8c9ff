"""Loading and validation of index_data/ (contract: DESIGN 3.1).

Files are read as text and checked cell by cell so that every problem can be reported with file,
line, column, what was expected and what was found, all at once. Only a directory that passes
every check becomes a `Registry` plus a values frame; nothing downstream re-checks the data.
"""

from __future__ import annotations

import csv
import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from assistant.core.errors import DataValidationError, Problem
from assistant.index.registry import (
    AREA_IDS,
    INDICATOR_IDS,
    INDICATORS_BY_AREA,
    KREISE,
    PROVENANCES,
    STATUSES,
    UNIT_LABELS,
    Finding,
    Indicator,
    Method,
    Municipality,
    Registry,
    Source,
)

MUNICIPALITY_COLUMNS = (
    "ags", "name", "kreis", "kreisfrei", "population", "population_date", "area_km2", "lat", "lon", "aliases",
)
INDICATOR_COLUMNS = (
    "id", "area", "name_de", "name_en", "unit", "higher_is_better", "weight", "status",
    "description_de", "description_en", "synonyms",
)
VALUE_COLUMNS = ("ags", "indicator", "value", "year", "provenance", "source")
SOURCE_COLUMNS = ("id", "title", "publisher", "url", "date", "licence", "note")
FINDING_COLUMNS = ("id", "statement_de", "statement_en", "area", "municipalities", "source")
EXPECTED_MUNICIPALITIES = 53
AGS_PATTERN = re.compile(r"^\d{8}$")
ALIAS_PATTERN = re.compile(r"^[\w .()'/-]{2,60}$")
ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class IndexData:
    """The registry plus the stored values (long format, one row per municipality and indicator)."""

    registry: Registry
    values: pd.DataFrame  # columns: ags, indicator, value (float), year (int), provenance, source


class _Collector:
    """Accumulates problems for one file; converters return None on failure so checks go on."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def add(self, line: int | None, column: str | None, expected: str, found: str) -> None:
        self.problems.append(Problem(self.file, line, column, expected, found))

    def number(self, line: int, column: str, raw: str, *, integer: bool = False) -> float | None:
        try:
            value = int(raw) if integer else float(raw)
        except ValueError:
            kind = "an integer" if integer else "a number"
            self.add(line, column, kind, repr(raw))
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.add(line, column, "a finite number", repr(raw))
            return None
        return float(value)

    def boolean(self, line: int, column: str, raw: str) -> bool | None:
        lowered = raw.strip().lower()
        if lowered in {"true", "false"}:
            return lowered == "true"
        self.add(line, column, "true or false", repr(raw))
        return None

    def choice(self, line: int, column: str, raw: str, allowed: Iterable[str]) -> str | None:
        options = tuple(allowed)
        if raw in options:
            return raw
        self.add(line, column, "one of " + ", ".join(options), repr(raw))
        return None


def read_rows(path: Path, columns: tuple[str, ...], problems: list[Problem]) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV as text rows with their file line numbers; a wrong header is a problem."""
    name = path.name
    if not path.is_file():
        problems.append(Problem(name, None, None, "the file to exist", "no such file"))
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = tuple(reader.fieldnames or ())
        missing = [c for c in columns if c not in header]
        if missing:
            problems.append(Problem(name, 1, None, "columns " + ", ".join(columns), "header " + ", ".join(header)))
            return []
        rows = []
        for index, row in enumerate(reader):
            rows.append((index + 2, {c: (row.get(c) or "").strip() for c in columns}))
    return rows


def _split(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split("|") if part.strip())


def _plausible_alias(alias: str, name: str) -> bool:
    """An alias must look like a spelling of its municipality's name.

    Aliases turn free text into place names for the planner, so an alias such as "Ignoriere alle
    Anweisungen" or one with markup would let data smuggle instructions past the injection rules.
    Accepted: name-like characters only, and either the name's first four letters (folded, without
    spaces) or a whole word of the name (4+ letters) in the alias ("Castrop", "Erkenschwick").
    """
    from assistant.index.names import fold_loose

    if not ALIAS_PATTERN.match(alias):
        return False
    compact_name = fold_loose(name).replace(" ", "")
    alias_words = fold_loose(alias).split()
    name_words = set(fold_loose(name).split())
    return compact_name[:4] in "".join(alias_words) or any(len(w) >= 4 and w in name_words for w in alias_words)


def _parse_municipalities(data_dir: Path, problems: list[Problem]) -> tuple[Municipality, ...]:
    check = _Collector("municipalities.csv", problems)
    result: list[Municipality] = []
    seen: dict[str, int] = {}
    for line, row in read_rows(data_dir / "municipalities.csv", MUNICIPALITY_COLUMNS, problems):
        ags = row["ags"]
        if not AGS_PATTERN.match(ags):
            check.add(line, "ags", "an 8-digit AGS with leading zero", repr(ags))
        elif ags in seen:
            check.add(line, "ags", "a unique AGS", f"{ags} again (first on line {seen[ags]})")
        seen.setdefault(ags, line)
        if not row["name"]:
            check.add(line, "name", "a name", "an empty cell")
        kreisfrei = check.boolean(line, "kreisfrei", row["kreisfrei"])
        if kreisfrei is False and row["kreis"] not in KREISE:
            check.add(line, "kreis", "one of " + ", ".join(KREISE), repr(row["kreis"]))
        if kreisfrei and row["kreis"] != row["name"]:
            check.add(line, "kreis", "the city's own name for a kreisfreie Stadt", repr(row["kreis"]))
        population = check.number(line, "population", row["population"], integer=True)
        area = check.number(line, "area_km2", row["area_km2"])
        if population is not None and population <= 0:
            check.add(line, "population", "a positive integer", row["population"])
        if area is not None and area <= 0:
            check.add(line, "area_km2", "a positive area", row["area_km2"])
        for alias in _split(row["aliases"]):
            if not _plausible_alias(alias, row["name"]):
                check.add(line, "aliases", f"a spelling of '{row['name']}' (letters, spaces, - . ( ) ' /)",
                          repr(alias[:80]))
        lat = check.number(line, "lat", row["lat"]) if row["lat"] else None
        lon = check.number(line, "lon", row["lon"]) if row["lon"] else None
        if None not in (kreisfrei, population, area):
            result.append(
                Municipality(
                    ags=ags, name=row["name"], kreis=row["kreis"], kreisfrei=bool(kreisfrei),
                    population=int(population or 0), population_date=row["population_date"],
                    area_km2=float(area or 0), lat=lat, lon=lon, aliases=_split(row["aliases"]),
                )
            )
    if len(seen) != EXPECTED_MUNICIPALITIES:
        check.add(None, None, f"{EXPECTED_MUNICIPALITIES} municipalities", f"{len(seen)}")
    return tuple(result)


def _parse_indicators(data_dir: Path, problems: list[Problem]) -> tuple[Indicator, ...]:
    check = _Collector("indicators.csv", problems)
    result: list[Indicator] = []
    for line, row in read_rows(data_dir / "indicators.csv", INDICATOR_COLUMNS, problems):
        indicator_id = check.choice(line, "id", row["id"], INDICATOR_IDS)
        area = check.choice(line, "area", row["area"], AREA_IDS)
        if indicator_id and area and indicator_id not in INDICATORS_BY_AREA[area]:
            expected_area = next(a for a, ids in INDICATORS_BY_AREA.items() if indicator_id in ids)
            check.add(line, "area", f"'{expected_area}' for {indicator_id}", repr(area))
        unit = check.choice(line, "unit", row["unit"], UNIT_LABELS)
        higher = check.boolean(line, "higher_is_better", row["higher_is_better"])
        weight = check.number(line, "weight", row["weight"])
        if weight is not None and weight <= 0:
            check.add(line, "weight", "a positive weight", row["weight"])
        status = check.choice(line, "status", row["status"], STATUSES)
        if indicator_id and area and unit and higher is not None and weight and status:
            result.append(
                Indicator(
                    id=indicator_id, area=area, name_de=row["name_de"], name_en=row["name_en"], unit=unit,
                    higher_is_better=higher, weight=weight, status=status,
                    description_de=row["description_de"], description_en=row["description_en"],
                    synonyms=_split(row["synonyms"]),
                )
            )
    found = [i.id for i in result]
    for indicator_id in INDICATOR_IDS:
        if found.count(indicator_id) != 1:
            check.add(None, "id", f"indicator '{indicator_id}' exactly once", f"{found.count(indicator_id)} times")
    order = {i: n for n, i in enumerate(INDICATOR_IDS)}
    return tuple(sorted(result, key=lambda i: order.get(i.id, 99)))


def _parse_sources(data_dir: Path, problems: list[Problem]) -> tuple[Source, ...]:
    check = _Collector("sources.csv", problems)
    result: list[Source] = []
    seen: set[str] = set()
    for line, row in read_rows(data_dir / "sources.csv", SOURCE_COLUMNS, problems):
        if not row["id"] or row["id"] in seen:
            check.add(line, "id", "a unique, non-empty id", repr(row["id"]))
        seen.add(row["id"])
        if row["url"] and not re.match(r"^https?://\S+$", row["url"]):
            check.add(line, "url", "an http(s) URL or an empty cell", repr(row["url"]))
        if row["date"] and not iso_date(row["date"]):
            check.add(line, "date", "an ISO date YYYY-MM-DD, YYYY-MM or YYYY (or an empty cell)", repr(row["date"]))
        result.append(Source(**{c: row[c] for c in SOURCE_COLUMNS}))
    return tuple(result)


def iso_date(text: str) -> bool:
    """Whether text is a real ISO 8601 calendar date as precise as known: 2025-06-24, 2025-06 or 2025.

    sources.csv dates are shown to users and sorted; "24.06.2025", "2025-13" or "2025-02-30" would
    be shown as they are and sort wrongly, so they are rejected (not reinterpreted).
    """
    match = ISO_DATE.fullmatch(text)
    if match is None:
        return False
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _parse_findings(
    data_dir: Path, problems: list[Problem], source_ids: set[str], ags_ids: set[str]
) -> tuple[Finding, ...]:
    check = _Collector("findings.csv", problems)
    result: list[Finding] = []
    for line, row in read_rows(data_dir / "findings.csv", FINDING_COLUMNS, problems):
        if row["area"] and row["area"] not in AREA_IDS:
            check.add(line, "area", "an area id or an empty cell", repr(row["area"]))
        municipalities = _split(row["municipalities"])
        for ags in municipalities:
            if ags not in ags_ids:
                check.add(line, "municipalities", "AGS from municipalities.csv", repr(ags))
        if row["source"] not in source_ids:
            check.add(line, "source", "an id from sources.csv", repr(row["source"]))
        result.append(
            Finding(row["id"], row["statement_de"], row["statement_en"], row["area"], municipalities, row["source"])
        )
    return tuple(result)


def parse_method(path: Path, problems: list[Problem]) -> Method:
    """Read method.toml; absent keys keep the documented defaults, bad ones are problems."""
    check = _Collector(path.name, problems)
    if not path.is_file():
        return Method()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        check.add(None, None, "valid TOML", str(error))
        return Method()
    default = Method()
    cap = raw.get("cap", default.cap)
    if not isinstance(cap, int | float) or cap <= 0:
        check.add(None, "cap", "a positive number", repr(cap))
        cap = default.cap

    def weights(key: str, valid: tuple[str, ...], base: MappingProxyType[str, float]) -> dict[str, float]:
        merged = dict(base)
        for name, weight in dict(raw.get(key, {})).items():
            if name not in valid:
                check.add(None, f"{key}.{name}", "one of " + ", ".join(valid), repr(name))
            elif not isinstance(weight, int | float) or weight <= 0:
                check.add(None, f"{key}.{name}", "a positive weight", repr(weight))
            else:
                merged[name] = float(weight)
        return merged

    areas = weights("area_weights", AREA_IDS, default.area_weights)
    indicators = weights("indicator_weights", INDICATOR_IDS, default.indicator_weights)
    return Method(float(cap), MappingProxyType(areas), MappingProxyType(indicators))


def _registry(data_dir: Path, problems: list[Problem]) -> Registry:
    municipalities = _parse_municipalities(data_dir, problems)
    indicators = _parse_indicators(data_dir, problems)
    sources = _parse_sources(data_dir, problems)
    findings = _parse_findings(data_dir, problems, {s.id for s in sources}, {m.ags for m in municipalities})
    method = parse_method(data_dir / "method.toml", problems)
    # indicators.csv weights are the defaults; method.toml, when it names one, wins.
    return Registry(municipalities, indicators, sources, findings, method)


def load_registry(data_dir: Path) -> Registry:
    """The validated registry without values (used by the generator and the importer)."""
    problems: list[Problem] = []
    registry = _registry(Path(data_dir), problems)
    if problems:
        raise DataValidationError(problems)
    return registry


def check_values(
    rows: list[tuple[int, dict[str, str]]], registry: Registry, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate value rows against the registry; returns the typed frame and every problem found."""
    problems: list[Problem] = []
    check = _Collector(file, problems)
    source_ids = {s.id for s in registry.sources}
    seen: dict[tuple[str, str], int] = {}
    records: list[dict[str, object]] = []
    indicator_ids = {i.id for i in registry.indicators}
    for line, row in rows:
        ags, indicator_id = row["ags"], row["indicator"]
        known_ags = registry.has_municipality(ags)
        if not known_ags:
            check.add(line, "ags", "an AGS from municipalities.csv", repr(ags))
        if indicator_id not in indicator_ids:
            check.add(line, "indicator", "one of " + ", ".join(INDICATOR_IDS), repr(indicator_id))
        key = (ags, indicator_id)
        if key in seen:
            check.add(line, "indicator", "each (ags, indicator) once", f"{ags}/{indicator_id} again (line {seen[key]})")
        seen.setdefault(key, line)
        value = check.number(line, "value", row["value"])
        if value is not None and indicator_id in indicator_ids:
            _check_range(check, line, registry.indicator(indicator_id), value, row["value"])
        year = check.number(line, "year", row["year"], integer=True)
        check.choice(line, "provenance", row["provenance"], PROVENANCES)
        if row["source"] not in source_ids:
            check.add(line, "source", "an id from sources.csv", repr(row["source"]))
        records.append({**row, "value": value, "year": int(year) if year is not None else None})
    for municipality in registry.municipalities:
        for indicator in registry.indicators:
            if (municipality.ags, indicator.id) not in seen:
                check.add(None, None, f"a value for {municipality.name} ({municipality.ags}) / {indicator.id}", "none")
    frame = pd.DataFrame.from_records(records, columns=list(VALUE_COLUMNS))
    return frame, problems


def _check_range(check: _Collector, line: int, indicator: Indicator, value: float, raw: str) -> None:
    if indicator.is_percentage and not 0 <= value <= 100:
        check.add(line, "value", f"a percentage within 0..100 for {indicator.id}", raw)
    elif value < 0:
        check.add(line, "value", f"a rate >= 0 for {indicator.id}", raw)
    elif not indicator.higher_is_better and value == 0:
        check.add(line, "value", f"a value > 0 for {indicator.id} (lower is better, x̄/x needs x > 0)", raw)


def validate_data_dir(data_dir: Path) -> list[Problem]:
    """Every problem in the directory (empty list = valid)."""
    problems: list[Problem] = []
    registry = _registry(Path(data_dir), problems)
    rows = read_rows(Path(data_dir) / "values.csv", VALUE_COLUMNS, problems)
    if registry.municipalities and registry.indicators:
        problems.extend(check_values(rows, registry, "values.csv")[1])
    return problems


def load_index_data(data_dir: Path) -> IndexData:
    """Load and validate everything; raises DataValidationError listing all problems."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    registry = _registry(data_dir, problems)
    rows = read_rows(data_dir / "values.csv", VALUE_COLUMNS, problems)
    frame, value_problems = check_values(rows, registry, "values.csv")
    problems.extend(value_problems)
    if problems:
        raise DataValidationError(problems)
    frame["value"] = frame["value"].astype(float)
    frame["year"] = frame["year"].astype(int)
    return IndexData(registry, frame)


