"""The page's Altair charts: an answer's figures as bars against their reference, and the
explorer's area scores against the group mean.

Each chart marks the reference a reader needs to judge a value (the Ruhr average 100 for scores,
the Ruhr mean for indicators), because a bar alone does not say whether it is good or bad. Axis
numbers follow the reader's language through a Vega locale; tooltips use `format_number`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from assistant.core.numbers import format_number
from assistant.index.digital_index import DigitalIndex
from assistant.index.registry import AREA_IDS, OVERALL, Registry
from assistant.index.scoring import SCORE_UNIT
from assistant.presentation.explorer import ExplorerView
from assistant.presentation.labels import (
    FigureDict,
    finite_number,
    format_value,
    is_number,
    rank_text,
    safe_metric_name,
    unit_label,
)
from assistant.presentation.ui_text import Lang, text

HIGHLIGHT_COLOUR = "#c2410c"
OTHER_COLOUR = "#d6d3d1"
ABOVE_COLOUR = "#15803d"
BELOW_COLOUR = "#b45309"
GROUP_COLOUR = "#94a3b8"
BAR_HEIGHT = 26

#: Number formats for Vega (axes) per language; tooltips and labels use format_number.
VEGA_LOCALES: dict[str, dict[str, Any]] = {
    "de": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " €"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", " €"]},
}


def _configure(chart: alt.TopLevelMixin, lang: Lang) -> Any:
    return chart.configure(locale={"number": VEGA_LOCALES[lang]}).configure_view(stroke=None)


def _grouped_by_metric(figures: Sequence[FigureDict]) -> dict[str, list[FigureDict]]:
    groups: dict[str, list[FigureDict]] = {}
    for f in figures:
        if is_number(f.get("value")) and f.get("municipality"):
            groups.setdefault(str(f.get("metric")), []).append(f)
    return groups


def _bar_row(label: str, value: float, display: str, figure: FigureDict, above: bool, lang: Lang) -> dict[str, Any]:
    """One bar of `_bar_layer`: its label, value, tooltip texts and colour class."""
    return {
        "label": label, "value": value, "display": display,
        "rank": rank_text(figure.get("rank"), figure.get("of"), lang),
        "status": text("above" if above else "below", lang),
    }


def _bar_layer(rows: list[dict[str, Any]], reference: float, reference_label: str, axis_title: str,
               lang: Lang) -> Any:
    labels = [r["label"] for r in rows]
    status_domain = [text("above", lang), text("below", lang)]
    data = pd.DataFrame(rows)
    bars = alt.Chart(data).mark_bar(cornerRadiusEnd=2).encode(
        x=alt.X("value:Q", title=axis_title, scale=alt.Scale(zero=True)),
        y=alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=180)),
        color=alt.Color("status:N", scale=alt.Scale(domain=status_domain, range=[ABOVE_COLOUR, BELOW_COLOUR]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title=text("col_municipality", lang)),
                 alt.Tooltip("display:N", title=text("col_value", lang)),
                 alt.Tooltip("rank:N", title=text("col_rank", lang))],
    )
    ref = pd.DataFrame([{"ref": reference, "ref_label": reference_label}])
    rule = alt.Chart(ref).mark_rule(color="#1f2937", strokeDash=[5, 3], strokeWidth=2).encode(
        x="ref:Q", tooltip=[alt.Tooltip("ref_label:N", title="Ø")],
    )
    note = alt.Chart(ref).mark_text(align="right", dx=-4, dy=-6, color="#1f2937", fontSize=11).encode(
        x="ref:Q", y=alt.value(0), text="ref_label:N",
    )
    # a fixed step per bar: Streamlit's theme would otherwise squeeze the bands to a few pixels
    return alt.layer(bars, rule, note).properties(height=alt.Step(BAR_HEIGHT), width="container")


@dataclass(frozen=True)
class BarData:
    """What an answer's bar chart shows: one row per bar and the marked reference. The chart and
    its text alternative are both drawn from it, so the words say exactly what the bars show."""

    rows: list[dict[str, Any]]
    reference: float
    reference_label: str
    axis_title: str


def figure_bars(figures: Sequence[FigureDict], index: DigitalIndex, lang: Lang) -> BarData | None:
    """The bars of an answer's chart, or None when its figures make no chart.

    One metric: a bar per municipality; the Ruhr average (100) is marked for scores, the Ruhr
    mean of the stored values (from the ScoreTable) for an indicator. One municipality on several
    metrics (a profile): a bar per area (or indicator score) against 100.
    """
    groups = _grouped_by_metric(figures)
    if not groups:
        return None
    metric, chosen = max(groups.items(), key=lambda item: len({f["municipality"] for f in item[1]}))
    registry = index.registry
    if len({f["municipality"] for f in chosen}) == 1 and len(groups) > 1:
        return _profile_bars(groups, registry, lang)
    unique = list({str(f["municipality"]): f for f in reversed(chosen)}.values())[::-1]
    unit = str(unique[0].get("unit", ""))
    name = safe_metric_name(registry, metric, lang)
    if unit == SCORE_UNIT or metric in (OVERALL, *AREA_IDS):
        reference = 100.0
        reference_label = text("ruhr_average", lang)
        axis_title = f"{name} – {text('score_unit', lang)}"
    else:
        if metric not in index.table.means.index:
            return None
        reference = float(index.table.means[metric])
        reference_label = text("ruhr_mean", lang, value=format_value(reference, unit, lang))
        axis_title = f"{name} ({unit_label(unit, lang)})"
    rows = []
    for f in unique:
        value = float(f["value"])
        score = f.get("score")
        score_number = finite_number(score)
        better = score_number >= 100.0 if score_number is not None else value >= reference
        rows.append(_bar_row(str(f["municipality"]), value, format_value(value, unit, lang), f, better, lang))
    return BarData(rows, reference, reference_label, axis_title)


def figure_chart(figures: Sequence[FigureDict], index: DigitalIndex, lang: Lang) -> Any | None:
    """A bar chart of the answer's municipalities with the reference marked, or None."""
    bars = figure_bars(figures, index, lang)
    if bars is None:
        return None
    return _configure(_bar_layer(bars.rows, bars.reference, bars.reference_label, bars.axis_title, lang), lang)


