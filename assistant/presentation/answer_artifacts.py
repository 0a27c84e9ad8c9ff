"""An answer's table, chart, map and CSV, prepared once per distinct answer content.

Building the Altair chart and the map spec is most of the page's CPU per answer (Altair validates
every encoding against the Vega-Lite schema). They depend only on what `artifacts_key` puts into
the key: the figures, the places the answer is about, the answer text (the table's "verified"
column), the language and the data version (both checked by the claim marks). So one server-wide
cache (`st.cache_resource` in app.py) serves every session that gets the same answer, and a
session's later reruns reuse the same objects. The result is shared and
must be treated as read-only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from assistant.index.digital_index import DigitalIndex
from assistant.presentation.charts import chart_alt, chart_summary, figure_chart, with_arrow_datasets
from assistant.presentation.figure_table import figure_table, figures_csv
from assistant.presentation.ruhr_map import STATIC_GEOMETRY_URL, answer_municipalities, map_spec, map_summary
from assistant.presentation.ui_text import as_lang


def artifacts_key(reply: Mapping[str, Any]) -> str:
    """Everything the artifacts are computed from, as one canonical string."""
    places = [p.get("municipalities") or [] for p in reply.get("projects") or []]
    content = {"answer": reply.get("answer"), "language": reply.get("language"),
               "data_version": reply.get("data_version"), "figures": reply.get("figures") or [], "places": places}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)


def answer_artifacts(key: str, index: DigitalIndex) -> dict[str, Any]:
    """Table (and its Arrow form), chart, map, CSV and their text alternatives for `artifacts_key`."""
    reply: dict[str, Any] = json.loads(key)
    reply["projects"] = [{"municipalities": names} for names in reply.pop("places")]
    lang = as_lang(reply.get("language"))
    figures = reply["figures"]
    chart = figure_chart(figures, index, lang) if figures else None
    places = answer_municipalities(reply, index.registry)
    table = figure_table(figures, index.registry, lang, answer=reply) if figures else None
    return {
        "table": table,
        "table_arrow": table.as_arrow() if table is not None else None,
        "chart": with_arrow_datasets(chart.to_dict()) if chart is not None else None,
        "map": with_arrow_datasets(map_spec(places, lang, geometry_url=STATIC_GEOMETRY_URL)) if places else None,
        "csv": figures_csv(figures, index.registry, lang) if figures else None,
        "chart_alt": chart_alt(figures, index, lang) if chart is not None else None,
        "chart_text": chart_summary(figures, index, lang) if chart is not None else None,
        "map_text": map_summary(places, lang) if places else None,
    }
