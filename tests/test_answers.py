"""Template answers: exact numbers in the language's format, ranks, averages, sources, notices."""

from __future__ import annotations

import pytest

from assistant.answers.compose import compose
from assistant.core.numbers import format_number
from assistant.index.digital_index import DigitalIndex
from assistant.projects.vector_store import IndexUnavailableError
from assistant.tools.plan import Mention, Plan, ToolCall
from assistant.tools.toolbox import Toolbox, ToolResult
from tests.chat_support import FakeProjects, call, project


@pytest.fixture
def box(index: DigitalIndex) -> Toolbox:
    return Toolbox(index, FakeProjects(
        hits=[project("luft-hub", title="LuFt-Hub", municipalities=["Lünen", "Holzwickede"], budget_eur=1250000.0),
              project("vage", title="Vages Projekt", municipalities=[], verified=False, status="planned",
                      reusable=None, funding=None)],
        suggestions=[project("breitband-x", title="Breitband X", municipalities=["Bochum"])],
    ))


def answer(index: DigitalIndex, box: Toolbox, intent: str, lang: str, *calls: ToolCall,
           unresolved: tuple[Mention, ...] = ()) -> tuple[str, list[ToolResult], list[str]]:
    results = [box.execute(c, lang) for c in calls]  # type: ignore[arg-type]
    composed = compose(Plan(intent, lang, tuple(calls), unresolved=unresolved), results,  # type: ignore[arg-type]
                       index.registry, lang)  # type: ignore[arg-type]
    return composed.text, results, composed.notices


def test_german_value_answer(index: DigitalIndex, box: Toolbox) -> None:
    text, results, notices = answer(index, box, "value", "de",
                                    call("get_metric", municipalities=["Hagen"], metric="fibre_households"))
    f = results[0].figures[0]
    assert f"**{format_number(f['value'], 'de', 1)} %**" in text
    assert f"**Platz {f['rank']} von 53**" in text
    assert f"({f['year']})" in text
    ruhr = results[0].fact("ruhr_average") or 0.0
    assert f"Der Ruhr-Durchschnitt liegt bei {format_number(ruhr, 'de', 1)} %" in text
    kreisfrei = results[0].fact("group_average:kreisfreie Städte") or 0.0
    assert f"der Durchschnitt der kreisfreien Städte bei {format_number(kreisfrei, 'de', 1)} %" in text
    side = "über" if f["value"] > ruhr else "unter"
    assert f"Hagen liegt damit {side} dem Ruhr-Durchschnitt." in text
    assert "Quelle:" in text
    if f["provenance"] == "synthetic":
        assert "synthetische Demonstrationswerte" in text
        assert notices


def test_english_value_answer_uses_english_format(index: DigitalIndex, box: Toolbox) -> None:
    text, results, _ = answer(index, box, "value", "en",
                              call("get_metric", municipalities=["Bochum"], metric="research_institutes"))
    f = results[0].figures[0]
    assert f"**{format_number(f['value'], 'en', 1)} per 100,000 inhabitants**" in text
    assert f"**rank {f['rank']} of 53**" in text
    assert "Source:" in text
    assert "Quelle" not in text


def test_kreis_average_is_named_for_kreis_towns(index: DigitalIndex, box: Toolbox) -> None:
    text, results, _ = answer(index, box, "compare_average", "de",
                              call("get_metric", municipalities=["Kamen"], metric="overall"))
    group = results[0].fact("group_average:Kreis Unna") or 0.0
    assert f"Der Durchschnitt im Kreis Unna liegt bei {format_number(group, 'de', 1)} Punkten." in text
    assert "(Ruhr-Durchschnitt = 100" in text


def test_comparison_lists_best_first(index: DigitalIndex, box: Toolbox) -> None:
    text, results, _ = answer(index, box, "compare", "de",
                              call("compare_municipalities", municipalities=["Bochum", "Dortmund", "Hamm"],
                                   metric="it_employees"))
    ordered = sorted(results[0].figures, key=lambda f: f["rank"])
    positions = [text.index(f"**{f['municipality']}**") for f in ordered]
    assert positions == sorted(positions)
    assert f"Vorn liegt **{ordered[0]['municipality']}**." in text


