"""The Digital-Index as a service: data loaded and validated once, default scores computed once,
names and metrics resolved with helpful errors. The CLI, the tools and the web app share it.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from rapidfuzz import fuzz, process

from assistant.core.errors import UnknownNameError
from assistant.index.analysis import Figure, Profile, compare, peers, profile, ranking, select, what_if
from assistant.index.data import IndexData, load_index_data
from assistant.index.names import NameResolver, fold
from assistant.index.registry import AREA_IDS, AREA_NAMES, KREISE, OVERALL, Municipality, Registry, metric_ids
from assistant.index.scoring import ScoreTable, compute_scores

#: Words that name the overall index, in both languages.
OVERALL_WORDS = (
    "overall", "gesamt", "insgesamt", "gesamtindex", "digital-index", "digitalindex", "digital index",
    "index", "gesamtwertung", "overall index", "gesamtergebnis",
)


class DigitalIndex:
    """Validated data plus the default ScoreTable; the single entry point for numbers."""

    def __init__(self, data: IndexData) -> None:
        self.data = data
        self.registry: Registry = data.registry
        self.resolver = NameResolver(self.registry)
        self._metric_forms = self._build_metric_forms()

    @classmethod
    def load(cls, data_dir: Path) -> DigitalIndex:
        return cls(load_index_data(data_dir))

    @cached_property
    def table(self) -> ScoreTable:
        return compute_scores(self.data.values, self.registry)

    # --- resolution -------------------------------------------------------------------------
    def _build_metric_forms(self) -> dict[str, str]:
        forms: dict[str, str] = {}
        for word in OVERALL_WORDS:
            forms[fold(word)] = OVERALL
        for area in AREA_IDS:
            for form in (area, *AREA_NAMES[area]):
                forms.setdefault(fold(form), area)
        for indicator in self.registry.indicators:
            for form in (indicator.id, indicator.name_de, indicator.name_en, *indicator.synonyms):
                forms.setdefault(fold(form), indicator.id)
        return forms

    @property
    def metric_forms(self) -> dict[str, str]:
        """Folded surface form -> metric id (ids, names in both languages, synonyms)."""
        return dict(self._metric_forms)

    def municipality(self, name: str) -> Municipality:
        """Resolve a name, alias, AGS or near-miss typo, or raise with the closest matches."""
        found = self.resolver.resolve_fuzzy(name)
        if found is None:
            raise UnknownNameError(
                "municipality", name, self.resolver.suggest(name),
                "The Digital-Index Ruhr covers the 53 municipalities of the Regionalverband Ruhr.",
            )
        return found

    def metric(self, text: str) -> str:
        """Resolve an indicator id, area, name or synonym (either language) to a metric id."""
        key = fold(text)
        if key in self._metric_forms:
            return self._metric_forms[key]
        best = process.extract(key, list(self._metric_forms), scorer=fuzz.WRatio, limit=8)
        suggestions: list[str] = []
        for form, score, _ in best:
            metric = self._metric_forms[form]
            if score >= 60 and metric not in suggestions:
                suggestions.append(metric)
        raise UnknownNameError("metric", text, suggestions[:3], "Valid: " + ", ".join(metric_ids()) + ".")

    def kreis(self, text: str) -> str:
        key = fold(text).replace("kreis", "").strip()
        for kreis in KREISE:
            if key and key in fold(kreis):
                return kreis
        raise UnknownNameError("Kreis", text, [], "Valid: " + ", ".join(KREISE) + ".")

    # --- questions ----------------------------------------------------------------------------
    def profile(self, name: str) -> Profile:
        return profile(self.table, self.registry, self.municipality(name).ags)

    def compare(self, names: list[str], metrics: list[str]) -> list[Figure]:
        ags = [self.municipality(n).ags for n in names]
        return compare(self.table, self.registry, ags, [self.metric(m) for m in metrics])

    def rank(
        self,
        metric: str,
        *,
        top: int | None = None,
        bottom: int | None = None,
        kreis: str | None = None,
        kreisfrei: bool | None = None,
        population_class: str | None = None,
    ) -> list[Figure]:
        members = select(self.registry, self.kreis(kreis) if kreis else None, kreisfrei, population_class)
        return ranking(self.table, self.registry, self.metric(metric), top=top, bottom=bottom, members=members)

    def peers(self, name: str, k: int = 5) -> list[tuple[Municipality, float]]:
        return peers(self.registry, self.municipality(name).ags, k)

    def what_if(self, area_weights: dict[str, float] | None = None,
                indicator_weights: dict[str, float] | None = None) -> list[dict[str, object]]:
        return what_if(self.data.values, self.registry, self.table, area_weights, indicator_weights).rows
