"""Plan builders of the project intents: a named project, learning from another municipality,
projects like a named one, and projects for the places weak on a metric.

They build on the same reading of the question as the numeric builders (`assistant.understanding.turn`), and
take what a follow-up leaves out from the conversation: "und wer finanziert das?" after an answer
about CONNECTED.ESSEN asks about CONNECTED.ESSEN.
"""

from __future__ import annotations

from assistant.index.names import fold_loose
from assistant.index.registry import OVERALL
from assistant.projects.topics import topic_label
from assistant.tools.plan import Plan
from assistant.understanding.evidence import STRONG_SUPPORT, Evidence
from assistant.understanding.intents import (
    FILLER,
    FOLLOWUP_FILLER,
    INTENT_WORDS,
    PROJECT,
    QUERY_FILLER,
    REGION_WORDS,
    loose_re,
)
from assistant.understanding.intents_projects import LEARN_VERB, WEAK_AT
from assistant.understanding.plan_args import call, carried_query, query_text, topic
from assistant.understanding.turn import TurnBase

#: Compounds that name projects: "Glasfaserprojekte", "Smart-City-Initiativen", "Ausbauvorhaben".
_PROJECT_NOUN = ("projekt", "projekte", "projekten", "projekts", "initiative", "initiativen", "vorhaben", "angebote",
                 "angeboten")
#: Where a municipality is the one learnt from: "aus/von/from X", "X's projects", "X zum Vorbild".
_SOURCE_BEFORE = loose_re(r"\b(aus|von|vom|from|of|bei)$")
_SOURCE_NEAR = loose_re(r"\b(aus|von|vom|from|of|bei)( [\w.-]+){0,4}$")
_SOURCE_AFTER = loose_re(r"^(s|zum vorbild|als vorbild)\b")
#: "Kann Marl ...", "could Dinslaken ...": the municipality right after a modal verb is the learner.
_MODAL_LEARNER = loose_re(r"\b(kann|konnte|konnen|sollte|durfte|can|could|might|should) (sich |wir in |we in )?qmuni\b")
#: "wär das nix für Kamen?", "und für Herne?": the municipality after "für/for" is the learner.
_FOR_LEARNER = loose_re(r"\b(fur|for) qmuni\b")

_SIMILAR_WORDS = frozenset({"etwas", "ahnlich", "ahnliche", "ahnlichen", "ahnliches", "sowas", "something", "like",
                            "similar", "anything", "dashboard", "kleine", "kleinen", "small", "gemeinden", "towns",
                            "cities", "stadten", "other", "anderen", "sachen", "dinge", "plattform", "aber"})


def _has_letter(word: str) -> bool:
    """Numbers and punctuation ("1=1", "--") carry no topic; BM25 still scores them against dates and
    counts in the corpus, which would make "' OR 1=1 --" look like a search."""
    return any(ch.isalpha() for ch in word)


