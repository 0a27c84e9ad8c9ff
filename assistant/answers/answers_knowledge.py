"""Template answers from texts rather than figures: the method, the indicator list, published
findings and digital projects (search and reusable suggestions).

Their wording is fixed or comes from curated sources; the few numbers they show (weights,
counts, budgets) come from the tool result like every other number, so the guard can check them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assistant.answers.answer_templates import METHOD_TEXT, STATUS_LABELS
from assistant.answers.answer_writer import AnswerWriter, fmt, phrase
from assistant.index.registry import Municipality
from assistant.projects.membership import membership as project_membership
from assistant.projects.topics import topic_label
from assistant.tools.tool_results import ToolResult


def _findings(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
    titles = {s["id"]: s["title"] for s in r.sources}
    lines = [phrase("findings_head", w.lang)]
    lines += [phrase("finding_line", w.lang, statement=f["statement"], source=titles.get(f["source"], f["source"]))
              for f in r.data.get("findings", [])]
    return "\n".join(lines)


def _method(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
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


def _indicators(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
    area = r.data.get("area")
    rows = r.data.get("indicators", [])
    lines = [phrase("indicators_head", w.lang, count=len(rows),
                    area=phrase("indicators_area", w.lang, area=w.metric(area)) if area else "")]
    for row in rows:
        status = phrase("assumed", w.lang) if row["status"] == "assumed" else ""
        lines.append(phrase("indicator_line", w.lang, name=row["name"], unit=row["unit"], status=status,
                            description=row["description"]))
    return "\n".join(lines)


def _project_lines(w: AnswerWriter, projects: list[dict[str, Any]]) -> list[str]:
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


def _where(w: AnswerWriter, place: str | None) -> str:
    """" in Marl", " im Kreis Unna" (German takes "im" before a Kreis), or "" without a place."""
    if not place:
        return ""
    return phrase("projects_where_kreis" if "kreis" in place.casefold() else "projects_where", w.lang, place=place)


def _search(w: AnswerWriter, r: ToolResult, intent: str) -> str:
    data = r.data
    place = data.get("municipality") or data.get("kreis")
    where = _where(w, place)
    if not r.projects:
        return phrase("projects_none", w.lang, where=where)
    local = data.get("local", len(r.projects))
    head = phrase("projects_head", w.lang, query=data.get("query", ""), where=where)
    if intent == "learn_from" and place:  # learning from a place that a Kreis is part of (turn_projects)
        query = data.get("query", "")
        head = (phrase("projects_learn_any", w.lang, where=where) if query == place  # no words of the asker
                else phrase("projects_learn_head", w.lang, where=where, query=query))
    if not data.get("municipality") or local >= len(r.projects):
        return "\n".join([head, *_project_lines(w, r.projects)])
    own = [head, *_project_lines(w, r.projects[:local])] if local else [phrase("projects_none", w.lang, where=where)]
    return "\n".join([*own, "", phrase("projects_regionwide", w.lang, place=data["municipality"]),
                      *_project_lines(w, r.projects[local:])])  # region-wide projects were added


def _reusable(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
    if r.data.get("query"):
        head = phrase("reusable_query_head", w.lang, name=r.data["municipality"], query=r.data["query"])
    else:
        items = "; ".join(w.item(f) for f in r.figures)
        head = phrase("reusable_head", w.lang, name=r.data["municipality"], items=items)
    if not r.projects:
        return head + "\n\n" + phrase("reusable_none", w.lang)
    return "\n".join([head, *_project_lines(w, r.projects)])


def _project_info(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
    if not r.projects:
        return phrase("projects_none", w.lang, where="")
    p = r.projects[0]
    status = STATUS_LABELS.get(str(p.get("status")), (str(p.get("status")),) * 2)[0 if w.lang == "de" else 1]
    where = ", ".join(p.get("municipalities") or []) or phrase("project_region", w.lang)
    lines = [phrase("project_info_head", w.lang, title=p["title"], where=where, status=status)]
    if p.get("lead"):
        lines.append(phrase("project_lead", w.lang, text=p["lead"]))
    if p.get("partners"):
        lines.append(phrase("project_partners", w.lang, text=", ".join(p["partners"])))
    if p.get("topics"):
        lines.append(phrase("project_topics", w.lang, text=", ".join(topic_label(t, w.lang) for t in p["topics"])))
    for line in _project_lines(w, [p])[1:]:  # reusable, funding, budget, link, verification
        lines.append(line)
    return "\n".join(lines)


def membership(w: AnswerWriter, r: ToolResult, towns: Sequence[Municipality]) -> str:
    """The direct answer to "und ist Dorsten da auch dabei?": whether each asked town is among the
    project's municipalities, before the project card that lists them all."""
    if not r.projects:
        return ""
    project = r.projects[0]
    members = set(project.get("municipalities") or [])
    kreise = set(project.get("kreis") or [])
    keys = {"member": "project_member", "kreis": "project_kreis_member", "region": "project_region_member",
            "none": "project_not_member"}
    scope = project.get("scope")
    return "\n".join(phrase(keys[project_membership(town.name, town.kreis, members, kreise, scope)], w.lang,
                            name=town.name, kreis=town.kreis) for town in towns)


