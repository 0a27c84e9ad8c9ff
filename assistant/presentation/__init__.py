"""What the web page shows, prepared without Streamlit: display tables, Altair charts, the map,
project cards, CSV export, share links and feedback records.

Every number shown comes from a figure (DESIGN 3.4) returned by the chat engine, from the
`DigitalIndex` or from `assistant.index.analysis`; nothing here computes a score. Text that may come
from outside (retrieved project text, front matter, the user's own question) is made inert before
it reaches Markdown: no raw HTML, no images, no LaTeX.

One module per part of the page. This package re-exports what `app.py` and the tests use, so the
page works with one namespace (`from assistant import presentation as pres`); no module in it
imports Streamlit.

- `safe_markdown`: escaping, inert answer Markdown, safe links
- `labels`: values with units, ranks, provenance badges
- `figure_table`: the figures table and the CSV download
- `claim_marks`: the table's "verified" column (assistant.index.claims)
- `answer_artifacts`: an answer's table, chart, map and CSV, built once per distinct answer
- `charts`: the answer's bar chart and the explorer's columns (Altair)
- `ruhr_map`: the municipality map (shipped GeoJSON, no tiles)
- `reply_details`: project cards, source lines, notices, tool calls
- `explorer`: the sidebar explorer, what-if table and reusable projects
- `accessibility`: contrast and focus CSS, the document-language script
- `statement`: the accessibility statement, the Leichte-Sprache text, barrier reports
- `status`: data provenance, backend and project-index status, start-up warm-up
- `data_status_view`: the sidebar's per-indicator data status (counts, years, sources)
- `share_links` and `feedback`: links that ask again, and feedback.jsonl records
"""

from __future__ import annotations

from assistant.presentation.accessibility import PAGE_CSS, document_language_script
from assistant.presentation.answer_artifacts import answer_artifacts, artifacts_key
from assistant.presentation.charts import (
    BarData,
    chart_alt,
    chart_summary,
    explorer_chart,
    figure_bars,
    figure_chart,
    with_arrow_datasets,
)
from assistant.presentation.claim_marks import claim_marks, mark_text
from assistant.presentation.data_status_view import data_status_tables
from assistant.presentation.explorer import (
    ExplorerView,
    change_text,
    default_area_weights,
    explorer_view,
    reusable_projects,
    what_if_table,
)
from assistant.presentation.feedback import append_feedback, feedback_record
from assistant.presentation.figure_table import DisplayTable, csv_file_name, figure_table, figures_csv
from assistant.presentation.labels import FigureDict, format_value, has_synthetic, rank_text, safe_metric_name
from assistant.presentation.reply_details import extra_notices, project_markdown, sources_markdown, tool_calls_json
from assistant.presentation.ruhr_map import (
    GEO_DIR,
    STATIC_GEOMETRY_FILE,
    STATIC_GEOMETRY_URL,
    GeoData,
    answer_municipalities,
    display_geojson,
    load_geo,
    map_spec,
    map_summary,
)
from assistant.presentation.safe_markdown import as_sentence, escape_markdown, inert_markdown, markdown_link, safe_url
from assistant.presentation.share_links import clean_question, share_link, share_params
from assistant.presentation.statement import (
    KNOWN_GAPS,
    OMBUDS_NAME,
    OMBUDS_URL,
    barrier_report_record,
    plain_language_markdown,
    statement_markdown,
)
from assistant.presentation.status import (
    backend_description,
    index_has_synthetic,
    project_index_status,
    provenance_counts,
    provenance_summary,
    warm_up,
)

__all__ = [
    "GEO_DIR",
    "KNOWN_GAPS",
    "OMBUDS_NAME",
    "OMBUDS_URL",
    "PAGE_CSS",
    "STATIC_GEOMETRY_FILE",
    "STATIC_GEOMETRY_URL",
    "BarData",
    "DisplayTable",
    "ExplorerView",
    "FigureDict",
    "GeoData",
    "answer_artifacts",
    "answer_municipalities",
    "append_feedback",
    "artifacts_key",
    "as_sentence",
    "backend_description",
    "barrier_report_record",
    "change_text",
    "chart_alt",
    "chart_summary",
    "claim_marks",
    "clean_question",
    "csv_file_name",
    "data_status_tables",
    "default_area_weights",
    "display_geojson",
    "document_language_script",
    "escape_markdown",
    "explorer_chart",
    "explorer_view",
    "extra_notices",
    "feedback_record",
    "figure_bars",
    "figure_chart",
    "figure_table",
    "figures_csv",
    "format_value",
    "has_synthetic",
    "index_has_synthetic",
    "inert_markdown",
    "load_geo",
    "map_spec",
    "map_summary",
    "mark_text",
    "markdown_link",
    "plain_language_markdown",
    "project_index_status",
    "project_markdown",
    "provenance_counts",
    "provenance_summary",
    "rank_text",
    "reusable_projects",
    "safe_metric_name",
    "safe_url",
    "share_link",
    "share_params",
    "sources_markdown",
    "statement_markdown",
    "tool_calls_json",
    "warm_up",
    "what_if_table",
    "with_arrow_datasets",
]
