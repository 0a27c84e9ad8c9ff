"""The figures behind an answer: the table under it and the CSV download.

The table is for reading (rounded values in the reader's language, rank 'x von 53', provenance
badge, source link); the CSV is for reuse (unrounded values, '.' as decimal mark), so a
spreadsheet or script gets exactly the numbers the answer was built from.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from assistant.index.registry import Registry
from assistant.index.scoring import COMPUTED_SOURCE
from assistant.presentation.claim_marks import claim_marks, mark_text
from assistant.presentation.labels import (
    FigureDict,
    finite_number,
    format_value,
    provenance_badge,
    rank_text,
    safe_metric_name,
)
from assistant.presentation.safe_markdown import safe_url
from assistant.presentation.ui_text import Lang, text

CSV_FIELDS = (
    "ags", "municipality", "metric", "metric_name", "value", "score", "rank", "of", "unit", "year",
    "provenance", "source", "source_url", "claim_id",
)


@dataclass(frozen=True)
class DisplayTable:
    """A frame ready for display; `link_column` holds URLs to show as links."""

    frame: pd.DataFrame
    link_column: str

    def as_arrow(self) -> Any:
        """The frame as a pyarrow Table, converted once per answer: Streamlit converts a pandas
        frame to Arrow on every rerun (for every earlier answer), a Table it only serialises."""
        import pyarrow as pa

        return pa.Table.from_pandas(self.frame, preserve_index=False)


def source_of(registry: Registry, source_id: object, lang: Lang) -> tuple[str, str | None]:
    """(title, url) of a figure's source; computed figures name the scoring module."""
    key = str(source_id or "")
    if key == COMPUTED_SOURCE:
        return text("computed", lang), None
    source = registry.source(key)
    if source is None:
        return key, None
    return source.title, safe_url(source.url)


def figure_table(figures: Sequence[FigureDict], registry: Registry, lang: Lang,
                 answer: Mapping[str, Any] | None = None) -> DisplayTable:
    """Municipality, metric, value with unit, rank 'x von 53', year, provenance badge, source.

    With the answer object the figures belong to, a column "Geprüft"/"Verified" after the rank
    says in words whether the answer text states the figure (presentation.claim_marks).
    """
    marks = claim_marks(answer) if answer is not None else None
    keys = ["col_municipality", "col_metric", "col_value", "col_rank", "col_year", "col_provenance",
            "col_source", "col_link"]
    if marks is not None:
        keys.insert(4, "col_verified")
    columns = [text(key, lang) for key in keys]
    rows = []
    for f in figures:
        value = finite_number(f.get("value"))
        title, url = source_of(registry, f.get("source"), lang)
        year = f.get("year")
        rows.append([
            str(f.get("municipality", "")),
            safe_metric_name(registry, str(f.get("metric", "")), lang),
            format_value(value, str(f.get("unit", "")), lang) if value is not None else "–",
            rank_text(f.get("rank"), f.get("of"), lang),
            *([mark_text(marks.get(str(f.get("claim_id")), "unchecked"), lang)] if marks is not None else []),
            str(year) if isinstance(year, int) and year > 0 else "",
            provenance_badge(f.get("provenance"), lang),
            title,
            url,
        ])
    return DisplayTable(pd.DataFrame(rows, columns=columns), columns[-1])


def figures_csv(figures: Sequence[FigureDict], registry: Registry, lang: Lang) -> bytes:
    """The figures as CSV (UTF-8 with BOM so spreadsheet programs show umlauts; unrounded values,
    '.' as decimal mark, so the file reads back exactly)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for f in figures:
        _, url = source_of(registry, f.get("source"), lang)
        row = {name: f.get(name) for name in CSV_FIELDS}
        row["metric_name"] = safe_metric_name(registry, str(f.get("metric", "")), lang)
        row["source_url"] = url or ""
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


def csv_file_name(question: str) -> str:
    """'digital-index-wie-schneidet-hagen-ab.csv': the question as an ASCII slug, so downloads are told apart."""
    slug = re.sub(r"[^a-z0-9]+", "-", question.lower().encode("ascii", "ignore").decode()).strip("-")
    return f"digital-index-{slug[:40] or 'figures'}.csv"