class ProjectTurn(TurnBase):
    """Builders for project_info, learn_from, similar_projects and projects_for_weak."""

    evidence_now: Evidence | None = None  # set by the planner before the builders run

    def project_noun(self, from_offset: int = 0) -> bool:
        """A word that is a compound ending in a project noun ("Glasfaserprojekte"): the metric finder
        claims its first part, so the skeleton no longer shows the project cue. `from_offset`: only in the
        text from there on (the question's focus)."""
        # a metric whose own name is about projects ("geförderte Forschungsprojekte") claims the word
        own = [(m.start, m.end) for m in self.ents.metrics if m.metric in self.planner.project_metrics]
        return any(t.key.endswith(_PROJECT_NOUN) and t.key not in _PROJECT_NOUN and t.start >= from_offset
                   and not any(start <= t.start < end for start, end in own) for t in self.ents.tokens)

    def project_words_in_context_only(self) -> bool:
        """Project words only in a clause of context before the question ("Gelsenkirchen ist ja Modellprojekt
        Smart Cities – liegt die Stadt unter dem Durchschnitt?"): the question itself asks something else."""
        if not self.focus_start:
            return False
        return not PROJECT.search(self.focus) and not self.project_noun(self.focus_start) and (
            bool(PROJECT.search(self.skeleton)) or self.project_noun())

    def projects_elsewhere(self) -> Plan | None:
        """A short follow-up after a project answer, in another place: the same search there. The
        words come from the last project search, else from the last project's topics."""
        state = self.state
        before = self.last_call("learn_from")
        if state.intent == "learn_from" and before is not None and self.munis:
            return self._learn_elsewhere(before.args)
        if state.intent == "project_search" and self.last_call("search_projects") is not None:
            return self.projects_like_before(self.munis)  # same words and topic, the new place
        query = state.last_query
        if state.project is not None:
            doc = self.planner.catalog.docs.get(state.project)
            if doc is not None and (query is None or state.intent in ("project_info", "similar_projects")):
                query = " ".join(topic_label(t, self.lang) for t in doc.topics)
        if not query:
            return None
        municipality = self.name(self.munis[0]) if self.munis else None
        query = carried_query(query) or query
        return self.make("project_search", [call("search_projects", query=query, municipality=municipality,
                                                 kreis=self.kreise[0] if self.kreise else None, topic=None, k=5)],
                         self.munis[:1])

    def _learn_elsewhere(self, before: dict[str, object]) -> Plan | None:
        """"und von Gelsenkirchen?" after "Was kann Hagen von Bochum lernen?": a new teacher; "und
        für Herne?" / "and for Herne?": a new learner, the same teacher."""
        new = self.munis[0]
        resolver = self.planner.index.resolver
        known = [resolver.resolve(str(before[key])) for key in ("municipality", "teacher")]
        if known[0] is None or known[1] is None:
            return None
        learner, teacher = known[0].ags, known[1].ags
        if _FOR_LEARNER.search(self.skeleton):
            learner = new
        else:
            teacher = new
        query = before.get("query")
        return self._learn_plan(learner, [teacher], str(query) if query else None)

    def learner_and_teachers(self) -> tuple[str, list[str]]:
        """Who learns and from whom, in any word order: a municipality after "aus/von/from/of" or
        before "'s"/"zum Vorbild" is a teacher; the first other one learns."""
        munis = list(self.munis)
        sources = []
        text = self.ents.text
        for mention in self.ents.municipalities:
            before = text[:mention.start].rstrip().casefold()[-12:]
            after = text[mention.end:].lstrip(" '’").casefold()[:14]
            if _SOURCE_BEFORE.search(before) or _SOURCE_AFTER.search(after):
                sources.append(mention.value)
        learner = next((m for m in munis if m not in sources), munis[0]) if sources else self._subject(munis)
        return learner, [m for m in munis if m != learner][:2]

    def learn_from_kreis(self) -> Plan | None:
        """Learning where the learner or the one learnt from is a Kreis: the projects of the place after
        "von/aus/from" (a town or a Kreis), on the asker's words if any. `learn_from` compares two towns'
        indicators; a Kreis has none of its own, so this is a search in the teacher's place."""
        places = [p for p in self.ents.places if p.kind in ("municipality", "kreis")]
        text = self.ents.text.casefold()
        # the marker must stand between the place and the place before it: in "aus dem Kreis Unna für
        # Neukirchen-Vluyn" the "aus" belongs to the Kreis, not to the town after it
        ends = [0, *(p.end for p in places)]
        teacher = next((p for i, p in reversed(list(enumerate(places)))
                        if _SOURCE_NEAR.search(text[ends[i]:p.start].rstrip())), None)
        if teacher is None or len(places) < 2:
            return None
        town = self.name(teacher.value) if teacher.kind == "municipality" else None
        kreis = teacher.value if teacher.kind == "kreis" else None
        query = self.support_query() or town or kreis or self.text
        return self.make("learn_from", [call("search_projects", query=query, municipality=town, kreis=kreis,
                                             topic=topic(self.ents), k=5)], list(self.munis))

    def _subject(self, munis: list[str]) -> str:
        """Without a marked source, the one who learns is the subject of the learning verb: the town
        named last before it ("Could Dinslaken copy anything Duisburg did", "Bochum hat X, könnten wir
        in Witten das auch machen?"), unless one is named after "für/for" ("wär das nix für Kamen?");
        else the last one named."""
        for pattern in (_MODAL_LEARNER, _FOR_LEARNER):  # "Kann Marl ...", "wär das nix für Kamen?"
            found = pattern.search(self.skeleton)
            if found:
                return self._named_up_to(found.end(), munis)
        verb = LEARN_VERB.search(self.skeleton)
        return self._named_up_to(verb.start(), munis) if verb else munis[-1]

    def _named_up_to(self, position: int, munis: list[str]) -> str:
        """The municipality named last before `position` of the skeleton (else the last one named)."""
        count = min(self.skeleton[:position].count("qmuni"), len(munis))
        return munis[count - 1] if count else munis[-1]

    # --- evidence helpers ------------------------------------------------------------------------
    def unknown_capitalised(self) -> bool:
        """A capitalised word no table knows, not at the start of the question ("die Rhinecloud")."""
        common = self.planner.finder.common
        single = len(self.ents.tokens) == 1
        return any(
            (i > 0 or single) and t.capitalised and len(t.key) >= 3 and t.key not in common
            for i, t in enumerate(self.ents.tokens) if i not in self.ents.owner
        )

    def informative_words(self) -> int:
        """Content words that can carry a topic: the skeleton's words with a letter, not a lone
        function word ("you", "an" are fillers; "1", "1" are not words)."""
        return sum(1 for w in self.content_words if _has_letter(w) and w not in FILLER)

    def support_query(self, keep_metrics: bool = False) -> str:
        """The question's own words for the corpus support: no places (not even "essen" in "Was essen
        wir heute?"), no metrics read exactly (unless `keep_metrics`: for weighing an actor or activity
        question against its metric reading), no filler or intent words. A metric read only from a
        compound ("Kreislaufwirtschaft") stays: the corpus may know the whole word."""
        drop = FILLER | QUERY_FILLER | FOLLOWUP_FILLER | INTENT_WORDS | REGION_WORDS
        kept_metrics = {m.start for m in self.ents.metrics if keep_metrics or m.via != "lexical"}
        resolver = self.planner.index.resolver
        kept = [t.text for i, t in enumerate(self.ents.tokens)
                if (self.ents.owner.get(i) is None or (self.ents.owner.get(i) == "metric" and t.start in kept_metrics))
                and t.key not in drop and resolver.resolve(t.text) is None and _has_letter(t.key)]
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
        learner, teachers = self.learner_and_teachers()
        return self._learn_plan(learner, teachers, self.support_query() or None)

    def _learn_plan(self, learner: str, teachers: list[str], query: str | None) -> Plan:
        """The asker's own words go along: "bei Luftqualität" ranks the teacher's projects."""
        calls = [call("learn_from", municipality=self.name(learner), teacher=self.name(t), query=query, k=3)
                 for t in teachers]
        return self.make("learn_from", calls, [learner, *teachers])

    def similar_projects(self) -> Plan | None:
        catalog = self.planner.catalog
        reference = self.named_projects[0] if self.named_projects else self._described_project()
        if reference is None and not (self.munis or self.kreise):
            reference = self.state.project  # "Gibt es Vergleichbares woanders?" after a project answer
        if reference is None:
            return None
        doc = catalog.docs.get(reference)
        own = set(doc.municipalities) if doc else set()
        elsewhere = [m for m in self.munis if self.name(m) not in own]
        extra = " ".join(w for w in self.support_query().split() if w.casefold() not in _SIMILAR_WORDS) or None
        filters = self.filters()
        kreis = next((k for k in self.kreise if not doc or k != doc.kreis), None)  # not the reference's own
        return self.make("similar_projects", [call(
            "similar_projects", project=reference, query=extra,
            municipality=self.name(elsewhere[0]) if elsewhere else None, kreis=kreis,
            population_class=filters["population_class"], k=5)],
            [*elsewhere, *(m for m in self.munis if m not in elsewhere)], projects=[reference])  # the target first

    def _described_project(self, named_only: bool = False) -> str | None:
        """"den Glasfaserausbau in Bochum": the corpus project of that town that best fits the words."""
        catalog = self.planner.catalog
        towns = {self.name(m) for m in self.munis}
        kreise = set(self.kreise)
        own = [p for p, doc in catalog.docs.items() if towns & set(doc.municipalities) or (doc.kreis in kreise)]
        return catalog.pick(query_text(self.ents, extra_filler=INTENT_WORDS | REGION_WORDS), own, topic(self.ents),
                            named_only)

    def projects_for_weak(self) -> Plan | None:
        metric = self.named_metric
        if metric in (None, OVERALL):
            return None
        filters = self.filters()
        words = query_text(self.ents, extra_filler=INTENT_WORDS | REGION_WORDS).split()
        # "behind", "schwach": the weakness is the ranking's business, not a word the projects should contain
        query = " ".join(w for w in words if not WEAK_AT.search(fold_loose(w))) or self.text
        if self.munis:  # the towns say they are weak: their figures (value, rank, Ruhr average), then the projects
            towns = self.munis[:3]
            return self.make("projects_for_weak", [
                call("get_metric", municipalities=self.names(towns), metric=metric),
                call("search_projects", query=query, municipality=None, kreis=None, topic=topic(self.ents), k=5),
            ], towns, metric)
        # the Kreis narrows the ranking, not the projects: what helps its weak towns may come from anywhere
        return self.make("projects_for_weak", [
            call("rank_municipalities", metric=metric, n=5, order="bottom", **filters),
            call("search_projects", query=query, municipality=None, kreis=None, topic=topic(self.ents), k=5),
        ], (), metric)
