"""The evidence a question offers the router: entities found, cue words, how strongly the project corpus
supports its words, and the conversation state (`Evidence`), with the support thresholds the scorers
share. Split from `assistant.understanding.routing`, which holds the scorers and their table: the
evidence is what is observed, the scorers what is concluded from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from assistant.tools.plan import Intent
from assistant.understanding.intents import (
    ABOVE_BELOW,
    COMPARE,
    COMPARE_AVERAGE,
    EXPLAIN,
    INDICATORS,
    METHOD,
    PEERS,
    POSITION,
    PROJECT,
    QUANTITY,
    RANK,
    WHAT_IF,
)
from assistant.understanding.intents_projects import ASPECT, PROJECT_PRONOUN, SIMILAR_TO
from assistant.understanding.project_catalog import NO_SUPPORT, Support

#: BM25 support of the question's own words (places, metrics and fillers removed) by the corpus.
STRONG_SUPPORT = 6.0  # a distinctive word of one project ("Kreislaufwirtschaft", "Rhinecloud")
SOME_SUPPORT = 3.0  # content words the corpus speaks about
#: One project clearly ahead: "Anlaufstelle für Gründer" (ruhrhub 29 vs 5), "Kreislaufwirtschaft" (13 vs 4.5).
#: Region-level numeric words stay below it ("5G-Abdeckung" 5.8, "Glasfaser" 3.4 with margin 0.2).
DECISIVE_SUPPORT, DECISIVE_MARGIN = 8.0, 4.0
#: A metric or Kreis named without any numeric cue, words the corpus supports strongly: more than the
#: fallback (0.1), less than every reading with a cue of its own.
CORPUS_OVER_FALLBACK = 0.3
#: A municipality named with content words the index does not explain and the corpus supports
#: strongly: a project reading just above the plain value reading (0.58/0.6), below every cue.
RESIDUAL_OVER_VALUE, RESIDUAL_WORDS = 0.62, 2
#: Several places and nothing else that names a reading: more than one place's value, less than words
#: the corpus supports (RESIDUAL_OVER_VALUE).
PLACES_ONLY = 0.61
#: Residual words with decisive support (one project far ahead): above every reading built from entities
#: alone (places and a metric, 0.70) and above a bare place or ranking word with nothing to rank (position
#: 0.68, rank 0.66); below every cue that asks for an amount, a comparison, the average or the method.
DECISIVE_OVER_ENTITIES = 0.71

#: Intents whose answer is about projects: a short follow-up after one stays with projects.
PROJECT_INTENTS: frozenset[Intent | None] = frozenset(
    {"project_search", "project_info", "similar_projects", "learn_from", "reusable_projects", "projects_for_weak"})


@dataclass
class Evidence:
    """Everything the scorers may look at, computed once per question (`support` lazily)."""

    skeleton: str
    munis: int = 0
    kreise: int = 0
    groups: int = 0
    outside: int = 0
    containing: int = 0  # outside places that contain the whole Ruhr (NRW, Germany)
    metric: str | None = None  # the named metric (indicator, area or overall), if any
    specific_metric: bool = False  # an indicator or area, not just "Digital-Index"
    region: bool = False  # "Ruhrgebiet", "Region" ...
    topic: str | None = None  # a corpus topic named in the question
    projects: tuple[str, ...] = ()  # corpus projects named in the question
    fuzzy_project: bool = False  # the project name was read despite a typo
    state_intent: Intent | None = None
    state_munis: int = 0
    state_project: str | None = None
    followup_shape: bool = False
    elliptical: bool = False
    refers_back: bool = False
    tokens: int = 0
    content_words: int = 0
    unknown_capitalised: bool = False  # a capitalised word no table knows (a place? a project?)
    population_class: bool = False
    project_noun: bool = False  # a compound naming projects ("Glasfaserprojekte", "Smart-City-Initiativen")
    fake_role: bool = False  # a role header or chat-template tag in the raw text ("system:", "<|im_start|>")
    support_fn: Callable[[], Support] = field(default=lambda: NO_SUPPORT, repr=False)
    #: support of every content word, metric words included: "Glasfasernetz" is a metric word, but
    #: "wer kümmert sich um das Glasfasernetz" is answered by the corpus, not by the index
    full_support_fn: Callable[[], Support] = field(default=lambda: NO_SUPPORT, repr=False)
    #: whether the best-supported project is one of the named municipality's own: "Wo gibt es in
    #: Gelsenkirchen freies WLAN?" matches a Gelsenkirchen project, entities and words agree
    local_fn: Callable[[], bool] = field(default=lambda: False, repr=False)
    #: whether the words name one of the named towns' own projects by its title, aliases or topic
    #: ("ein Klimaprojekt wie Hagen", "smart city model projects like Oberhausen's")
    own_project_fn: Callable[[], bool] = field(default=lambda: False, repr=False)
    #: every named town takes part in the project of the last answer (a member, in its Kreis, or the whole region):
    #: "and how much of the funding went to Schwerte?" after DOS 2030 asks about that project, not for others
    towns_in_state_project: bool = False
    #: the question's own clause, after one of context ("" if there is none), and whether the project words are
    #: only in the context: "Gelsenkirchen ist ja Modellprojekt Smart Cities – liegt die Stadt unter dem Schnitt?"
    focus: str = ""
    #: the family of a question about the index itself, by its words (`intents_index.index_family`)
    index_family: str | None = None
    #: a hypothesis and a change named in any order (`intents_index.what_if_by_words`)
    what_if_words: bool = False
    project_words_in_context_only: bool = False

    def cue(self, pattern: object) -> bool:
        return bool(pattern.search(self.skeleton))  # type: ignore[attr-defined]

    @cached_property
    def support(self) -> Support:
        """Corpus support of the question's content words (computed only when a scorer asks)."""
        return self.support_fn()

    @cached_property
    def local_support(self) -> bool:
        """The named town and the corpus words point at the same project (computed only when asked)."""
        return self.local_fn()

    @cached_property
    def names_own_project(self) -> bool:
        """The words name a project of the named town (computed only when asked)."""
        return self.own_project_fn()

    @cached_property
    def full_support(self) -> Support:
        """Corpus support of the content words including metric words (computed only when asked)."""
        return self.full_support_fn()

    @property
    def focus_asks_a_number(self) -> bool:
        """The question's own clause asks what only the index answers (an average, a rank, a comparison, an amount)."""
        return any(p.search(self.focus) for p in (ABOVE_BELOW, COMPARE_AVERAGE, COMPARE, POSITION, RANK, QUANTITY))

    @property
    def numeric_shape(self) -> bool:
        """A cue that only the index answers: a ranking, a comparison, an average, a position, a quantity.
        Not "tell me about" / "Überblick": those ask about a town or about a project there alike."""
        return self.asks_the_index or self.cue(RANK) or self.cue(POSITION)

    @property
    def asks_the_index(self) -> bool:
        """A numeric cue beyond a bare place or ranking word ("wo", "am besten"): an amount, a comparison,
        the average, an explanation, peers, the method, the indicators or a what-if."""
        return any(self.cue(p) for p in (COMPARE, COMPARE_AVERAGE, ABOVE_BELOW, EXPLAIN, PEERS, METHOD, INDICATORS,
                                         WHAT_IF, QUANTITY))

    @property
    def project_followup(self) -> bool:
        """A short turn after a project answer that moves to another place, no metric named:
        "und in Duisburg?", "gibt's das auch im Kreis Unna?", "and is there anything like that in Hagen?".
        A turn that asks for projects in its own words ("Welche Projekte zu Online-Anträgen gibt es in
        Essen?") is a new search, not a follow-up."""
        return (self.state_intent in PROJECT_INTENTS and bool(self.munis or self.kreise) and not self.metric
                and not self.projects and self.tokens <= 12 and not self.cue(PROJECT) and not self.project_noun
                and (self.elliptical or self.followup_shape or self.cue(PROJECT_PRONOUN) or self.cue(SIMILAR_TO)))

    @property
    def strong_support(self) -> bool:
        return self.support.score >= STRONG_SUPPORT

    @property
    def some_support(self) -> bool:
        return self.support.score >= SOME_SUPPORT

    @property
    def decisive_support(self) -> bool:
        return self.support.score >= DECISIVE_SUPPORT and self.support.margin >= DECISIVE_MARGIN

    @property
    def decisive_full_support(self) -> bool:
        """One project far ahead on all the words, metric words included: "Gewerbegebiete in Essen mit
        Gigabit anschließen – wie lief das?" names an indicator and a town, but together the words are one
        project's. A metric word alone never gets here ("Glasfaser" 3.4, "5G-Abdeckung" 5.8)."""
        return self.full_support.score >= DECISIVE_SUPPORT and self.full_support.margin >= DECISIVE_MARGIN

    @property
    def named_project(self) -> bool:
        return bool(self.projects)

    @property
    def project_context(self) -> bool:
        """A follow-up about the project of the last answer ("und wer finanziert das?")."""
        if self.state_project is None or self.projects or self.munis or self.kreise:
            return False
        if self.metric:  # "which universities are involved?": a metric word as the subject of a project aspect
            return self.cue(ASPECT) and not self.numeric_shape
        return self.followup_shape or self.cue(PROJECT_PRONOUN) or self.cue(ASPECT)

    @property
    def project_residual(self) -> bool:
        """Words beyond the town and the metric that the corpus supports: strongly, or somewhat when they
        point at a project of the named town."""
        return bool(self.munis) and self.content_words >= 2 and (
            self.strong_support or (self.some_support and self.local_support))

    @property
    def numeric_entities(self) -> bool:
        return bool(self.munis or self.metric or self.kreise or self.groups)
