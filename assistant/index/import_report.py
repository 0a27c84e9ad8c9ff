"""What an import did, or with a dry run would do: one record per imported cell, and the report.

Kept apart from assistant.index.importer (which reads and merges) so that the CLI, the JSON output and the
tests depend on this small vocabulary only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.core.numbers import DecimalMark
from assistant.index.registry import Source


@dataclass(frozen=True)
class CellChange:
    """One imported cell with the stored row it replaces (old_* are None for a new row)."""

    ags: str
    municipality: str
    indicator: str
    old_value: str | None
    new_value: str
    old_year: str | None
    new_year: int
    old_provenance: str | None

    @property
    def value_changed(self) -> bool:
        return self.old_value is None or float(self.old_value) != float(self.new_value)


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, with dry_run, would do); the CLI prints it, --json dumps to_dict()."""

    file: str
    layout: Literal["wide", "long"]
    encoding: str | None
    separator: str | None
    decimal_marks: dict[str, DecimalMark | None]  # number column -> its mark; None: no text needed one
    decimal_stated: bool  # True when the caller stated the mark (--decimal) instead of the columns showing it
    source: Source
    changes: tuple[CellChange, ...]
    kept_blank: int
    ignored_columns: tuple[str, ...]
    skipped_rows: tuple[str, ...]
    dry_run: bool
    written: bool

    @property
    def decimal_mark(self) -> str:
        """The mark the number columns were read with: ",", ".", "" (none needed) or "per column"."""
        used = {mark for mark in self.decimal_marks.values() if mark is not None}
        return "per column" if len(used) > 1 else next(iter(used), "")

    @property
    def changed_values(self) -> int:
        """Imported cells whose number differs from the stored one."""
        return sum(change.value_changed for change in self.changes)

    def per_indicator(self) -> dict[str, tuple[int, int]]:
        """indicator id -> (cells imported, of which with a different value)."""
        counts: dict[str, tuple[int, int]] = {}
        for change in self.changes:
            imported, changed = counts.get(change.indicator, (0, 0))
            counts[change.indicator] = (imported + 1, changed + change.value_changed)
        return counts

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file, "layout": self.layout, "encoding": self.encoding, "separator": self.separator,
            "decimal_mark": self.decimal_mark, "decimal_marks": dict(self.decimal_marks),
            "decimal_stated": self.decimal_stated, "source": vars(self.source), "imported": len(self.changes),
            "changed_values": self.changed_values, "kept_blank": self.kept_blank,
            "per_indicator": {k: {"imported": a, "changed": b} for k, (a, b) in self.per_indicator().items()},
            "ignored_columns": list(self.ignored_columns), "skipped_rows": list(self.skipped_rows),
            "changes": [vars(change) | {"value_changed": change.value_changed} for change in self.changes],
            "dry_run": self.dry_run, "written": self.written,
        }
