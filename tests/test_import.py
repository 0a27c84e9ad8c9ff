"""`assistant data import`: every file quirk of issue 2 section 4, all-or-nothing writes, interruption.

Every rejected import is checked to leave values.csv and sources.csv byte-identical (in `rejected`).
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from assistant.cli.commands import main
from assistant.core.errors import ImportRejectedError, Problem
from assistant.index.data import load_index_data, load_registry, validate_data_dir
from assistant.index.import_report import ImportReport
from assistant.index.importer import import_file
from assistant.index.registry import Indicator, Registry

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_DATA = PROJECT_ROOT / "index_data"
NOW = datetime(2025, 3, 4, 5, 6, 7)
SOURCE_ID = "official-import-20250304-050607"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "index_data"
    shutil.copytree(SHIPPED_DATA, target)
    return target


@pytest.fixture
def registry(data_dir: Path) -> Registry:
    return load_registry(data_dir)


@pytest.fixture
def fibre(registry: Registry) -> Indicator:
    indicator = registry.indicator("fibre_households")
    assert indicator.is_percentage
    return indicator


@pytest.fixture
def rate(registry: Registry) -> Indicator:
    """A rate indicator (not a percentage) where higher is better: any value >= 0 is allowed."""
    return next(i for i in registry.indicators if not i.is_percentage and i.higher_is_better)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(data_dir: Path) -> tuple[bytes, bytes]:
    return (data_dir / "values.csv").read_bytes(), (data_dir / "sources.csv").read_bytes()


def stored(data_dir: Path) -> dict[tuple[str, str], dict[str, str]]:
    with (data_dir / "values.csv").open(encoding="utf-8", newline="") as handle:
        return {(row["ags"], row["indicator"]): row for row in csv.DictReader(handle)}


def imported(path: Path, data_dir: Path, **options: object) -> ImportReport:
    """A successful, written import; the directory must still validate afterwards."""
    report = import_file(path, data_dir, now=NOW, **options)  # type: ignore[arg-type]
    assert report.written
    assert validate_data_dir(data_dir) == []
    return report


def rejected(path: Path, data_dir: Path, **options: object) -> list[Problem]:
    """A rejected import: returns the problems and checks that nothing was written."""
    before = snapshot(data_dir)
    with pytest.raises(ImportRejectedError) as caught:
        import_file(path, data_dir, now=NOW, **options)  # type: ignore[arg-type]
    assert snapshot(data_dir) == before
    assert list(data_dir.glob(".*.tmp")) == []
    return caught.value.problems


def only(problems: list[Problem], row: int | None, column: str | None) -> Problem:
    located = [p for p in problems if (p.row, p.column) == (row, column)]
    assert len(located) == 1, [str(p) for p in problems]
    return located[0]


def value_of(data_dir: Path, ags: str, indicator: str) -> tuple[float, str, str, str]:
    row = stored(data_dir)[(ags, indicator)]
    return float(row["value"]), row["year"], row["provenance"], row["source"]


# --- encodings, separators, numbers ------------------------------------------------------------


def test_utf8_with_bom(tmp_path: Path, data_dir: Path) -> None:
    source = tmp_path / "bom.csv"
    source.write_bytes(b"\xef\xbb\xbfAGS,fibre_households\r\n05913000,34.4\r\n")
    report = imported(source, data_dir, year=2024)
    assert (report.encoding, report.separator, report.layout) == ("utf-8-sig", ",", "wide")
    assert value_of(data_dir, "05913000", "fibre_households") == (34.4, "2024", "official", SOURCE_ID)


def test_cp1252_with_umlaut_names(tmp_path: Path, data_dir: Path, fibre: Indicator) -> None:
    text = f"Gemeinde;{fibre.name_de}\nHünxe;98,9\nMülheim an der Ruhr;13,2\n"
    report = imported(write(tmp_path / "ansi.csv", text, "cp1252"), data_dir)
    assert report.encoding == "cp1252"
    assert value_of(data_dir, "05170016", "fibre_households")[0] == 98.9
    assert value_of(data_dir, "05117000", "fibre_households")[0] == 13.2


def test_utf16_unicode_text_export(tmp_path: Path, data_dir: Path) -> None:
    """Excel's "Unicode Text" export: UTF-16 with BOM, tab-separated."""
    report = imported(write(tmp_path / "u16.txt", "Gemeinde\tfibre_households\nHünxe\t98.9\n", "utf-16"), data_dir)
    assert (report.encoding, report.separator) == ("utf-16", "\t")
    assert value_of(data_dir, "05170016", "fibre_households")[0] == 98.9


