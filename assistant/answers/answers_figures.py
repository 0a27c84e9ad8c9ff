"""Template answers about the index's figures: a value or position, comparisons, rankings,
profiles, score explanations, peers and what-if weightings.

Each renderer turns one tool result into text and shows every number with its rank and the
average it should be read against, because a value alone ("23,4 %") does not tell a reader
whether it is good. Numbers come only from the result's figures and facts.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.answers.answer_writer import AnswerWriter, Figure, fmt, phrase
from assistant.index.registry import AREA_IDS, INDICATOR_IDS, OVERALL
from assistant.tools.tool_impl import WHAT_IF_SHOWN
from assistant.tools.tool_results import ToolResult


def _averages(w: AnswerWriter, r: ToolResult, metric: str, name: str, value: float) -> list[str]:
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
        lines.append(", ".join([w.ruhr_average(metric, ruhr), *parts]) + ".")
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


def _peer_line(w: AnswerWriter, r: ToolResult, metric: str) -> list[str]:
    """"Ähnliche Kommunen: Herne 5,5 % (Platz 52 von 53), ..." from the peer figures of get_metric."""
    peer_ags = set(r.data.get("peers") or ())
    shown = [f for f in r.figures if f["ags"] in peer_ags]
    if not shown:
        return []
    items = ", ".join(phrase("similar_item", w.lang, name=f["municipality"], value=w.fig_value(f), rank=w.rank(f))
                      for f in shown)
    return [phrase("similar_line", w.lang, items=items)]


def _metric(w: AnswerWriter, r: ToolResult, intent: str) -> str:
    asked = set(r.data.get("asked") or (f["ags"] for f in r.figures))
    figures = [f for f in r.figures if f["ags"] in asked]
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
    body = " ".join([head, *_averages(w, r, metric, str(f["municipality"]), float(f["value"]))])
    return "\n\n".join([body, *_peer_line(w, r, metric)])


def _compare(w: AnswerWriter, r: ToolResult, _intent: str = "compare") -> str:
    figures = sorted(r.figures, key=lambda f: int(f["rank"]))
    metric = str(figures[0]["metric"])
    lines = [phrase("compare_head", w.lang, metric=w.metric(metric))]
    lines += [phrase("compare_line", w.lang, name=f["municipality"], value=w.fig_value(f), rank=w.rank(f),
                     year=f["year"]) for f in figures]
    ruhr = r.fact("ruhr_average")
    tail = [w.ruhr_average(metric, ruhr) + "."] if ruhr is not None else []
    if len(figures) > 1:
        tied = figures[0]["rank"] == figures[1]["rank"]
        tail.append(phrase("compare_tie", w.lang) if tied and len(figures) == 2
                    else phrase("compare_lead", w.lang, name=figures[0]["municipality"]))
    return "\n".join(lines) + "\n\n" + " ".join(tail)


def _scope(w: AnswerWriter, r: ToolResult) -> str:
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


def _rank(w: AnswerWriter, r: ToolResult, intent: str) -> str:
    metric = str(r.data["metric"])
    scope = _scope(w, r)
    if _bounded(r):
        return _threshold(w, r, metric, scope)
    if not r.figures:
        return phrase("rank_empty", w.lang)
    if intent == "above_below" and r.fact("above_average") is not None:
        head = phrase("above_count", w.lang, count=w.count(r.fact("above_average") or 0),
                      members=w.count(r.fact("members") or 0), scope=scope)
        names = [str(f["municipality"]) for f in stated_figures(r, intent)]
        return head + (" " + ", ".join(names) + "." if names else "")
    if len(r.figures) == 1:  # "die besten 1", "the top 1": a sentence, not a one-item list
        f = r.figures[0]
        key = "rank_leader" if r.data.get("order") == "top" else "rank_last"
        sentence = phrase(key, w.lang, metric=w.metric(metric), scope=scope, name=f["municipality"],
                          value=w.fig_value(f, dative=True), rank=w.rank(f))
        return sentence + ("\n\n" + phrase("rank_note", w.lang, of=f["of"]) if scope else "")
    key = "rank_top" if r.data.get("order") == "top" else "rank_bottom"
    lines = [phrase(key, w.lang, n=len(r.figures), metric=w.metric(metric), scope=scope)]
    lines += [phrase("rank_line", w.lang, pos=n, name=f["municipality"], value=w.fig_value(f), rank=w.rank(f))
              for n, f in enumerate(r.figures, start=1)]
    notes = []
    average = r.fact("ruhr_average")
    if average is not None:
        notes.append(w.ruhr_average(metric, average) + ".")
    if scope:
        notes.append(phrase("rank_note", w.lang, of=r.figures[0]["of"]))
    return "\n".join(lines) + ("\n\n" + " ".join(notes) if notes else "")


def _bounded(r: ToolResult) -> bool:
    """A ranking cut at a value ("über 80 Prozent"), not at the Ruhr average."""
    return "above" in r.data or "below" in r.data


def _threshold(w: AnswerWriter, r: ToolResult, metric: str, scope: str) -> str:
    """"Welche Kommunen liegen bei Glasfaser über 80 Prozent?": how many, then every one of them."""
    bound = phrase("bound_and", w.lang).join(
        phrase(f"bound_{key}", w.lang, value=w.value(metric, float(r.data[key]), dative=True))
        for key in ("above", "below") if key in r.data)
    values = {"metric": w.metric(metric), "scope": w.count(r.data["scope"]), "where": scope, "bound": bound}
    average = r.fact("ruhr_average")
    note = w.ruhr_average(metric, average) + "." if average is not None else ""
    if not r.figures:
        return phrase("threshold_none", w.lang, **values) + (" " + note if note else "")
    lines = [phrase("threshold_head", w.lang, count=w.count(len(r.figures)), **values)]
    lines += [phrase("rank_line", w.lang, pos=n, name=f["municipality"], value=w.fig_value(f), rank=w.rank(f))
              for n, f in enumerate(r.figures, start=1)]
    return "\n".join(lines) + ("\n\n" + note if note else "")


def stated_figures(r: ToolResult, intent: str) -> list[Figure]:
    """The figures an answer names: all of them, except for "who is above the Ruhr average?", whose
    answer names only the municipalities above it (the ranking behind it covers all 53)."""
    if r.name == "rank_municipalities" and intent == "above_below" and r.fact("above_average") is not None \
            and not _bounded(r):
        ruhr = r.fact("ruhr_average") or 0.0
        return [f for f in r.figures if float(f["value"]) > ruhr]
    return list(r.figures)


def _kind(w: AnswerWriter, kreisfrei: bool, kreis: str) -> str:
    return phrase("kind_kreisfrei", w.lang) if kreisfrei else phrase("kind_kreis", w.lang, kreis=kreis)


def _profile(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
    by_metric = {str(f["metric"]): f for f in r.figures}
    overall = by_metric[OVERALL]
    data = r.data
    kind = _kind(w, bool(data.get("kreisfrei")), str(data.get("kreis")))
    lines = [phrase("profile_head", w.lang, name=overall["municipality"], kind=kind, value=w.fig_value(overall),
                    rank=w.rank(overall), year=overall["year"])]
    lines.append(phrase("areas", w.lang, items="; ".join(w.item(by_metric[a]) for a in AREA_IDS if a in by_metric)))
    for key in ("strengths", "weaknesses"):
        chosen = [by_metric[m] for m in data.get(key, []) if m in INDICATOR_IDS and m in by_metric][:3]
        if chosen:
            lines.append(phrase(key, w.lang, items="; ".join(w.item(f) for f in chosen)))
    return "\n\n".join(lines)


def _explain(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
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


def _peers(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
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


def _moved(w: AnswerWriter, change: int) -> str:
    if change == 0:
        return phrase("unchanged", w.lang)
    if abs(change) == 1:
        return phrase("moved_up_one" if change > 0 else "moved_down_one", w.lang)
    return phrase("moved_up" if change > 0 else "moved_down", w.lang, n=abs(change))


def _what_if(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
    data = r.data
    weights = [
        phrase("whatif_weight", w.lang, name=w.metric(k), weight=w.whole_or_tenths(v),
               default=fmt(r.fact(f"default_weight:{k}") or 1.0, w.lang, 0))
        for k, v in {**data["area_weights"], **data["indicator_weights"]}.items()
    ]
    lines = [phrase("whatif_head", w.lang, weights="; ".join(weights))]
    own = data.get("municipality")
    if own:
        lines.append(phrase("whatif_own", w.lang, name=own["municipality"], value=fmt(own["overall"], w.lang, 1),
                            rank=own["rank"], default_rank=own["default_rank"], change=_moved(w, int(own["change"]))))
    top = [f"{row['rank']}. {row['municipality']} ({fmt(row['overall'], w.lang, 1)})"
           for row in data["top"][:WHAT_IF_SHOWN]]
    lines.append(phrase("whatif_top", w.lang, items=", ".join(top)))
    for key, rows in (("whatif_up", data["moved_up"]), ("whatif_down", data["moved_down"])):
        if rows:
            items = [f"{row['municipality']} ({_moved(w, int(row['change']))})" for row in rows]
            lines.append(phrase(key, w.lang, items=", ".join(items)))
    lines.append(phrase("whatif_note", w.lang))
    return "\n\n".join(lines)


def _what_if_value(w: AnswerWriter, r: ToolResult, _intent: str) -> str:
    data = r.data
    metric_new, overall_new = r.figures
    how = ""
    if data.get("factor") is not None:
        factor = w.whole_or_tenths(float(data["factor"]))
        how = phrase("whatif_value_capped" if data.get("capped") else "whatif_value_factor", w.lang, factor=factor)
    name, metric = data["municipality"], w.metric(data["metric"])
    lines = [
        phrase("whatif_value_head", w.lang, name=name, metric=metric, new=w.value(data["metric"], data["new_value"]),
               old=w.value(data["metric"], data["old_value"]), how=how),
        phrase("whatif_value_result", w.lang, name=name, new_score=fmt(overall_new["value"], w.lang, 1),
               old_score=fmt(overall_new["default_value"], w.lang, 1), new_rank=overall_new["rank"],
               old_rank=overall_new["default_rank"], count=overall_new["of"],
               change=_moved(w, int(overall_new["rank_change"])),
               metric=metric, metric_rank=metric_new["rank"], metric_old_rank=metric_new["default_rank"]),
        phrase("whatif_value_note", w.lang),
    ]
    return "\n\n".join(lines)


#: tool name -> renderer(writer, result, intent)
FIGURE_RENDERERS: dict[str, Callable[[AnswerWriter, ToolResult, str], str]] = {
    "get_profile": _profile, "get_metric": _metric, "compare_municipalities": _compare,
    "rank_municipalities": _rank, "find_peers": _peers, "explain_score": _explain,
    "what_if_weights": _what_if, "what_if_value": _what_if_value,
}