def _learn_from(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
    name, teacher = r.data["municipality"], r.data["teacher"]
    by_metric: dict[str, list[Any]] = {}
    for f in r.figures:
        by_metric.setdefault(str(f["metric"]), []).append(f)
    items = "; ".join(f"{w.metric(m)}: {name} {w.fig_value(fs[0])}, {teacher} {w.fig_value(fs[-1])}"
                      for m, fs in by_metric.items())
    head = (phrase("learn_head", w.lang, name=name, teacher=teacher, items=items) if items
            else phrase("learn_none", w.lang, name=name, teacher=teacher))
    if not r.projects:
        return head
    return "\n".join([head, "", phrase("learn_projects", w.lang, name=name, teacher=teacher),
                      *_project_lines(w, r.projects)])


def _similar(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
    data = r.data
    place = data.get("municipality") or data.get("kreis")
    where = _where(w, place)
    if data.get("population_class"):
        where += phrase("similar_class", w.lang, label=POPULATION_LABELS[data["population_class"]][w.lang == "en"])
    if not r.projects:
        return phrase("projects_none", w.lang, where=where)
    in_place = data.get("in_place")
    if place and in_place is not None and in_place < len(r.projects):  # the place's own, then elsewhere
        elsewhere = _project_lines(w, r.projects[in_place:])
        if not in_place:
            opening = where.strip()[:1].upper() + where.strip()[1:]  # "In Marl", "Im Kreis Unna"
            widened = phrase("similar_widened", w.lang, where=opening, place=place, title=data["title"])
            return "\n".join([widened, *elsewhere])
        return "\n".join([phrase("similar_head", w.lang, title=data["title"], where=where),
                          *_project_lines(w, r.projects[:in_place]), "",
                          phrase("similar_elsewhere", w.lang), *elsewhere])
    return "\n".join([phrase("similar_head", w.lang, title=data["title"], where=where),
                      *_project_lines(w, r.projects)])


#: tool name -> renderer(writer, result, intent)
KNOWLEDGE_RENDERERS: dict[str, Callable[[AnswerWriter, ToolResult, str], str]] = {
    "get_findings": _findings, "describe_method": _method, "list_indicators": _indicators,
    "search_projects": _search, "suggest_reusable_projects": _reusable,
    "get_project": _project_info, "learn_from": _learn_from, "similar_projects": _similar,
}

#: Population classes as the answers name them (German, English).
POPULATION_LABELS: dict[str, tuple[str, str]] = {
    "small": ("kleine Kommunen", "small towns"),
    "medium": ("mittelgroße Kommunen", "medium-sized towns"),
    "large": ("größere Städte", "larger towns"),
    "city": ("Großstädte", "cities"),
}
