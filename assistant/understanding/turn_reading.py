"""One question as the planner's rules see it: its entities, its skeleton, its language, whether it
refers back to the conversation, and which metric it is about.

Read once per turn and kept on the turn object, so that every rule works on the same reading
and stays a few lines long. Resolving the metric lives here too because nearly every rule needs
it, and it is where a paraphrase ("Schwimmbäder", "the crime rate") is either matched by the
similarity fallback or turned into an honest 'unknown metric'.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from assistant.index.registry import AREA_IDS, OVERALL, Registry, metric_name
from assistant.tools.plan import ConversationState, Intent, Mention, Plan, ToolCall
from assistant.understanding.argument_words import NUMBER_WORDS
from assistant.understanding.entities import EntityFinder
from assistant.understanding.intents import (
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
    PROJECT_NAME,
    QUERY_FILLER,
    REGION_WORDS,
    loose_re,
    words,
)
from assistant.understanding.language import detect_language
from assistant.understanding.metric_finder import MetricMention
from assistant.understanding.places import AMBIGUOUS_STRONG, AMBIGUOUS_WEAK
from assistant.understanding.plan_args import population_class
from assistant.understanding.similarity import MetricSimilarity

if TYPE_CHECKING:
    from assistant.index.digital_index import DigitalIndex
    from assistant.understanding.project_catalog import ProjectCatalog



#: Where a clause of context ends and the question begins: a sentence end, a colon or a dash between words.
_CLAUSE_BREAK = re.compile(r"[.!?;:](?=\s)|\s[–—-]\s")
_FOCUS_MIN_WORDS = 3


def _focus_start(text: str) -> int:
    """Offset of the question's last clause that still has a few words of its own (0: the whole text)."""
    for match in reversed(list(_CLAUSE_BREAK.finditer(text.rstrip()))):
        if len(text[match.end():].split()) >= _FOCUS_MIN_WORDS:
            return match.end()
    return 0

class PlannerParts(Protocol):
    """What a reading needs from the planner (assistant.understanding.planner.Planner has it). A protocol, not an
    import: the planner builds turns from this module, so this module must not import the planner."""

    registry: Registry
    finder: EntityFinder
    similarity: MetricSimilarity
    index: DigitalIndex
    catalog: ProjectCatalog
    project_metrics: frozenset[str]  # metrics one of whose forms names projects ("Forschungsprojekte")

_PLACEHOLDER = {"municipality": MUNI, "kreis": KREIS, "outside": PLACE, "group": GROUP, "metric": METRIC,
                "project": PROJECT_NAME}
_PRONOUN = loose_re(r"\b(druber|daruber|drunter|darunter|"
                    r"sie|es|er|dort|die stadt|diese stadt|dieser stadt|der stadt|dieser kommune|die kommune|"
                    r"it|its|there|they|this city|that city|the city|this town|ihre|ihren|seine|seinen)\b")
#: A noun that points back at the place of the conversation (see `referenced_place`).
_PLACE_REFERENCE = loose_re(r"\b(die|der|diese|dieser|unsere|unserer) (stadt|kommune|gemeinde)\b|"
                            r"\b(the|this|that) (city|town|municipality)\b")
#: A reference to the figure just shown, not a pronoun list: "liegt das über dem Schnitt?", "is that a lot?",
#: "wer ist da am besten?", "who leads on that?". "das"/"that" before a noun ("ist das Ruhrgebiet ...") is
#: an article and does not count.
_FIGURE_REFERENCE = loose_re(
    r"\b(ist|liegt|war|sind|is|was|are) (das|that|this|dies|es|it)( (viel|wenig|gut|schlecht|hoch|niedrig|uber|unter|"
    r"above|below|good|bad|high|low|a lot|much|many|over|under|normal|ok|okay|stark|schwach|strong|weak)\b|\s*$)"
    r"|\bda (am|vorne|vorn|hinten|oben|unten|besser|schlechter|fuhrend|spitze)\b|\b(on|at|in|for) (that|this)\s*$")
_INTENTISH = loose_re(r"durchschnitt|average|mittelwert|ranking|rangliste|platzierung|vergleich")
_METRIC_BEFORE = words(
    "bei beim in im hinsichtlich bezuglich punkto sachen zu zum zur der die das den dem des an am mit fur von "
    "on at for of regarding terms about with in the its their"
)

_NOT_METRIC = FILLER | FOLLOWUP_FILLER | INTENT_WORDS | QUERY_FILLER | REGION_WORDS | AMBIGUOUS_STRONG | AMBIGUOUS_WEAK


