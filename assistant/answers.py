"""Template answers: short, exact, sourced text from a plan and this turn's tool results only.

Why templates: they are the offline default and the safety net of the LLM path. An LLM answer
that fails the number guard is replaced by the template answer built from the same tool results,
so these templates must be able to render any result of any tool, whatever the intent.

Every number shown is formatted from a figure or fact with assistant.numbers.format_number
(German "23,4 %", English "23.4 %"); retrieved text has already been made inert by the tools.
Numbers that belong to fixed wording (the rank example "1, 2, 2, 4") are returned in
`Composed.extra` so that the guard can tell them from invented ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answer_templates import METHOD_TEXT, PHRASES, STATUS_LABELS
from assistant.numbers import format_number
from assistant.plan import Mention, Plan
from assistant.registry import AREA_IDS, INDICATOR_IDS, KREISFREI_GROUP, OVERALL, Lang, Registry, metric_name
from assistant.tools import ToolResult

Figure = dict[str, Any]

MAX_SOURCES_SHOWN = 3
SYNTHETIC_TITLE: dict[str, str] = {"de": "synthetische Demonstrationswerte (dieses Projekt)",
                                   "en": "synthetic demonstration values (this project)"}
#: Intents whose answer needs no tool: the text comes from the plan and the registry.
NO_TOOL_INTENTS = ("help", "out_of_scope", "unknown_municipality", "unknown_metric")


@dataclass(frozen=True)
class Composed:
    text: str
    notices: list[str] = field(default_factory=list)
    extra: tuple[float, ...] = ()


def phrase(key: str, lang: Lang, **values: Any) -> str:
    german, english = PHRASES[key]
    return (german if lang == "de" else english).format(**values)


def fmt(value: float, lang: Lang, decimals: int | None = None) -> str:
    """One decimal, two for small values (0,45 %), none for integers that are counts."""
    if decimals is None:
        decimals = 2 if abs(value) < 10 and round(value, 1) != value else 1
    return format_number(float(value), lang, decimals)


class _Writer:
    """Formatting helpers bound to one registry and language."""

    def __init__(self, registry: Registry, lang: Lang) -> None:
        self.registry = registry
        self.lang = lang

    def metric(self, metric: str) -> str:
        return metric_name(self.registry, metric, self.lang)

    def value(self, metric: str, value: float, *, dative: bool = False) -> str:
        """"23,4 %", "12,5 je 100.000 Einwohner", "87,2 Punkte" ("Punkten" after bei/mit)."""
        if metric in INDICATOR_IDS:
            indicator = self.registry.indicator(metric)
            return f"{fmt(value, self.lang)} {indicator.unit_label(self.lang)}"
        number = fmt(value, self.lang, 0 if float(value).is_integer() else 1)
        return phrase("points_dative" if dative else "points", self.lang, value=number)

    def fig_value(self, f: dict[str, Any], *, dative: bool = False) -> str:
        return self.value(str(f["metric"]), float(f["value"]), dative=dative)

    def rank(self, f: dict[str, Any]) -> str:
        return phrase("rank", self.lang, rank=f["rank"], of=f["of"])

    def count(self, value: float) -> str:
        return format_number(float(value), self.lang, 0)

    def group(self, group: str) -> str:
        if group == KREISFREI_GROUP:
            return phrase("group_kreisfrei", self.lang)
        return phrase("group_kreis", self.lang, kreis=group)

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


# --- one renderer per tool ---------------------------------------------------------------------
def _averages(w: _Writer, r: ToolResult, metric: str, name: str, value: float) -> list[str]:
    """Ruhr and group averages plus the one-line interpretation (above/below the Ruhr average).

    For scores the Ruhr average is 100 by construction and already named in the head sentence,
    so only the group average is added.
    """
    ruhr = r.fact("ruhr_average")
    if ruhr is None:
        return []
    groups = r.data.get("groups", {})
    shown = [(g, v) for g in dict.fromkeys(groups.values()) if (v := r.fact(f"group_average:{g}")) is not None]
    parts = [phrase("group_average", w.lang, group=w.group(g), value=w.value(metric, v, dative=True)) for g, v in shown]
    lines: list[str] = []
    if metric in INDICATOR_IDS:
        ruhr_text = phrase("ruhr_average", w.lang, value=w.value(metric, ruhr, dative=True))
        lines.append(", ".join([ruhr_text, *parts]) + ".")
    elif shown:
        g, v = shown[0]
        group_value = w.value(metric, v, dative=True)
        lines.append(phrase("group_average_alone", w.lang, group=w.group(g), value=group_value) + ".")
    higher_better = metric not in INDICATOR_IDS or w.registry.indicator(metric).higher_is_better
    key = "above" if value > ruhr else "below" if value < ruhr else "equal"
    lines.append(phrase(key, w.lang, name=name))
    if not higher_better:
        lines.append(phrase("lower_better", w.lang))
    return lines


def _metric(w: _Writer, r: ToolResult, intent: str) -> str:
    figures = r.figures
    metric = str(r.data.get("metric", figures[0]["metric"]))
    if len(figures) > 1 or intent == "compare":
        return _compare(w, r)
    f = figures[0]
    values = {"name": f["municipality"], "metric": w.metric(metric), "value": w.fig_value(f),
              "rank": w.rank(f), "year": f["year"]}
    if intent in ("position", "above_below") and metric not in INDICATOR_IDS:
        head = phrase("position", w.lang, **{**values, "value": w.fig_value(f, dative=True)})
    else:
        head = phrase("value_indicator" if metric in INDICATOR_IDS else "value_score", w.lang, **values)
    return " ".join([head, *_averages(w, r, metric, str(f["municipality"]), float(f["value"]))])


def _compare(w: _Writer, r: ToolResult, _intent: str = "compare") -> str:
    figures = sorted(r.figures, key=lambda f: int(f["rank"]))
    metric = str(figures[0]["metric"])
    lines = [phrase("compare_head", w.lang, metric=w.metric(metric))]
    lines += [phrase("compare_line", w.lang, name=f["municipality"], value=w.fig_value(f), rank=w.rank(f),
                     year=f["year"]) for f in figures]
    ruhr = r.fact("ruhr_average")
    tail = [phrase("ruhr_average", w.lang, value=w.value(metric, ruhr, dative=True)) + "."] if ruhr is not None else []
    if len(figures) > 1:
        tied = figures[0]["rank"] == figures[1]["rank"]
        tail.append(phrase("compare_tie", w.lang) if tied and len(figures) == 2
                    else phrase("compare_lead", w.lang, name=figures[0]["municipality"]))
    return "\n".join(lines) + "\n\n" + " ".join(tail)


def _scope(w: _Writer, r: ToolResult) -> str:
    data = r.data
    if data.get("kreis"):
        return phrase("scope_kreis", w.lang, kreis=data["kreis"])
    if data.get("kreisfrei") is True:
        return phrase("scope_kreisfrei", w.lang)
    if data.get("kreisfrei") is False:
        return phrase("scope_kreisangehoerig", w.lang)
    if data.get("population_class"):
        low = r.fact("population_min") or 0.0
        high = r.fact("population_max") or 0.0
        if high >= 10**8:
            return phrase("scope_population_min", w.lang, low=w.count(low))
        return phrase("scope_population", w.lang, low=w.count(low), high=w.count(high))
    return ""


def _rank(w: _Writer, r: ToolResult, intent: str) -> str:
    metric = str(r.data["metric"])
    scope = _scope(w, r)
    if not r.figures:
        return phrase("rank_empty", w.lang)
    if intent == "above_below" and r.fact("above_average") is not None:
        head = phrase("above_count", w.lang, count=w.count(r.fact("above_average") or 0),
                      members=w.count(r.fact("members") or 0), scope=scope)
        ruhr = r.fact("ruhr_average") or 0.0
        names = [str(f["municipality"]) for f in r.figures if float(f["value"]) > ruhr]
        return head + (" " + ", ".join(names) + "." if names else "")
    key = "rank_top" if r.data.get("order") == "top" else "rank_bottom"
    lines = [phrase(key, w.lang, n=len(r.figures), metric=w.metric(metric), scope=scope)]
    lines += [phrase("rank_line", w.lang, pos=n, name=f["municipality"], value=w.fig_value(f), rank=w.rank(f))
              for n, f in enumerate(r.figures, start=1)]
    notes = []
    average = r.fact("ruhr_average")
    if average is not None:
        notes.append(phrase("ruhr_average", w.lang, value=w.value(metric, average, dative=True)) + ".")
    if scope:
        notes.append(phrase("rank_note", w.lang, of=r.figures[0]["of"]))
    return "\n".join(lines) + ("\n\n" + " ".join(notes) if notes else "")


def _item(w: _Writer, f: dict[str, Any]) -> str:
    return f"{w.metric(str(f['metric']))} {w.fig_value(f)} ({w.rank(f)})"


def _kind(w: _Writer, kreisfrei: bool, kreis: str) -> str:
    return phrase("kind_kreisfrei", w.lang) if kreisfrei else phrase("kind_kreis", w.lang, kreis=kreis)


def _profile(w: _Writer, r: ToolResult, _intent: str) -> str:
    by_metric = {str(f["metric"]): f for f in r.figures}
    overall = by_metric[OVERALL]
    data = r.data
    kind = _kind(w, bool(data.get("kreisfrei")), str(data.get("kreis")))
    lines = [phrase("profile_head", w.lang, name=overall["municipality"], kind=kind, value=w.fig_value(overall),
                    rank=w.rank(overall), year=overall["year"])]
    lines.append(phrase("areas", w.lang, items="; ".join(_item(w, by_metric[a]) for a in AREA_IDS if a in by_metric)))
    for key in ("strengths", "weaknesses"):
        chosen = [by_metric[m] for m in data.get(key, []) if m in INDICATOR_IDS and m in by_metric][:3]
        if chosen:
            lines.append(phrase(key, w.lang, items="; ".join(_item(w, f) for f in chosen)))
    return "\n\n".join(lines)


def _explain(w: _Writer, r: ToolResult, _intent: str) -> str:
    by_metric = {str(f["metric"]): f for f in r.figures}
    overall = by_metric[OVERALL]
    diff = r.fact("difference") or 0.0
    direction = phrase("dir_above" if diff >= 0 else "dir_below", w.lang)
    lines = [phrase("explain_head", w.lang, name=overall["municipality"], value=w.fig_value(overall, dative=True),
                    diff=fmt(abs(diff), w.lang, 1), direction=direction)]
    for area in r.data.get("areas", []):
        points = float(area["points"])
        effect = (phrase("pull_up", w.lang, points=fmt(points, w.lang, 1)) if points > 0.05
                  else phrase("pull_down", w.lang, points=fmt(-points, w.lang, 1)) if points < -0.05
                  else phrase("pull_none", w.lang))
        f = by_metric[area["metric"]]
        lines.append(phrase("explain_area", w.lang, metric=w.metric(area["metric"]), value=w.fig_value(f),
                            rank=w.rank(f), effect=effect))
    text = "\n".join(lines)
    for key, metrics in (("explain_up", r.data.get("pulling_up", [])),
                         ("explain_down", r.data.get("pulling_down", []))):
        items = [f"{w.metric(m)} ({w.fig_value(by_metric[m])}, {w.rank(by_metric[m])})"
                 for m in metrics if m in by_metric]
        if items:
            text += "\n\n" + phrase(key, w.lang, items="; ".join(items))
    return text


def _peers(w: _Writer, r: ToolResult, _intent: str) -> str:
    overall = {str(f["ags"]): f for f in r.figures}
    own = r.figures[0]
    lines = [phrase("peers_head", w.lang, name=r.data["municipality"], population=w.count(r.data["population"]),
                    density=w.count(r.data["density"]), value=w.fig_value(own), rank=w.rank(own))]
    for peer in r.data.get("peers", []):
        f = overall[peer["ags"]]
        kind = _kind(w, bool(peer["kreisfrei"]), str(peer["kreis"]))
        lines.append(phrase("peer_line", w.lang, name=peer["municipality"], kind=kind,
                            population=w.count(peer["population"]), density=w.count(peer["density"]),
                            value=w.fig_value(f), rank=w.rank(f)))
    return "\n".join(lines)


def _moved(w: _Writer, change: int) -> str:
    if change == 0:
        return phrase("unchanged", w.lang)
    if abs(change) == 1:
        return phrase("moved_up_one" if change > 0 else "moved_down_one", w.lang)
    return phrase("moved_up" if change > 0 else "moved_down", w.lang, n=abs(change))


def _what_if(w: _Writer, r: ToolResult, _intent: str) -> str:
    data = r.data
    weights = [
        phrase("whatif_weight", w.lang, name=w.metric(k), weight=fmt(v, w.lang, 0 if float(v).is_integer() else 1),
               default=fmt(r.fact(f"default_weight:{k}") or 1.0, w.lang, 0))
        for k, v in {**data["area_weights"], **data["indicator_weights"]}.items()
    ]
    lines = [phrase("whatif_head", w.lang, weights="; ".join(weights))]
    own = data.get("municipality")
    if own:
        lines.append(phrase("whatif_own", w.lang, name=own["municipality"], value=fmt(own["overall"], w.lang, 1),
                            rank=own["rank"], default_rank=own["default_rank"], change=_moved(w, int(own["change"]))))
    top = [f"{row['rank']}. {row['municipality']} ({fmt(row['overall'], w.lang, 1)})" for row in data["top"][:5]]
    lines.append(phrase("whatif_top", w.lang, items=", ".join(top)))
    for key, rows in (("whatif_up", data["moved_up"]), ("whatif_down", data["moved_down"])):
        if rows:
            items = [f"{row['municipality']} ({_moved(w, int(row['change']))})" for row in rows]
            lines.append(phrase(key, w.lang, items=", ".join(items)))
    lines.append(phrase("whatif_note", w.lang))
    return "\n\n".join(lines)


def _findings(w: _Writer, r: ToolResult, _intent: str) -> str:
    titles = {s["id"]: s["title"] for s in r.sources}
    lines = [phrase("findings_head", w.lang)]
    lines += [phrase("finding_line", w.lang, statement=f["statement"], source=titles.get(f["source"], f["source"]))
              for f in r.data.get("findings", [])]
    return "\n".join(lines)


def _method(w: _Writer, r: ToolResult, _intent: str) -> str:
    data = r.data
    lang_index = 0 if w.lang == "de" else 1
    weights = data["area_weights"]
    same = len(set(weights.values())) == 1
    area_weights = ("gleich" if w.lang == "de" else "equally") if same else ", ".join(
        f"{w.metric(k)} {fmt(v, w.lang, 1)}" for k, v in weights.items())
    values = {
        "municipalities": data["municipalities"], "indicators": data["indicators"], "areas": data["areas"],
        "per_area": 3, "cap": fmt(data["cap"], w.lang, 0), "area_weights": area_weights,
        "values": w.count(data["values"]), **{k: w.count(v) for k, v in data["provenance"].items()},
    }
    parts = {key: text[lang_index].format(**values) for key, text in METHOD_TEXT.items() if key != "overview"}
    topic = data.get("topic") or "overview"
    if topic == "overview":
        head = METHOD_TEXT["overview"][lang_index].format(**values, scores=parts["scores"], weights=parts["weights"],
                                                           average=parts["average"])
        return head + "\n\n" + parts["provenance"]
    return parts.get(topic, parts["scores"]) + ("\n\n" + parts["provenance"] if topic != "provenance" else "")


def _indicators(w: _Writer, r: ToolResult, _intent: str) -> str:
    area = r.data.get("area")
    rows = r.data.get("indicators", [])
    lines = [phrase("indicators_head", w.lang, count=len(rows),
                    area=phrase("indicators_area", w.lang, area=w.metric(area)) if area else "")]
    for row in rows:
        status = phrase("assumed", w.lang) if row["status"] == "assumed" else ""
        lines.append(phrase("indicator_line", w.lang, name=row["name"], unit=row["unit"], status=status,
                            description=row["description"]))
    return "\n".join(lines)


def _project_lines(w: _Writer, projects: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for n, p in enumerate(projects, start=1):
        status = STATUS_LABELS.get(str(p.get("status")), (str(p.get("status")),) * 2)[0 if w.lang == "de" else 1]
        where = ", ".join(p.get("municipalities") or []) or phrase("project_region", w.lang)
        lines.append(phrase("project_line", w.lang, pos=n, title=p["title"], where=where, status=status))
        if p.get("reusable"):
            lines.append(phrase("project_reusable", w.lang, text=p["reusable"]))
        if p.get("funding"):
            lines.append(phrase("project_funding", w.lang, text=p["funding"]))
        if p.get("budget_eur"):
            lines.append(phrase("project_budget", w.lang, value=w.count(float(p["budget_eur"]))))
        if p.get("sources"):
            lines.append(phrase("project_link", w.lang, url=p["sources"][0]))
        if p.get("verified") is False:
            lines.append(phrase("project_unverified", w.lang))
    return lines


def _search(w: _Writer, r: ToolResult, _intent: str) -> str:
    data = r.data
    place = data.get("municipality") or data.get("kreis")
    where = phrase("projects_where", w.lang, place=place) if place else ""
    if not r.projects:
        return phrase("projects_none", w.lang, where=where)
    return "\n".join([phrase("projects_head", w.lang, query=data.get("query", ""), where=where),
                      *_project_lines(w, r.projects)])


def _reusable(w: _Writer, r: ToolResult, _intent: str) -> str:
    if r.data.get("query"):
        head = phrase("reusable_query_head", w.lang, name=r.data["municipality"], query=r.data["query"])
    else:
        items = "; ".join(_item(w, f) for f in r.figures)
        head = phrase("reusable_head", w.lang, name=r.data["municipality"], items=items)
    if not r.projects:
        return head + "\n\n" + phrase("reusable_none", w.lang)
    return "\n".join([head, *_project_lines(w, r.projects)])


RENDERERS: dict[str, Callable[[_Writer, ToolResult, str], str]] = {
    "get_profile": _profile, "get_metric": _metric, "compare_municipalities": _compare,
    "rank_municipalities": _rank, "find_peers": _peers, "explain_score": _explain,
    "what_if_weights": _what_if, "get_findings": _findings, "describe_method": _method,
    "list_indicators": _indicators, "search_projects": _search, "suggest_reusable_projects": _reusable,
}


# --- answers without tools ---------------------------------------------------------------------
def _suggest(w: _Writer, suggestions: Sequence[str]) -> str:
    return " " + phrase("did_you_mean", w.lang, items=", ".join(suggestions[:3])) if suggestions else ""


def _unknown(w: _Writer, mention: Mention) -> str:
    count = len(w.registry.municipalities)
    if mention.kind == "metric":
        names = [w.metric(m) if m in (*INDICATOR_IDS, *AREA_IDS, OVERALL) else m for m in mention.suggestions]
        all_names = ", ".join(i.name(w.lang) for i in w.registry.indicators)
        return (phrase("unknown_metric", w.lang, name=mention.text) + _suggest(w, names) + " "
                + phrase("available_metrics", w.lang, count=len(INDICATOR_IDS), areas=len(AREA_IDS), items=all_names))
    if mention.outside_region:
        return phrase("outside_region", w.lang, name=mention.text, count=count) + _suggest(w, mention.suggestions)
    examples = ", ".join(m.name for m in w.registry.municipalities[:4])
    return (phrase("unknown_municipality", w.lang, name=mention.text) + _suggest(w, mention.suggestions) + " "
            + phrase("coverage", w.lang, count=count, examples=examples))


def _error(w: _Writer, r: ToolResult) -> str:
    if r.error_kind == "unknown_municipality":
        return _unknown(w, Mention("municipality", str(r.data.get("unknown", "?")), tuple(r.suggestions)))
    key = "projects_unavailable" if r.error_kind == "unavailable" else "tool_error"
    return phrase(key, w.lang, error=r.error)


def _notices(w: _Writer, results: Sequence[ToolResult]) -> list[str]:
    figures = [f for r in results if r.ok for f in r.figures]
    synthetic = [f for f in figures if f["provenance"] == "synthetic"]
    if any(r.data.get("synthetic_inputs") for r in results if r.ok and not r.figures):
        return [phrase("partly_synthetic", w.lang)]  # e.g. a what-if ranking computed from all values
    if not synthetic:
        return []
    return [phrase("synthetic" if len(synthetic) == len(figures) else "partly_synthetic", w.lang)]


def compose(plan: Plan, results: Sequence[ToolResult], registry: Registry, lang: Lang | None = None) -> Composed:
    """The template answer for a plan and the results of its tool calls."""
    w = _Writer(registry, lang or plan.language)
    parts: list[str] = []
    extra: list[float] = [float(len(registry.municipalities)), float(len(INDICATOR_IDS)), float(len(AREA_IDS))]
    if plan.intent == "help":
        parts.append(phrase("help", w.lang, count=len(registry.municipalities)))
    elif plan.intent == "out_of_scope" and not results:
        parts.append(phrase("out_of_scope", w.lang))
    parts += [_unknown(w, m) for m in plan.unresolved]
    if plan.intent in ("unknown_municipality", "unknown_metric") and not plan.unresolved and not results:
        parts.append(phrase("help", w.lang, count=len(registry.municipalities)))
    for result in results:
        if result.error:
            parts.append(_error(w, result))
        elif result.figures or result.name not in ("get_metric", "compare_municipalities", "get_profile"):
            parts.append(RENDERERS[result.name](w, result, plan.intent))
        if result.name == "describe_method":
            extra += [1.0, 2.0, 4.0, 100.0]  # the rank example "1, 2, 2, 4" and "100 ×" of the fixed text
    notices = _notices(w, results)
    footer = [line for line in (w.source_line([r for r in results if r.ok]), *notices) if line]
    text = "\n\n".join(p for p in parts if p) or phrase("help", w.lang, count=len(registry.municipalities))
    if footer:
        text += "\n\n" + "\n".join(f"_{line}_" for line in footer)
    return Composed(text, [*notices, *plan.notices], tuple(extra))
