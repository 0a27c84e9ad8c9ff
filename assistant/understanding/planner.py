"""The offline planner: a question (plus the conversation so far) becomes a `Plan` of tool calls.

Deterministic and model-free, so the default install answers without network or LLM (DESIGN 1.2)
and every decision can be tested. Three steps: `EntityFinder` finds places and metrics with their
spans; the question's *skeleton* (loosely folded words, entities as placeholders) is matched
against the rule tables in `assistant.understanding.intents` in a fixed priority order; the Plan is assembled
with the tools' exact argument names (assistant.tools.plan.TOOL_SIGNATURES). Elliptical follow-ups
("und Bochum?", "what about research?", "warum?") take what is missing from the
ConversationState. The embedding fallback for paraphrased metrics runs only when no metric was
found lexically and some content word is left over, so the common path stays well under 20 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from assistant.core.settings import Settings
from assistant.core.text_safety import question_text
from assistant.index.digital_index import DigitalIndex
from assistant.index.registry import AREA_IDS, INDICATOR_IDS, OVERALL
from assistant.projects.embeddings import Embedder
from assistant.projects.membership import membership
from assistant.tools.plan import ConversationState, Plan
from assistant.understanding.entities import EntityFinder
from assistant.understanding.evidence import (
    DECISIVE_OVER_ENTITIES,
    PROJECT_INTENTS,
    RESIDUAL_WORDS,
    SOME_SUPPORT,
    Evidence,
)
from assistant.understanding.intents import (
    ABOVE_BELOW,
    BELOW_WORDS,
    COMPARE,
    COMPARE_AVERAGE,
    DEFINITION,
    EXPLAIN,
    FINDINGS,
    HOW_THEY_DO,
    INDICATORS,
    INTENT_WORDS,
    METHOD,
    PEERS,
    PLACES_THAT,
    POSITION,
    PROFILE,
    PROJECT,
    RANK,
    REUSE,
    STANDING,
    loose_re,
)
from assistant.understanding.intents_guard import FAKE_ROLE
from assistant.understanding.intents_index import index_family, what_if_by_words
from assistant.understanding.intents_projects import (
    HELP_SEEK,
    LEARN_VERB,
    OF_THOSE,
    OWN_TOWN,
    PROJECT_PRONOUN,
    SOMEONE,
)
from assistant.understanding.places import CONTAINING_PLACES
from assistant.understanding.plan_args import (
    call,
    method_topic,
    population_class,
    query_text,
    rank_n,
    rank_order,
    thresholds,
    topic,
)
from assistant.understanding.project_catalog import ProjectCatalog
from assistant.understanding.routing import rank_scorers
from assistant.understanding.similarity import EmbedFn, MetricSimilarity
from assistant.understanding.turn_projects import ProjectTurn
from assistant.understanding.turn_scenarios import ScenarioTurn

#: Readings that entities alone can win (no cue of their own): their answers may add related projects.
_ENTITY_READINGS = frozenset({"value", "compare", "position", "findings", "rank", "unknown_municipality"})
#: Builders that answer before any place is checked (a refusal, help, weather).
_NO_PLACE_NOTES = frozenset({"refuse", "help", "out_of_scope"})
_LIST = loose_re(r"\b(welche|wer|which|who|liste|list)\b")
#: "could Herne do the same?", "kann Marl dasselbe machen?": the project just shown, like a pronoun
_SAME = loose_re(r"\b(the same|dasselbe|das gleiche|genauso|so was|sowas|so etwas|something like that)\b")
#: Up to this many query words, a topic named in the question is a filter; beyond, the question describes more.
_TOPIC_QUERY_WORDS = 3
_SINGULAR_VERB = loose_re(r"\b(liegt|ist|is|does|steht|schneidet)\b")


class Turn(ProjectTurn, ScenarioTurn):
    """One question: its evidence is scored by every row of `assistant.understanding.routing.SCORERS`, and the
    best-supported plan is built (a builder may decline; then the next best is tried)."""

    def plan(self) -> Plan:
        evidence = self.evidence_now = self.evidence()
        for score, scorer in rank_scorers(evidence):
            if scorer.build not in _NO_PLACE_NOTES:
                self.note_places(project=scorer.intent in PROJECT_INTENTS)
            builder: Callable[[], Plan | None] = getattr(self, scorer.build)
            found = builder()
            if found is not None:
                return self.with_related_projects(found, score, evidence)
        return self.with_related_projects(self.fallback(), 0.0, evidence)

    def with_related_projects(self, plan: Plan, score: float, evidence: Evidence) -> Plan:
        """A reading won on entities alone (places, a metric, the region: below every cue's score) while
        words it leaves unexplained are ones the corpus knows: the answer adds the projects those words
        point to. "Start-ups in Mülheim: gibt es da ein Gründerzentrum?" may be read as Mülheim's start-up
        value; the Gründerzentrum it asks for is then shown too, instead of being lost. A question that
        is all places and metric ("Wie schneidet Hagen bei Glasfaser ab?") leaves no such words."""
        if plan.intent not in _ENTITY_READINGS or score >= DECISIVE_OVER_ENTITIES or evidence.asks_the_index \
                or evidence.content_words <= RESIDUAL_WORDS or not evidence.some_support:
            return plan
        related = call("search_projects", query=self.support_query(keep_metrics=True), municipality=None, kreis=None,
                       topic=None, k=3)
        return replace(plan, tool_calls=(*plan.tool_calls, related))

    def evidence(self) -> Evidence:
        """The shared evidence the scorers read (corpus support is computed only if one asks)."""
        catalog = self.planner.catalog
        loose = " ".join(t.key for t in self.ents.tokens)
        evidence = Evidence(
            self.skeleton, munis=len(self.munis), kreise=len(self.kreise), groups=len(self.groups),
            outside=len(self.outside), containing=sum(p.value in CONTAINING_PLACES for p in self.outside),
            metric=self.named_metric,
            specific_metric=self.named_metric not in (None, OVERALL), region=self.region, topic=topic(self.ents),
            projects=tuple(self.named_projects), fuzzy_project=any(p.fuzzy for p in self.ents.projects),
            state_intent=self.state.intent, state_munis=len(self.state.municipalities),
            state_project=self.state.project, followup_shape=self.followup_shape, elliptical=self.elliptical,
            refers_back=self.refers_back, tokens=len(self.ents.tokens), content_words=self.informative_words(),
            unknown_capitalised=self.unknown_capitalised(), population_class=population_class(loose) is not None,
            project_noun=self.project_noun(), fake_role=bool(FAKE_ROLE.search(self.text)),
            support_fn=lambda: catalog.support(self.support_query()),
            full_support_fn=lambda: catalog.support(self.support_query(keep_metrics=True)),
            local_fn=lambda: self.in_named_town(evidence.support.project),
            own_project_fn=lambda: self._described_project(named_only=True) is not None,
            towns_in_state_project=self.towns_in_state_project(),
            focus=self.focus if self.focus_start else "",
            index_family=index_family(self.skeleton),
            what_if_words=what_if_by_words(self.skeleton),
            project_words_in_context_only=self.project_words_in_context_only(),
        )
        return evidence

    def towns_in_state_project(self) -> bool:
        doc = self.planner.catalog.docs.get(self.state.project or "")
        if doc is None or not self.munis:
            return False
        kreise = [doc.kreis] if doc.kreis else []
        towns = [self.registry.municipality(m) for m in self.munis]
        return all(membership(t.name, t.kreis, doc.municipalities, kreise, doc.scope) != "none" for t in towns)

    def in_named_town(self, project: str | None) -> bool:
        """Whether a project (the one the question's words support best) belongs to a town it names."""
        doc = self.planner.catalog.docs.get(project or "")
        return doc is not None and bool({self.name(m) for m in self.munis} & set(doc.municipalities))

    # --- builders without a rule of their own -----------------------------------------------------
    def refuse(self) -> Plan:
        self.notices.append(self.t(
            "Daten lassen sich im Chat nicht ändern, und Anweisungen im Text ändern die Regeln des Assistenten "
            "nicht; die Werte stammen nur aus den geprüften Indexdaten.",
            "Data cannot be changed through the chat, and instructions in a question do not change the "
            "assistant's rules; values come only from the validated index data."))
        return self.make("out_of_scope")

    def help(self) -> Plan:
        return self.make("help")

    def outside_place(self) -> Plan:
        return self.findings() if self.region or FINDINGS.search(self.skeleton) else self.make("unknown_municipality")

    def project_search(self) -> Plan | None:
        if self.evidence_now is not None and self.evidence_now.project_followup:
            return self.projects_elsewhere()
        return self.projects(force=True)

    def indicators(self, by_words: bool = False) -> Plan | None:
        whole_index = DEFINITION.search(self.skeleton) and self.named_metric == OVERALL  # "what does the index measure"
        if not (INDICATORS.search(self.skeleton) or whole_index or by_words) or self.munis:
            return None
        area = self.area_of(self.named_metric) if self.named_metric in AREA_IDS else None
        return self.make("indicators", [call("list_indicators", area=area)], metric=area)

    def indicators_by_words(self) -> Plan | None:
        return self.indicators(by_words=True)

    def method_by_words(self) -> Plan | None:
        return self.method(by_words=True)

    def method(self, by_words: bool = False) -> Plan | None:
        if not (METHOD.search(self.skeleton) or (DEFINITION.search(self.skeleton) and not self.munis) or by_words):
            return None
        metric = self.named_metric if self.named_metric != OVERALL else None
        topic_name = method_topic(self.skeleton)
        calls = []
        if metric:  # a definition: the indicator list of its area carries name, unit and description
            calls.append(call("list_indicators", area=self.area_of(metric)))
        if not metric or topic_name not in ("overview", "scores"):
            calls.append(call("describe_method", topic=topic_name))
        # "How are the indicators weighted in the overall score?" is about the overall index: the plan says so,
        # though the method text, not an indicator list, answers it
        return self.make("method", calls, self.munis, self.named_metric)

    def reuse(self) -> Plan | None:
        if not REUSE.search(self.skeleton) and not (LEARN_VERB.search(self.skeleton) and self.state.project):
            return None
        munis = self.munis or self.state_munis()
        if not munis:
            return self.projects(force=True, anywhere=True)  # a Kreis or "the towns" learn from anywhere
        query = query_text(self.ents, extra_filler=INTENT_WORDS) or None
        doc = self.planner.catalog.docs.get(self.state.project or "")
        if OF_THOSE.search(self.skeleton):  # "und was davon kann Marl übernehmen?": what was just shown
            query = self.state.last_query or (doc.title if doc else None) or query
        elif doc is not None and (PROJECT_PRONOUN.search(self.skeleton) or _SAME.search(self.skeleton)) \
                and (query is None or self.planner.catalog.support(query).score < SOME_SUPPORT):
            query = doc.title  # "Könnte Herne das übernehmen?" after a project answer: words that name nothing else
        return self.make("reusable_projects", [call("suggest_reusable_projects", municipality=self.name(munis[0]),
                                                     query=query, k=5)], munis[:1])

    def projects(self, force: bool = False, anywhere: bool = False) -> Plan | None:
        """A project search. The places named are a filter, unless the question asks others in the
        region ("Wir in Schermbeck ... hat im Ruhrgebiet schon jemand ...?": the town is who asks, not
        where to look) or `anywhere` (what a Kreis could take over comes from elsewhere)."""
        if not (force or PROJECT.search(self.skeleton)):
            return None
        munis = self.munis or self.state_munis()[:1] if not self.kreise else self.munis
        municipality = self.name(munis[0]) if munis else None
        query = query_text(self.ents, extra_filler=INTENT_WORDS) or municipality or self.text
        kreis = self.kreise[0] if self.kreise else None
        # "Wir in Marl: ... Hat schon jemand eine App ...?": the town is who asks, the answer may come from anywhere
        asks_others = OWN_TOWN.search(self.skeleton) and SOMEONE.search(self.skeleton)
        helped_from_region = self.region and HELP_SEEK.search(self.skeleton)
        if anywhere or (municipality and not kreis and (asks_others or helped_from_region)):
            municipality = kreis = None
        elif len(self.munis) >= 2 and not kreis:
            # "Hochschulen aus Bochum, Dortmund und Gelsenkirchen forschen ...": the first town is no filter
            # for all of them; their names go into the words, which favours projects that name them
            municipality = None
            query = " ".join([query, *self.names(self.munis)])
        # The topic filters only a question that is little more than the topic ("Projekte zu Luftqualitäts-Sensoren").
        # In a description, a topic guessed from one word ("saubere Luft") would drop the project the other words
        # describe (a mobility masterplan is not filed under sensors); the topic's words stay in the query anyway.
        named_topic = topic(self.ents) if len(query.split()) <= _TOPIC_QUERY_WORDS else None
        return self.make("project_search", [call("search_projects", query=query, municipality=municipality,
                                                 kreis=kreis, topic=named_topic, k=5)], munis)

    def explain(self) -> Plan | None:
        if not EXPLAIN.search(self.skeleton):
            return None
        munis = self.munis or list(self.state.municipalities)  # "warum?" can only mean the last ones
        if not munis:
            return self.findings() if self.region else self.ask_for_municipality()
        metric = self.named_metric
        return self.make("explain", [call("explain_score", municipality=m) for m in self.names(munis[:3])],
                         munis[:3], metric)

    def peers(self) -> Plan | None:
        if not PEERS.search(self.skeleton):
            return None
        munis = self.munis or list(self.state.municipalities)
        if not munis:
            return self.ask_for_municipality()
        return self.make("peers", [call("find_peers", municipality=self.name(munis[0]), k=5)], munis[:1])

    def profile(self) -> Plan | None:
        standing = STANDING.search(self.skeleton) and self.named_metric in (None, OVERALL)  # "insgesamt aufgestellt"
        if not (PROFILE.search(self.skeleton) or standing):
            return None
        munis = self.munis or (self.state_munis() if not self.metrics else [])
        if not munis:
            return None
        return self.make("profile", [call("get_profile", municipality=m) for m in self.names(munis[:3])], munis[:3])

    def above_below(self) -> Plan | None:
        if not ABOVE_BELOW.search(self.skeleton):
            return None
        metric, unknown = self.metric_for()
        if unknown:
            return unknown
        munis = self.munis
        if not munis and not _LIST.search(self.skeleton) and _SINGULAR_VERB.search(self.skeleton):
            munis = self.state_munis() or list(self.state.municipalities)
        if munis:
            return self.make("above_below", [call("get_metric", municipalities=self.names(munis), metric=metric)],
                             munis, metric)
        # "über 80 Prozent": the municipalities beyond a value, not the average
        bounds = thresholds(self.text, metric in INDICATOR_IDS and self.registry.indicator(metric).is_percentage)
        below = "below" in bounds and "above" not in bounds
        order = "bottom" if below or (not bounds and BELOW_WORDS.search(self.skeleton)) else "top"
        return self.make("above_below", [call("rank_municipalities", metric=metric, n=53, order=order,
                                              **self.filters(), **bounds)], (), metric)

    def compare_average(self) -> Plan | None:
        sk = self.skeleton
        if not (COMPARE_AVERAGE.search(sk) or (COMPARE.search(sk) and len(self.munis) == 1
                                               and (self.region or self.kreise))):
            return None
        munis = self.munis or self.state_munis() or list(self.state.municipalities)
        if not munis:
            return self.findings() if self.region else None
        metric, unknown = self.metric_for()
        if unknown:
            return unknown
        return self.make("compare_average", [call("get_metric", municipalities=self.names(munis), metric=metric)],
                         munis, metric)

    def compare(self) -> Plan | None:
        munis = self.munis
        if len(munis) < 2:
            if not (COMPARE.search(self.skeleton) and munis and self.state.municipalities):
                return None
            munis = [m for m in self.state.municipalities if m not in munis] + munis
            if len(munis) < 2:
                return None
        metric, unknown = self.metric_for()
        if unknown:
            return unknown
        return self.make("compare", [call("compare_municipalities", municipalities=self.names(munis[:10]),
                                          metric=metric)], munis[:10], metric)

    def position(self) -> Plan | None:
        if not POSITION.search(self.skeleton):
            return None
        munis = self.munis or (self.state_munis() if not _LIST.search(self.skeleton) else [])
        if not munis:
            return None
        metric, unknown = self.metric_for()
        if unknown:
            return unknown
        return self.make("position", [call("get_metric", municipalities=self.names(munis), metric=metric)],
                         munis, metric)

    def rank(self) -> Plan | None:
        places_that = not self.munis and PLACES_THAT.search(self.skeleton) and HOW_THEY_DO.search(self.skeleton)
        if not (RANK.search(self.skeleton) or POSITION.search(self.skeleton) or places_that):
            return None
        if self.munis and not _LIST.search(self.skeleton):
            metric, unknown = self.metric_for()
            if unknown:
                return unknown
            return self.make("position", [call("get_metric", municipalities=self.names(self.munis), metric=metric)],
                             self.munis, metric)
        metric, unknown = self.metric_for()
        if unknown:
            return unknown
        return self.make("rank", [call("rank_municipalities", metric=metric, n=rank_n(self.skeleton),
                                       order=rank_order(self.skeleton), **self.filters())], (), metric)

    def published(self) -> Plan | None:
        """Words that only the published report can answer ("Metropolregionen", "Handlungsfelder")."""
        return self.findings() if FINDINGS.search(self.skeleton) and not self.munis else None

    def findings_rule(self) -> Plan | None:
        """Region-level questions ("5G-Abdeckung im Ruhrgebiet") go to the findings, not to a municipality."""
        return self.findings() if self.region and not self.munis else None

    def value(self) -> Plan | None:
        if not self.munis:
            return None
        metric, unknown = self.metric_for(inherit=False)
        if unknown:
            return unknown
        return self.make("value", [call("get_metric", municipalities=self.names(self.munis), metric=metric)],
                         self.munis, metric)

    def fallback(self) -> Plan:
        if self.ents.near_misses or self.slot_unknowns():
            return self.unknown_place()
        if self.kreise or self.groups or self.filters()["population_class"]:
            metric, unknown = self.metric_for()
            if unknown:
                return unknown
            return self.make("rank", [call("rank_municipalities", metric=metric, n=53, order=rank_order(self.skeleton),
                                           **self.filters())], (), metric)
        if self.metrics:
            munis = self.state_munis()
            if munis:
                return self.rebuild("value", munis, self.named_metric or OVERALL)
            return self.findings()
        if self.residual() and self.state.municipalities and self.followup_shape:
            metric, unknown = self.metric_for()
            return unknown or self.rebuild("value", list(self.state.municipalities), metric)
        return self.out_of_scope()


class Planner:
    """Offline natural-language planner over one DigitalIndex; cheap to call, build once.

    `catalog` gives the planner the corpus projects as entities and the corpus support of a
    question; by default it is read from the configured corpus directory (a missing corpus only
    means no project evidence).
    """

    def __init__(self, index: DigitalIndex, embed: EmbedFn | Embedder | None = None,
                 catalog: ProjectCatalog | None = None) -> None:
        self.index = index
        self.registry = index.registry
        if catalog is None:
            catalog = ProjectCatalog.load(Settings.from_env().corpus_dir, index.registry, dict(index.metric_forms))
        self.catalog = catalog
        #: metrics named with a project noun ("geförderte Forschungsprojekte"): not a project cue
        self.project_metrics = frozenset(metric for form, metric in index.metric_forms.items()
                                         if "projekt" in form.casefold() or "project" in form.casefold())
        self.finder = EntityFinder(index.registry, index.metric_forms, index.resolver, catalog.names or None)
        self.similarity = MetricSimilarity(index.registry, embed)

    def plan(self, question: str, state: ConversationState | None = None) -> Plan:
        """The plan for one question; `state` is read, never modified (the chat engine calls remember)."""
        return Turn(self, question_text(question), state or ConversationState()).plan()

    def warm_up(self) -> bool:
        """Prepare the similarity fallback (embeds the indicator descriptions); False without an embedder."""
        return self.similarity.warm_up()

    def debug(self, question: str, state: ConversationState | None = None) -> dict[str, Any]:
        """Debug view: entities and skeleton as the rules see them (for `assistant` debugging and tests)."""
        turn = Turn(self, question_text(question), state or ConversationState())
        return {"skeleton": turn.skeleton, "language": turn.lang,
                "places": [(p.kind, p.name, p.text) for p in turn.ents.places],
                "metrics": [(m.metric, m.text, m.via) for m in turn.ents.metrics],
                "projects": [(p.project, p.text, p.fuzzy) for p in turn.ents.projects],
                "scores": [(scorer.label, round(score, 3)) for score, scorer in rank_scorers(turn.evidence())],
                "near_misses": [n.text for n in turn.ents.near_misses]}