def chart_alt(figures: Sequence[FigureDict], index: DigitalIndex, lang: Lang) -> str | None:
    """The chart's short accessible name ('Balkendiagramm Glasfaser-Haushalte (%)')."""
    bars = figure_bars(figures, index, lang)
    return text("chart_alt", lang, title=bars.axis_title) if bars is not None else None


def chart_summary(figures: Sequence[FigureDict], index: DigitalIndex, lang: Lang) -> str | None:
    """The chart in words, for readers who cannot see it (WCAG 1.1.1): 'Balkendiagramm
    Glasfaser-Haushalte (%): Hagen 20,9 %, Platz 25 von 53; … Gestrichelte Linie:
    Ruhrgebiet-Mittelwert 27,1 %.' Values and ranks are the figures' own, formatted as in the table."""
    bars = figure_bars(figures, index, lang)
    if bars is None:
        return None
    parts = []
    for row in bars.rows:
        rank = f", {text('rank_word', lang)} {row['rank']}" if row["rank"] else ""
        parts.append(f"{row['label']} {row['display']}{rank} ({row['status']})")
    return text("chart_summary", lang, title=bars.axis_title, bars="; ".join(parts), reference=bars.reference_label)


def _profile_bars(groups: dict[str, list[FigureDict]], registry: Registry, lang: Lang) -> BarData | None:
    aggregate = [m for m in (OVERALL, *AREA_IDS) if m in groups]
    rows = []
    if aggregate:
        for metric in aggregate:
            f = groups[metric][0]
            rows.append((metric, float(f["value"]), f))
    else:
        for metric, fs in groups.items():
            if is_number(fs[0].get("score")):
                rows.append((metric, float(fs[0]["score"]), fs[0]))
    if not rows:
        return None
    data = [
        _bar_row(safe_metric_name(registry, metric, lang), value, format_number(value, lang), f, value >= 100.0, lang)
        for metric, value, f in rows
    ]
    title = f"{rows[0][2].get('municipality', '')} – {text('score_unit', lang)}"
    return BarData(data, 100.0, text("ruhr_average", lang), title)


def explorer_chart(view: ExplorerView, lang: Lang) -> Any:
    """Grouped columns: the municipality's area scores next to its group's mean, 100 marked.
    Columns, not bars, so that the chart fits the narrow sidebar at any width."""
    data = pd.DataFrame(list(view.rows))
    series = list(dict.fromkeys(data["series"]))
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("area:N", title=None, sort=list(dict.fromkeys(data["area"])),
                axis=alt.Axis(labelAngle=-45, labelLimit=110, labelOverlap=False)),
        xOffset=alt.XOffset("series:N", sort=series),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", sort=series, scale=alt.Scale(domain=series, range=[HIGHLIGHT_COLOUR, GROUP_COLOUR]),
                        legend=alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=170)),
        tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("area:N", title=text("col_area", lang)),
                 alt.Tooltip("display:N", title=text("col_score", lang))],
    )
    rule = alt.Chart(pd.DataFrame([{"ref": 100.0, "label": text("ruhr_average", lang)}])).mark_rule(
        color="#1f2937", strokeDash=[5, 3], strokeWidth=2,
    ).encode(y="ref:Q", tooltip=[alt.Tooltip("label:N", title="Ø")])
    # Streamlit fits axes and legend into `height`, so it is generous
    title = alt.TitleParams(text("score_unit", lang), fontSize=11, anchor="start", fontWeight="normal")
    return _configure(alt.layer(bars, rule).properties(height=380, width="container", title=title), lang)


def with_arrow_datasets(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of a Vega-Lite spec whose named tabular datasets are Arrow IPC stream bytes.

    Streamlit sends a chart's named datasets as Arrow and converts lists of rows on every call of
    `st.vega_lite_chart`, that is for every earlier answer on every rerun; bytes it passes on as
    they are. Converting once, when an answer's chart is built, keeps a rerun's cost from growing
    with the conversation. GeoJSON and empty datasets stay as they are (Vega needs them as JSON).
    """
    import pyarrow as pa

    datasets = spec.get("datasets")
    if not isinstance(datasets, dict):
        return spec
    converted: dict[str, Any] = {}
    for name, rows in datasets.items():
        tabular = isinstance(rows, list) and rows and all(isinstance(r, dict) and "geometry" not in r for r in rows)
        if not tabular:
            converted[name] = rows
            continue
        table = pa.Table.from_pandas(pd.DataFrame(rows))
        sink = pa.BufferOutputStream()
        with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
            writer.write_table(table)
        converted[name] = sink.getvalue().to_pybytes()
    return {**spec, "datasets": converted}
