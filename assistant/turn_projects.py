"""Plan builders of the project intents: a named project, learning from another municipality,
projects like a named one, and projects for the places weak on a metric.

They build on the same reading of the question as the numeric builders (`assistant.turn`), and
take what a follow-up leaves out from the conversation: "und wer finanziert das?" after an answer
about CONNECTED.ESSEN asks about CONNECTED.ESSEN.
"""

from __future__ import annotations

from assistant.intents import FILLER, FOLLOWUP_FILLER, INTENT_WORDS, QUERY_FILLER, REGION_WORDS
from assistant.plan import Plan
from assistant.plan_args import call, query_text, topic
from assistant.registry import OVERALL
from assistant.routing import STRONG_SUPPORT
from assistant.turn import TurnBase

_SIMILAR_WORDS = frozenset({"etwas", "ahnlich", "ahnliche", "ahnlichen", "ahnliches", "sowas", "something", "like",
                            "similar", "anything", "dashboard", "kleine", "kleinen", "small", "gemeinden", "towns",
                            "cities", "stadten", "other", "anderen", "sachen", "dinge", "plattform", "aber"})


class ProjectTurn(TurnBase):
    """Builders for project_info, learn_from, similar_projects and projects_for_weak."""

    # --- evidence helpers ------------------------------------------------------------------------
    def unknown_capitalised(self) -> bool:
        """A capitalised word no table knows, not at the start of the question ("die Rhinecloud")."""
        common = self.planner.finder.common
        single = len(self.ents.tokens) == 1
        return any(
            (i > 0 or single) and t.capitalised and len(t.key) >= 3 and t.key not in common
            for i, t in enumerate(self.ents.tokens) if i not in self.ents.owner
        )

    def support_query(self) -> str:
        """The question's own words for the corpus support: no places (not even "essen" in "Was essen
        wir heute?"), no metrics read exactly, no filler or intent words. A metric read only from a
        compound ("Kreislaufwirtschaft") stays: the corpus may know the whole word."""
        drop = FILLER | QUERY_FILLER | FOLLOWUP_FILLER | INTENT_WORDS | REGION_WORDS
        inexact = {m.start for m in self.ents.metrics if m.via != "lexical"}
        resolver = self.planner.index.resolver
        kept = [t.text for i, t in enumerate(self.ents.tokens)
                if (self.ents.owner.get(i) is None or t.start in inexact) and t.key not in drop
                and resolver.resolve(t.text) is None]
        return " ".join(kept)

    # --- builders --------------------------------------------------------------------------------
    def project_info(self) -> Plan | None:
        project = self.named_projects[0] if self.named_projects else self.state.project
        if project is None:
            support = self.planner.catalog.support(self.support_query())
            project = support.project if support.score >= STRONG_SUPPORT else None
        if project is None:
            return None
        return self.make("project_info", [call("get_project", project=project)], self.munis, projects=[project])

    def learn_from(self) -> Plan | None:
        if len(self.munis) < 2:
            return None
        learner, teachers = self.munis[0], self.munis[1:3]
        calls = [call("learn_from", municipality=self.name(learner), teacher=self.name(t), k=3) for t in teachers]
        return self.make("learn_from", calls, [learner, *teachers])

    def similar_projects(self) -> Plan | None:
        catalog = self.planner.catalog
        reference = self.named_projects[0] if self.named_projects else self._described_project()
        if reference is None:
            return None
        doc = catalog.docs.get(reference)
        own = set(doc.municipalities) if doc else set()
        elsewhere = [m for m in self.munis if self.name(m) not in own]
        extra = " ".join(w for w in self.support_query().split() if w.casefold() not in _SIMILAR_WORDS) or None
        filters = self.filters()
        return self.make("similar_projects", [call(
            "similar_projects", project=reference, query=extra,
            municipality=self.name(elsewhere[0]) if elsewhere else None, kreis=filters["kreis"],
            population_class=filters["population_class"], k=5)], elsewhere[:1], projects=[reference])

    def _described_project(self) -> str | None:
        """"den Glasfaserausbau in Bochum": the corpus project of that town that best fits the words."""
        catalog = self.planner.catalog
        towns = {self.name(m) for m in self.munis}
        support = catalog.support(query_text(self.ents, extra_filler=INTENT_WORDS | REGION_WORDS))
        for project in support.ranked:
            doc = catalog.docs.get(project)
            if doc is not None and towns & set(doc.municipalities):
                return project
        return None

    def projects_for_weak(self) -> Plan | None:
        metric = self.named_metric
        if metric in (None, OVERALL):
            return None
        filters = self.filters()
        query = query_text(self.ents, extra_filler=INTENT_WORDS | REGION_WORDS) or self.text
        return self.make("projects_for_weak", [
            call("rank_municipalities", metric=metric, n=5, order="bottom", **filters),
            call("search_projects", query=query, municipality=None, kreis=filters["kreis"], topic=topic(self.ents),
                 k=5),
        ], (), metric)
