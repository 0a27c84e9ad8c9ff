"""What one question offers the planner's rules: entities, skeleton, language, state, and the
shared steps (metric resolution with the similarity fallback, follow-ups, unknown places).

The rules themselves (`assistant.planner.Turn`) only decide *which* intent applies; everything
they build on lives here so each rule stays a few lines long.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from assistant.entities import MetricMention
from assistant.intents import (
    FILLER,
    FOLLOWUP_FILLER,
    FOLLOWUP_START,
    GROUP,
    INTENT_WORDS,
    KREIS,
    METRIC,
    MUNI,
    PLACE,
    PLACEHOLDERS,
    QUERY_FILLER,
    REGION_WORDS,
    loose_re,
    words,
)
from assistant.language import detect_language
from assistant.places import AMBIGUOUS_STRONG, AMBIGUOUS_WEAK
from assistant.plan import ConversationState, Intent, Mention, Plan, ToolCall
from assistant.plan_args import (
    call,
    population_class,
    query_text,
)
from assistant.registry import AREA_IDS, OVERALL, metric_name

if TYPE_CHECKING:
    from assistant.planner import Planner

_PLACEHOLDER = {"municipality": MUNI, "kreis": KREIS, "outside": PLACE, "group": GROUP, "metric": METRIC}
_PRONOUN = loose_re(r"\b(druber|daruber|drunter|darunter|"
                    r"sie|es|er|dort|die stadt|diese stadt|dieser stadt|der stadt|dieser kommune|die kommune|"
                    r"it|its|there|they|this city|that city|the city|this town|ihre|ihren|seine|seinen)\b")
_INTENTISH = loose_re(r"durchschnitt|average|mittelwert|ranking|rangliste|platzierung|vergleich")
_METRIC_BEFORE = words(
    "bei beim in im hinsichtlich bezuglich punkto sachen zu zum zur der die das den dem des an am mit fur von "
    "on at for of regarding terms about with in the its their"
)
_SLOT_BEFORE = frozenset({"in", "aus", "nach", "von", "fur", "und", "and", "of", "for", "about", "mit", "with"})

_NOT_METRIC = FILLER | FOLLOWUP_FILLER | INTENT_WORDS | QUERY_FILLER | REGION_WORDS | AMBIGUOUS_STRONG | AMBIGUOUS_WEAK


class TurnBase:
    def __init__(self, planner: Planner, text: str, state: ConversationState) -> None:
        self.planner, self.text, self.state = planner, text, state
        self.registry = planner.registry
        self.ents = planner.finder.find(text)
        starts = {p.start for p in self.ents.places} | {m.start for m in self.ents.metrics}
        words = []
        for i, token in enumerate(self.ents.tokens):
            kind = self.ents.owner.get(i)
            if kind is None:
                words.append(token.key)
            elif token.start in starts:
                words.append(_PLACEHOLDER[kind])
        self.skeleton = " ".join(words)
        self.lang = detect_language(self.ents.blanked(), state.language if state.turns else "de")
        self.munis = [p.value for p in self.ents.municipalities]
        self.kreise = [p.value for p in self.ents.of_kind("kreis")]
        self.groups = [p.value for p in self.ents.of_kind("group")]
        self.outside = self.ents.of_kind("outside")
        self.metrics = list(self.ents.metrics)
        self.region = any(t.key in REGION_WORDS for i, t in enumerate(self.ents.tokens) if i not in self.ents.owner)
        content = [w for w in words if w not in FOLLOWUP_FILLER]
        self.elliptical = bool(content) and all(w in PLACEHOLDERS for w in content)
        self.followup_shape = bool(FOLLOWUP_START.search(self.skeleton)) or len(content) <= 2
        self.refers_back = self.followup_shape or bool(_PRONOUN.search(self.skeleton))
        self.notices: list[str] = []
        self.unresolved: list[Mention] = []

    # --- helpers -----------------------------------------------------------------------------------
    def t(self, de: str, en: str) -> str:
        return de if self.lang == "de" else en

    def name(self, ags: str) -> str:
        return self.registry.municipality(ags).name

    def names(self, agss: Sequence[str]) -> list[str]:
        return [self.name(a) for a in agss]

    def make(self, intent: Intent, calls: Sequence[ToolCall] = (), munis: Sequence[str] = (),
             metric: str | None = None) -> Plan:
        return Plan(intent, self.lang, tuple(calls), tuple(munis), metric, tuple(self.unresolved),
                    tuple(dict.fromkeys(self.notices)))

    @property
    def named_metric(self) -> str | None:
        specific = [m.metric for m in self.metrics if m.metric != OVERALL]
        return specific[0] if specific else (OVERALL if self.metrics else None)

    def area_of(self, metric: str | None) -> str | None:
        if metric is None or metric == OVERALL:
            return None
        return metric if metric in AREA_IDS else self.registry.indicator(metric).area

    def state_munis(self) -> list[str]:
        """Municipalities of the conversation, when the question refers back to them."""
        if self.state.municipalities and self.refers_back:
            return list(self.state.municipalities)
        return []

    def last_call(self, name: str) -> ToolCall | None:
        return next((c for c in self.state.last_tool_calls if c.name == name), None)

    def filters(self) -> dict[str, object]:
        kreisfrei = {"kreisfrei": True, "kreisangehoerig": False}.get(self.groups[0]) if self.groups else None
        loose = " ".join(t.key for t in self.ents.tokens)
        return {"kreis": self.kreise[0] if self.kreise else None, "kreisfrei": kreisfrei,
                "population_class": population_class(loose)}

    # --- metric resolution -------------------------------------------------------------------------
    def residual(self) -> str:
        """Content words no rule explains: a metric the user named in their own words, perhaps."""
        near = {n.start for n in self.ents.near_misses}
        keep = [t for i, t in enumerate(self.ents.tokens)
                if i not in self.ents.owner and t.start not in near and len(t.key) >= 3 and not t.key.isdigit()
                and t.key not in _NOT_METRIC and not _INTENTISH.search(t.key)]
        return self.text[keep[0].start : keep[-1].end] if keep else ""

    def metric_slot(self, phrase: str) -> bool:
        """Whether leftover words sit where a metric is named ("bei Schwimmbädern", "the crime rate"),
        so a failed similarity match means 'unknown metric' rather than an unexplained filler word."""
        start = self.text.find(phrase)
        index = next((i for i, t in enumerate(self.ents.tokens) if t.start == start), 0)
        before = self.ents.tokens[index - 1].key if index else ""
        return before in _METRIC_BEFORE or (self.lang == "de" and index > 0 and phrase[:1].isupper())

    def metric_for(self, inherit: bool = True) -> tuple[str, Plan | None]:
        """Named metric, else a similarity match of the leftover words, else the conversation's, else overall."""
        if self.named_metric:
            return self.named_metric, None
        phrase = self.residual()
        if phrase:
            match = self.planner.similarity.match(phrase)
            if match:
                metric = match[0]
                label = metric_name(self.registry, metric, self.lang)
                self.notices.append(self.t(f"„{phrase}“ als Kennzahl „{label}“ verstanden",
                                           f"Read '{phrase}' as the indicator '{label}'"))
                self.metrics.append(MetricMention(metric, phrase, 0, 0, "similarity"))
                return metric, None
            if not self.metric_slot(phrase):
                return (self.state.metric if inherit and self.state.metric and self.refers_back else OVERALL), None
            ranked = [m for m, _ in self.planner.similarity.scores(phrase)][:3]
            suggestions = ranked or self.planner.finder.metric_suggestions(phrase)
            self.unresolved.append(Mention("metric", phrase, tuple(suggestions)))
            self.notices.append(self.t(f"Im Digital-Index Ruhr gibt es keine Kennzahl zu „{phrase}“.",
                                       f"The Digital-Index Ruhr has no indicator for '{phrase}'."))
            return OVERALL, self.make("unknown_metric", munis=self.munis)
        if inherit and self.state.metric and self.refers_back:
            return self.state.metric, None
        return OVERALL, None

    def note_places(self) -> None:
        for place in self.ents.places:
            if place.fuzzy and place.kind == "municipality":
                self.notices.append(self.t(f"„{place.text}“ als {place.name} interpretiert",
                                           f"Interpreted '{place.text}' as {place.name}"))
        for mention in self.metrics:
            if mention.via == "fuzzy":
                label = metric_name(self.registry, mention.metric, self.lang)
                self.notices.append(self.t(f"„{mention.text}“ als {label} interpretiert",
                                           f"Interpreted '{mention.text}' as {label}"))
        for place in self.outside:
            kind: Literal["municipality", "kreis"] = "kreis" if "kreis" in place.name.casefold() else "municipality"
            self.unresolved.append(Mention(kind, place.text, (), outside_region=True))
            self.notices.append(self.t(
                f"{place.name} gehört nicht zu den 53 Kommunen des Ruhrgebiets, die der Digital-Index Ruhr abdeckt.",
                f"{place.name} is not one of the 53 Ruhr municipalities covered by the Digital-Index Ruhr."))

    def out_of_scope(self) -> Plan:
        self.notices.append(self.t(
            "Dazu habe ich keine Daten. Ich beantworte Fragen zum Digital-Index Ruhr der 53 Ruhrgebietskommunen "
            "und zu ihren Digitalprojekten.",
            "I have no data on that. I answer questions about the Digital-Index Ruhr of the 53 Ruhr "
            "municipalities and their digital projects."))
        return self.make("out_of_scope")

    def ask_for_municipality(self) -> Plan:
        if self.ents.near_misses or self.slot_unknowns():
            return self.unknown_place()
        self.notices.append(self.t("Bitte nennen Sie eine der 53 Kommunen.",
                                   "Please name one of the 53 municipalities."))
        return self.make("unknown_municipality")

    def findings(self) -> Plan:
        metric = self.named_metric if self.named_metric != OVERALL else None
        query = query_text(self.ents, extra_filler=REGION_WORDS | INTENT_WORDS) or None
        return self.make("findings", [call("get_findings", area=self.area_of(metric), query=query)], (), metric)

    # --- follow-ups and fallbacks ------------------------------------------------------------------
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

    def slot_unknowns(self) -> list[str]:
        """Capitalised unknown words where a place is expected ("in Xanthen", "und Bochm?")."""
        found = []
        for i, token in enumerate(self.ents.tokens):
            if i in self.ents.owner or len(token.key) < 3 or token.key in self.planner.finder.common:
                continue
            before = self.ents.tokens[i - 1].key if i else ""
            if token.capitalised and (before in _SLOT_BEFORE or self.elliptical_unknown()):
                found.append(token.text)
        return found

    def elliptical_unknown(self) -> bool:
        words = [w for w in self.skeleton.split() if w not in FOLLOWUP_FILLER]
        return len(words) == 1

    def unknown_place(self) -> Plan:
        for miss in self.ents.near_misses:
            self.unresolved.append(Mention("municipality", miss.text, miss.suggestions))
        for text in self.slot_unknowns():
            if all(text != u.text for u in self.unresolved):
                self.unresolved.append(Mention("municipality", text, tuple(self.planner.finder.resolver.suggest(text))))
        for mention in self.unresolved:
            if mention.kind == "municipality" and not mention.outside_region:
                hint = ", ".join(mention.suggestions)
                de_hint, en_hint = (f"; meinten Sie {hint}?", f"; did you mean {hint}?") if hint else (".", ".")
                self.notices.append(self.t(f"„{mention.text}“ ist keine der 53 Kommunen{de_hint}",
                                           f"'{mention.text}' is not one of the 53 municipalities{en_hint}"))
        return self.make("unknown_municipality")
