"""The wording toolkit every template answer is written with: phrases in the answer's language,
numbers in its format, metric names, ranks, groups and the source line.

Kept apart from the renderers so that each intent family formats a value, a rank or an average
the same way: the number guard compares the answer's numbers with the tool results, and one
formatting path is what makes that comparison exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.answers.answer_templates import PHRASES
from assistant.core.numbers import format_number
from assistant.index.registry import INDICATOR_IDS, KREISFREI_GROUP, Lang, Registry, metric_name
from assistant.tools.tool_results import ToolResult

Figure = dict[str, Any]

MAX_SOURCES_SHOWN = 3
SYNTHETIC_TITLE: dict[str, str] = {"de": "synthetische Demonstrationswerte (dieses Projekt)",
                                   "en": "synthetic demonstration values (this project)"}


def phrase(key: str, lang: Lang, **values: Any) -> str:
    """The sentence pattern `key` of assistant.answers.answer_templates in `lang`, filled with `values`."""
    german, english = PHRASES[key]
    return (german if lang == "de" else english).format(**values)


def fmt(value: float, lang: Lang, decimals: int | None = None) -> str:
    """One decimal, two for small values (0,45 %), none for integers that are counts."""
    if decimals is None:
        decimals = 2 if abs(value) < 10 and round(value, 1) != value else 1
    return format_number(float(value), lang, decimals)


class AnswerWriter:
    """Formatting helpers bound to one registry and language."""

    def __init__(self, registry: Registry, lang: Lang) -> None:
        self.registry = registry
        self.lang = lang

    def metric(self, metric: str) -> str:
        return metric_name(self.registry, metric, self.lang)

    def whole_or_tenths(self, value: float) -> str:
        """'2' for whole numbers, '1,5' otherwise: points and weights read as typed, not as '2,0'."""
        return fmt(value, self.lang, 0 if float(value).is_integer() else 1)

    def value(self, metric: str, value: float, *, dative: bool = False) -> str:
        """"23,4 %", "12,5 je 100.000 Einwohner", "87,2 Punkte" ("Punkten" after bei/mit)."""
        if metric in INDICATOR_IDS:
            indicator = self.registry.indicator(metric)
            return f"{fmt(value, self.lang)} {indicator.unit_label(self.lang)}"
        return phrase("points_dative" if dative else "points", self.lang, value=self.whole_or_tenths(value))

    def fig_value(self, f: Figure, *, dative: bool = False) -> str:
        return self.value(str(f["metric"]), float(f["value"]), dative=dative)

    def rank(self, f: Figure) -> str:
        return phrase("rank", self.lang, rank=f["rank"], of=f["of"])

    def item(self, f: Figure) -> str:
        """'Glasfaser-Haushalte 23,4 % (Platz 3 von 53)': one figure inside a list of several."""
        return f"{self.metric(str(f['metric']))} {self.fig_value(f)} ({self.rank(f)})"

    def count(self, value: float) -> str:
        return format_number(float(value), self.lang, 0)

    def group(self, group: str) -> str:
        if group == KREISFREI_GROUP:
            return phrase("group_kreisfrei", self.lang)
        return phrase("group_kreis", self.lang, kreis=group)

    def ruhr_average(self, metric: str, value: float) -> str:
        """'Der Ruhr-Durchschnitt liegt bei 21,7 %' (without the full stop: some answers go on)."""
        return phrase("ruhr_average", self.lang, value=self.value(metric, value, dative=True))

    def source_line(self, results: Sequence[ToolResult]) -> str:
        titles = list(dict.fromkeys(
            SYNTHETIC_TITLE[self.lang] if s["id"] == "synthetic-demo" else s["title"]
            for r in results for s in r.sources if not r.projects
        ))
        if not titles:
            return ""
        shown = "; ".join(titles[:MAX_SOURCES_SHOWN])
        if len(titles) > MAX_SOURCES_SHOWN:
            shown += " " + phrase("more_sources", self.lang)
        return phrase("source_line", self.lang, items=shown)
