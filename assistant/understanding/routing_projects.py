"""The scorers of the project readings: a named project, a search, projects like one, reuse and
learning between places, projects for weak places. Split from `assistant.understanding.routing`, which
holds the scorers of the index readings and the declared table of all of them.
"""

from __future__ import annotations

from assistant.understanding.evidence import (
    CORPUS_OVER_FALLBACK,
    DECISIVE_OVER_ENTITIES,
    RESIDUAL_OVER_VALUE,
    RESIDUAL_WORDS,
    SOME_SUPPORT,
    STRONG_SUPPORT,
    Evidence,
)
from assistant.understanding.intents import (
    PROJECT,
    PROJECT_NOUN,
    PROJECT_ONLY_TOPICS,
    REUSE,
)
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
    LIKE_TOWN_PROJECT,
    LIKENESS,
    MEMBERSHIP,
    OWNER,
    PROJECT_FACT,
    PROJECT_PRONOUN,
    SIMILAR_TO,
    WEAK_AT,
)
from assistant.understanding.project_catalog import NO_SUPPORT


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
    like_town = (e.cue(LIKE_TOWN) or e.cue(LIKE_TOWN_PROJECT)) and (e.cue(ELSEWHERE) or e.cue(ALTERNATIVE))
    if not e.cue(SIMILAR_TO) and not like_town:
        return 0.0
    if e.projects:
        return 0.94
    # "Etwas wie den Glasfaserausbau in Bochum, aber für den Ennepe-Ruhr-Kreis?": a described project
    described = e.metric or e.topic or e.strong_support or (e.some_support and e.cue(ALTERNATIVE)) \
        or (like_town and e.some_support and e.local_support) \
        or (like_town and e.names_own_project)  # the words fit that town's own project
    places = e.munis and (e.kreise or e.population_class or e.munis >= 2 or e.cue(ELSEWHERE) or e.cue(ALTERNATIVE)
                          or e.cue(LIKE_TOWN_PROJECT))
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
    if e.state_project and e.towns_in_state_project and e.cue(PROJECT_FACT) and not e.metric \
            and not e.cue(PROJECT_NOUN) and not e.projects:
        return 0.9  # "and how much of the funding went to Schwerte?": a fact of the project shown, for one of its towns
    if e.project_context:
        return 0.9 if (e.cue(ASPECT) or e.cue(PROJECT_PRONOUN)) and not e.cue(PROJECT_NOUN) else 0.0
    if e.cue(ASPECT) and not e.munis and not e.cue(PROJECT) and not e.numeric_shape and e.decisive_support:
        return 0.87  # "what's the status of the wir4 broadband rollout?": an aspect of the one project meant
    support = e.support if e.unknown_capitalised and not e.numeric_entities and e.cue(ABOUT) else NO_SUPPORT
    return 0.88 if support.score >= STRONG_SUPPORT and support.margin >= SOME_SUPPORT / 2 else 0.0


def project_search(e: Evidence) -> float:
    """Project words, or content words the corpus supports that no numeric reading explains."""
    if e.cue(PROJECT) or e.project_noun:
        # project words only in a clause of context, and the question itself asks a number: the number first
        # (below every numeric reading of a town and a metric, the plain value included)
        return 0.59 if e.project_words_in_context_only and e.focus_asks_a_number else 0.84
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
    if e.cue(EXISTS) and not e.metric and not e.numeric_shape and not e.munis and e.content_words >= 2 \
            and e.full_support.score > 0:
        return 0.68  # "Gibt es im Revier Messstationen, die Stickoxid messen?": a thing asked for, no metric to read
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
