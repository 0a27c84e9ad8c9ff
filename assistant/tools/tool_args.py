"""The tools' argument models: what a planner or a language model may pass to each tool.

Why pydantic models: the same model validates an offline plan and an LLM's tool call, and it is the
JSON schema the model is shown (docstrings and field descriptions are written for the model). The
choices derive from the registry (metric, area, indicator ids, Kreise, population classes, corpus
topics), so nobody retypes an id. Which model belongs to which tool is said once, in
assistant.tools.tool_specs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.index.analysis import POPULATION_CLASSES
from assistant.index.registry import AREA_IDS, INDICATOR_IDS, KREISE, metric_ids
from assistant.projects.topics import TOPICS

#: Parts of the method `describe_method` can explain.
METHOD_TOPICS: tuple[str, ...] = ("overview", "scores", "weights", "ranks", "average", "provenance", "peers")

if TYPE_CHECKING:
    MetricId = str
    AreaId = str
    IndicatorId = str
    KreisName = str
    PopulationClass = str
    TopicId = str
    MethodTopic = str
else:  # pydantic reads these at run time: JSON schemas list the valid ids as an enum
    MetricId = Literal[metric_ids()]
    AreaId = Literal[AREA_IDS]
    IndicatorId = Literal[INDICATOR_IDS]
    KreisName = Literal[KREISE]
    PopulationClass = Literal[tuple(POPULATION_CLASSES)]
    TopicId = Literal[TOPICS]
    MethodTopic = Literal[METHOD_TOPICS]

MUNICIPALITY_HELP = (
    "Name of one of the 53 Ruhr municipalities (e.g. 'Hagen', 'Mülheim an der Ruhr'); "
    "aliases, missing umlauts and small typos are accepted."
)


class ToolArgs(BaseModel):
    """Base of every argument model: unknown arguments are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid")
class GetProfileArgs(ToolArgs):
    """Everything about one municipality: overall index, four areas, twelve indicators, strengths."""

    municipality: str = Field(description=MUNICIPALITY_HELP, min_length=1, max_length=100)


class GetMetricArgs(ToolArgs):
    """One metric for one or more municipalities, with rank of 53, Ruhr average and Kreis average."""

    municipalities: list[str] = Field(description=MUNICIPALITY_HELP, min_length=1, max_length=10)
    metric: MetricId = Field(description="Indicator id, area id or 'overall' (the Digital-Index).")


class CompareMunicipalitiesArgs(GetMetricArgs):
    """Compare several municipalities on one metric (indicator, area or overall), best first."""


class RankMunicipalitiesArgs(ToolArgs):
    """Top or bottom N on a metric, optionally only one Kreis, kreisfreie Städte, a population class or the
    municipalities above or below a value ("über 80 Prozent Glasfaser")."""

    metric: MetricId = Field(default="overall", description="Indicator id, area id or 'overall'.")
    n: int = Field(default=10, ge=1, le=53, description="How many municipalities to list.")
    order: Literal["top", "bottom"] = Field(default="top", description="'top' = best first, 'bottom' = worst first.")
    kreis: KreisName | None = Field(default=None, description="Only the members of this Kreis.")
    kreisfrei: bool | None = Field(default=None, description="True: only kreisfreie Städte; False: only Kreis towns.")
    population_class: PopulationClass | None = Field(
        default=None, description="small < 20,000; medium 20,000-50,000; large 50,000-100,000; city >= 100,000."
    )
    above: float | None = Field(default=None, allow_inf_nan=False, description="Only municipalities whose value "
                                "is above this (an indicator in its unit, e.g. 80 for 80 %; an area or the index "
                                "as a score).")
    below: float | None = Field(default=None, allow_inf_nan=False,
                                description="Only municipalities whose value is below this.")


class FindPeersArgs(ToolArgs):
    """Structurally similar municipalities (kreisfrei or not, population, density)."""

    municipality: str = Field(description=MUNICIPALITY_HELP, min_length=1, max_length=100)
    k: int = Field(default=5, ge=1, le=10)


class ExplainScoreArgs(ToolArgs):
    """Why a municipality has its overall index: how much each area and indicator pulls it up or down."""

    municipality: str = Field(description=MUNICIPALITY_HELP, min_length=1, max_length=100)


