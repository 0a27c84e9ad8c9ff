"""The base of the planner's rules: a question as read (`assistant.understanding.turn_reading`), the checks on
its places (`assistant.understanding.turn_places`), and here the plans that several rules share: follow-ups
that take what is missing from the conversation, findings, and the out-of-scope answer.

The rules themselves (`assistant.understanding.planner.Turn`) only decide *which* intent applies; everything
they build on lives in these three modules so each rule stays a few lines long.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.index.registry import OVERALL
from assistant.tools.plan import Intent, Plan, ToolCall
from assistant.understanding.intents import INTENT_WORDS, REGION_WORDS
from assistant.understanding.plan_args import call, carried_query, query_text
from assistant.understanding.turn_places import PlaceChecks


class TurnBase(PlaceChecks):
    """Shared plans on top of the question's reading and place checks."""

    def out_of_scope(self) -> Plan:
        self.notices.append(self.t(
            "Dazu habe ich keine Daten. Ich beantworte Fragen zum Digital-Index Ruhr der 53 Ruhrgebietskommunen "
            "und zu ihren Digitalprojekten.",
            "I have no data on that. I answer questions about the Digital-Index Ruhr of the 53 Ruhr "
            "municipalities and their digital projects."))
        return self.make("out_of_scope")

    def findings(self) -> Plan:
        metric = self.named_metric if self.named_metric != OVERALL else None
        query = query_text(self.ents, extra_filler=REGION_WORDS | INTENT_WORDS) or None
        return self.make("findings", [call("get_findings", area=self.area_of(metric), query=query)], (), metric)

    # --- follow-ups --------------------------------------------------------------------------------
    def followup(self) -> Plan | None:
        """'und Bochum?', 'what about research?', 'und im Kreis Unna?': the rest comes from the state."""
        state = self.state
        if not self.elliptical or state.intent is None:
            return None
        intent, metric = state.intent, self.named_metric or state.metric or OVERALL
        munis = self.munis or list(state.municipalities)
        if self.munis and not self.metrics:
            if intent == "compare":
                munis = [m for m in state.municipalities if m not in self.munis] + self.munis
            elif intent == "project_search":
                return self.projects_like_before(self.munis)
            elif intent == "what_if" and (changed := self.last_call("what_if_value")) is not None:
                # "und Herne?" after "wenn Bönen seine 5G-Abdeckung verdoppelt": the same change for Herne
                return self.make("what_if", [call("what_if_value", **{**changed.args,
                                                                      "municipality": self.name(self.munis[0])})],
                                 self.munis[:1], str(changed.args.get("metric")))
            elif intent == "what_if":
                last = self.last_call("what_if_weights")
                args = last.args if last else {}
                return self.make("what_if", [call("what_if_weights", area_weights=args.get("area_weights") or {},
                                                  indicator_weights=args.get("indicator_weights") or {},
                                                  municipality=self.name(self.munis[0]))], self.munis[:1])
            elif intent in ("rank", "findings", "method", "indicators", "reusable_projects"):
                intent = "position" if intent == "rank" else intent
                if intent == "reusable_projects":
                    return self.make(intent, [call("suggest_reusable_projects", municipality=self.name(munis[0]),
                                                   query=state.last_query, k=5)], munis[:1])
                intent = intent if intent == "position" else "value"
        elif self.metrics and not self.munis and intent in ("rank", "above_below") and not state.municipalities:
            pass
        elif self.metrics and self.munis and intent in ("rank", "above_below"):
            intent = "value"  # "what about research in Herne?" after a ranking asks for Herne's value
        elif self.metrics and intent in ("profile", "explain", "peers", "reusable_projects", "project_search",
                                         "what_if", "method", "indicators"):
            intent = "value" if munis else "findings"
        elif (self.kreise or self.groups) and not self.munis:
            if intent == "project_search":
                return self.projects_like_before([])
            intent = "above_below" if intent == "above_below" and not self.munis else "rank"
        return self.rebuild(intent, munis, metric)

    def projects_like_before(self, munis: list[str]) -> Plan:
        last = self.last_call("search_projects")
        args = dict(last.args) if last else {"query": self.state.last_query or self.text, "topic": None, "k": 5}
        args["query"] = carried_query(str(args["query"])) or self.text
        if munis and last and args.get("query") == args.get("municipality"):  # the query was only the old town
            args["query"] = self.name(munis[0])
        args.update(municipality=self.name(munis[0]) if munis else None,
                    kreis=self.kreise[0] if self.kreise else (None if munis else args.get("kreis")))
        return self.make("project_search", [call("search_projects", **args)], munis[:1])

    def rebuild(self, intent: Intent, munis: list[str], metric: str) -> Plan:
        """A plan of a previous intent with new municipalities or a new metric."""
        last_rank = self.last_call("rank_municipalities")
        if intent in ("rank", "above_below") and (not self.munis or intent == "rank"):
            args: dict[str, object] = {"n": 10, "order": "top", "kreis": None, "kreisfrei": None,
                                       "population_class": None}
            args.update(last_rank.args if last_rank else {})
            new_filters = {k: v for k, v in self.filters().items() if v is not None}
            if new_filters:
                args.update({"kreis": None, "kreisfrei": None, "population_class": None, **new_filters})
            args["metric"] = metric
            return self.make(intent, [call("rank_municipalities", **args)], (), metric)
        if intent == "findings":
            return self.make("findings", [call("get_findings", area=self.area_of(metric), query=None)], (), metric)
        if not munis:
            return self.ask_for_municipality()
        names = self.names(munis)
        builders: dict[str, Callable[[], list[ToolCall]]] = {
            "compare": lambda: [call("compare_municipalities", municipalities=names[:10], metric=metric)],
            "profile": lambda: [call("get_profile", municipality=n) for n in names[:3]],
            "explain": lambda: [call("explain_score", municipality=n) for n in names[:3]],
            "peers": lambda: [call("find_peers", municipality=names[0], k=5)],
        }
        if intent == "compare" and len(munis) < 2:
            intent = "value"
        if intent in builders:
            return self.make(intent, builders[intent](), munis[:10], metric if intent == "compare" else None)
        intent = intent if intent in ("value", "compare_average", "position", "above_below") else "value"
        return self.make(intent, [call("get_metric", municipalities=names, metric=metric)], munis, metric)
