"""Wordings the fifth round of issue 9 found in the dev halves of the blind sets newcomer11-13.

Each test names a family of wordings, not one question: most questions here are new variants, not the
dev questions themselves, so that a rule written for one sentence fails them. The planner runs on the
shipped index and corpus, as in tests/test_routing.py.
"""

from __future__ import annotations

import pytest

from assistant.tools.plan import ConversationState, Plan
from assistant.understanding.intents_index import index_family
from assistant.understanding.planner import Planner
from tests.test_routing import ask, planner, project_of

__all__ = ["planner"]  # the module fixture, shared with tests/test_routing.py


def towns(planner: Planner, plan: Plan) -> list[str]:
    return [planner.registry.municipality(m).name for m in plan.municipalities]


@pytest.mark.parametrize(("question", "town"), [
    ("Wie schneidet Dateln im Bereich Unternehmen ab?", "Datteln"),
    ("Wo steht Dattlen bei Glasfaser?", "Datteln"),
])
def test_a_misspelt_town_whose_name_is_a_noun_counts_beside_a_metric(planner: Planner, question: str,
                                                                    town: str) -> None:
    assert towns(planner, ask(planner, question)) == [town]


def test_a_misspelt_noun_after_an_article_stays_a_noun(planner: Planner) -> None:
    plan = ask(planner, "Wie ist das Wettter in Bochum bei Glasfaser?")
    assert towns(planner, plan) == ["Bochum"]


@pytest.mark.parametrize("question", [
    "Bei manchen Kommunen gibt es kaum Glasfaser. Welche Projekte helfen da?",
    "in manchen städten fehlt 5g – gibt es projekte dazu?",
])
def test_a_lower_case_word_is_never_a_misspelt_place_outside_the_region(planner: Planner, question: str) -> None:
    plan = ask(planner, question)
    assert plan.intent != "unknown_municipality"
    assert not [m for m in plan.unresolved if m.kind == "municipality"]


@pytest.mark.parametrize(("question", "metric"), [
    ("Which projects could help the towns with the lowest 5G coverage?", "mobile_5g"),
    ("Welche Projekte passen zu den Kommunen mit den wenigsten Start-ups?", "digital_startups"),
    ("Towns with hardly any universities – which research partnerships could they join?", "research_institutes"),
    ("Kooperationen für Städte mit dem geringsten Glasfaseranteil?", "fibre_households"),
])
def test_superlatives_of_weakness_and_partnerships_ask_for_projects_for_weak_places(
        planner: Planner, question: str, metric: str) -> None:
    plan = ask(planner, question)
    assert plan.intent == "projects_for_weak"
    assert plan.metric == metric


@pytest.mark.parametrize(("question", "intent"), [
    ("What's holding Bottrop back?", "explain"),
    ("Was bremst Herne beim Index aus?", "explain"),
    ("What are the drivers of Hagen's score?", "explain"),
    ("We're in Witten and drivers keep circling for a spot. Does anyone use sensors to show free parking?",
     "project_search"),
])
def test_what_holds_a_town_back_is_an_explanation_and_car_drivers_are_not(planner: Planner, question: str,
                                                                        intent: str) -> None:
    assert ask(planner, question).intent == intent


@pytest.mark.parametrize("question", [
    "How does Herne perform across all four areas?",
    "Wie steht Marl in allen Bereichen da?",
    "Could you summarise Unna over the areas of the index?",
])
def test_a_town_across_all_areas_is_its_profile(planner: Planner, question: str) -> None:
    assert ask(planner, question).intent == "profile"


@pytest.mark.parametrize(("question", "intent"), [
    ("What does the 5G indicator actually count?", "method"),
    ("Was zählt der Indikator Start-ups genau?", "method"),
    ("Which four areas does the index have?", "indicators"),
    ("Welche vier Bereiche hat der Index?", "indicators"),
])
def test_what_an_indicator_counts_and_which_areas_there_are(planner: Planner, question: str, intent: str) -> None:
    assert ask(planner, question).intent == intent


