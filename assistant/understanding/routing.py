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
The evidence itself (`Evidence`, the support thresholds) lives in `assistant.understanding.evidence`.
Each scorer is a small pure function and can be tested on its own; the invariants of issue 9 are
tests on the table (tests/test_routing.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.index.registry import OVERALL
from assistant.tools.plan import Intent
from assistant.understanding.evidence import (
    CORPUS_OVER_FALLBACK,
    DECISIVE_OVER_ENTITIES,
    PLACES_ONLY,
    RESIDUAL_OVER_VALUE,
    RESIDUAL_WORDS,
    SOME_SUPPORT,
    STRONG_SUPPORT,
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
    INDICATORS,
    METHOD,
    PEERS,
    PLACES_THAT,
    POSITION,
    PROFILE,
    PROJECT,
    PROJECT_NOUN,
    PROJECT_ONLY_TOPICS,
    RANK,
    REUSE,
    STANDING,
    WHAT_IF,
)
from assistant.understanding.intents_guard import HELP_STRONG, HELP_WEAK, INJECTION, OUT_OF_SCOPE, WRITE
from assistant.understanding.intents_projects import (
    A_THING,
    ABOUT,
    ACTIVITY,
    ACTOR,
    ALTERNATIVE,
    ASPECT,
    ELSEWHERE,
    EXISTS,
    HAPPENING,
    HELP_SEEK,
    LEARN_FROM,
    LEARN_SOURCE,
    LEARN_SOURCE_NEAR,
    LEARN_VERB,
    LIKE_TOWN,
    LIKENESS,
    MEMBERSHIP,
    OWNER,
    PROJECT_FACT,
    PROJECT_PRONOUN,
    SIMILAR_TO,
    WEAK_AT,
)
from assistant.understanding.project_catalog import NO_SUPPORT

Score = Callable[[Evidence], float]



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
    return 0.5 if not e.metric and e.decisive_support else 0.95


# --- project intents -------------------------------------------------------------------------
def learn_from(e: Evidence) -> float:
    """Two municipalities, a verb of learning or taking over, and one of them marked as the source,
    in any order: "A von B lernen", "Projekte aus B, die A übernehmen könnte", "What could A reuse from B"."""
    if e.munis < 2 or not e.cue(LEARN_VERB):
        return 0.0
    if e.cue(LEARN_FROM) or e.cue(LEARN_SOURCE):
        return 0.94
    # No source marked ("Lünen macht das mit den Luftsensoren – wär das nix für Kamen?"): the one named
    # last learns. Not when a metric is named: "Glasfaser in Bochum und Hagen, zum Beispiel" compares.
    return 0.9 if not e.metric else 0.0


def learn_from_kreis(e: Evidence) -> float:
    """Learning between places where one is a Kreis ("Was können die Städte im Kreis Wesel von Gelsenkirchen
    lernen?", "what could the towns in Kreis Recklinghausen reuse from Kreis Unna?"): the projects of the
    place learnt from. Above a plain reuse reading (0.86), which would search the learner's region."""
    if not e.kreise or e.munis + e.kreise < 2 or not (e.cue(LEARN_VERB) or e.cue(REUSE)):
        return 0.0
    return 0.88 if e.cue(LEARN_SOURCE_NEAR) else 0.0


def similar_projects(e: Evidence) -> float:
    if e.projects and (e.cue(ELSEWHERE) or e.cue(ALTERNATIVE)) and (not e.cue(ASPECT) or e.cue(LIKENESS)):
        return 0.93  # "Are there efforts like Hagen's Masterplan Mobilität in other cities?", "weitere ... außer X"
    if e.state_project and not e.projects and not e.munis and not e.kreise and not e.metric \
            and (e.cue(ELSEWHERE) or e.cue(ALTERNATIVE) or e.cue(SIMILAR_TO)) and not e.cue(ASPECT):
        return 0.92  # "Gibt es Vergleichbares woanders?" after a project answer: the like of that project
    # "Hat irgendwer sonst ein Smart-City-Dashboard wie Essen?": a town's project, asked for elsewhere
    like_town = e.cue(LIKE_TOWN) and (e.cue(ELSEWHERE) or e.cue(ALTERNATIVE))
    if not e.cue(SIMILAR_TO) and not like_town:
        return 0.0
    if e.projects:
        return 0.94
    # "Etwas wie den Glasfaserausbau in Bochum, aber für den Ennepe-Ruhr-Kreis?": a described project
    described = e.metric or e.topic or e.strong_support or (e.some_support and e.cue(ALTERNATIVE)) \
        or (like_town and e.some_support and e.local_support) \
        or (like_town and e.names_own_project)  # the words fit that town's own project
    places = e.munis and (e.kreise or e.population_class or e.munis >= 2 or e.cue(ELSEWHERE) or e.cue(ALTERNATIVE))
    # "like the Ennepe-Ruhr-Kreis fibre programme but in Kreis Wesel": one Kreis's project, another Kreis
    return 0.9 if described and (places or e.kreise >= 2) else 0.0


def projects_for_weak(e: Evidence) -> float:
    """Projects for the places weak on a metric: the weakest ones ("Kommunen, die bei Glasfaser
    hinterherhinken"), or a town or two that say they are weak and ask for help ("Bergkamen steht bei
    Glasfaser schlecht da – welche Projekte könnten helfen?", "Herdecke and Wetter are weak on research
    institutes – any projects ...?")."""
    if not e.specific_metric or not e.cue(WEAK_AT) or e.munis > 3:
        return 0.0
    named = e.cue(PROJECT) or e.project_noun  # "Projekte", "Glasfaserprojekte"
    return 0.93 if named or e.cue(HELP_SEEK) else 0.0


def project_info(e: Evidence) -> float:
    """A named project, or a follow-up about the last one, or an unknown name the corpus knows."""
    if e.projects:
        if e.munis and e.metric and not e.cue(ABOUT) and not e.cue(ASPECT):
            return 0.5  # "Wie steht Essen bei CONNECTED.ESSEN und Glasfaser?": the numbers come first
        return 0.91 if not e.fuzzy_project else 0.89
    if e.state_project and not e.projects and not e.metric and e.cue(MEMBERSHIP) and not e.cue(PROJECT_NOUN) \
            and not e.cue(LIKENESS):
        # "und ist Dorsten da auch dabei?", "can other towns join?": taking part in the project just shown,
        # above the like of it elsewhere (0.92) that "other towns" alone would ask for
        return 0.93
    if e.project_context:
        return 0.9 if (e.cue(ASPECT) or e.cue(PROJECT_PRONOUN)) and not e.cue(PROJECT_NOUN) else 0.0
    if e.cue(ASPECT) and not e.munis and not e.cue(PROJECT) and not e.numeric_shape and e.decisive_support:
        return 0.87  # "what's the status of the wir4 broadband rollout?": an aspect of the one project meant
    support = e.support if e.unknown_capitalised and not e.numeric_entities and e.cue(ABOUT) else NO_SUPPORT
    return 0.88 if support.score >= STRONG_SUPPORT and support.margin >= SOME_SUPPORT / 2 else 0.0


def project_search(e: Evidence) -> float:
    """Project words, or content words the corpus supports that no numeric reading explains."""
    if e.cue(PROJECT) or e.project_noun:
        return 0.84
    if e.cue(PROJECT_FACT) and not e.munis and e.full_support.score >= STRONG_SUPPORT:
        return 0.86  # "Glasfaserausbau im EN-Kreis – wie viel Förderung gibt es da?": the index has no funding
    if e.cue(PROJECT_FACT) and e.munis and not e.numeric_shape and e.full_support.score >= SOME_SUPPORT:
        return 0.7  # "what's the name of Bochum's fibre partner?": partners and funding are project facts
    if e.cue(ACTOR) and e.full_support.score >= SOME_SUPPORT:
        return 0.85  # "who builds / runs / researches ...": only the corpus knows actors
    if e.cue(ACTOR) and not e.metric and e.full_support.score > 0:
        return 0.8  # "Wer kümmert sich um die IT der Stadtverwaltung in Duisburg?": no metric to read instead
    if e.project_followup:
        return 0.83  # "und in Duisburg?" after a project answer
    if e.cue(HAPPENING) and not e.numeric_shape and e.full_support.score >= STRONG_SUPPORT:
        return 0.7  # "Glasfaserausbau in Essen – was lief da?": what happened is told by projects, not by a value
    if not e.numeric_shape and not e.munis:
        if e.cue(ACTIVITY) and e.full_support.score >= STRONG_SUPPORT:
            return 0.8  # "Which fibre roll-outs are under way in the Ruhr?"
        if e.cue(EXISTS) and e.full_support.score >= SOME_SUPPORT and e.content_words >= 2:
            return 0.7  # "Is there research on the circular economy?"
    if e.topic in PROJECT_ONLY_TOPICS and not e.metric:
        return 0.66  # a topic only projects speak about ("Luftqualität", "Verwaltung"), no index metric
    if e.region and not e.munis and not e.numeric_shape and e.content_words >= 3 \
            and e.full_support.score >= STRONG_SUPPORT:
        return 0.66  # "circular economy in the Ruhr area": words the corpus answers outweigh "Ruhr" (findings)
    if e.munis:
        # Words beyond place and metric that the corpus supports strongly and no numeric cue: "Wer
        # schließt in Dortmund die weißen Flecken an, auch die Schulen?" is about projects, while "Wie
        # steht Dortmund bei Glasfaser?" leaves no such words. Just above a plain value reading.
        # Without any metric the value reading is only the overall index, a weak guess: some support will do.
        supported = e.strong_support or (e.some_support and (not e.metric or e.local_support))
        residual = not e.numeric_shape and e.content_words >= RESIDUAL_WORDS and supported
        if not e.metric and e.decisive_support and e.content_words >= 2 * RESIDUAL_WORDS and not e.asks_the_index:
            # "Wo kann ich in Dortmund Schlaglöcher melden ..., am besten in einer App?": a ranking cue with
            # nothing to rank, against many words one project answers far ahead of the rest
            return DECISIVE_OVER_ENTITIES
        if not e.numeric_shape and e.content_words > RESIDUAL_WORDS and e.some_support and e.decisive_full_support:
            # "Hochschulen aus Bochum, Dortmund und Gelsenkirchen forschen mit Firmen an Mobilität und
            # Energie": places and metric words, no numeric cue, words beyond them the corpus knows, and
            # all the words one project's far ahead. "Gigabit für Gewerbegebiete in Wetter, wie ist da der
            # Stand?" has no such words beyond the metric: its value.
            return DECISIVE_OVER_ENTITIES
        if residual and e.decisive_support and e.content_words > RESIDUAL_WORDS:
            # One project far ahead on several words no entity explains ("Three local operators coupled
            # their fibre backbones between Gelsenkirchen, Bochum and Dortmund – what is that called?"):
            # stronger evidence than places and a metric without any numeric cue (compare, 0.70).
            return DECISIVE_OVER_ENTITIES
        # "any startup hubs in Mülheim?": asks whether something exists, with words beyond the metric
        exists = e.cue(EXISTS) and not e.numeric_shape and e.some_support
        # "Is there a place in Essen where big companies test ...", "Is there a strategy in Hamm ...?": a
        # thing with an article, no cue that asks the index for an amount; with no metric named the value
        # reading is only the overall index, so any words the corpus knows will do
        thing = e.cue(A_THING) and not e.asks_the_index and (
            e.some_support or (not e.metric and e.full_support.score > 0))
        if thing:
            return RESIDUAL_OVER_VALUE + 0.1  # above a bare place or ranking word in the clause (position 0.68)
        return RESIDUAL_OVER_VALUE if residual or exists else 0.0
    if e.decisive_support:
        return 0.8
    if e.metric or e.kreise or e.groups:
        # No numeric cue at all ("Welche Hochschulen forschen mit Firmen an Mobilität?", "Welche Städte
        # bekommen Internet über ENNI?"): the corpus answering the words beats the last resort only.
        return CORPUS_OVER_FALLBACK if not e.numeric_shape and e.full_support.score >= STRONG_SUPPORT \
            and e.content_words >= 2 else 0.0
    if e.strong_support:
        return 0.6
    return 0.3 if e.some_support and e.content_words >= 2 else 0.0


def reusable(e: Evidence) -> float:
    """A reuse word, or a learning verb with one town right after a project answer ("Kann Bottrop das
    auch machen?": that project for Bottrop). Not when the only town is the owner ("Duisburg's cloud
    platform with reusable micro-services" describes Duisburg's project; nobody is named to reuse it)."""
    if e.cue(REUSE):
        return 0.0 if e.munis == 1 and e.cue(OWNER) and not e.state_project else 0.86
    return 0.86 if e.cue(LEARN_VERB) and e.state_project and e.munis == 1 and not e.metric else 0.0


# --- the index -------------------------------------------------------------------------------
def indicators(e: Evidence) -> float:
    """"Welche Indikatoren gibt es?"; also "what does the index measure?": the definition of the index
    as a whole is the list of what it is made of."""
    if e.munis:
        return 0.0
    return 0.9 if e.cue(INDICATORS) or (e.cue(DEFINITION) and e.metric == OVERALL) else 0.0


def method(e: Evidence) -> float:
    if e.cue(METHOD) and not (e.projects and e.cue(ABOUT)):
        return 0.88
    return 0.88 if e.cue(DEFINITION) and not e.munis else 0.0


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
    return 0.92 if e.cue(WHAT_IF) else 0.0


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
    IntentScorer("findings", findings_region, "findings_rule", "findings_region"),
    IntentScorer("value", followup, "followup", "followup"),
    IntentScorer("value", value, "value"),
    IntentScorer("out_of_scope", fallback, "fallback", "fallback"),
)


def rank_scorers(evidence: Evidence, table: tuple[IntentScorer, ...] = SCORERS) -> list[tuple[float, IntentScorer]]:
    """Scorers with a positive score, best first (stable: equal scores keep the table order)."""
    scored = [(scorer.score(evidence), scorer) for scorer in table]
    return sorted(((s, scorer) for s, scorer in scored if s > 0), key=lambda pair: -pair[0])
