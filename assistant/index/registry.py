"""The one typed registry of municipalities, indicators and areas.

Everything that names a municipality, an indicator or an area (tool schemas, CLI choices, UI
widgets, the planner) derives from the objects defined here, so the twelve indicator ids and the
four areas of the contract (DESIGN 3.1) live in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

AREA_IDS: tuple[str, ...] = ("forschung", "beschaeftigung", "unternehmen", "infrastruktur")

#: The contract's indicator ids, three per area, in display order.
INDICATORS_BY_AREA: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "forschung": ("research_institutes", "research_projects", "digital_patents"),
        "beschaeftigung": ("it_employees", "it_graduates", "ai_job_ads"),
        "unternehmen": ("digital_companies", "ai_companies", "digital_startups"),
        "infrastruktur": ("fibre_households", "gigabit_business", "mobile_5g"),
    }
)
INDICATOR_IDS: tuple[str, ...] = tuple(i for ids in INDICATORS_BY_AREA.values() for i in ids)

AREA_NAMES: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "forschung": ("Forschung", "Research"),
        "beschaeftigung": ("Beschäftigung", "Employment"),
        "unternehmen": ("Unternehmen", "Companies"),
        "infrastruktur": ("Infrastruktur", "Infrastructure"),
    }
)

OVERALL = "overall"
OVERALL_NAMES = ("Digital-Index (gesamt)", "Digital Index (overall)")

#: Units are rates, never counts. German and English display labels.
UNIT_LABELS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "%": ("%", "%"),
        "per 100,000 inhabitants": ("je 100.000 Einwohner", "per 100,000 inhabitants"),
        "per 1,000 employees": ("je 1.000 Beschäftigte", "per 1,000 employees"),
    }
)

PROVENANCES: tuple[str, ...] = ("official", "public", "synthetic")
STATUSES: tuple[str, ...] = ("published", "assumed")
KREISE: tuple[str, ...] = ("Ennepe-Ruhr-Kreis", "Kreis Recklinghausen", "Kreis Unna", "Kreis Wesel")

Lang = Literal["de", "en"]


@dataclass(frozen=True)
class Municipality:
    """One of the 53 municipalities; `kreis` is the city's own name for a kreisfreie Stadt."""

    ags: str
    name: str
    kreis: str
    kreisfrei: bool
    population: int
    population_date: str
    area_km2: float
    lat: float | None
    lon: float | None
    aliases: tuple[str, ...] = ()

    @property
    def density(self) -> float:
        """Inhabitants per km², used by the peer measure."""
        return self.population / self.area_km2 if self.area_km2 > 0 else 0.0

    @property
    def group(self) -> str:
        """The comparison group: its Kreis, or 'kreisfreie Städte' for a kreisfreie Stadt."""
        return KREISFREI_GROUP if self.kreisfrei else self.kreis


KREISFREI_GROUP = "kreisfreie Städte"


@dataclass(frozen=True)
class Indicator:
    """One of the twelve indicators, with its presentation and direction."""

    id: str
    area: str
    name_de: str
    name_en: str
    unit: str
    higher_is_better: bool
    weight: float
    status: str
    description_de: str
    description_en: str
    synonyms: tuple[str, ...] = ()

    def name(self, lang: Lang) -> str:
        return self.name_de if lang == "de" else self.name_en

    def unit_label(self, lang: Lang) -> str:
        labels = UNIT_LABELS.get(self.unit, (self.unit, self.unit))
        return labels[0] if lang == "de" else labels[1]

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str
    date: str
    licence: str
    note: str


@dataclass(frozen=True)
class Finding:
    """A published statement about the index, quoted in our own words with its source."""

    id: str
    statement_de: str
    statement_en: str
    area: str
    municipalities: tuple[str, ...]
    source: str

    def statement(self, lang: Lang) -> str:
        return self.statement_de if lang == "de" else self.statement_en


@dataclass(frozen=True)
class Method:
    """Scoring parameters from method.toml (DESIGN 3.2): cap and the two weight sets."""

    cap: float = 300.0
    area_weights: MappingProxyType[str, float] = field(
        default_factory=lambda: MappingProxyType(dict.fromkeys(AREA_IDS, 1.0))
    )
    indicator_weights: MappingProxyType[str, float] = field(
        default_factory=lambda: MappingProxyType(dict.fromkeys(INDICATOR_IDS, 1.0))
    )

    def with_weights(
        self,
        area_weights: dict[str, float] | None = None,
        indicator_weights: dict[str, float] | None = None,
    ) -> Method:
        """A copy with some weights replaced (what-if analysis)."""
        areas = dict(self.area_weights)
        areas.update(area_weights or {})
        indicators = dict(self.indicator_weights)
        indicators.update(indicator_weights or {})
        return Method(self.cap, MappingProxyType(areas), MappingProxyType(indicators))


def metric_ids() -> tuple[str, ...]:
    """Every metric a figure can carry: the twelve indicators, the four areas, and overall."""
    return (*INDICATOR_IDS, *AREA_IDS, OVERALL)


@dataclass(frozen=True)
class Registry:
    """The validated reference data: who and what can be asked about."""

    municipalities: tuple[Municipality, ...]
    indicators: tuple[Indicator, ...]
    sources: tuple[Source, ...]
    findings: tuple[Finding, ...]
    method: Method
    _by_ags: dict[str, Municipality] = field(init=False, repr=False, compare=False)
    _by_indicator: dict[str, Indicator] = field(init=False, repr=False, compare=False)
    _by_source: dict[str, Source] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_ags", {m.ags: m for m in self.municipalities})
        object.__setattr__(self, "_by_indicator", {i.id: i for i in self.indicators})
        object.__setattr__(self, "_by_source", {s.id: s for s in self.sources})

    def municipality(self, ags: str) -> Municipality:
        return self._by_ags[ags]

    def has_municipality(self, ags: str) -> bool:
        return ags in self._by_ags

    def indicator(self, indicator_id: str) -> Indicator:
        return self._by_indicator[indicator_id]

    def source(self, source_id: str) -> Source | None:
        return self._by_source.get(source_id)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.municipalities)

    @property
    def kreise(self) -> tuple[str, ...]:
        """The four Kreise, in contract order."""
        return KREISE

    def in_kreis(self, kreis: str) -> tuple[Municipality, ...]:
        return tuple(m for m in self.municipalities if m.kreis == kreis)

    def area_indicators(self, area: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.area == area)


def metric_name(registry: Registry, metric: str, lang: Lang) -> str:
    """Display name of an indicator, area or the overall index."""
    if metric == OVERALL:
        return OVERALL_NAMES[0] if lang == "de" else OVERALL_NAMES[1]
    if metric in AREA_NAMES:
        return AREA_NAMES[metric][0] if lang == "de" else AREA_NAMES[metric][1]
    return registry.indicator(metric).name(lang)