@pytest.mark.parametrize(("question", "intent"), [
    ("Wie wird der Index berechnet – sind alle Bereiche gleich gewichtet?", "method"),
    ("How is the overall score computed, are the areas weighted equally?", "method"),
    ("Was wäre, wenn alle Bereiche gleich gewichtet wären?", "what_if"),
])
def test_weights_named_in_a_method_question_are_no_what_if_without_a_hypothesis(
        planner: Planner, question: str, intent: str) -> None:
    assert ask(planner, question).intent == intent


@pytest.mark.parametrize("question", [
    "What if we left out the indicators that are only assumed?",
    "Wie sähe die Rangliste ohne die geschätzten Indikatoren aus?",
])
def test_leaving_out_the_unpublished_indicators_is_a_what_if_on_the_data_basis(planner: Planner,
                                                                             question: str) -> None:
    plan = ask(planner, question)
    assert plan.intent == "what_if"
    weights = plan.tool_calls[0].args["indicator_weights"]
    unpublished = {i.id for i in planner.registry.indicators if i.status != "published"}
    assert unpublished  # the shipped data has assumed indicators; otherwise this test checks nothing
    assert weights == dict.fromkeys(unpublished, 0.0)


@pytest.mark.parametrize(("question", "reference"), [
    ("Gibt es noch andere Glasfaserausbauten wie den in Bochum?", "glasfaser-bochum"),
    ("So etwas wie den Glasfaserausbau in Gelsenkirchen, nur für einen ganzen Kreis?", "glasfaser-gelsenkirchen"),
])
def test_a_towns_project_described_as_a_model_asks_for_similar_projects(planner: Planner, question: str,
                                                                      reference: str) -> None:
    plan = ask(planner, question)
    assert plan.intent == "similar_projects"
    assert project_of(plan) == reference


@pytest.mark.parametrize("question", ["Wir in Marl: wo stehen wir eigentlich bei Glasfaser?",
                                      "Here in Bottrop, where do we stand on 5G?"])
def test_a_town_asking_where_we_stand_asks_for_its_position(planner: Planner, question: str) -> None:
    assert ask(planner, question).intent == "position"


@pytest.mark.parametrize("question", ["Anything surprising in the results?",
                                      "Gibt es bemerkenswerte Ergebnisse im Index?"])
def test_what_stands_out_in_the_results_is_the_findings(planner: Planner, question: str) -> None:
    assert ask(planner, question).intent == "findings"


def test_a_project_fact_for_one_of_its_towns_stays_with_the_project_shown(planner: Planner) -> None:
    shown = ConversationState(turns=1, intent="project_info", project="dos-2030", language="en")
    assert project_of(ask(planner, "and how much of the funding went to Schwerte?", shown)) == "dos-2030"
    # a town the project does not cover asks for projects there
    assert ask(planner, "and who funds that in Duisburg?", shown).intent != "project_info"


@pytest.mark.parametrize("question", [
    "Wir in Herne: unsere Bürger wollen Schlaglöcher online melden. Hat schon jemand eine App dafür?",
    "We're in Hattingen and want sensors for free parking spaces. Does anyone run something like that?",
])
def test_the_askers_own_town_is_no_filter_when_they_ask_whether_anyone_did_it(planner: Planner,
                                                                            question: str) -> None:
    plan = ask(planner, question)
    assert plan.intent == "project_search"
    assert plan.tool_calls[0].args["municipality"] is None


def test_a_town_named_in_a_project_search_still_filters_it(planner: Planner) -> None:
    plan = ask(planner, "Welche Projekte zu Luftqualität gibt es in Gelsenkirchen?")
    assert plan.tool_calls[0].args["municipality"] == "Gelsenkirchen"


def test_a_method_question_about_the_overall_score_keeps_the_overall_index(planner: Planner) -> None:
    plan = ask(planner, "How are the indicators weighted in the overall score?")
    assert (plan.intent, plan.metric) == ("method", "overall")
    assert [c.name for c in plan.tool_calls] == ["describe_method"]