def test_ranking_with_filter_notes_that_ranks_are_among_all(index: DigitalIndex, box: Toolbox) -> None:
    text, results, _ = answer(index, box, "rank", "de",
                              call("rank_municipalities", metric="overall", n=3, kreis="Kreis Wesel"))
    assert text.startswith("Die besten 3 bei **Digital-Index (gesamt)** im Kreis Wesel:")
    for n, f in enumerate(results[0].figures, start=1):
        assert f"{n}. **{f['municipality']}** – " in text
    assert "Die Plätze beziehen sich auf alle 53 Kommunen." in text


def test_above_below_names_the_municipalities_above_100(index: DigitalIndex, box: Toolbox) -> None:
    text, results, _ = answer(index, box, "above_below", "en", call("rank_municipalities", metric="overall", n=53))
    above = [f["municipality"] for f in results[0].figures if f["value"] > 100]
    assert text.startswith(f"{len(above)} of 53 municipalities are above the Ruhr average.")
    assert all(name in text for name in above)


def test_profile_explain_peers_and_what_if(index: DigitalIndex, box: Toolbox) -> None:
    text, _, _ = answer(index, box, "profile", "de", call("get_profile", municipality="Hagen"))
    assert text.startswith("**Hagen** (kreisfreie Stadt): Digital-Index **")
    assert "Teilbereiche:" in text
    text, results, _ = answer(index, box, "explain", "en", call("explain_score", municipality="Herne"))
    diff = abs(results[0].fact("difference") or 0.0)
    assert f"{format_number(diff, 'en', 1)} points" in text
    assert "Infrastructure:" in text
    text, _, _ = answer(index, box, "peers", "de", call("find_peers", municipality="Hagen", k=2))
    assert text.count("\n- **") == 2
    assert "Einwohner je km²" in text
    text, results, _ = answer(index, box, "what_if", "de",
                              call("what_if_weights", area_weights={"infrastruktur": 2}, municipality="Hagen"))
    own = results[0].data["municipality"]
    assert f"**Platz {own['rank']}** statt Platz {own['default_rank']}" in text
    assert "Infrastruktur Gewicht 2 statt 1" in text
    assert "synthetische Demonstrationswerte" in text
    assert "gespeicherten Daten bleiben unverändert" in text


def test_project_answer_shows_what_can_be_reused(index: DigitalIndex, box: Toolbox) -> None:
    text, _, _ = answer(index, box, "project_search", "de", call("search_projects", query="Luftqualität"))
    assert "1. **LuFt-Hub** (Lünen, Holzwickede) – Status: laufend" in text
    assert "Übertragbar: „Sensorkonzept und Datenplattform“" in text
    assert "Budget: 1.250.000 €" in text
    assert "Link: https://example.org/luft" in text
    assert "2. **Vages Projekt** (regionweit) – Status: geplant" in text
    assert "nicht verifiziert" in text
    assert "50 Sensoren" not in text  # the matched passage is never quoted


def test_no_project_found_and_index_unavailable(index: DigitalIndex) -> None:
    empty = Toolbox(index, FakeProjects())
    text, _, _ = answer(index, empty, "project_search", "en", call("search_projects", query="Seilbahn"))
    assert text.startswith("I found no matching project in the corpus")
    broken = Toolbox(index, FakeProjects(error=IndexUnavailableError("no index has been built yet")))
    text, _, _ = answer(index, broken, "project_search", "de", call("search_projects", query="Glasfaser"))
    assert text.startswith("Die Projektsuche ist gerade nicht verfügbar")
    assert "assistant index build" in text