class WhatIfWeightsArgs(ToolArgs):
    """The overall ranking under other weights (e.g. infrastructure counts double), with rank changes."""

    area_weights: dict[AreaId, float] = Field(default_factory=dict, description="Area id -> weight (default 1).")
    indicator_weights: dict[IndicatorId, float] = Field(
        default_factory=dict, description="Indicator id -> weight (default 1)."
    )
    municipality: str | None = Field(default=None, description="Optional: " + MUNICIPALITY_HELP, max_length=100)


class WhatIfValueArgs(ToolArgs):
    """One municipality's indicator value changed (e.g. its 5G coverage doubled, or fibre at 80 %):
    its new overall score and rank under the default weights. A scenario, never stored data."""

    municipality: str = Field(description=MUNICIPALITY_HELP, min_length=1, max_length=100)
    metric: IndicatorId = Field(description="The indicator whose value changes.")
    factor: float | None = Field(default=None, ge=0, le=10, allow_inf_nan=False,
                                 description="Multiply today's value by this (2 = doubled).")
    value: float | None = Field(default=None, ge=0, allow_inf_nan=False,
                                description="Or: the new value in the indicator's unit.")


class GetFindingsArgs(ToolArgs):
    """Published findings about the Digital-Index Ruhr and the region (pioneers, 5G, metropolitan regions)."""

    area: AreaId | None = Field(default=None, description="Only findings about this area.")
    query: str | None = Field(default=None, max_length=300, description="Words to look for in the findings.")


class DescribeMethodArgs(ToolArgs):
    """How the index is computed: scores, weights, ranks, the Ruhr average, data provenance, peers."""

    topic: MethodTopic | None = Field(default=None, description="Which part of the method.")


class ListIndicatorsArgs(ToolArgs):
    """The twelve indicators (optionally of one area) with units and definitions."""

    area: AreaId | None = Field(default=None, description="Only the indicators of this area.")


class SearchProjectsArgs(ToolArgs):
    """Digital projects in the Ruhr area by topic, optionally in one municipality, Kreis or topic."""

    query: str = Field(min_length=1, max_length=500, description="What the projects are about.")
    municipality: str | None = Field(default=None, description="Optional: " + MUNICIPALITY_HELP, max_length=100)
    kreis: KreisName | None = Field(default=None, description="Optional: only projects in this Kreis.")
    topic: TopicId | None = Field(default=None, description="Optional topic id from the corpus vocabulary.")
    k: int = Field(default=5, ge=1, le=10)


class SuggestReusableProjectsArgs(ToolArgs):
    """Projects from other municipalities that address a municipality's weakest indicators."""

    municipality: str = Field(description=MUNICIPALITY_HELP, min_length=1, max_length=100)
    query: str | None = Field(default=None, max_length=500, description="Optional topic to focus on.")
    k: int = Field(default=5, ge=1, le=10)


class GetProjectArgs(ToolArgs):
    """One digital project by its corpus id: what it is, lead and partners, municipalities, status,
    funding, what others can reuse, sources."""

    project: str = Field(min_length=1, max_length=100, description="Project id from the corpus, e.g. 'connected-ruhr'.")


class LearnFromArgs(ToolArgs):
    """What one municipality could learn from another: its weakest indicators where the other scores
    higher (figures for both), and the other's projects on those topics."""

    municipality: str = Field(description="The learner. " + MUNICIPALITY_HELP, min_length=1, max_length=100)
    teacher: str = Field(description="The one to learn from. " + MUNICIPALITY_HELP, min_length=1, max_length=100)
    query: str | None = Field(default=None, max_length=300,
                              description="Optional: the topic asked about ('Luftqualität'); it ranks the projects.")
    k: int = Field(default=3, ge=1, le=10)


class SimilarProjectsArgs(ToolArgs):
    """Projects like a named project elsewhere (the project itself excluded), optionally in one
    municipality or Kreis, or for a population class."""

    project: str = Field(min_length=1, max_length=100, description="Project id from the corpus.")
    query: str | None = Field(default=None, max_length=300, description="Optional words the projects should match.")
    municipality: str | None = Field(default=None, description="Optional: " + MUNICIPALITY_HELP, max_length=100)
    kreis: KreisName | None = Field(default=None, description="Optional: only projects in this Kreis.")
    population_class: PopulationClass | None = Field(
        default=None, description="Optional: projects for towns of this class (small < 20,000 ...)."
    )
    k: int = Field(default=5, ge=1, le=10)
