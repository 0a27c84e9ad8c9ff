"""Every validation rule of assistant.index.data, on broken copies of the shipped index_data/.

Each test breaks one thing in a copy and asserts the exact problem (file, row, column, expected,
found), so a rule that stops firing, or fires at the wrong place, fails here.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.cli.commands import main
from assistant.core.errors import DataValidationError, Problem
from assistant.index.data import load_index_data, load_registry, validate_data_dir
from assistant.index.registry import Registry

SHIPPED_DATA = Path(__file__).resolve().parent.parent / "index_data"
Rows = list[list[str]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private, valid copy of the shipped data."""
    target = tmp_path / "index_data"
    shutil.copytree(SHIPPED_DATA, target)
    assert validate_data_dir(target) == []
    return target


@pytest.fixture
def registry(data_dir: Path) -> Registry:
    return load_registry(data_dir)


def edit_csv(path: Path, change: Callable[[Rows], object]) -> None:
    """Rewrite a CSV through `change`; row index i of the list is file line i + 1."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def find(rows: Rows, **match: str) -> int:
    """Index of the first row whose named columns have the given values."""
    header = rows[0]
    return next(i for i, row in enumerate(rows) if i and all(row[header.index(k)] == v for k, v in match.items()))


def set_cell(path: Path, column: str, value: str, **match: str) -> int:
    """Set one cell of the row matching `match`; returns its file line number."""
    line = 0

    def change(rows: Rows) -> None:
        nonlocal line
        index = find(rows, **match)
        rows[index][rows[0].index(column)] = value
        line = index + 1

    edit_csv(path, change)
    return line


def assert_problem(problems: list[Problem], file: str, row: int | None, column: str | None,
                   expected: str, found: str) -> Problem:
    """The problem at (file, row, column) exists and its expected/found contain the given text."""
    located = [p for p in problems if (p.file, p.row, p.column) == (file, row, column)]
    assert located, f"no problem at {file}/{row}/{column} in {[str(p) for p in problems]}"
    hits = [p for p in located if expected in p.expected and found in p.found]
    assert hits, f"{[str(p) for p in located]} lacks expected={expected!r} found={found!r}"
    return hits[0]


def test_shipped_copy_is_valid_and_loads(data_dir: Path) -> None:
    data = load_index_data(data_dir)
    assert len(data.registry.municipalities) == 53
    assert len(data.values) == 53 * 12


def test_wrong_ags_format(data_dir: Path, registry: Registry) -> None:
    ags = registry.municipalities[0].ags
    line = set_cell(data_dir / "municipalities.csv", "ags", ags.lstrip("0"), ags=ags)
    problem = assert_problem(validate_data_dir(data_dir), "municipalities.csv", line, "ags",
                             "an 8-digit AGS with leading zero", repr(ags.lstrip("0")))
    assert str(problem) == (f"municipalities.csv, row {line}, column 'ags': expected an 8-digit AGS with "
                            f"leading zero, found '{ags.lstrip('0')}'")


def test_duplicate_ags(data_dir: Path, registry: Registry) -> None:
    first, second = registry.municipalities[0], registry.municipalities[1]
    line = set_cell(data_dir / "municipalities.csv", "ags", first.ags, ags=second.ags)
    problems = validate_data_dir(data_dir)
    assert_problem(problems, "municipalities.csv", line, "ags", "a unique AGS", f"{first.ags} again (first on line")
    assert_problem(problems, "municipalities.csv", None, None, "53 municipalities", "52")


def test_unknown_kreis(data_dir: Path, registry: Registry) -> None:
    member = next(m for m in registry.municipalities if not m.kreisfrei)
    line = set_cell(data_dir / "municipalities.csv", "kreis", "Kreis Essen", ags=member.ags)
    assert_problem(validate_data_dir(data_dir), "municipalities.csv", line, "kreis",
                   "one of Ennepe-Ruhr-Kreis, Kreis Recklinghausen, Kreis Unna, Kreis Wesel", "'Kreis Essen'")


def test_missing_value_row(data_dir: Path, registry: Registry) -> None:
    target = registry.municipalities[2]
    edit_csv(data_dir / "values.csv", lambda rows: rows.pop(find(rows, ags=target.ags, indicator="mobile_5g")))
    assert_problem(validate_data_dir(data_dir), "values.csv", None, None,
                   f"a value for {target.name} ({target.ags}) / mobile_5g", "none")


def test_duplicate_value_row(data_dir: Path, registry: Registry) -> None:
    ags = registry.municipalities[0].ags
    edit_csv(data_dir / "values.csv",
             lambda rows: rows.append(list(rows[find(rows, ags=ags, indicator="it_employees")])))
    lines = (data_dir / "values.csv").read_text(encoding="utf-8").splitlines()
    first = next(n for n, text in enumerate(lines, 1) if text.startswith(f"{ags},it_employees,"))
    assert_problem(validate_data_dir(data_dir), "values.csv", len(lines), "indicator",
                   "each (ags, indicator) once", f"{ags}/it_employees again (line {first})")


def test_non_numeric_value(data_dir: Path, registry: Registry) -> None:
    ags = registry.municipalities[0].ags
    line = set_cell(data_dir / "values.csv", "value", "zwölf", ags=ags, indicator="ai_job_ads")
    assert_problem(validate_data_dir(data_dir), "values.csv", line, "value", "a number", "'zwölf'")


def test_percentage_out_of_range(data_dir: Path, registry: Registry) -> None:
    percent = next(i for i in registry.indicators if i.is_percentage)
    ags = registry.municipalities[3].ags
    line = set_cell(data_dir / "values.csv", "value", "130", ags=ags, indicator=percent.id)
    assert_problem(validate_data_dir(data_dir), "values.csv", line, "value",
                   f"a percentage within 0..100 for {percent.id}", "130")


def test_negative_rate(data_dir: Path, registry: Registry) -> None:
    rate = next(i for i in registry.indicators if not i.is_percentage)
    ags = registry.municipalities[4].ags
    line = set_cell(data_dir / "values.csv", "value", "-0.5", ags=ags, indicator=rate.id)
    assert_problem(validate_data_dir(data_dir), "values.csv", line, "value", f"a rate >= 0 for {rate.id}", "-0.5")


def test_unknown_provenance(data_dir: Path, registry: Registry) -> None:
    ags = registry.municipalities[5].ags
    line = set_cell(data_dir / "values.csv", "provenance", "estimated", ags=ags, indicator="mobile_5g")
    assert_problem(validate_data_dir(data_dir), "values.csv", line, "provenance",
                   "one of official, public, synthetic", "'estimated'")


def test_unknown_source_id(data_dir: Path, registry: Registry) -> None:
    ags = registry.municipalities[6].ags
    line = set_cell(data_dir / "values.csv", "source", "nowhere", ags=ags, indicator="mobile_5g")
    assert_problem(validate_data_dir(data_dir), "values.csv", line, "source", "an id from sources.csv", "'nowhere'")


@pytest.mark.parametrize("date", ["24.06.2025", "2025-6-24", "2025-13", "2025-02-30", "2025-06-24T10:00",
                                  "Juni 2025", "25", "0000"])
def test_source_dates_must_be_iso(data_dir: Path, date: str) -> None:
    line = set_cell(data_dir / "sources.csv", "date", date, id="indeed-ai-jobs")
    problems = validate_data_dir(data_dir)
    assert_problem(problems, "sources.csv", line, "date", "an ISO date YYYY-MM-DD, YYYY-MM or YYYY", repr(date))
    assert len(problems) == 1
    with pytest.raises(DataValidationError, match=r"sources\.csv, row \d+, column 'date'"):
        load_index_data(data_dir)


@pytest.mark.parametrize("date", ["2024-02-29", "2025-06", "2025", ""])
def test_iso_source_dates_as_precise_as_known_are_valid(data_dir: Path, date: str) -> None:
    set_cell(data_dir / "sources.csv", "date", date, id="indeed-ai-jobs")
    assert validate_data_dir(data_dir) == []


def test_unknown_indicator_id(data_dir: Path) -> None:
    line = set_cell(data_dir / "indicators.csv", "id", "ai_firms", id="ai_companies")
    problems = validate_data_dir(data_dir)
    assert_problem(problems, "indicators.csv", line, "id", "one of research_institutes, research_projects",
                   "'ai_firms'")
    assert_problem(problems, "indicators.csv", None, "id", "indicator 'ai_companies' exactly once", "0 times")


def test_unknown_and_wrong_area(data_dir: Path) -> None:
    unknown = set_cell(data_dir / "indicators.csv", "area", "digital", id="ai_companies")
    wrong = set_cell(data_dir / "indicators.csv", "area", "forschung", id="mobile_5g")
    problems = validate_data_dir(data_dir)
    assert_problem(problems, "indicators.csv", unknown, "area", "one of forschung, beschaeftigung", "'digital'")
    assert_problem(problems, "indicators.csv", wrong, "area", "'infrastruktur' for mobile_5g", "'forschung'")


@pytest.mark.parametrize("weight", ["0", "-1"])
def test_non_positive_weight(data_dir: Path, weight: str) -> None:
    line = set_cell(data_dir / "indicators.csv", "weight", weight, id="it_graduates")
    assert_problem(validate_data_dir(data_dir), "indicators.csv", line, "weight", "a positive weight", weight)


def test_wrong_header(data_dir: Path) -> None:
    def rename(rows: Rows) -> None:
        rows[0][rows[0].index("value")] = "wert"

    edit_csv(data_dir / "values.csv", rename)
    assert_problem(validate_data_dir(data_dir), "values.csv", 1, None,
                   "columns ags, indicator, value, year, provenance, source",
                   "header ags, indicator, wert, year, provenance, source")


def test_missing_file(data_dir: Path) -> None:
    (data_dir / "sources.csv").unlink()
    assert_problem(validate_data_dir(data_dir), "sources.csv", None, None, "the file to exist", "no such file")


def test_all_problems_are_reported_together(data_dir: Path, registry: Registry) -> None:
    first, second = registry.municipalities[0], registry.municipalities[1]
    ags_line = set_cell(data_dir / "municipalities.csv", "ags", "123", ags=second.ags)
    weight_line = set_cell(data_dir / "indicators.csv", "weight", "0", id="digital_startups")
    prov_line = set_cell(data_dir / "values.csv", "provenance", "guess", ags=first.ags, indicator="mobile_5g")
    value_line = set_cell(data_dir / "values.csv", "value", "n/a", ags=first.ags, indicator="it_employees")
    problems = validate_data_dir(data_dir)
    assert_problem(problems, "municipalities.csv", ags_line, "ags", "an 8-digit AGS", "'123'")
    assert_problem(problems, "indicators.csv", weight_line, "weight", "a positive weight", "0")
    assert_problem(problems, "values.csv", prov_line, "provenance", "one of official", "'guess'")
    assert_problem(problems, "values.csv", value_line, "value", "a number", "'n/a'")
    with pytest.raises(DataValidationError) as caught:
        load_index_data(data_dir)
    assert caught.value.problems == problems
    assert f"{len(problems)} problem(s) found" in str(caught.value)


# --- `assistant data validate` ------------------------------------------------------------------




def test_cli_validate_ok(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (data_dir / "values.csv").open(encoding="utf-8") as handle:
        counts = Counter(row["provenance"] for row in csv.DictReader(handle))
    code, out = main(["--data-dir", str(data_dir), "data", "validate"]), capsys.readouterr().out
    assert code == 0
    assert out.strip() == (f"OK: 53 municipalities, 12 indicators, 636 values ({counts['official']} official, "
                           f"{counts['public']} public, {counts['synthetic']} synthetic)")


def test_cli_validate_lists_every_problem(data_dir: Path, registry: Registry,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    ags = registry.municipalities[0].ags
    set_cell(data_dir / "values.csv", "provenance", "guess", ags=ags, indicator="mobile_5g")
    set_cell(data_dir / "values.csv", "source", "nowhere", ags=ags, indicator="it_employees")
    code, out = main(["--data-dir", str(data_dir), "data", "validate"]), capsys.readouterr().out
    assert code == 1
    assert "2 problem(s)" in out
    assert "column 'provenance': expected one of official, public, synthetic, found 'guess'" in out
    assert "column 'source': expected an id from sources.csv, found 'nowhere'" in out
    code, out = main(["--data-dir", str(data_dir), "data", "validate", "--json"]), capsys.readouterr().out
    payload = json.loads(out)
    assert code == 1
    assert payload["ok"] is False
    assert sorted(p["column"] for p in payload["problems"]) == ["provenance", "source"]


def test_cli_validate_json_counts(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = main(["--data-dir", str(data_dir), "data", "validate", "--json"]), capsys.readouterr().out
    payload = json.loads(out)
    assert code == 0
    assert payload["ok"] is True
    assert payload["problems"] == []
    assert payload["counts"]["values"] == 636
    assert sum(payload["counts"][p] for p in ("official", "public", "synthetic")) == 636
