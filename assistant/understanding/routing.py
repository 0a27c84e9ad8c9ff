"""Routing by evidence: every intent scores the question, the best-supported plan wins.

The planner used to try an ordered list of rules and take the first that matched, so a question
that named a project ("Was macht CONNECTED.RUHR?") was lost to whichever numeric rule came first.
Here each intent is an `IntentScorer`: a scoring function over one shared `Evidence` object (the
entities found, cue words, how strongly the project corpus supports the question, the
conversation state) and the name of the turn method that builds its plan. `rank` orders the
scorers by score; the turn builds the best one, and if a builder declines (it needs a
municipality and none is there) the next best is tried.

Scores are on one scale: a cue that names an intent outright (a what-if phrase, "Methodik") is
worth more than one that merely fits ("wo steht"); entities that an intent needs raise it, and
contradicting evidence lowers it (a named project lowers the findings and out-of-scope readings).
The evidence itself (`Evidence`, the support thresholds) lives in `assistant.understanding.evidence`,
the scorers of the project readings in `assistant.understanding.routing_projects`.
Each scorer is a small pure function and can be tested on its own; the invariants of issue 9 are
tests on the table (tests/test_routing.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.index.registry import OVERALL
from assistant.tools.plan import Intent
from assistant.understanding.evidence import (
    PLACES_ONLY,
    SOME_SUPPORT,
    Evidence,
)
from assistant.understanding.intents import (
    ABOVE_BELOW,
    COMPARE,
    COMPARE_AVERAGE,
    DEFINITION,
    EXPLAIN,
    FINDINGS,
    HOW_THEY_DO,
    HYPOTHETICAL,
    INDICATORS,
    METHOD,
    PEERS,
    PLACES_THAT,
    POSITION,
    PROFILE,
    PROJECT,
    RANK,
    STANDING,
    WHAT_IF,
    loose_re,
)
from assistant.understanding.intents_guard import HELP_STRONG, HELP_WEAK, INJECTION, OUT_OF_SCOPE, WRITE
from assistant.understanding.intents_projects import (
    ABOUT,
)
from assistant.understanding.routing_projects import (
    learn_from,
    learn_from_kreis,
    project_info,
    project_search,
    projects_for_weak,
    reusable,
    similar_projects,
)

Score = Callable[[Evidence], float]
_COMPUTED = loose_re(r"\b(berechn\w*|gewicht\w*|calculat\w*|comput\w*|weight\w*)\b")



@dataclass(frozen=True)
class IntentScorer:
    """One row of the table: an intent, how well the evidence supports it, and the turn method
    that builds its plan (which may return None: then the next best scorer is tried)."""

    intent: Intent
    score: Score
    build: str
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.intent


def _cue(value: float, *patterns: object) -> Score:
    return lambda e: value if any(e.cue(p) for p in patterns) else 0.0


# --- refusals and help -----------------------------------------------------------------------
def refusal(e: Evidence) -> float:
    """A request to change data, or an injection attempt: it dominates every other reading, so corpus
    words in the attempt ("system", "admin") never lift it into a search."""
    return 1.0 if e.fake_role or e.cue(WRITE) or e.cue(INJECTION) else 0.0


def help_request(e: Evidence) -> float:
    if e.tokens == 0 or e.cue(HELP_STRONG):
        return 0.99
    return 0.97 if e.cue(HELP_WEAK) and not e.munis and not e.metric and not e.projects else 0.0


def off_topic(e: Evidence) -> float:
    """Weather, football ...: only when neither the index nor the corpus supports the question."""
    if not e.cue(OUT_OF_SCOPE) or e.metric or e.kreise or e.cue(PROJECT) or e.projects:
        return 0.0
    return 0.0 if e.strong_support else 0.96


def outside_place(e: Evidence) -> float:
    """A place outside the 53 and none of them: say so (or answer the region's findings), unless the
    corpus clearly answers the rest ("Online-Dienste aller NRW-Kommunen" is about Servicekonto.NRW)."""
    if not e.outside or e.munis or e.projects:
        return 0.0
    if e.outside == e.containing and not e.metric and e.full_support.score >= SOME_SUPPORT:
        return 0.0  # "Mit welchem Konto melde ich mich ... in NRW an?": NRW contains the Ruhr; the corpus answers
    # "AI traffic sensors for climate protection in a Sauerland-edge city": words one project answers strongly
    return 0.5 if not e.metric and (e.decisive_support or e.strong_support) else 0.95


# --- project intents -------------------------------------------------------------------------
def indicators(e: Evidence) -> float:
    """"Welche Indikatoren gibt es?"; also "what does the index measure?": the definition of the index
    as a whole is the list of what it is made of."""
    if e.munis or not (e.cue(INDICATORS) or (e.cue(DEFINITION) and e.metric == OVERALL)):
        return 0.0
    # "Wie wird der Index berechnet – sind alle Indikatoren gleich gewichtet?" asks for the method first
    return 0.86 if e.cue(METHOD) and e.cue(_COMPUTED) and not e.cue(DEFINITION) else 0.9


def method(e: Evidence) -> float:
    if e.cue(METHOD) and not (e.projects and e.cue(ABOUT)):
        return 0.88
    return 0.88 if e.cue(DEFINITION) and not e.munis else 0.0


#: A hypothesis and a change together outweigh the ranking, comparison and average words that a what-if also
#: uses ("How would Bottrop rank if its 5G coverage improved?"); the what-if phrases (0.92) stay above.
WHAT_IF_WORDS = 0.75


def what_if_words(e: Evidence) -> float:
    """A hypothesis and a change of a weight or a value, with a town or a metric to change: a what-if."""
    if not e.what_if_words or e.projects or e.cue(PROJECT) or not (e.munis or e.metric):
        return 0.0
    return 0.0 if e.cue(METHOD) and not e.cue(HYPOTHETICAL) else WHAT_IF_WORDS


#: Below every phrase cue, above the region's findings (0.64) and the weak corpus reading: a fallback.
INDEX_WORDS = 0.65


def about_the_index(family: str) -> Score:
    """A question about the index itself told by its words (`assistant.understanding.intents_index`): no town,
    no project, no project words and no corpus project that the words point to clearly."""
    def score(e: Evidence) -> float:
        if e.index_family != family or e.munis or e.projects or e.elliptical or e.cue(PROJECT) or e.project_noun:
            return 0.0
        return 0.0 if e.strong_support or e.decisive_full_support else INDEX_WORDS
    return score


def findings_published(e: Evidence) -> float:
    """Words only the published report answers ("Metropolregionen", "Handlungsfelder")."""
    if not e.cue(FINDINGS) or e.munis or e.projects:
        return 0.0
    return 0.5 if e.decisive_support and not e.metric else 0.76


def findings_region(e: Evidence) -> float:
    """Region-level questions ("5G-Abdeckung im Ruhrgebiet") answer with the findings."""
    if not e.region or e.munis or e.projects:
        return 0.0
    return 0.2 if e.decisive_support else 0.64


def profile(e: Evidence) -> float:
    """"Tell me about Gelsenkirchen" is a profile; "Tell me about the fibre build in Gelsenkirchen" and
    "Gibt es in Essen ein Dashboard, das ... zusammenführt?" are about projects there."""
    if not (e.cue(PROFILE) or (e.cue(STANDING) and e.munis and not e.specific_metric)):
        return 0.0
    return 0.5 if e.project_residual else 0.78


def rank(e: Evidence) -> float:
    """A ranking word, or "which places are weak/strong on <metric>" ("Welche Kommunen sind bei Glasfaser
    schwach?", "Wo gibt es wenig 5G?"): the places at the bottom or top of that metric."""
    if e.cue(RANK) or e.cue(POSITION):
        return 0.66
    return 0.66 if e.metric and not e.munis and e.cue(PLACES_THAT) and e.cue(HOW_THEY_DO) else 0.0


def peers(e: Evidence) -> float:
    """A likeness word about a town. Two towns and a metric ("Stehen Kamen und Bönen bei KI ähnlich
    da?") ask whether they are alike on it: a comparison, which takes it."""
    return 0.80 if e.cue(PEERS) and not (e.munis >= 2 and e.metric) else 0.0


def compare(e: Evidence) -> float:
    """Several towns, or one with a comparison word. Several towns alone, with neither a comparison
    word nor a metric ("Lünen, Fröndenberg und Holzwickede messen Feinstaub – worum geht es?"), are
    only entities: a reading just above the plain value, which words the corpus answers outweigh."""
    if (e.cue(COMPARE) and e.munis) or (e.munis >= 2 and e.metric):
        return 0.70
    return PLACES_ONLY if e.munis >= 2 else 0.0


def what_if(e: Evidence) -> float:
    if not e.cue(WHAT_IF) or (e.cue(METHOD) and not e.cue(HYPOTHETICAL)):
        return 0.0
    return 0.92


def followup(e: Evidence) -> float:
    if e.project_followup:
        return 0.0  # project_search takes it
    return 0.6 if e.elliptical and e.state_intent is not None and not e.projects else 0.0


def value(e: Evidence) -> float:
    return (0.58 + (0.02 if e.metric else 0.0)) if e.munis else 0.0


def fallback(e: Evidence) -> float:
    """Last resort: the builder decides between unknown place, a ranking, findings or out of scope."""
    return 0.1


#: The declared table. Equal scores keep this order (a deterministic tie-break, not a priority:
#: no two scorers give the same value for the same cue).
SCORERS: tuple[IntentScorer, ...] = (
    IntentScorer("out_of_scope", refusal, "refuse", "refusal"),
    IntentScorer("help", help_request, "help"),
    IntentScorer("out_of_scope", off_topic, "out_of_scope", "off_topic"),
    IntentScorer("unknown_municipality", outside_place, "outside_place"),
    IntentScorer("learn_from", learn_from, "learn_from"),
    IntentScorer("learn_from", learn_from_kreis, "learn_from_kreis", "learn_from_kreis"),
    IntentScorer("similar_projects", similar_projects, "similar_projects"),
    IntentScorer("projects_for_weak", projects_for_weak, "projects_for_weak"),
    IntentScorer("what_if", what_if, "what_if"),
    IntentScorer("project_info", project_info, "project_info"),
    IntentScorer("indicators", indicators, "indicators"),
    IntentScorer("method", method, "method"),
    IntentScorer("reusable_projects", reusable, "reuse"),
    IntentScorer("project_search", project_search, "project_search"),
    IntentScorer("explain", _cue(0.82, EXPLAIN), "explain"),
    IntentScorer("peers", peers, "peers"),
    IntentScorer("profile", profile, "profile"),
    IntentScorer("findings", findings_published, "findings", "findings_published"),
    IntentScorer("above_below", _cue(0.74, ABOVE_BELOW), "above_below"),
    IntentScorer("compare_average", lambda e: 0.72 if e.cue(COMPARE_AVERAGE) or e.cue(COMPARE) else 0.0,
                 "compare_average"),
    IntentScorer("compare", compare, "compare"),
    IntentScorer("position", _cue(0.68, POSITION), "position"),
    IntentScorer("rank", rank, "rank"),
    IntentScorer("what_if", what_if_words, "what_if_by_words", "what_if_by_words"),
    IntentScorer("indicators", about_the_index("indicators"), "indicators_by_words", "indicators_by_words"),
    IntentScorer("method", about_the_index("method"), "method_by_words", "method_by_words"),
    IntentScorer("findings", about_the_index("findings"), "findings", "findings_by_words"),
    IntentScorer("findings", findings_region, "findings_rule", "findings_region"),
    IntentScorer("value", followup, "followup", "followup"),
    IntentScorer("value", value, "value"),
    IntentScorer("out_of_scope", fallback, "fallback", "fallback"),
)


def rank_scorers(evidence: Evidence, table: tuple[IntentScorer, ...] = SCORERS) -> list[tuple[float, IntentScorer]]:
    """Scorers with a positive score, best first (stable: equal scores keep the table order)."""
    scored = [(scorer.score(evidence), scorer) for scorer in table]
    return sorted(((s, scorer) for s, scorer in scored if s > 0), key=lambda pair: -pair[0])
