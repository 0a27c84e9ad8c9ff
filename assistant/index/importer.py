"""Import of an office's official Digital-Index table into index_data/ (issue 2, section 4).

The official values are not public; an office that holds them exports a table from Excel or a
statistics tool and runs `assistant data import FILE`. Such files come in every shape (UTF-8 with
or without BOM, cp1252, `;` and decimal commas, names instead of AGS, formulas never calculated),
so this module reads generously but decides nothing silently: every cell either has one clear
reading or becomes a `Problem` with file, row, column, expected and found, and one problem anywhere
rejects the whole import with nothing written.

Layouts. Wide: one row per municipality, a key column (AGS or name; header "AGS", "Gemeinde",
"Kommune", "Name", ...) and one column per indicator, named by id, German or English name or a
synonym (case-, umlaut- and punctuation-insensitive; a unit like "(%)", "in %" or "je 1.000
Beschäftigte" after the name is ignored).
Long: columns for the key, "indicator"/"Indikator" and "value"/"Wert", optionally "year"/"Jahr".
Columns named "Kreis", "Einwohner", "Rang", "Quelle" ... are ignored and listed in the report; any
other unknown column of a wide table is a problem (it may be an indicator we failed to recognise).
Blank cells and "-", "k.A.", "n/a" keep the stored value. Rows naming a Kreis or an aggregate
("Ruhrgebiet gesamt", "Durchschnitt") are skipped and listed, since aggregates are never stored.

Year: `--year` if given, else the file's year column, else the current year minus one (official
tables are published for the previous year). Numbers: see assistant.core.numbers; the decimal mark is
decided per column from all its text cells (assistant.index.decimal_columns), never guessed from the
separator: a column whose values fit both readings ("1.250" alone) or prove both marks is rejected
until the file is corrected or the format is stated (`decimal=",|."`, the CLI's `--decimal`).
Spreadsheet cells typed as numbers need no decision.

Writing: the merged values are validated with data.check_values first. Then sources.csv, then
values.csv are replaced atomically (temp file in the same directory, fsync, os.replace, fsync of
the directory). This order is safe: a crash between the two leaves a new but unused source row,
which is valid data; the reverse order could leave values pointing at a source that does not
exist. A directory lock (flock) keeps two imports from interleaving.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import datetime
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from assistant.core.atomic_files import atomic_write, directory_lock
from assistant.core.errors import DataValidationError, ImportRejectedError, Problem
from assistant.core.numbers import DecimalMark, decimal_readings, parse_number
from assistant.index.data import VALUE_COLUMNS, check_values, load_registry, read_rows
from assistant.index.decimal_columns import ColumnMarks, decide_marks
from assistant.index.import_report import CellChange, ImportReport
from assistant.index.names import NameResolver, fold
from assistant.index.registry import KREISE, Municipality, Registry, Source
from assistant.index.spreadsheets import Cell, Sheet, blank, cell_text, read_table

NA_TOKENS = frozenset({"", "-", "–", "—", ".", "k.a.", "k. a.", "n/a", "n.a.", "na", "x", "/"})
AGS_HEADERS = frozenset({"ags", "gemeindeschluessel", "amtlicher gemeindeschluessel", "gkz", "gemeindekennziffer"})
NAME_HEADERS = frozenset({"municipality", "gemeinde", "kommune", "name", "stadt", "gemeindename", "stadt gemeinde"})
INDICATOR_HEADERS = frozenset({"indicator", "indikator", "kennzahl", "merkmal"})
VALUE_HEADERS = frozenset({"value", "wert"})
YEAR_HEADERS = frozenset({"year", "jahr"})
IGNORED_HEADERS = frozenset({
    "kreis", "landkreis", "district", "einwohner", "population", "bevoelkerung", "flaeche", "area km2",
    "rang", "rank", "quelle", "source", "bemerkung", "anmerkung", "note", "notes", "unit", "einheit",
})
_AGGREGATE = re.compile(
    r"\b(gesamt|insgesamt|summe|durchschnitt|mittelwert|total|average|ruhrgebiet|metropole ruhr|rvr|nrw|"
    r"nordrhein westfalen|deutschland|germany)\b"
)


class _Interpreter:
    """Turns a raw table into (ags, indicator) -> (value, year, row), collecting every problem."""

    def __init__(self, table: Sheet, registry: Registry, year: int | None, default_year: int,
                 decimal: DecimalMark | None = None) -> None:
        self.t, self.registry, self.year, self.default_year = table, registry, year, default_year
        self.decimal = decimal
        self.resolver = NameResolver(registry)
        self.forms: dict[str, set[str]] = {}
        for ind in registry.indicators:
            for form in (ind.id, ind.name_de, ind.name_en, *ind.synonyms):
                self.forms.setdefault(fold(form), set()).add(ind.id)
        self.values: dict[tuple[str, str], tuple[float, int, int]] = {}
        self.kept_blank = 0
        self.ignored: list[str] = []
        self.skipped: list[str] = []
        self.marks = ColumnMarks({}, [])

    def indicator(self, text: str, row: int, column: str) -> str | None:
        """Resolve an indicator id or name; unknown or ambiguous ones are problems with suggestions."""
        bare = re.sub(r"\(.*?\)|\[.*?\]", " ", text)
        for key in (fold(text), fold(bare), fold(re.sub(r"\s(in|je|per|pro)\s.*$", "", bare.strip()))):
            ids = self.forms.get(key, set())
            if len(ids) == 1:
                return next(iter(ids))
            if ids:
                self.t.add(row, column, "an unambiguous indicator name", f"{text!r} (matches {', '.join(sorted(ids))})")
                return None
        labels: list[str] = []
        for key, _, _ in process.extract(fold(text), list(self.forms), scorer=fuzz.WRatio, limit=10, score_cutoff=70):
            labels += [f"{i} ({self.registry.indicator(i).name_de})" for i in sorted(self.forms[key])]
        unique = list(dict.fromkeys(labels))[:3]
        hint = "; did you mean " + ", ".join(unique) + "?" if unique else ""
        self.t.add(row, column, "an indicator id or its German/English name or synonym", f"{text!r}{hint}")
        return None

    def municipality(self, cell: Cell, row: int, column: str) -> Municipality | None:
        """AGS (8 or 7 digits, or the 12-digit Regionalschlüssel), name or alias; None if unknown or skipped."""
        text = cell_text(cell)
        digits = re.sub(r"\.0+$", "", text)
        if re.fullmatch(r"\d{11,12}", digits):
            digits = digits.zfill(12)[:5] + digits.zfill(12)[9:]
        plain = re.sub(r"^(stadt|gemeinde)\s+|,\s*((kreisfreie|hanse)\s*)?stadt$", "", text, flags=re.IGNORECASE)
        found = self.resolver.resolve(digits) or self.resolver.resolve(plain)
        if found is None and (fold(text) in {fold(k) for k in KREISE} or _AGGREGATE.search(fold(text))):
            self.skipped.append(f"row {row}: {text}")
        elif found is None:
            suggestions = [] if digits.isdigit() else self.resolver.suggest(text)
            hint = "; did you mean " + ", ".join(suggestions) + "?" if suggestions else ""
            self.t.add(row, column, "a municipality name, alias or AGS of the 53", f"{text!r}{hint}")
        return found

    def number(self, cell: Cell, row: int, column: str) -> float | None:
        """A typed spreadsheet number as is; text with its column's mark (see assistant.index.decimal_columns).

        In a column without a decided mark (none needed, or the column is already reported as
        mixed or ambiguous) a cell that reads the same either way is used, one that reads two ways
        is left to the column's problem, and one that reads no way is reported here.
        """
        if isinstance(cell, float):
            return cell
        text, mark = cell_text(cell), self.marks.marks.get(column)
        if mark is not None:
            try:
                return parse_number(text, decimal=mark)
            except ValueError as error:
                how = "as stated by --decimal" if self.marks.stated else "as shown by the other values of the column"
                self.t.add(row, column, f"a number with decimal mark {mark!r} ({how})",
                           str(error).removeprefix("not a number: "))
                return None
        readings = set(decimal_readings(text).values())
        if len(readings) == 1:
            return readings.pop()
        if not readings:
            try:
                parse_number(text)
            except ValueError as error:
                self.t.add(row, column, "a number", str(error).removeprefix("not a number: "))
        return None

    def store(self, key: tuple[str, str], value: float, year: int, row: int, column: str, raw: Cell) -> None:
        ind, shown = self.registry.indicator(key[1]), cell_text(raw)
        if ind.is_percentage and not 0 <= value <= 100:
            self.t.add(row, column, f"a percentage within 0..100 for {ind.id}", shown)
        elif value < 0:
            self.t.add(row, column, f"a rate >= 0 for {ind.id}", shown)
        elif not ind.higher_is_better and value == 0:
            self.t.add(row, column, f"a value > 0 for {ind.id} (lower is better)", shown)
        if key in self.values:
            name, first = self.registry.municipality(key[0]).name, self.values[key][2]
            found = f"{name}/{ind.id} again (first in row {first})"
            self.t.add(row, column, "each (municipality, indicator) once", found)
        else:
            self.values[key] = (value, year, row)

    def row_year(self, cells: list[Cell], year_col: int | None, row: int) -> int | None:
        """--year, else the row's year cell, else last year."""
        if self.year is not None or year_col is None:
            return self.year if self.year is not None else self.default_year
        text = cell_text(cells[year_col])
        if re.fullmatch(r"(19|20)\d\d", text):
            return int(text)
        self.t.add(row, self.t.header[year_col], "a year like 2023", repr(text))
        return None

    def columns(self, header: list[str], special: set[int | None], layout: str) -> dict[int, str]:
        """Indicator columns of a wide table (index -> id); known descriptive columns are ignored."""
        result: dict[int, str] = {}
        for index, name in enumerate(self.t.header):
            if index in special or not name:
                continue
            if header[index] in IGNORED_HEADERS | AGS_HEADERS | NAME_HEADERS or layout == "long":
                self.ignored.append(name)
            elif (ind_id := self.indicator(name, self.t.header_row, name)) in result.values():
                self.t.add(self.t.header_row, name, "each indicator in one column", f"{ind_id} again")
            elif ind_id is not None:
                result[index] = ind_id
        return result

    def run(self) -> Literal["wide", "long"]:
        header = [fold(h) for h in self.t.header]

        def find(names: frozenset[str]) -> int | None:
            return next((i for i, h in enumerate(header) if h in names), None)

        key_col, year_col = find(AGS_HEADERS), find(YEAR_HEADERS)
        key_col = find(NAME_HEADERS) if key_col is None else key_col
        ind_col, value_col = find(INDICATOR_HEADERS), find(VALUE_HEADERS)
        layout: Literal["wide", "long"] = "long" if ind_col is not None and value_col is not None else "wide"
        if key_col is None:
            self.t.add(self.t.header_row, None, "a column with AGS or municipality names (e.g. 'AGS' or 'Gemeinde')",
                       "header " + ", ".join(repr(h) for h in self.t.header))
            return layout
        special = {key_col, year_col} | ({ind_col, value_col} if layout == "long" else set())
        columns = self.columns(header, special, layout)
        rows: list[tuple[int, list[Cell], Municipality | None, int | None, dict[int, str | None]]] = []
        for row, cells in self.t.rows:
            municipality = self.municipality(cells[key_col], row, self.t.header[key_col])
            if municipality is None and self.skipped and self.skipped[-1].startswith(f"row {row}:"):
                continue
            year = self.row_year(cells, year_col, row)
            targets: dict[int, str | None] = dict(columns)
            if value_col is not None and ind_col is not None and layout == "long":
                targets = {value_col: self.indicator(cell_text(cells[ind_col]), row, self.t.header[ind_col])}
            rows.append((row, cells, municipality, year, targets))
        self.decide_marks(rows)
        for row, cells, municipality, year, targets in rows:
            for index, ind_id in targets.items():
                cell, column = cells[index], self.t.header[index]
                if _missing(cell):
                    self.kept_blank += 1
                    continue
                value = self.number(cell, row, column)
                if municipality and ind_id and value is not None and year is not None:
                    self.store((municipality.ags, ind_id), value, year, row, column, cell)
        return layout

    def decide_marks(self, rows: list[tuple[int, list[Cell], Municipality | None, int | None,
                                            dict[int, str | None]]]) -> None:
        """Each number column's decimal mark from its text cells in the rows that are imported."""
        texts: dict[str, list[tuple[int, str]]] = {}
        for row, cells, _, _, targets in rows:
            for index in targets:
                texts.setdefault(self.t.header[index], [])
                if isinstance(cells[index], str) and not _missing(cells[index]):
                    texts[self.t.header[index]].append((row, cell_text(cells[index])))
        self.marks = decide_marks(self.t.file, texts, self.decimal)
        self.t.problems.extend(self.marks.problems)