def test_reusable_projects_name_the_weak_indicators(index: DigitalIndex, box: Toolbox) -> None:
    text, results, _ = answer(index, box, "reusable_projects", "de",
                              call("suggest_reusable_projects", municipality="Herne"))
    assert text.startswith("Die schwächsten Indikatoren von **Herne**:")
    first_weak = index.registry.indicator(results[0].figures[0]["metric"]).name_de
    assert first_weak in text
    assert "**Breitband X** (Bochum)" in text
    text, _, _ = answer(index, box, "reusable_projects", "en",
                        call("suggest_reusable_projects", municipality="Herne", query="air quality"))
    assert text.startswith("Projects on “air quality” from other municipalities that **Herne** could adopt:")
    assert "1. **LuFt-Hub** (Lünen, Holzwickede)" in text


def test_outside_region_and_unknown_names(index: DigitalIndex, box: Toolbox) -> None:
    text, _, _ = answer(index, box, "unknown_municipality", "de",
                        unresolved=(Mention("municipality", "Köln", (), outside_region=True),))
    assert text.startswith("**Köln** gehört nicht zu den 53 Kommunen des Ruhrgebiets")
    text, _, _ = answer(index, box, "unknown_municipality", "en",
                        unresolved=(Mention("municipality", "Hgnn", ("Hagen", "Hamm")),))
    assert "I don't know a municipality “Hgnn”" in text
    assert "Did you mean: Hagen, Hamm?" in text
    assert "covers the 53 municipalities" in text
    text, _, _ = answer(index, box, "unknown_metric", "de",
                        unresolved=(Mention("metric", "Wetter", ("mobile_5g",)),))
    assert "Einen Indikator „Wetter“ gibt es im Digital-Index Ruhr nicht. Meinten Sie: 5G-Abdeckung?" in text
    assert "Verfügbar sind 12 Indikatoren in 4 Bereichen" in text


def test_tool_error_for_unknown_municipality_is_explained(index: DigitalIndex, box: Toolbox) -> None:
    text, _, _ = answer(index, box, "value", "de", call("get_metric", municipalities=["Atlantis"], metric="overall"))
    assert "Eine Kommune „Atlantis“ kenne ich im Digital-Index Ruhr nicht." in text


def test_out_of_scope_and_help(index: DigitalIndex, box: Toolbox) -> None:
    text, _, _ = answer(index, box, "out_of_scope", "de")
    assert text.startswith("Dabei kann ich nicht helfen")
    assert "Daten ändern" in text
    text, _, _ = answer(index, box, "help", "en")
    assert "digital projects" in text
    assert "How does Hagen do on fibre?" in text


def test_synthetic_notice_only_when_values_are_synthetic(index: DigitalIndex, box: Toolbox) -> None:
    table = index.table
    public = [(a, i) for a in table.provenance.index for i in table.provenance.columns
              if table.provenance.at[a, i] == "public"]
    ags, indicator = public[0]
    name = index.registry.municipality(ags).name
    # compare_municipalities: exactly the named municipality (get_metric would add synthetic peers)
    text, _, notices = answer(index, box, "compare", "de",
                              call("compare_municipalities", municipalities=[name], metric=indicator))
    assert "synthetisch" not in text
    assert notices == []
    text, _, notices = answer(index, box, "profile", "de", call("get_profile", municipality=name))
    assert "Ein Teil dieser Werte sind synthetische Demonstrationswerte" in text
    assert notices


def test_value_answer_names_similar_municipalities_with_their_values() -> None:
    from assistant.answers.chat import Assistant, Engine
    from assistant.core.numbers import format_number
    from assistant.index.digital_index import DigitalIndex
    from tests.conftest import SHIPPED_DATA

    index = DigitalIndex.load(SHIPPED_DATA)
    reply = Assistant(Engine(index=index)).ask("Wie schneidet Hagen bei Glasfaser ab?")
    peer_figures = reply.figures[1:]
    assert len(peer_figures) == 3
    line = next(part for part in reply.answer.split("\n\n") if part.startswith("Strukturell ähnliche Kommunen:"))
    for f in peer_figures:
        assert f"{f['municipality']} {format_number(f['value'], 'de', 1)} %" in line
        assert f"Platz {f['rank']} von 53" in line
    assert reply.guard is not None
    assert reply.guard.ok
