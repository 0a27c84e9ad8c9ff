"""The sidebar's tools: the municipality explorer, the what-if weights table and the projects a
municipality could take over.

Each takes its numbers from one `DigitalIndex` call (`profile`, `what_if`) or from the chat's own
tool, so the sidebar can never disagree with an answer about the same municipality.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from assistant.core.numbers import format_number
from assistant.index.digital_index import DigitalIndex
from assistant.index.registry import AREA_IDS, AREA_NAMES, OVERALL
from assistant.presentation.labels import (
    FigureDict,
    finite_number,
    has_synthetic,
    rank_text,
    required_number,
    safe_metric_name,
)
from assistant.presentation.ui_text import Lang, text
from assistant.tools.plan import ToolCall

if TYPE_CHECKING:
    from assistant.answers.chat import Engine


# --- explorer ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExplorerView:
    """One municipality in the explorer, as display text and chart rows (see `explorer_view`)."""

    ags: str
    name: str
    place: str  # "Kreis: Kreis Unna" / "kreisfreie Stadt"
    overall: str  # "Digital-Index gesamt: 104,2 (Rang 12 von 53)"
    rows: tuple[dict[str, Any], ...]  # chart rows: area, series, value, display
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    synthetic: bool


def _score_of(figure: FigureDict) -> float | None:
    score = finite_number(figure.get("score"))
    return score if score is not None else finite_number(figure.get("value"))


def explorer_view(index: DigitalIndex, name: str, lang: Lang, limit: int = 3) -> ExplorerView:
    """A municipality's four area scores against 100 and its group's mean, plus strengths and
    weaknesses (metrics above/below 100), all from `DigitalIndex.profile`."""
    profile = index.profile(name)
    municipality = profile.municipality
    registry = index.registry
    by_metric = {str(f["metric"]): f for f in profile.figures}
    overall = by_metric[OVERALL]
    group = text("kreisfreie_staedte", lang) if municipality.kreisfrei else municipality.kreis
    rows: list[dict[str, Any]] = []
    for area in AREA_IDS:
        label = AREA_NAMES[area][0 if lang == "de" else 1]
        own = required_number(by_metric[area]["value"])
        mean = float(profile.group_means[area])
        rows.append({"area": label, "series": municipality.name, "value": own, "display": format_number(own, lang)})
        rows.append({"area": label, "series": text("explorer_group_mean", lang, group=group), "value": mean,
                     "display": format_number(mean, lang)})

    def describe(metrics: Sequence[str]) -> tuple[str, ...]:
        out = []
        for metric in metrics[:limit]:
            score = _score_of(by_metric[metric]) if metric in by_metric else None
            shown = f" ({format_number(score, lang)})" if score is not None else ""
            out.append(safe_metric_name(registry, metric, lang) + shown)
        return tuple(out)

    place = (text("explorer_kreisfrei", lang) if municipality.kreisfrei
             else text("explorer_kreis", lang, kreis=municipality.kreis))
    return ExplorerView(
        ags=municipality.ags, name=municipality.name, place=place,
        overall=text("explorer_overall", lang, value=format_number(required_number(overall["value"]), lang),
                     rank=rank_text(overall.get("rank"), overall.get("of"), lang)),
        rows=tuple(rows), strengths=describe(profile.strengths), weaknesses=describe(profile.weaknesses),
        synthetic=has_synthetic(profile.figures),
    )


def reusable_projects(
    engine: Engine, municipality: str, lang: Lang, k: int = 3,
) -> tuple[list[dict[str, Any]], str | None]:
    """Projects the municipality could take over, through the same tool the chat uses
    (allow-list, inert text): (projects, None) or ([], the reason none could be found)."""
    result = engine.toolbox.execute(ToolCall("suggest_reusable_projects", {"municipality": municipality, "k": k}), lang)
    if not result.ok:
        return [], result.error
    return [dict(p) for p in result.projects], None


# --- what-if -------------------------------------------------------------------------------------

def change_text(change: int) -> str:
    """Rank change against the default: '▲ 3' moved up, '▼ 2' moved down, '–' unchanged."""
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "–"


def what_if_table(index: DigitalIndex, area_weights: Mapping[str, float], lang: Lang) -> pd.DataFrame:
    """The ranking under other area weights with rank changes (from DigitalIndex.what_if)."""
    rows = index.what_if(dict(area_weights))
    return pd.DataFrame(
        [
            {
                text("col_rank", lang): int(str(row["rank"])),
                text("col_municipality", lang): str(row["municipality"]),
                text("col_index", lang): format_number(float(str(row["overall"])), lang),
                text("col_change", lang): change_text(int(str(row["change"]))),
                text("col_default_rank", lang): int(str(row["default_rank"])),
            }
            for row in rows
        ]
    )


def default_area_weights(index: DigitalIndex) -> dict[str, float]:
    """The method's own area weights: where the what-if sliders start and 'reset' returns to."""
    return {area: float(index.registry.method.area_weights[area]) for area in AREA_IDS}