class QuestionReading:
    """The question read once: entities, skeleton, language and follow-up shape, plus the helpers
    and the metric resolution every rule builds on."""

    def __init__(self, planner: PlannerParts, text: str, state: ConversationState) -> None:
        self.planner, self.text, self.state = planner, text, state
        self.registry = planner.registry
        self.ents = planner.finder.find(text)
        starts = ({p.start for p in self.ents.places} | {m.start for m in self.ents.metrics}
                  | {p.start for p in self.ents.projects})
        words = []
        self.focus_start = focus_start = _focus_start(text)
        focus_words = []
        for i, token in enumerate(self.ents.tokens):
            kind = self.ents.owner.get(i)
            word = token.key if kind is None else _PLACEHOLDER[kind] if token.start in starts else None
            if word is not None:
                words.append(word)
                if token.start >= focus_start:
                    focus_words.append(word)
        self.skeleton = " ".join(words)
        #: the skeleton of the question itself, after a clause of context ("Gelsenkirchen ist ja Modellprojekt
        #: Smart Cities – liegt die Stadt trotzdem unter dem Durchschnitt?"); the whole skeleton if there is none
        self.focus = " ".join(focus_words)
        self.lang = detect_language(self.ents.blanked(), state.language if state.turns else "de")
        self.munis = [p.value for p in self.ents.municipalities] or self.referenced_place(planner, state)
        self.kreise = [p.value for p in self.ents.of_kind("kreis")]
        self.groups = [p.value for p in self.ents.of_kind("group")]
        self.outside = self.ents.of_kind("outside")
        self.metrics = list(self.ents.metrics)
        self.named_projects = list(dict.fromkeys(p.project for p in self.ents.projects))
        self.region = any(t.key in REGION_WORDS for i, t in enumerate(self.ents.tokens) if i not in self.ents.owner)
        #: the skeleton's words without follow-up fillers ("und", "what about")
        self.content_words = [w for w in words if w not in FOLLOWUP_FILLER]
        self.elliptical = bool(self.content_words) and all(w in PLACEHOLDERS for w in self.content_words)
        self.followup_shape = bool(FOLLOWUP_START.search(self.skeleton)) or len(self.content_words) <= 2
        self.refers_back = (self.followup_shape or bool(_PRONOUN.search(self.skeleton))
                            or bool(_FIGURE_REFERENCE.search(self.skeleton)))
        self.notices: list[str] = []
        self.unresolved: list[Mention] = []

    def referenced_place(self, planner: PlannerParts, state: ConversationState) -> list[str]:
        """"und wie steht die Stadt bei 5G?" after an answer about Smart City Bochum: a noun that points
        back at a place ("die Stadt", "the town") means the conversation's municipalities, or the one
        town of the project just shown. Only nouns: "dort"/"there" are too often existential."""
        if not _PLACE_REFERENCE.search(self.skeleton):
            return []
        if state.municipalities:
            return list(state.municipalities)
        doc = planner.catalog.docs.get(state.project or "")
        if doc is None or len(doc.municipalities) != 1:  # the corpus validator keeps names canonical
            return []
        return [m.ags for m in planner.registry.municipalities if m.name == doc.municipalities[0]]

    # --- helpers -----------------------------------------------------------------------------------
    def t(self, de: str, en: str) -> str:
        return de if self.lang == "de" else en

    def name(self, ags: str) -> str:
        return self.registry.municipality(ags).name

    def names(self, agss: Sequence[str]) -> list[str]:
        return [self.name(a) for a in agss]

    def make(self, intent: Intent, calls: Sequence[ToolCall] = (), munis: Sequence[str] = (),
             metric: str | None = None, projects: Sequence[str] = ()) -> Plan:
        return Plan(intent, self.lang, tuple(calls), tuple(munis), metric, tuple(self.unresolved),
                    tuple(dict.fromkeys(self.notices)), tuple(projects))

    @property
    def named_metric(self) -> str | None:
        # An indicator before an area word: "Wie oft suchen Firmen in Essen nach KI-Fachkräften?" names the
        # companies area and the AI job ads; the more specific entity is what is asked about.
        specific = sorted((m.metric for m in self.metrics if m.metric != OVERALL), key=lambda m: m in AREA_IDS)
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
                and t.key not in _NOT_METRIC and t.key not in NUMBER_WORDS and not _INTENTISH.search(t.key)]
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
                return self._inherited_or_overall(inherit), None
            ranked = [m for m, _ in self.planner.similarity.scores(phrase)][:3]
            suggestions = ranked or self.planner.finder.metric_suggestions(phrase)
            self.unresolved.append(Mention("metric", phrase, tuple(suggestions)))
            self.notices.append(self.t(f"Im Digital-Index Ruhr gibt es keine Kennzahl zu „{phrase}“.",
                                       f"The Digital-Index Ruhr has no indicator for '{phrase}'."))
            return OVERALL, self.make("unknown_metric", munis=self.munis)
        return self._inherited_or_overall(inherit), None

    def _inherited_or_overall(self, inherit: bool) -> str:
        """The conversation's metric when the question refers back to it (and may inherit), else overall."""
        return self.state.metric if inherit and self.state.metric and self.refers_back else OVERALL
