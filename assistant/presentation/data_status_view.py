"""The sidebar's "Data status" section: assistant.index.data_status as two display tables.

The counts are computed once, in assistant.index.data_status (the same as `assistant data status` and the
generated table of docs/data.md); this module only labels them in the interface language. Tables,
not charts: a screen reader reads a table cell by cell with its row and column headers.
"""

from __future__ import annotations

import pandas as pd

from assistant.index.data_status import PROVENANCE_ORDER, data_status, year_span
from assistant.index.digital_index import DigitalIndex
from assistant.presentation.labels import provenance_badge
from assistant.presentation.ui_text import Lang, text


def data_status_tables(index: DigitalIndex, lang: Lang) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(indicators with totals, sources with titles); the first column is the row header (index)."""
    status = data_status(index.data)
    badges = {p: provenance_badge(p, lang) for p in PROVENANCE_ORDER}
    years, sources = text("data_status_years", lang), text("data_status_sources", lang)
    rows = [
        {**{badges[p]: i.counts[p] for p in PROVENANCE_ORDER}, years: year_span(i.years),
         sources: ", ".join(u.id for u in i.sources)}
        for i in status.indicators
    ]
    rows.append({**{badges[p]: status.counts[p] for p in PROVENANCE_ORDER}, years: year_span(status.years),
                 sources: str(len(status.sources))})
    names = [i.name_de if lang == "de" else i.name_en for i in status.indicators]
    indicators = pd.DataFrame(rows, index=pd.Index([*names, text("data_status_total", lang)],
                                                   name=text("data_status_indicator", lang)))
    source_rows = [{text("data_status_title", lang): u.title, text("data_status_values", lang): u.values}
                   for u in status.sources]
    used = pd.DataFrame(source_rows, index=pd.Index([u.id for u in status.sources],
                                                    name=text("data_status_source", lang)))
    return indicators, used