@pytest.mark.parametrize(("question", "intent"), [
    ("Gelsenkirchen ist ja Modellprojekt Smart Cities – liegt die Stadt bei Glasfaser trotzdem unter dem Schnitt?",
     "above_below"),
    ("Bochum hat viele Projekte. Wo steht Bochum bei Glasfaser im Ranking?", "position"),
    # the question's own clause asks for projects: they stay first
    ("Wie steht Bochum bei Glasfaser – welche Projekte gibt es dort?", "project_search"),
])
def test_project_words_in_a_clause_of_context_do_not_outweigh_the_question_itself(
        planner: Planner, question: str, intent: str) -> None:
    assert ask(planner, question).intent == intent


@pytest.mark.parametrize(("question", "intent"), [
    ("Which components make up the index, and what is included in each?", "indicators"),
    ("What is the index made of?", "indicators"),
    ("Was genau umfasst der Index?", "indicators"),
    ("Sind die Zahlen im Index belastbar?", "method"),
    ("How reliable are the figures in this index?", "method"),
    ("Which topics does the index cover?", "indicators"),
])
def test_a_question_about_the_index_itself_is_read_by_its_words(planner: Planner, question: str,
                                                               intent: str) -> None:
    assert ask(planner, question).intent == intent


@pytest.mark.parametrize("question", [
    "Welche Stadt hat ein Dashboard mit Smart-City-Kennzahlen?",
    "Wie zuverlässig sind die Zahlen für Herne?",
])
def test_index_words_beside_a_project_or_a_town_are_not_a_question_about_the_index(planner: Planner,
                                                                                  question: str) -> None:
    assert ask(planner, question).intent not in {"indicators", "findings"}


@pytest.mark.parametrize(("skeleton", "family"), [
    ("what is the qmetric made of", "indicators"),
    ("wie belastbar sind die zahlen im qmetric", "method"),
    ("what are the main conclusions of the study", "findings"),
    ("woher kommen die fordergelder fur das projekt", None),  # no word makes it about the index
    ("wie geht es dir", None),
])
def test_the_family_of_a_question_about_the_index_is_told_by_its_words(skeleton: str, family: str | None) -> None:
    assert index_family(skeleton) == family


@pytest.mark.parametrize(("question", "tool"), [
    ("Wo stünde Herne in einem Szenario mit verdoppelter Glasfaserquote?", "what_if_value"),
    ("How would Bottrop rank if its 5G coverage improved to 90 percent?", "what_if_value"),
    ("Imagine research had more weight – where would Bochum end up?", "what_if_weights"),
])
def test_a_hypothesis_and_a_change_in_any_order_are_a_what_if(planner: Planner, question: str, tool: str) -> None:
    plan = ask(planner, question)
    assert plan.intent == "what_if"
    assert plan.tool_calls[0].name == tool


@pytest.mark.parametrize("question", [
    "In welcher Stadt wurde der CO2-Ausstoß in einem Stadtteil halbiert?",  # "wurde": was, not would
    "Wie hat sich Essen bei Glasfaser verbessert?",  # a change, but no hypothesis
])
def test_a_change_that_happened_is_no_what_if(planner: Planner, question: str) -> None:
    assert ask(planner, question).intent != "what_if"


def test_a_described_project_is_not_filtered_by_a_topic_guessed_from_one_word(planner: Planner) -> None:
    described = ask(planner, "Masterplan für saubere Luft und emissionsfreie Mobilität nach dem Dieselskandal")
    assert described.intent == "project_search"
    assert described.tool_calls[0].args["topic"] is None
    # a question that is little more than the topic keeps it as a filter
    assert ask(planner, "Welche Projekte gibt es zu Luftqualität?").tool_calls[0].args["topic"] == "environment_sensors"


@pytest.mark.parametrize("question", [
    "Gibt es im Revier Messstationen, die Stickoxid an Straßen messen?",
    "AI traffic sensors for climate protection in a Sauerland-edge city",
])
def test_a_thing_asked_for_in_the_region_or_near_a_place_outside_it_is_a_project_question(
        planner: Planner, question: str) -> None:
    assert ask(planner, question).intent == "project_search"


@pytest.mark.parametrize("question", ['was macht "open ruhr" eigentlich?', "was macht „open ruhr“ eigentlich?"])
def test_a_name_of_ordinary_words_in_quotes_is_written_as_a_name(planner: Planner, question: str) -> None:
    plan = ask(planner, question)
    assert (plan.intent, project_of(plan)) == ("project_info", "openruhr")