def test_undecodable_bytes_are_rejected(tmp_path: Path, data_dir: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(b"AGS,fibre_households\n05913000,\x81\x8d\n")
    problem = only(rejected(source, data_dir), None, None)
    assert problem.expected == "UTF-8 or Windows-1252 (cp1252) text"
    assert "can't decode byte 0x81" in problem.found


def test_semicolons_german_decimals_and_thousands(tmp_path: Path, data_dir: Path, rate: Indicator) -> None:
    text = f"AGS;{rate.id};fibre_households\n05911000;1.234,5;12,5\n05913000;1.234;3\n05112000;1\u00a0234,5;0,5 %\n"
    report = imported(write(tmp_path / "de.csv", text), data_dir)
    assert (report.separator, report.decimal_mark) == (";", ",")
    assert value_of(data_dir, "05911000", rate.id)[0] == 1234.5
    assert value_of(data_dir, "05913000", rate.id)[0] == 1234.0  # "1.234" in a decimal-comma file
    assert value_of(data_dir, "05112000", rate.id)[0] == 1234.5
    assert value_of(data_dir, "05112000", "fibre_households")[0] == 0.5


def test_english_thousands_and_tab_separator(tmp_path: Path, data_dir: Path, rate: Indicator) -> None:
    text = f"AGS\t{rate.id}\n05911000\t\"1,234.5\"\n05913000\t1,234\n05112000\t0.75\n"
    report = imported(write(tmp_path / "en.tsv", text), data_dir)
    assert (report.separator, report.decimal_mark) == ("\t", ".")
    assert [value_of(data_dir, a, rate.id)[0] for a in ("05911000", "05913000", "05112000")] == [1234.5, 1234.0, 0.75]


def test_mixed_decimal_marks_are_flagged_with_rows(tmp_path: Path, data_dir: Path) -> None:
    text = "AGS;fibre_households\n05911000;1,5\n05913000;2,5\n05112000;1.5\n"
    problem = only(rejected(write(tmp_path / "mixed.csv", text), data_dir), None, "fibre_households")
    assert problem.expected == "one decimal mark throughout the column"
    assert problem.found.startswith("a decimal comma (German) in rows 2, 3 (e.g. '1,5') and "
                                    "a decimal point (English) in row 4 (e.g. '1.5')")


# --- municipalities ------------------------------------------------------------------------------


def test_ags_without_leading_zero_and_regional_key(tmp_path: Path, data_dir: Path) -> None:
    text = "AGS,fibre_households\n5913000,34.4\n059110000000,20\n5112000.0,7.5\n"
    imported(write(tmp_path / "ags.csv", text), data_dir)
    assert value_of(data_dir, "05913000", "fibre_households")[0] == 34.4
    assert value_of(data_dir, "05911000", "fibre_households")[0] == 20.0
    assert value_of(data_dir, "05112000", "fibre_households")[0] == 7.5


def test_names_and_aliases_instead_of_ags(tmp_path: Path, data_dir: Path) -> None:
    text = "Kommune,fibre_households\nMuelheim,13.2\nHUNXE,98.9\n\"Dortmund, Stadt\",34.4\nhaltern,94.8\n"
    imported(write(tmp_path / "names.csv", text), data_dir)
    assert value_of(data_dir, "05117000", "fibre_households")[0] == 13.2
    assert value_of(data_dir, "05170016", "fibre_households")[0] == 98.9
    assert value_of(data_dir, "05913000", "fibre_households")[0] == 34.4
    haltern = next(m for m in load_registry(data_dir).municipalities if m.name == "Haltern am See")
    assert value_of(data_dir, haltern.ags, "fibre_households")[0] == 94.8


def test_unknown_municipality_gets_suggestion(tmp_path: Path, data_dir: Path) -> None:
    text = "Gemeinde,fibre_households\nBochun,12\nAtlantis,3\n4711,5\n"
    problems = rejected(write(tmp_path / "unknown.csv", text), data_dir)
    bochun = only(problems, 2, "Gemeinde")
    assert bochun.expected == "a municipality name, alias or AGS of the 53"
    assert bochun.found.startswith("'Bochun'; did you mean Bochum")
    assert only(problems, 3, "Gemeinde").found.startswith("'Atlantis'")
    assert only(problems, 4, "Gemeinde").found == "'4711'"


def test_kreis_and_aggregate_rows_are_skipped(tmp_path: Path, data_dir: Path) -> None:
    text = ("Gemeinde;Kreis;fibre_households\nDortmund;Dortmund;34,4\nKreis Unna;;40\nRuhrgebiet gesamt;;28,1\n"
            "NRW;;x,y\n")
    report = imported(write(tmp_path / "agg.csv", text), data_dir)
    assert report.skipped_rows == ("row 3: Kreis Unna", "row 4: Ruhrgebiet gesamt", "row 5: NRW")
    assert report.ignored_columns == ("Kreis",)
    assert len(report.changes) == 1


def test_duplicate_municipality_and_indicator(tmp_path: Path, data_dir: Path) -> None:
    text = "Gemeinde,fibre_households\nMülheim an der Ruhr,13.2\n05117000,14\n"
    problem = only(rejected(write(tmp_path / "dup.csv", text), data_dir), 3, "fibre_households")
    assert problem.expected == "each (municipality, indicator) once"
    assert problem.found == "Mülheim an der Ruhr/fibre_households again (first in row 2)"


# --- layouts and indicators ----------------------------------------------------------------------


def test_wide_with_german_indicator_names(tmp_path: Path, data_dir: Path, registry: Registry) -> None:
    header = ";".join(["Gemeinde", *(i.name_de for i in registry.indicators)])
    lines = [header] + [";".join([name, *[f"{n + 1},5" for n in range(12)]]) for name in ("Bochum", "Herne")]
    report = imported(write(tmp_path / "wide.csv", "\n".join(lines) + "\n"), data_dir)
    assert len(report.changes) == 24
    assert {k: v[0] for k, v in report.per_indicator().items()} == {i.id: 2 for i in registry.indicators}
    for n, indicator in enumerate(registry.indicators):
        assert value_of(data_dir, "05911000", indicator.id)[0] == n + 1.5


def test_column_names_with_units_and_case(tmp_path: Path, data_dir: Path, fibre: Indicator, rate: Indicator) -> None:
    text = f"ags;{fibre.name_en.upper()} (%);{rate.name_de} je 1.000 Einwohner\n05913000;34,4;2\n"
    report = imported(write(tmp_path / "units.csv", text), data_dir)
    assert [c.indicator for c in report.changes] == ["fibre_households", rate.id]


def test_unknown_indicator_column_gets_suggestion(tmp_path: Path, data_dir: Path) -> None:
    text = "AGS,Glasfasr,Bürgerzufriedenheit\n05913000,34.4,3\n"
    problems = rejected(write(tmp_path / "cols.csv", text), data_dir)
    glas = only(problems, 1, "Glasfasr")
    assert glas.expected == "an indicator id or its German/English name or synonym"
    assert glas.found.startswith("'Glasfasr'; did you mean fibre_households")
    assert only(problems, 1, "Bürgerzufriedenheit").found.startswith("'Bürgerzufriedenheit'")


def test_missing_key_column(tmp_path: Path, data_dir: Path) -> None:
    problem = only(rejected(write(tmp_path / "nokey.csv", "Ort,fibre_households\nBochum,3\n"), data_dir), 1, None)
    assert problem.expected.startswith("a column with AGS or municipality names")
    assert problem.found == "header 'Ort', 'fibre_households'"


def test_long_layout_with_year_column(tmp_path: Path, data_dir: Path, fibre: Indicator, rate: Indicator) -> None:
    text = (f"ags,indicator,value,year\n05911000,fibre_households,12.5,2023\n"
            f"05913000,{fibre.name_en},34.4,2022\n05913000,{rate.name_de},7,2023\n")
    report = imported(write(tmp_path / "long.csv", text), data_dir)
    assert report.layout == "long"
    assert value_of(data_dir, "05911000", "fibre_households")[:2] == (12.5, "2023")
    assert value_of(data_dir, "05913000", "fibre_households")[:2] == (34.4, "2022")
    assert value_of(data_dir, "05913000", rate.id)[:3] == (7.0, "2023", "official")


def test_long_layout_unknown_indicator_and_bad_year(tmp_path: Path, data_dir: Path) -> None:
    text = "Gemeinde;Indikator;Wert;Jahr\nBochum;Glasfaser-Quote-XYZ;1;2023\nBochum;fibre_households;2;letztes\n"
    problems = rejected(write(tmp_path / "long.csv", text), data_dir)
    assert only(problems, 2, "Indikator").expected == "an indicator id or its German/English name or synonym"
    year = only(problems, 3, "Jahr")
    assert (year.expected, year.found) == ("a year like 2023", "'letztes'")


def test_year_option_wins_and_default_is_last_year(tmp_path: Path, data_dir: Path) -> None:
    with_year = write(tmp_path / "y.csv", "ags,indicator,value,year\n05911000,mobile_5g,99,2021\n")
    imported(with_year, data_dir, year=2024)
    assert value_of(data_dir, "05911000", "mobile_5g")[1] == "2024"
    imported(write(tmp_path / "n.csv", "ags,mobile_5g\n05911000,98\n"), data_dir)
    assert value_of(data_dir, "05911000", "mobile_5g")[1] == str(NOW.year - 1)


def test_empty_trailing_rows_and_columns(tmp_path: Path, data_dir: Path) -> None:
    text = "AGS;fibre_households;;\n05913000;34,4;;\n\n;;;\n05911000;-;;\n;;;\n\n"
    report = imported(write(tmp_path / "trailing.csv", text), data_dir)
    assert len(report.changes) == 1
    assert report.kept_blank == 1  # "-" keeps the stored value


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_wide(tmp_path: Path, data_dir: Path, fibre: Indicator, rate: Indicator) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["AGS", fibre.name_de, rate.id, None])
    sheet.append([5913000, 34.4, "1.234,5", None])
    sheet.append(["05911000", 12, 3, None])
    sheet.append([None, None, None, None])
    book.save(tmp_path / "wide.xlsx")
    report = imported(tmp_path / "wide.xlsx", data_dir)
    assert (report.encoding, report.separator) == (None, None)
    assert value_of(data_dir, "05913000", "fibre_households")[0] == 34.4
    assert value_of(data_dir, "05913000", rate.id)[0] == 1234.5
    assert value_of(data_dir, "05911000", rate.id)[0] == 3.0