def _missing(cell: Cell) -> bool:
    """Blank, "-", "k.A." and the like: the stored value is kept."""
    return blank(cell) or cell_text(cell).casefold() in NA_TOKENS


def _stored(value: float) -> str:
    """values.csv text for a float: shortest exact form, integers without '.0'."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _newline(data: bytes) -> str:
    return "\r\n" if b"\r\n" in data else "\n"


def _csv_bytes(rows: list[list[str]], newline: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def import_file(
    path: Path,
    data_dir: Path,
    *,
    year: int | None = None,
    source_title: str | None = None,
    source_url: str | None = None,
    source_publisher: str = "",
    dry_run: bool = False,
    now: datetime | None = None,
    decimal: str | None = None,
) -> ImportReport:
    """Read, validate and merge an official table; raises ImportRejectedError listing every problem.

    Nothing is written when any problem is found or when dry_run is set. The whole import runs
    under the directory lock, so the registry, values and sources it merges are the current ones.
    """
    path, data_dir = Path(path), Path(data_dir)
    if not data_dir.is_dir():
        raise ImportRejectedError([Problem(str(data_dir), None, None, "an index_data directory", "no such directory")])
    with directory_lock(data_dir, clean=not dry_run):
        try:
            registry = load_registry(data_dir)
        except DataValidationError as error:
            raise ImportRejectedError(error.problems) from None
        problems: list[Problem] = []
        if source_url and not re.fullmatch(r"https?://\S+", source_url):
            problems.append(Problem("--source-url", None, None, "an http(s) URL", repr(source_url)))
        if year is not None and not 1900 <= year <= 2100:
            problems.append(Problem("--year", None, None, "a year like 2023", repr(year)))
        if decimal not in (None, ",", "."):
            problems.append(Problem("--decimal", None, None, "',' (German) or '.' (English)", repr(decimal)))
        mark: DecimalMark | None = "," if decimal == "," else "." if decimal == "." else None
        now = now or datetime.now()
        table = read_table(path, problems)
        reader = _Interpreter(table, registry, year, now.year - 1, mark) if table else None
        layout = reader.run() if reader else "wide"
        if reader and not reader.values and not problems:
            problems.append(Problem(path.name, None, None, "at least one value", "no values"))
        if problems or reader is None or table is None:
            raise ImportRejectedError(problems)
        rows = read_rows(data_dir / "values.csv", VALUE_COLUMNS, problems)
        source = _new_source(registry, path, now, count=len(reader.values), layout=layout, title=source_title,
                             url=source_url, publisher=source_publisher)
        changes = _merge(rows, reader.values, registry, source.id)
        merged = Registry(registry.municipalities, registry.indicators, (*registry.sources, source),
                          registry.findings, registry.method)
        problems.extend(check_values(rows, merged, "values.csv (after merging the import)")[1])
        if problems:
            raise ImportRejectedError(problems)
        if not dry_run:
            _write(data_dir, source, rows)
    return ImportReport(
        path.name, layout, table.encoding, table.separator, reader.marks.marks, reader.marks.stated is not None, source,
        tuple(changes),
        reader.kept_blank, tuple(reader.ignored), tuple(reader.skipped), dry_run, not dry_run,
    )


def _write(data_dir: Path, source: Source, rows: list[tuple[int, dict[str, str]]]) -> None:
    """sources.csv first (append one row), then values.csv; see the module docstring for why."""
    sources_path, values_path = data_dir / "sources.csv", data_dir / "values.csv"
    old_sources = sources_path.read_bytes()
    header = next(csv.reader(io.StringIO(old_sources.decode("utf-8-sig"))))
    newline = _newline(old_sources)
    line = _csv_bytes([[str(getattr(source, column, "")) for column in header]], newline)
    atomic_write(sources_path, old_sources + (b"" if old_sources.endswith(b"\n") else newline.encode()) + line)
    table = [list(VALUE_COLUMNS), *([row[c] for c in VALUE_COLUMNS] for _, row in rows)]
    atomic_write(values_path, _csv_bytes(table, _newline(values_path.read_bytes())))


def _new_source(registry: Registry, path: Path, now: datetime, *, count: int, layout: str,
                title: str | None, url: str | None, publisher: str) -> Source:
    """A unique source row; the note records the file's SHA-256 so the import can be traced."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    existing = {s.id for s in registry.sources}
    base = source_id = f"official-import-{now:%Y%m%d-%H%M%S}"
    while source_id in existing:
        source_id = f"{base}-{len(source_id) - len(base) + 2}"
    note = f"Imported by 'assistant data import' from {path.name} (sha256 {digest}…): {count} values, {layout} layout."
    return Source(source_id, title or f"Official Digital-Index Ruhr values ({path.name})", publisher,
                  url or "", now.date().isoformat(), "", note)


def _merge(rows: list[tuple[int, dict[str, str]]], values: dict[tuple[str, str], tuple[float, int, int]],
           registry: Registry, source_id: str) -> list[CellChange]:
    """Replace the imported (ags, indicator) rows in place, appending missing ones; others stay untouched."""
    index = {(row["ags"], row["indicator"]): row for _, row in rows}
    changes: list[CellChange] = []
    for (ags, ind_id), (value, year, _) in sorted(values.items(), key=lambda item: item[1][2]):
        old = index.get((ags, ind_id))
        new = {"ags": ags, "indicator": ind_id, "value": _stored(value), "year": str(year),
               "provenance": "official", "source": source_id}
        changes.append(CellChange(
            ags, registry.municipality(ags).name, ind_id, old["value"] if old else None, new["value"],
            old["year"] if old else None, year, old["provenance"] if old else None,
        ))
        if old is None:
            rows.append((len(rows) + 2, new))
        else:
            old.update(new)
    return changes
