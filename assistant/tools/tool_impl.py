"""The bodies of the tools (argument models: assistant.tools.tool_args; the list: assistant.tools.tool_specs;
validation and the Toolbox: assistant.tools.toolbox).

Each function receives already validated arguments and returns a `ToolResult`. Figures come from
`scoring.figure` unchanged; every other number a later answer may show (averages, contributions,
what-if ranks, counts) is put into `facts`, so that the number guard can trace it. Unknown names
raise `UnknownNameError` and bad weights `ValueError`; the Toolbox turns both into error results.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.core.errors import AssistantError
from assistant.index.analysis import (
    POPULATION_CLASSES,
    Figure,
    compare,
    explain,
    peers,
    profile,
    ranking,
    select,
    statistics,
    what_if,
)
from assistant.index.names import fold
from assistant.index.registry import AREA_IDS, INDICATOR_IDS, OVERALL, Lang, Municipality
from assistant.index.scoring import COMPUTED_SOURCE, SCORE_UNIT, SYNTHETIC_SOURCE, figure
from assistant.projects.chunking import inert_text
from assistant.tools.tool_results import Fact, ProjectSource, ToolResult

#: Project fields that are free text from the corpus: always made inert before anyone sees them.
_TEXT_FIELDS = ("title", "lead", "funding", "reusable", "best_passage", "why", "reason", "status", "scope")


@dataclass(frozen=True)
class ToolContext:
    index: Any  # DigitalIndex; typed loosely so that tests can pass a loaded instance of any origin
    lang: Lang
    projects: Callable[[], ProjectSource | None] | None = None

    @property
    def registry(self) -> Any:
        return self.index.registry

    @property
    def table(self) -> Any:
        return self.index.table

    def resolve(self, names: list[str]) -> list[Municipality]:
        found: list[Municipality] = []
        for name in names:
            municipality = self.index.municipality(name)
            if municipality not in found:
                found.append(municipality)
        return found

    def unit(self, metric: str) -> str:
        return str(self.registry.indicator(metric).unit) if metric in INDICATOR_IDS else SCORE_UNIT

    def sources(self, figures: list[Figure], extra: list[str] | None = None) -> list[dict[str, str]]:
        """id/title/url for every source a figure rests on (aggregates: their inputs' sources)."""
        ids: list[str] = []
        for f in figures:
            if f["source"] == COMPUTED_SOURCE:
                metric = str(f["metric"])
                inputs = INDICATOR_IDS if metric == OVERALL else [i.id for i in self.registry.area_indicators(metric)]
                ids.extend(str(s) for s in self.table.sources.loc[f["ags"], list(inputs)])
            else:
                ids.append(str(f["source"]))
            if f["provenance"] == "synthetic":
                ids.append(SYNTHETIC_SOURCE)
        ids.extend(extra or [])
        result: list[dict[str, str]] = []
        for source_id in dict.fromkeys(ids):
            source = self.registry.source(source_id)
            if source is not None:
                # titles are registry text that staff set (e.g. `data import --source-title`): inert like corpus text
                result.append({"id": source.id, "title": inert_text(source.title, self.lang), "url": source.url})
        return result

    def averages(self, metric: str, municipalities: list[Municipality]) -> list[Fact]:
        """Ruhr average (100 for scores, the mean stored value for indicators) and group averages."""
        stats = statistics(self.table, self.registry, metric)
        unit = self.unit(metric)
        facts = [Fact("ruhr_average", stats.mean if metric in INDICATOR_IDS else 100.0, unit)]
        for group in dict.fromkeys(m.group for m in municipalities):
            facts.append(Fact(f"group_average:{group}", stats.group_means[group], unit))
        return facts

    def result(self, name: str, figures: list[Figure], **kwargs: Any) -> ToolResult:
        extra = kwargs.pop("extra_sources", None)
        return ToolResult(name, {}, figures=figures, sources=self.sources(figures, extra), **kwargs)


def get_profile(ctx: ToolContext, municipality: str) -> ToolResult:
    target = ctx.resolve([municipality])[0]
    prof = profile(ctx.table, ctx.registry, target.ags)
    facts = [Fact("ruhr_average", 100.0, SCORE_UNIT), Fact("population", float(target.population))]
    facts += [Fact(f"group_average:{metric}", value) for metric, value in prof.group_means.items()]
    data = {
        "municipality": target.name, "kreis": target.kreis, "kreisfrei": target.kreisfrei, "group": prof.group,
        "strengths": prof.strengths[:4], "weaknesses": prof.weaknesses[:4],
    }
    return ctx.result("get_profile", prof.figures, facts=facts, data=data)


#: How many structurally similar municipalities accompany a single-municipality value.
PEERS_WITH_VALUE = 3


def _metric_figures(ctx: ToolContext, municipalities: list[str], metric: str, *, with_peers: bool) -> ToolResult:
    found = ctx.resolve(municipalities)
    asked = [m.ags for m in found]
    # One municipality alone: add its structural peers (analysis.peers), because officials read a value
    # against similar places; their figures follow the asked one and are listed in data["peers"].
    peer_ags = []
    if with_peers and len(asked) == 1:
        peer_ags = [m.ags for m, _ in peers(ctx.registry, asked[0], PEERS_WITH_VALUE)]
    figures = compare(ctx.table, ctx.registry, [*asked, *peer_ags], [metric])
    data = {"metric": metric, "groups": {m.ags: m.group for m in found}, "asked": asked, "peers": peer_ags}
    return ctx.result("get_metric", figures, facts=ctx.averages(metric, found), data=data)


def get_metric(ctx: ToolContext, municipalities: list[str], metric: str) -> ToolResult:
    return _metric_figures(ctx, municipalities, metric, with_peers=True)


def compare_municipalities(ctx: ToolContext, municipalities: list[str], metric: str) -> ToolResult:
    result = _metric_figures(ctx, municipalities, metric, with_peers=False)
    result.name = "compare_municipalities"
    result.data["order"] = [f["ags"] for f in sorted(result.figures, key=lambda f: int(f["rank"]))]
    return result


def rank_municipalities(
    ctx: ToolContext, metric: str, n: int, order: str, kreis: str | None, kreisfrei: bool | None,
    population_class: str | None, above: float | None, below: float | None,
) -> ToolResult:
    members = select(ctx.registry, kreis, kreisfrei, population_class)
    level = ctx.table.values[metric] if metric in INDICATOR_IDS else ctx.table.metric_scores(metric)
    scope = len(members)
    threshold = {key: bound for key, bound in (("above", above), ("below", below)) if bound is not None}
    # a value threshold ("über 80 Prozent") keeps the members beyond it; ranks stay ranks among all 53
    members = [ags for ags in members if (above is None or float(level[ags]) > above)
               and (below is None or float(level[ags]) < below)]
    figures = ranking(ctx.table, ctx.registry, metric, top=n if order == "top" else None,
                      bottom=n if order == "bottom" else None, members=members)
    ruhr = float(ctx.table.means[metric]) if metric in INDICATOR_IDS else 100.0
    higher = metric not in INDICATOR_IDS or ctx.registry.indicator(metric).higher_is_better
    better = sum(1 for ags in members if (float(level[ags]) > ruhr) == higher and float(level[ags]) != ruhr)
    facts = [*ctx.averages(metric, []), Fact("members", float(len(members))), Fact("n", float(n)),
             Fact("above_average", float(better)), Fact("below_average", float(len(members) - better))]
    if population_class:
        low, high = POPULATION_CLASSES[population_class]
        facts += [Fact("population_min", float(low)), Fact("population_max", float(high))]
    if threshold:
        facts += [Fact("scope", float(scope)), *(Fact(key, float(bound), ctx.unit(metric))
                                                 for key, bound in threshold.items())]
    data = {"metric": metric, "order": order, "kreis": kreis, "kreisfrei": kreisfrei,
            "population_class": population_class, "members": len(members), "scope": scope, **threshold}
    return ctx.result("rank_municipalities", figures, facts=facts, data=data)


def find_peers(ctx: ToolContext, municipality: str, k: int) -> ToolResult:
    target = ctx.resolve([municipality])[0]
    found = peers(ctx.registry, target.ags, k)
    figures = [figure(ctx.table, ctx.registry, m.ags, OVERALL) for m in [target, *(m for m, _ in found)]]
    rows = [
        {"ags": m.ags, "municipality": m.name, "kreis": m.kreis, "kreisfrei": m.kreisfrei,
         "population": m.population, "density": round(m.density), "distance": round(d, 2)}
        for m, d in found
    ]
    facts = [Fact("ruhr_average", 100.0, SCORE_UNIT)]
    for m in [target, *(m for m, _ in found)]:
        facts += [Fact(f"population:{m.ags}", float(m.population)), Fact(f"density:{m.ags}", float(round(m.density)))]
    data = {"municipality": target.name, "population": target.population, "density": round(target.density),
            "peers": rows}
    return ctx.result("find_peers", figures, facts=facts, data=data)


def explain_score(ctx: ToolContext, municipality: str) -> ToolResult:
    target = ctx.resolve([municipality])[0]
    result = explain(ctx.table, ctx.registry, target.ags)
    by_pull = sorted(result.indicators, key=lambda c: c.points)
    shown = [c.metric for c in by_pull[-3:][::-1] if c.points > 0] + [c.metric for c in by_pull[:3] if c.points < 0]
    metrics = [OVERALL, *AREA_IDS, *shown]
    figures = [figure(ctx.table, ctx.registry, target.ags, m) for m in metrics]
    facts = [Fact("ruhr_average", 100.0, SCORE_UNIT), Fact("difference", result.overall - 100.0)]
    facts += [Fact(f"points:{c.metric}", c.points) for c in [*result.areas, *result.indicators]]
    facts += [Fact(f"score:{c.metric}", c.score) for c in result.indicators]
    data = {
        "municipality": target.name,
        "areas": [{"metric": c.metric, "score": c.score, "points": c.points} for c in result.areas],
        "pulling_up": [c.metric for c in by_pull[::-1] if c.points > 0][:3],
        "pulling_down": [c.metric for c in by_pull if c.points < 0][:3],
    }
    return ctx.result("explain_score", figures, facts=facts, data=data)


#: How many of the scenario's leaders a what-if answer lists (the facts cover the first ten).
WHAT_IF_SHOWN = 5


def what_if_weights(
    ctx: ToolContext, area_weights: dict[str, float], indicator_weights: dict[str, float], municipality: str | None,
) -> ToolResult:
    if not area_weights and not indicator_weights:
        raise ValueError("what_if_weights needs at least one weight, e.g. area_weights={'infrastruktur': 2} "
                         "(areas: " + ", ".join(AREA_IDS) + "; or indicator ids)")
    target = ctx.resolve([municipality])[0] if municipality else None
    scenario = what_if(ctx.index.data.values, ctx.registry, ctx.table, area_weights, indicator_weights)
    rows = scenario.rows
    top = rows[:10]
    up = sorted((r for r in rows if int(r["change"]) > 0), key=lambda r: -int(r["change"]))[:3]  # type: ignore[call-overload]
    down = sorted((r for r in rows if int(r["change"]) < 0), key=lambda r: int(r["change"]))[:3]  # type: ignore[call-overload]
    own = next((r for r in rows if r["ags"] == target.ags), None) if target else None
    defaults = {**ctx.table.method.area_weights, **ctx.table.method.indicator_weights}
    facts = [Fact(f"weight:{key}", float(w)) for key, w in {**area_weights, **indicator_weights}.items()]
    facts += [Fact(f"default_weight:{key}", float(defaults[key])) for key in {**area_weights, **indicator_weights}]
    for row in [*top, *up, *down, *([own] if own else [])]:
        ags = row["ags"]
        facts += [Fact(f"overall:{ags}", float(row["overall"])), Fact(f"rank:{ags}", float(row["rank"])),  # type: ignore[arg-type]
                  Fact(f"default_rank:{ags}", float(row["default_rank"])), Fact(f"change:{ags}", float(row["change"]))]  # type: ignore[arg-type]
    # Figures for every municipality the answer names (its own, the first WHAT_IF_SHOWN, the biggest
    # movers): the scenario's overall score and rank, with today's beside them and the change.
    shown = dict.fromkeys(str(r["ags"]) for r in [*([own] if own else []), *top[:WHAT_IF_SHOWN], *up, *down])
    by_ags = {str(r["ags"]): r for r in rows}
    weights = {"area_weights": dict(area_weights), "indicator_weights": dict(indicator_weights)}
    figures = [
        {**figure(scenario.table, ctx.registry, ags, OVERALL), "scenario": weights,
         "default_value": float(ctx.table.overall[ags]), "default_rank": int(by_ags[ags]["default_rank"]),  # type: ignore[call-overload]
         "rank_change": int(by_ags[ags]["change"])}  # type: ignore[call-overload]
        for ags in shown
    ]
    data = {"area_weights": area_weights, "indicator_weights": indicator_weights, "top": top,
            "moved_up": up, "moved_down": down, "municipality": own,
            "synthetic_inputs": bool((ctx.table.provenance == "synthetic").to_numpy().any())}
    return ctx.result("what_if_weights", figures, facts=facts, data=data)


def _words(text: str) -> set[str]:
    return {w for w in fold(text).split() if len(w) >= 2}


def get_findings(ctx: ToolContext, area: str | None, query: str | None) -> ToolResult:
    findings = [f for f in ctx.registry.findings if area is None or f.area == area]
    if query:
        wanted = _words(query)

        def overlap(f: Any) -> int:
            names = " ".join(ctx.registry.municipality(a).name for a in f.municipalities)
            have = _words(f.statement_de + " " + f.statement_en + " " + names)
            return sum(1 for w in wanted if any(h.startswith(w[:5]) for h in have))

        scored = sorted(((overlap(f), n, f) for n, f in enumerate(findings)), key=lambda t: (-t[0], t[1]))
        matching = [f for s, _, f in scored if s > 0]
        findings = matching or findings
    rows = [
        {"id": f.id, "statement": inert_text(f.statement(ctx.lang), ctx.lang), "area": f.area or None,
         "municipalities": [ctx.registry.municipality(a).name for a in f.municipalities], "source": f.source}
        for f in findings[:6]
    ]
    facts = [Fact("findings", float(len(rows)))]
    return ctx.result("get_findings", [], facts=facts, data={"findings": rows},
                      extra_sources=[r["source"] for r in rows])


def describe_method(ctx: ToolContext, topic: str | None) -> ToolResult:
    method = ctx.table.method
    provenance = ctx.index.data.values["provenance"].value_counts()
    counts = {name: int(provenance.get(name, 0)) for name in ("official", "public", "synthetic")}
    data = {
        "topic": topic or "overview", "cap": method.cap, "area_weights": dict(method.area_weights),
        "indicator_weights": {k: v for k, v in method.indicator_weights.items() if v != 1.0},
        "municipalities": ctx.table.count, "indicators": len(INDICATOR_IDS), "areas": len(AREA_IDS),
        "provenance": counts, "values": sum(counts.values()),
    }
    facts = [Fact("cap", float(method.cap)), Fact("ruhr_average", 100.0),
             Fact("municipalities", float(ctx.table.count)),
             Fact("indicators", float(len(INDICATOR_IDS))), Fact("areas", float(len(AREA_IDS))),
             Fact("values", float(sum(counts.values()))), Fact("indicators_per_area", 3.0)]
    facts += [Fact(f"provenance:{k}", float(v)) for k, v in counts.items()]
    facts += [Fact(f"weight:{k}", float(v)) for k, v in {**method.area_weights, **method.indicator_weights}.items()]
    return ctx.result("describe_method", [], facts=facts, data=data, extra_sources=["iw-consult"])


def list_indicators(ctx: ToolContext, area: str | None) -> ToolResult:
    chosen = [i for i in ctx.registry.indicators if area is None or i.area == area]
    rows = [
        {"id": i.id, "area": i.area, "name": i.name(ctx.lang), "unit": i.unit_label(ctx.lang), "status": i.status,
         "higher_is_better": i.higher_is_better,
         "description": i.description_de if ctx.lang == "de" else i.description_en}
        for i in chosen
    ]
    facts = [Fact("count", float(len(rows))), Fact("areas", float(len({i.area for i in chosen})))]
    return ctx.result("list_indicators", [], facts=facts, data={"area": area, "indicators": rows})


def _clean_project(hit: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """Corpus text becomes inert (no HTML, no images, no active links) before it goes anywhere."""
    project = dict(hit)
    for key in _TEXT_FIELDS:
        if isinstance(project.get(key), str):
            project[key] = inert_text(project[key], lang)
    for key in ("municipalities", "partners", "topics", "kreis"):
        values = project.get(key) or []
        project[key] = [inert_text(str(v), lang) for v in ([values] if isinstance(values, str) else values)]
    project["sources"] = [s for s in project.get("sources") or [] if re.match(r"^https?://\S+$", str(s))]
    return project


class ProjectSearchNotConfiguredError(AssistantError):
    """The assistant was built without a project search (e.g. a numbers-only deployment)."""


def _projects(ctx: ToolContext) -> ProjectSource:
    source = ctx.projects() if ctx.projects else None
    if source is None:
        raise ProjectSearchNotConfiguredError("project search is not configured in this assistant")
    return source


def _project_result(ctx: ToolContext, name: str, hits: list[dict[str, Any]], **kwargs: Any) -> ToolResult:
    projects = [_clean_project(h, ctx.lang) for h in hits]
    result = ctx.result(name, kwargs.pop("figures", []), **kwargs)
    result.projects = projects
    result.sources += [{"id": p["id"], "title": p["title"], "url": (p["sources"] or [""])[0]} for p in projects]
    return result


def search_projects(
    ctx: ToolContext, query: str, municipality: str | None, kreis: str | None, topic: str | None, k: int,
) -> ToolResult:
    """Projects for the query, filtered by place; the topic's projects first, then the query's others
    in that place. A town with fewer than k projects of its
    own on the topic also gets the region-wide ones on it (Servicekonto.NRW, EfA): they are open to
    every municipality, and "nothing in Waltrop" would hide them. The answer says which are which."""
    name = ctx.resolve([municipality])[0].name if municipality else None
    source = _projects(ctx)
    hits = [h.to_dict() for h in source.search(query, municipality=name, kreis=kreis, topic=topic, k=k, lang=ctx.lang)]
    if topic and len(hits) < k:  # a topic read from one word ("WLAN") ranks, it must not empty the answer
        seen = {h["id"] for h in hits}
        more = source.search(query, municipality=name, kreis=kreis, k=k, lang=ctx.lang)
        hits += [h for h in (m.to_dict() for m in more) if h["id"] not in seen][: k - len(hits)]
    local = len(hits)
    if name and local < k:
        seen = {h["id"] for h in hits}
        wide = [h.to_dict() for h in source.search(query, topic=topic, k=k + 10, lang=ctx.lang)]
        hits += [h for h in wide if h["id"] not in seen and h.get("scope") == "region"][: k - local]
    # The query is echoed in the answer ("Projekte zu „…“"): the asker's text is made inert like corpus text.
    data = {"query": inert_text(query, ctx.lang), "municipality": name, "kreis": kreis, "topic": topic,
            "local": local}
    return _project_result(ctx, "search_projects", hits, data=data)


def suggest_reusable_projects(ctx: ToolContext, municipality: str, query: str | None, k: int) -> ToolResult:
    """Projects from other municipalities that `municipality` could take over.

    Without a query: the facade's suggestions for the weakest indicators (scores below 100,
    weakest first, as figures). With a query ("Luftqualität"): the user named the topic, so the
    hybrid search for it decides, minus the municipality's own projects.
    """
    target = ctx.resolve([municipality])[0]
    source = _projects(ctx)
    if query:
        found = [h.to_dict() for h in source.search(query, k=k + 10, lang=ctx.lang)]
        hits = [h for h in found if target.name not in (h.get("municipalities") or [])][:k]
        shown = inert_text(query, ctx.lang)  # echoed in the answer, like the search query
        data: dict[str, Any] = {"municipality": target.name, "weak_indicators": [], "query": shown}
        return _project_result(ctx, "suggest_reusable_projects", hits, data=data)
    prof = profile(ctx.table, ctx.registry, target.ags)
    weak = [m for m in prof.weaknesses if m in INDICATOR_IDS][:3]
    hits = [h.to_dict() for h in source.suggest_reusable(target.name, weak, k=k, lang=ctx.lang)]
    figures = [figure(ctx.table, ctx.registry, target.ags, m) for m in weak]
    facts = [Fact(f"ruhr_average:{m}", float(ctx.table.means[m]), ctx.unit(m)) for m in weak]
    data = {"municipality": target.name, "weak_indicators": weak, "query": None}  # same keys as above
    return _project_result(ctx, "suggest_reusable_projects", hits, figures=figures, facts=facts, data=data)

