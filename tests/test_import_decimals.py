"""`assistant data import` never guesses a decimal mark (issue 12): per-column decision, ambiguous and
mixed columns, `--decimal`, XLSX numbers vs text, and nothing written when an import fails.

The helpers of tests/test_import.py check every rejected import for unchanged values/sources files;
`test_failed_imports_leave_every_file_byte_identical` checks the whole directory.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from assistant.cli.commands import main
from assistant.core.errors import ImportRejectedError
from assistant.core.numbers import decimal_mark, format_number
from assistant.index.data import load_registry
from assistant.index.decimal_columns import decide_marks
from assistant.index.import_report import ImportReport
from assistant.index.importer import import_file
from assistant.index.registry import Indicator
from tests.test_import import NOW, SHIPPED_DATA, imported, only, rejected, value_of, write

ESSEN, DORTMUND, BOCHUM = "05113000", "05913000", "05911000"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "index_data"
    shutil.copytree(SHIPPED_DATA, target)
    return target


@pytest.fixture
def rate(data_dir: Path) -> Indicator:
    """A rate (not a percentage) where higher is better: 1250 and 1.25 both pass every range check."""
    return next(i for i in load_registry(data_dir).indicators if not i.is_percentage and i.higher_is_better)


# --- the column rule -------------------------------------------------------------------------------


def test_english_semicolon_file_with_only_ambiguous_values_is_rejected(tmp_path: Path, data_dir: Path,
                                                                       rate: Indicator) -> None:
    """The old fallback read this as 1250 because the file is `;`-separated."""
    source = write(tmp_path / "en-semicolon.csv", f"AGS;{rate.id}\n{DORTMUND};1.250\n{BOCHUM};12\n")
    problem = only(rejected(source, data_dir), 2, rate.id)
    assert problem.file == "en-semicolon.csv"
    assert "'1.250' = 1250 with a decimal comma (German) or 1.25 with a decimal point (English)" in problem.found
    assert "--decimal , (German: 1.250 is 1250) or --decimal . (English: 1.250 is 1.25)" in problem.expected
    message = str(problem)
    assert message.startswith(f"en-semicolon.csv, row 2, column '{rate.id}': expected ")


def test_english_semicolon_file_with_proof_is_read_english(tmp_path: Path, data_dir: Path, rate: Indicator) -> None:
    text = f"AGS;{rate.id}\n{DORTMUND};1.250\n{BOCHUM};23.45\n{ESSEN};\"1,250.5\"\n"
    report = imported(write(tmp_path / "en.csv", text), data_dir)
    assert (report.separator, report.decimal_mark, report.decimal_stated) == (";", ".", False)
    assert [value_of(data_dir, a, rate.id)[0] for a in (DORTMUND, BOCHUM, ESSEN)] == [1.25, 23.45, 1250.5]


def test_german_comma_file_with_thousands_separators(tmp_path: Path, data_dir: Path, rate: Indicator) -> None:
    text = f'AGS,{rate.id},fibre_households\n{DORTMUND},"1.234,5","23,4"\n{BOCHUM},1.250,7\n{ESSEN},"12,0",0\n'
    report = imported(write(tmp_path / "de-comma.csv", text), data_dir)
    assert (report.separator, report.decimal_mark) == (",", ",")
    assert report.decimal_marks == {rate.id: ",", "fibre_households": ","}
    assert [value_of(data_dir, a, rate.id)[0] for a in (DORTMUND, BOCHUM, ESSEN)] == [1234.5, 1250.0, 12.0]
    assert value_of(data_dir, DORTMUND, "fibre_households")[0] == 23.4


def test_mixed_column_names_the_rows_of_each_mark(tmp_path: Path, data_dir: Path, rate: Indicator) -> None:
    rows = "".join(f"{ags};{value}\n" for ags, value in [(DORTMUND, "1.250,5"), (BOCHUM, "1.250"),
                                                          (ESSEN, "23.45"), ("05112000", "7,5")])
    problems = rejected(write(tmp_path / "mixed.csv", f"AGS;{rate.id}\n{rows}"), data_dir)
    problem = only(problems, None, rate.id)
    assert problem.found.startswith("a decimal comma (German) in rows 2, 5 (e.g. '1.250,5') and "
                                    "a decimal point (English) in row 4 (e.g. '23.45')")
    assert len(problems) == 1  # "1.250" (row 3) is covered by the column's problem, not guessed


def test_each_column_is_decided_on_its_own(tmp_path: Path, data_dir: Path, rate: Indicator) -> None:
    text = f"AGS;{rate.id};fibre_households;mobile_5g\n{DORTMUND};1,5;12.5;98\n{BOCHUM};1.250;3;97\n"
    report = imported(write(tmp_path / "columns.csv", text), data_dir)
    assert report.decimal_marks == {rate.id: ",", "fibre_households": ".", "mobile_5g": None}
    assert report.decimal_mark == "per column"
    assert value_of(data_dir, BOCHUM, rate.id)[0] == 1250.0
    assert value_of(data_dir, DORTMUND, "fibre_households")[0] == 12.5


def test_ambiguous_column_hint_names_the_other_columns_mark(tmp_path: Path, data_dir: Path, rate: Indicator) -> None:
    text = f"AGS;{rate.id};fibre_households\n{DORTMUND};1.250;12,5\n"
    problem = only(rejected(write(tmp_path / "hint.csv", text), data_dir), 2, rate.id)
    assert problem.found.endswith("; the other columns of this file use a decimal comma (German)")


def test_values_that_read_the_same_either_way_need_no_decision(tmp_path: Path, data_dir: Path,
                                                                rate: Indicator) -> None:
    text = f"AGS;{rate.id}\n{DORTMUND};12\n{BOCHUM};1 234\n{ESSEN};-\n"
    report = imported(write(tmp_path / "plain.csv", text), data_dir)
    assert (report.decimal_marks, report.decimal_mark) == ({rate.id: None}, "")
    assert value_of(data_dir, BOCHUM, rate.id)[0] == 1234.0
    assert report.kept_blank == 1


def test_long_layout_decides_the_value_column(tmp_path: Path, data_dir: Path, rate: Indicator) -> None:
    text = f"Gemeinde;Indikator;Wert\nDortmund;{rate.id};1.250\nBochum;mobile_5g;98.5\n"
    report = imported(write(tmp_path / "long.csv", text), data_dir)
    assert report.decimal_marks == {"Wert": "."}
    assert value_of(data_dir, DORTMUND, rate.id)[0] == 1.25


# --- --decimal --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("decimal", "expected"), [(",", 1250.0), (".", 1.25)])
def test_ambiguous_column_with_stated_decimal(tmp_path: Path, data_dir: Path, rate: Indicator,
                                              decimal: str, expected: float) -> None:
    source = write(tmp_path / "stated.csv", f"AGS;{rate.id}\n{DORTMUND};1.250\n{BOCHUM};12\n")
    report = imported(source, data_dir, decimal=decimal)
    assert (report.decimal_mark, report.decimal_stated) == (decimal, True)
    assert value_of(data_dir, DORTMUND, rate.id)[0] == expected


def test_values_contradicting_the_stated_decimal_are_errors_with_row_and_column(
        tmp_path: Path, data_dir: Path, rate: Indicator) -> None:
    text = f"AGS;{rate.id};fibre_households\n{DORTMUND};1.250;23,4\n{BOCHUM};\"1,250.5\";12\n{ESSEN};0.123;1,5\n"
    problems = rejected(write(tmp_path / "contradicts.csv", text), data_dir, decimal=".")
    assert {(p.row, p.column) for p in problems} == {(2, "fibre_households"), (4, "fibre_households")}
    problem = only(problems, 2, "fibre_households")
    assert problem.expected == "a number with decimal mark '.' (as stated by --decimal)"
    assert problem.found.startswith("'23,4'")
    german = rejected(write(tmp_path / "contradicts.csv", text), data_dir, decimal=",")
    assert {(p.row, p.column) for p in german} == {(3, rate.id), (4, rate.id)}


def test_invalid_decimal_option_is_a_problem(tmp_path: Path, data_dir: Path) -> None:
    source = write(tmp_path / "ok.csv", f"AGS;mobile_5g\n{DORTMUND};99\n")
    problem = only(rejected(source, data_dir, decimal=";"), None, None)
    assert (problem.file, problem.expected) == ("--decimal", "',' (German) or '.' (English)")


def test_cli_decimal_option(tmp_path: Path, data_dir: Path, rate: Indicator,
                            capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path / "cli.csv", f"AGS;{rate.id}\n{DORTMUND};1.250\n")
    code, out = main(["--data-dir", str(data_dir), "data", "import", str(source), "--dry-run"]), capsys.readouterr().out
    assert code == 1
    assert out.startswith("REJECTED, nothing was written: 1 problem(s)")
    assert f"cli.csv, row 2, column '{rate.id}'" in out
    assert "--decimal ," in out
    code = main(["--data-dir", str(data_dir), "data", "import", str(source), "--decimal", ",", "--json"])
    out = capsys.readouterr().out
    payload = json.loads(out)
    assert (code, payload["decimal_mark"], payload["decimal_stated"]) == (0, ",", True)
    assert payload["changes"][0]["new_value"] == "1250"
    with pytest.raises(SystemExit):
        main(["--data-dir", str(data_dir), "data", "import", str(source), "--decimal", "x"])


# --- XLSX -----------------------------------------------------------------------------------------


def test_xlsx_numbers_need_no_decision_but_text_cells_do(tmp_path: Path, data_dir: Path, rate: Indicator) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["AGS", rate.id, "fibre_households"])
    sheet.append([DORTMUND, 1.25, 1.5])  # typed numbers: no decimal mark at all
    sheet.append([BOCHUM, 1250, 12])
    book.save(tmp_path / "numbers.xlsx")
    report = imported(tmp_path / "numbers.xlsx", data_dir)
    assert report.decimal_marks == {rate.id: None, "fibre_households": None}
    assert [value_of(data_dir, a, rate.id)[0] for a in (DORTMUND, BOCHUM)] == [1.25, 1250.0]

    sheet.append([ESSEN, "1.250", "2,5"])  # text cells, e.g. pasted from another tool
    book.save(tmp_path / "text.xlsx")
    problems = rejected(tmp_path / "text.xlsx", data_dir)
    assert "'1.250' = 1250 with a decimal comma" in only(problems, 4, rate.id).found
    assert len(problems) == 1  # "2,5" proves its own column German
    report = imported(tmp_path / "text.xlsx", data_dir, decimal=",")
    assert value_of(data_dir, ESSEN, rate.id)[0] == 1250.0
    assert value_of(data_dir, ESSEN, "fibre_households")[0] == 2.5


# --- nothing written ----------------------------------------------------------------------------


def directory_bytes(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file()}


@pytest.mark.parametrize("case", ["ambiguous", "mixed", "contradicts-stated", "out-of-range-after-decision"])
def test_failed_imports_leave_every_file_byte_identical(tmp_path: Path, data_dir: Path, rate: Indicator,
                                                        case: str) -> None:
    texts = {
        "ambiguous": (f"AGS;{rate.id}\n{DORTMUND};1.250\n", None),
        "mixed": (f"AGS;{rate.id}\n{DORTMUND};1,5\n{BOCHUM};2.5\n", None),
        "contradicts-stated": (f"AGS;{rate.id}\n{DORTMUND};1,5\n", "."),
        # German by proof, so "100,5" is 100.5 and out of range for a percentage
        "out-of-range-after-decision": (f"AGS;fibre_households\n{DORTMUND};100,5\n{BOCHUM};1.250\n", None),
    }
    text, decimal = texts[case]
    before = directory_bytes(data_dir)
    with pytest.raises(ImportRejectedError):
        import_file(write(tmp_path / f"{case}.csv", text), data_dir, now=NOW, decimal=decimal)
    assert directory_bytes(data_dir) == before
    assert sorted(p.name for p in data_dir.iterdir()) == sorted(before)  # no temp or lock files left over


# --- decide_marks on its own ------------------------------------------------------------------------


def test_decide_marks_reports_only_undecidable_columns() -> None:
    decision = decide_marks("f.csv", {
        "de": [(2, "1.234"), (3, "0,5")],
        "en": [(2, "0.123"), (3, "1,234")],
        "plain": [(2, "12"), (3, "1 234")],
        "ambiguous": [(2, "12"), (3, "1,234"), (4, "9.999")],
        "empty": [],
    })
    assert decision.marks == {"de": ",", "en": ".", "plain": None, "ambiguous": None, "empty": None}
    assert [(p.row, p.column) for p in decision.problems] == [(3, "ambiguous")]
    assert "'1,234' = 1.234 with a decimal comma (German) or 1234 with a decimal point" in decision.problems[0].found


# --- the guarantee, as a property ---------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lang=st.sampled_from(["de", "en"]), sep=st.sampled_from([";", "\t"]),
       values=st.lists(st.tuples(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.integers(0, 3)),
                       min_size=1, max_size=6))
def test_a_rate_column_is_read_exactly_or_rejected_never_misread(
        tmp_path: Path, data_dir: Path, rate: Indicator, lang: str, sep: str, values: list[tuple[float, int]]) -> None:
    towns = [m.ags for m in load_registry(data_dir).municipalities][: len(values)]
    cells = [format_number(value, lang, decimals) for value, decimals in values]
    expected = {ags: float(f"{value:.{decimals}f}") for ags, (value, decimals) in zip(towns, values, strict=False)}
    source = write(tmp_path / "table.csv", f"AGS{sep}{rate.id}\n" + "".join(
        f"{ags}{sep}{cell}\n" for ags, cell in zip(towns, cells, strict=False)))
    outcome: ImportReport | ImportRejectedError
    try:
        outcome = import_file(source, data_dir, now=NOW, dry_run=True)
    except ImportRejectedError as error:
        outcome = error
    if isinstance(outcome, ImportRejectedError):
        assert [p.column for p in outcome.problems] == [rate.id]
        assert "--decimal" in outcome.problems[0].expected  # ambiguous: the user is asked, nothing is guessed
    else:
        assert {c.ags: float(c.new_value) for c in outcome.changes} == expected
    stated = import_file(source, data_dir, now=NOW, dry_run=True, decimal=decimal_mark(lang))
    assert {c.ags: float(c.new_value) for c in stated.changes} == expected
