"""Reading the tables that offices export: CSV in any common encoding and separator, or XLSX.

Kept apart from the importer so that "what is in the file" (cells, encodings, formulas without
cached values) is decided in one place, and "what the cells mean" in another.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from assistant.core.errors import Problem

Cell = str | float | None
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class Sheet:
    """A sheet as raw cells: header, then (row number in the file, cells) for non-blank rows."""

    file: str
    header: list[str]
    header_row: int
    rows: list[tuple[int, list[Cell]]]
    encoding: str | None = None
    separator: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def add(self, row: int | None, column: str | None, expected: str, found: str) -> None:
        self.problems.append(Problem(self.file, row, column, expected, found))


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell).strip()


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (BOM or not), UTF-16 with BOM, else cp1252; UnicodeDecodeError if none fits."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def detect_separator(text: str) -> str:
    """The delimiter that splits the header into most columns and keeps rows at that width."""
    lines = [line for line in text.splitlines() if line.strip()][:50]
    best, best_score = ",", (-1, 0)
    for sep in (";", "\t", ","):
        rows = list(csv.reader(lines, delimiter=sep))
        width = len(rows[0]) if rows else 0
        score = (sum(len(row) == width for row in rows), width) if width > 1 else (-1, 0)
        if score > best_score:
            best, best_score = sep, score
    return best


def read_csv(path: Path, data: bytes, problems: list[Problem]) -> Sheet | None:
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError as error:
        problems.append(Problem(path.name, None, None, "UTF-8 or Windows-1252 (cp1252) text", str(error)))
        return None
    if "\x00" in text:
        problems.append(Problem(path.name, None, None, "a CSV text file or an .xlsx workbook", "binary data"))
        return None
    sep = detect_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows: list[tuple[int, list[Cell]]] = [(reader.line_num, list(row)) for row in reader]
    return sheet_from_rows(path.name, rows, problems, encoding=encoding, separator=sep)


def xlsx_formula_problem(file: str, row: int, column: int, formula: object) -> Problem:
    from openpyxl.utils import get_column_letter

    cell = f"{get_column_letter(column)}{row}"
    return Problem(file, row, get_column_letter(column),
                   "a value (the workbook was saved without calculated results: open and save it in Excel or "
                   "LibreOffice, or paste values)", f"formula {formula!s} without a cached value in cell {cell}")


def read_xlsx(path: Path, problems: list[Problem]) -> Sheet | None:
    """First worksheet, read twice: cached values, and formulas to tell "empty" from "never calculated"."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions; irrelevant here
            books = [load_workbook(path, read_only=True, data_only=flag) for flag in (True, False)]
    except Exception as error:  # openpyxl raises zip, XML and key errors for damaged files
        problems.append(Problem(path.name, None, None, "a readable .xlsx workbook", f"{type(error).__name__}: {error}"))
        return None
    try:
        rows: list[tuple[int, list[Cell]]] = []
        sheets = (book.worksheets[0].iter_rows(values_only=True) for book in books)
        for number, (values, formulas) in enumerate(zip(*sheets, strict=False), start=1):
            cells: list[Cell] = []
            for column, (value, formula) in enumerate(zip(values, formulas, strict=False), start=1):
                if value is None and (str(formula).startswith("=") or "Formula" in type(formula).__name__):
                    problems.append(xlsx_formula_problem(path.name, number, column, formula))
                plain = isinstance(value, int | float) and not isinstance(value, bool)
                cells.append(float(value) if plain else None if value is None else str(value))
            rows.append((number, cells))
    finally:
        for book in books:
            book.close()
    return sheet_from_rows(path.name, rows, problems)


def sheet_from_rows(file: str, raw: list[tuple[int, list[Cell]]], problems: list[Problem], **kw: str) -> Sheet | None:
    """Drop blank rows and trailing blank columns; the first non-blank row is the header."""
    rows = [(n, cells) for n, cells in raw if not all(map(blank, cells))]
    if not rows:
        problems.append(Problem(file, None, None, "a header row and data rows", "an empty sheet"))
        return None
    width = max(max((i + 1 for i, c in enumerate(cells) if not blank(c)), default=0) for _, cells in rows)
    rows = [(n, (cells + [None] * width)[:width]) for n, cells in rows]
    (header_row, header_cells), body = rows[0], rows[1:]
    table = Sheet(file, [cell_text(c) for c in header_cells], header_row, body, problems=problems, **kw)
    for index, name in enumerate(table.header):
        if not name:
            table.add(header_row, f"#{index + 1}", "a column name", "an empty header cell above data")
    return table


def read_table(path: Path, problems: list[Problem]) -> Sheet | None:
    if not path.is_file():
        problems.append(Problem(path.name, None, None, "a CSV or XLSX file", "no such file"))
        return None
    if path.stat().st_size > MAX_FILE_BYTES:
        problems.append(Problem(path.name, None, None, f"at most {MAX_FILE_BYTES} bytes", f"{path.stat().st_size}"))
        return None
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(path, problems)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        problems.append(Problem(path.name, None, None, "CSV or .xlsx (save the old .xls as .xlsx)", "an .xls file"))
        return None
    return read_csv(path, data, problems)


