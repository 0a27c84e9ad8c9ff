"""Deciding the decimal mark of each imported column from all of its values (issue 12).

A misread separator turns 1250 into 1.25 (or back), and only percentages have a range that could
catch it. Files cannot be trusted to be consistent either: a German export may carry one column
pasted from an English tool. So the importer decides per column, from every text cell of it, and
never falls back to a default:

- a cell that only one mark can read proves that mark ("23,4" and "1.250,5" prove ",";
  "23.45", "1,250.5" and "0.123" prove "."), see `numbers.decimal_readings`;
- a column with proof for one mark only uses that mark; cells that prove nothing ("12", "1.250")
  are then read with it;
- a column with proof for both marks is an error that names the rows of each kind;
- a column without proof whose cells read differently under the two marks ("1.250" alone) is an
  error that shows both readings and says how to state the format (`--decimal , / .`);
- a column whose cells read the same either way ("12", "1 234") or that holds true spreadsheet
  numbers (XLSX cells typed as numbers carry no decimal mark at all) needs no decision.

When the caller states the mark (`--decimal`), that mark is used for every column and a cell that
cannot be read with it is reported with its row and column by the importer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.core.errors import Problem
from assistant.core.numbers import DecimalMark, decimal_readings

MARK_NAMES: Mapping[DecimalMark, str] = {",": "a decimal comma (German)", ".": "a decimal point (English)"}
#: Rows named in a mixed-evidence message before it says "and n more".
SHOWN_ROWS = 8


@dataclass(frozen=True)
class ColumnMarks:
    """The decision for every number column: its mark, or None when its cells need none."""

    marks: dict[str, DecimalMark | None]
    problems: list[Problem]
    stated: DecimalMark | None = None


def _plain(value: float) -> str:
    """A reading as plain digits with '.' as in Python ("1250", "1.25"); messages show both readings."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _rows(cells: Sequence[tuple[int, str]]) -> str:
    shown = ", ".join(str(row) for row, _ in cells[:SHOWN_ROWS])
    more = f" and {len(cells) - SHOWN_ROWS} more" if len(cells) > SHOWN_ROWS else ""
    return f"row{'s' if len(cells) > 1 else ''} {shown}{more} (e.g. {cells[0][1]!r})"


def _mixed(file: str, column: str, proof: Mapping[DecimalMark, list[tuple[int, str]]]) -> Problem:
    found = (f"{MARK_NAMES[',']} in {_rows(proof[','])} and {MARK_NAMES['.']} in {_rows(proof['.'])}; "
             "correct the odd rows, or state the format with --decimal , or --decimal . to have every row "
             "that contradicts it reported")
    return Problem(file, None, column, "one decimal mark throughout the column", found)


def _ambiguous(file: str, column: str, row: int, text: str, readings: Mapping[DecimalMark, float],
               others: set[DecimalMark]) -> Problem:
    hint = ""
    if len(others) == 1:
        hint = f"; the other columns of this file use {MARK_NAMES[next(iter(others))]}"
    found = (f"only values that fit both readings, e.g. {text!r} = {_plain(readings[','])} with "
             f"{MARK_NAMES[',']} or {_plain(readings['.'])} with {MARK_NAMES['.']}{hint}")
    expected = ("a value that shows the decimal mark; state the file's format with --decimal , (German: "
                "1.250 is 1250) or --decimal . (English: 1.250 is 1.25)")
    return Problem(file, row, column, expected, found)


def decide_marks(file: str, columns: Mapping[str, Sequence[tuple[int, str]]],
                 stated: DecimalMark | None = None) -> ColumnMarks:
    """Decide each column's decimal mark from its text cells (row number, text); see the module doc.

    `columns` holds only the cells that are meant to be numbers (blank and "k.A." cells removed).
    """
    if stated is not None:
        return ColumnMarks(dict.fromkeys(columns, stated), [], stated)
    marks: dict[str, DecimalMark | None] = {}
    problems: list[Problem] = []
    ambiguous: dict[str, tuple[int, str, dict[DecimalMark, float]]] = {}
    for name, cells in columns.items():
        proof: dict[DecimalMark, list[tuple[int, str]]] = {",": [], ".": []}
        first_ambiguous: tuple[int, str, dict[DecimalMark, float]] | None = None
        for row, text in cells:
            readings = decimal_readings(text)
            if len(readings) == 1:
                proof[next(iter(readings))].append((row, text))
            elif len(set(readings.values())) == 2 and first_ambiguous is None:
                first_ambiguous = (row, text, readings)
        proven = [mark for mark, found in proof.items() if found]
        marks[name] = proven[0] if len(proven) == 1 else None
        if len(proven) == 2:
            problems.append(_mixed(file, name, proof))
        elif not proven and first_ambiguous is not None:
            ambiguous[name] = first_ambiguous
    decided = {mark for mark in marks.values() if mark is not None}
    for name, (row, text, readings) in ambiguous.items():
        problems.append(_ambiguous(file, name, row, text, readings, decided))
    return ColumnMarks(marks, problems)