def test_xlsx_formula_without_cached_value(tmp_path: Path, data_dir: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Gemeinde", "fibre_households"])
    sheet.append(["Dortmund", "=10+24.4"])  # openpyxl stores formulas without calculating them
    sheet.append(["Bochum", "=B2/2"])
    book.save(tmp_path / "formula.xlsx")
    problems = rejected(tmp_path / "formula.xlsx", data_dir)
    first = only(problems, 2, "B")
    assert first.expected.startswith("a value (the workbook was saved without calculated results")
    assert first.found == "formula =10+24.4 without a cached value in cell B2"
    assert only(problems, 3, "B").found == "formula =B2/2 without a cached value in cell B3"


def test_damaged_and_missing_files(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    assert only(rejected(tmp_path / "broken.xlsx", data_dir), None, None).expected == "a readable .xlsx workbook"
    assert only(rejected(tmp_path / "absent.csv", data_dir), None, None).found == "no such file"
    assert only(rejected(write(tmp_path / "empty.csv", "\n\n"), data_dir), None, None).found == "an empty sheet"


# --- range checks, all problems at once, all-or-nothing ------------------------------------------


def test_out_of_range_values(tmp_path: Path, data_dir: Path, rate: Indicator) -> None:
    text = f"AGS;fibre_households;{rate.id}\n05913000;130;-1\n05911000;-0,5;2\n"
    problems = rejected(write(tmp_path / "range.csv", text), data_dir)
    high = only(problems, 2, "fibre_households")
    assert (high.expected, high.found) == ("a percentage within 0..100 for fibre_households", "130")
    assert only(problems, 2, rate.id).expected == f"a rate >= 0 for {rate.id}"
    assert only(problems, 3, "fibre_households").found == "-0,5"


def test_every_problem_is_reported(tmp_path: Path, data_dir: Path) -> None:
    text = "Gemeinde;fibre_housholds;mobile_5g\nBochun;1;2\nDortmund;x;101\nEssen;3;4,5,6\n"
    problems = rejected(write(tmp_path / "many.csv", text), data_dir)
    assert {(p.row, p.column) for p in problems} == {
        (1, "fibre_housholds"), (2, "Gemeinde"), (3, "mobile_5g"), (4, "mobile_5g"),
    }
    assert all(p.file == "many.csv" for p in problems)


def test_bad_options_are_problems(tmp_path: Path, data_dir: Path) -> None:
    source = write(tmp_path / "ok.csv", "AGS,mobile_5g\n05913000,99\n")
    problems = rejected(source, data_dir, source_url="ftp://example.org", year=20)
    assert {p.file for p in problems} == {"--source-url", "--year"}


def test_successful_import_changes_exactly_the_imported_cells(tmp_path: Path, data_dir: Path) -> None:
    old_values, old_sources = snapshot(data_dir)
    before = stored(data_dir)
    text = "AGS,fibre_households,mobile_5g\n05913000,34.4,99.1\n05117000,13.2,\n"
    report = imported(write(tmp_path / "ok.csv", text), data_dir, year=2024, source_title="Amtliche Werte 2024",
                      source_url="https://example.org/digital-index", source_publisher="RVR")
    after = stored(data_dir)
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed == {("05913000", "fibre_households"), ("05913000", "mobile_5g"), ("05117000", "fibre_households")}
    for key in changed:
        assert (after[key]["provenance"], after[key]["source"], after[key]["year"]) == ("official", SOURCE_ID, "2024")
    assert after[("05913000", "mobile_5g")]["value"] == "99.1"
    assert report.kept_blank == 1
    # untouched lines are byte-identical and in the same order
    old_lines = old_values.decode().splitlines()
    new_lines = (data_dir / "values.csv").read_text(encoding="utf-8").splitlines()
    assert len(old_lines) == len(new_lines)
    assert sum(a != b for a, b in zip(old_lines, new_lines, strict=True)) == 3
    # sources.csv gained exactly one row, appended
    new_sources = (data_dir / "sources.csv").read_bytes()
    assert new_sources.startswith(old_sources.rstrip(b"\r\n"))
    source = load_index_data(data_dir).registry.source(SOURCE_ID)
    assert source is not None
    assert (source.title, source.url, source.publisher, source.date) == (
        "Amtliche Werte 2024", "https://example.org/digital-index", "RVR", "2025-03-04")
    assert "ok.csv" in source.note
    assert "3 values" in source.note


def test_second_import_in_same_second_gets_unique_source(tmp_path: Path, data_dir: Path) -> None:
    imported(write(tmp_path / "a.csv", "AGS,mobile_5g\n05913000,99\n"), data_dir)
    report = imported(write(tmp_path / "b.csv", "AGS,mobile_5g\n05911000,98\n"), data_dir)
    assert report.source.id == SOURCE_ID + "-2"


def test_dry_run_writes_nothing(tmp_path: Path, data_dir: Path) -> None:
    before = snapshot(data_dir)
    old = value_of(data_dir, "05913000", "fibre_households")[0]
    text = f"AGS,fibre_households,mobile_5g\n05913000,{old},99.1\n05911000,1.5,99.2\n"
    report = import_file(write(tmp_path / "dry.csv", text), data_dir, dry_run=True, now=NOW)
    assert snapshot(data_dir) == before
    assert (report.dry_run, report.written) == (True, False)
    assert len(report.changes) == 4
    assert report.per_indicator()["fibre_households"][0] == 2
    assert report.changed_values == 4 - sum(c.old_value is not None and float(c.old_value) == float(c.new_value)
                                            for c in report.changes)
    assert not report.changes[0].value_changed


def test_concurrent_import_is_refused(tmp_path: Path, data_dir: Path) -> None:
    handle = os.open(data_dir, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        problems = rejected(write(tmp_path / "a.csv", "AGS,mobile_5g\n05913000,99\n"), data_dir)
    finally:
        os.close(handle)
    assert (problems[0].expected, problems[0].found) == ("no other import running on this directory", "it is locked")


def test_missing_data_dir(tmp_path: Path) -> None:
    source = write(tmp_path / "a.csv", "AGS,mobile_5g\n05913000,99\n")
    with pytest.raises(ImportRejectedError, match="expected an index_data directory, found no such directory"):
        import_file(source, tmp_path / "nowhere")


# --- CLI ------------------------------------------------------------------------------------------




def test_cli_import_dry_run_then_write(tmp_path: Path, data_dir: Path, fibre: Indicator,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert value_of(data_dir, "05117000", fibre.id)[0] != 14.1
    source = write(tmp_path / "cli.csv", f"Gemeinde;{fibre.name_de};Kreis\nMuelheim;14,1;x\n")
    before = snapshot(data_dir)
    code = main(["--data-dir", str(data_dir), "data", "import", str(source), "--dry-run", "--year", "2024"])
    out = capsys.readouterr().out
    assert code == 0
    assert snapshot(data_dir) == before
    assert "1 cells imported" in out
    assert "fibre_households: 1 imported, 1 changed" in out
    assert "Mülheim an der Ruhr / fibre_households:" in out
    assert "-> 14.1 (official, 2024)" in out
    assert out.rstrip().endswith("DRY RUN: nothing was written.")
    code, out = main(["--data-dir", str(data_dir), "data", "import", str(source), "--json"]), capsys.readouterr().out
    payload = json.loads(out)
    assert code == 0
    assert (payload["ok"], payload["written"], payload["imported"]) == (True, True, 1)
    assert validate_data_dir(data_dir) == []


def test_cli_import_rejected(tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path / "bad.csv", "Gemeinde,fibre_households\nBochun,12\nEssen,130\n")
    before = snapshot(data_dir)
    code, out = main(["--data-dir", str(data_dir), "data", "import", str(source)]), capsys.readouterr().out
    assert code == 1
    assert snapshot(data_dir) == before
    assert out.startswith("REJECTED, nothing was written: 2 problem(s)")
    assert "bad.csv, row 2, column 'Gemeinde': expected a municipality name" in out
    assert "bad.csv, row 3, column 'fibre_households': expected a percentage within 0..100" in out
    code, out = main(["--data-dir", str(data_dir), "data", "import", str(source), "--json"]), capsys.readouterr().out
    assert code == 1
    assert [p["row"] for p in json.loads(out)["problems"]] == [2, 3]


def test_cli_import_write_failure_keeps_values(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    old_values = (data_dir / "values.csv").read_bytes()
    real_replace = os.replace

    def failing_replace(src: str, dst: str | Path) -> None:
        if Path(dst).name == "values.csv":
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    source = write(tmp_path / "a.csv", "AGS,mobile_5g\n05913000,99\n")
    code, out = main(["--data-dir", str(data_dir), "data", "import", str(source)]), capsys.readouterr().out
    assert code == 1
    assert out.startswith("FAILED: [Errno 28] No space left on device. values.csv is unchanged")
    assert (data_dir / "values.csv").read_bytes() == old_values
    assert list(data_dir.glob(".*.tmp")) == []
    assert validate_data_dir(data_dir) == []


# --- interruption --------------------------------------------------------------------------------

KILL_SCRIPT = r"""
import os, sys, tempfile, time
from datetime import datetime
from pathlib import Path

mode, source, data_dir, marker = sys.argv[1:5]
real_replace, real_fsync, real_mkstemp = os.replace, os.fsync, tempfile.mkstemp
temp_values = set()

def hold():
    Path(marker).write_text("ready")
    time.sleep(120)

def mkstemp(*args, **kwargs):
    handle, name = real_mkstemp(*args, **kwargs)
    if ".values.csv." in os.path.basename(name):
        temp_values.add(handle)
    return handle, name

def fsync(handle):
    real_fsync(handle)
    if mode == "during-write" and handle in temp_values:
        hold()

def replace(src, dst):
    if mode == "before-replace" and Path(dst).name == "values.csv":
        hold()
    real_replace(src, dst)
    if mode == "after-replace" and Path(dst).name == "values.csv":
        hold()

os.replace, os.fsync, tempfile.mkstemp = replace, fsync, mkstemp
from assistant.index.importer import import_file
import_file(Path(source), Path(data_dir), year=2024, now=datetime(2025, 3, 4, 5, 6, 7))
"""


def kill_import_at(mode: str, source: Path, data_dir: Path, tmp_path: Path) -> None:
    """Run the import in a child process, SIGKILL it at `mode`, and wait for it to die."""
    marker = tmp_path / f"{mode}.ready"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    child = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, mode, str(source), str(data_dir), str(marker)],
                             env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            pytest.fail(f"child did not reach {mode}: {child.communicate()[1].decode()}")
        time.sleep(0.02)
    child.kill()
    child.communicate()
    assert child.returncode == -9


@pytest.mark.parametrize("mode", ["during-write", "before-replace", "after-replace"])
def test_killed_import_leaves_old_or_new_file(mode: str, tmp_path: Path, data_dir: Path) -> None:
    source = write(tmp_path / "kill.csv", "AGS,fibre_households,mobile_5g\n05913000,34.4,99.1\n")
    expected_dir = tmp_path / "expected"
    shutil.copytree(data_dir, expected_dir)
    import_file(source, expected_dir, year=2024, now=NOW)
    old_values = (data_dir / "values.csv").read_bytes()
    new_values = (expected_dir / "values.csv").read_bytes()
    assert old_values != new_values

    kill_import_at(mode, source, data_dir, tmp_path)

    values = (data_dir / "values.csv").read_bytes()
    assert values == (new_values if mode == "after-replace" else old_values)
    # sources.csv is written first, so every interruption point already has the new source row,
    # and an unused source row is valid data
    assert (data_dir / "sources.csv").read_bytes() == (expected_dir / "sources.csv").read_bytes()
    assert validate_data_dir(data_dir) == []
    if mode == "during-write":
        assert len(list(data_dir.glob(".values.csv.*.tmp"))) == 1  # the killed writer's temp file
    # the next import cleans up and succeeds
    import_file(write(tmp_path / "next.csv", "AGS,mobile_5g\n05911000,98\n"), data_dir, now=NOW)
    assert list(data_dir.glob(".*.tmp")) == []
    assert validate_data_dir(data_dir) == []
