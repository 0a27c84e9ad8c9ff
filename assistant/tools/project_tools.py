"""The bodies of the project-entity tools: one named project, what a municipality could learn from
another, and projects like a named one (their ToolSpec entries: assistant.tools.tool_specs).

Figures come from the scoring module only (`scoring.figure`), project facts from the project
index (the same cards the search returns), and every corpus text is made inert by
`tool_impl._project_result` like every other project result.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from assistant.core.errors import UnknownNameError
from assistant.index.analysis import POPULATION_CLASSES, profile
from assistant.index.registry import INDICATOR_IDS
from assistant.index.scoring import figure
from assistant.projects.chunking import inert_text
from assistant.projects.rank_fusion import reciprocal_rank_fusion
from assistant.projects.suggestions import INDICATOR_QUERY
from assistant.projects.topics import topic_label
from assistant.tools.tool_impl import ToolContext, _project_result, _projects
from assistant.tools.tool_results import Fact, ToolResult

#: How many of the most similar projects a place may pick its own from (of about 45): wide enough
#: for the Kreis's own fibre strategy to count as like the Ruhrgebietsring, narrow enough to leave
#: out a local project on another subject.
SIMILAR_POOL = 15
#: How many projects the similar search reads before re-ranking them by topics (the corpus holds ~45).
SIMILAR_CANDIDATES = 60
#: The topic ranking counts twice the text ranking: the curated topics of the corpus front matter say
#: what a project is about; the reference's text also matches projects that merely share a town or a
#: funding programme. Chosen on the dev questions (eval/README.md), 2 against 1 and 1 against 1.
TOPIC_WEIGHT = 2.0


def get_project(ctx: ToolContext, project: str) -> ToolResult:
    """One project by its corpus id: lead, partners, municipalities, status, funding, reusable part."""
    hit = _projects(ctx).project(project, lang=ctx.lang)
    if hit is None:
        raise UnknownNameError("project", project, [])
    card = hit.to_dict()
    data = {"project": card["id"], "lead": card.get("lead"), "partners": card.get("partners") or []}
    return _project_result(ctx, "get_project", [card], data=data)


def learn_from(ctx: ToolContext, municipality: str, teacher: str, query: str | None, k: int) -> ToolResult:
    """What `municipality` could learn from `teacher`: its weakest indicators where the teacher
    scores higher (both as figures), and the teacher's projects.

    The projects are the teacher's, ranked by three searches fused (reciprocal rank): the asker's own
    words (`query`, e.g. "Luftqualität" or just "übernehmen"), the learner's weak topics and the
    teacher's name. Projects
    the teacher runs itself come before region-wide ones that merely list it: "Projekte aus Dortmund"
    are Dortmund's own, not every network Dortmund belongs to."""
    learner, model = ctx.resolve([municipality])[0], ctx.resolve([teacher])[0]
    weak = [m for m in profile(ctx.table, ctx.registry, learner.ags).weaknesses if m in INDICATOR_IDS]
    better = [m for m in weak if ctx.table.metric_scores(m)[model.ags] > ctx.table.metric_scores(m)[learner.ags]]
    chosen = better[:3]
    figures = [figure(ctx.table, ctx.registry, place.ags, m) for m in chosen for place in (learner, model)]
    facts = [Fact(f"ruhr_average:{m}", float(ctx.table.means[m]), ctx.unit(m)) for m in chosen]
    source = _projects(ctx)
    queries = [q for q in (query, " ".join(INDICATOR_QUERY[m] for m in chosen[:2]), model.name) if q]
    rankings = [[h.to_dict() for h in source.search(q, municipality=model.name, k=k + 10, lang=ctx.lang)]
                for q in dict.fromkeys(queries)]
    fused = _fuse(rankings)
    own = [h for h in fused if _runs_itself(h, model.name)]
    hits = (own + [h for h in fused if h not in own])[:k]
    if not hits and query:  # the teacher has nothing indexed on it: the topic's projects elsewhere
        found = [h.to_dict() for h in source.search(query, k=k + 10, lang=ctx.lang)]
        hits = [h for h in found if learner.name not in (h.get("municipalities") or [])][:k]
    data = {"municipality": learner.name, "teacher": model.name, "weak_indicators": chosen,
            "query": inert_text(query, ctx.lang) if query else None}
    return _project_result(ctx, "learn_from", hits, figures=figures, facts=facts, data=data)


def _fuse(rankings: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Reciprocal-rank fusion: a project high in either ranking comes first, one high in both first of all."""
    scores = reciprocal_rank_fusion({str(n): [h["id"] for h in ranking] for n, ranking in enumerate(rankings)})
    cards = {h["id"]: h for ranking in reversed(rankings) for h in ranking}  # the first ranking's card wins
    return [cards[i] for i in sorted(scores, key=lambda i: -scores[i])]


def _runs_itself(hit: dict[str, Any], name: str) -> bool:
    """A project of the municipality itself (or one it shares with a neighbour, as DOS 2030), not a
    region- or Kreis-wide network that lists it among many members."""
    return hit.get("scope") == "municipality" and name in (hit.get("municipalities") or [])


def _in_class(ctx: ToolContext, hit: dict[str, Any], population_class: str) -> bool:
    """A town project run by a town of the class. A region- or Kreis-wide project is no example of
    what a small town did: it would crowd the town projects out of "so etwas für kleine Gemeinden"."""
    if hit.get("scope") in ("region", "kreis") or not hit.get("municipalities"):
        return False
    low, high = POPULATION_CLASSES[population_class]
    for name in hit["municipalities"]:
        try:
            population = ctx.index.municipality(name).population
        except UnknownNameError:
            continue
        if low <= population < high:
            return True
    return False


def by_topics_and_text(hits: list[dict[str, Any]], topics: Sequence[str]) -> list[dict[str, Any]]:
    """`hits` (in text-search order) re-ranked by reciprocal-rank fusion of that order with their
    topic overlap with `topics`.

    Overlap is a Jaccard index in which each topic weighs its inverse document frequency among the
    hits: sharing the rare "Luftqualität" says more than sharing "Smart City", which half the corpus
    carries. Ties in overlap keep the text order, so the asker's own words still decide among equals.
    """
    reference = set(topics)
    counts = Counter(t for h in hits for t in set(h.get("topics") or []))
    weight = {t: math.log((len(hits) + 1) / (counts.get(t, 0) + 1)) + 0.5 for t in reference | set(counts)}

    def overlap(hit: dict[str, Any]) -> float:
        own = set(hit.get("topics") or [])
        union = sum(weight[t] for t in own | reference)
        return sum(weight[t] for t in own & reference) / union if union else 0.0

    by_topic = sorted(range(len(hits)), key=lambda i: -overlap(hits[i]))  # stable: text order among equals
    fused = reciprocal_rank_fusion({"text": range(len(hits)), "topics": by_topic},
                                   weights={"text": 1.0, "topics": TOPIC_WEIGHT})
    return [hits[i] for i in sorted(fused, key=lambda i: (-fused[i], i))]


def similar_projects(
    ctx: ToolContext, project: str, query: str | None, municipality: str | None, kreis: str | None,
    population_class: str | None, k: int,
) -> ToolResult:
    """Projects like `project` elsewhere: searched by its own title, topics and best passage (plus
    the user's words), re-ranked by shared topics (`by_topics_and_text`), the project itself
    excluded. A place ("im Kreis Recklinghausen", "in Dortmund") puts the similar projects there
    first; the rest of the most similar follow, and the answer says where the place's own end
    (`in_place`): "so etwas für den Kreis X" asks for something X could use, and a filter that
    empties the list or fills it with unrelated local projects answers nothing. A population class
    reorders the k most similar (town projects of the class first) but never brings in a less
    similar project: the corpus has few small-town projects, and a weakly related one is no answer
    to "so etwas"."""
    source = _projects(ctx)
    reference = source.project(project, lang=ctx.lang)
    if reference is None:
        raise UnknownNameError("project", project, [])
    topics = " ".join(topic_label(t, ctx.lang) for t in reference.topics)
    text = " ".join(p for p in (query, reference.title, topics, reference.best_passage) if p)
    name = ctx.resolve([municipality])[0].name if municipality else None
    found = [h.to_dict() for h in source.search(text, k=SIMILAR_CANDIDATES, lang=ctx.lang)]
    pool = by_topics_and_text([h for h in found if h["id"] != reference.id], reference.topics)[:k + SIMILAR_POOL]
    hits, in_place = pool[:k], None
    if name or kreis:  # the place is a preference among the similar ones, not a filter that empties the list
        local = {h.to_dict()["id"] for h in source.search(text, municipality=name, kreis=kreis, k=k + 10,
                                                           lang=ctx.lang)}
        shared = set(reference.topics)  # a local project on another subject is no answer to "so etwas"
        here = [h for h in pool if h["id"] in local and (shared & set(h.get("topics") or []) or not shared)]
        hits = (here + [h for h in pool if h not in here])[:k]
        in_place = min(len(here), k)
    if population_class is not None:  # among the k most similar, the town projects of the class first
        fitting = [h for h in hits if _in_class(ctx, h, population_class)]
        hits = fitting + [h for h in hits if h not in fitting]
    data = {"project": reference.id, "title": reference.title, "municipality": name, "kreis": kreis,
            "population_class": population_class, "query": query, "in_place": in_place}
    return _project_result(ctx, "similar_projects", hits, data=data)

