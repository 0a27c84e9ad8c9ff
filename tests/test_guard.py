"""The number guard: what counts as a number, what is traceable, and that templates always pass."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answers.compose import compose
from assistant.answers.guard import Evidence, check, check_answer, evidence, extract_numbers
from assistant.index.digital_index import DigitalIndex
from assistant.index.registry import metric_ids
from assistant.tools.plan import Plan
from assistant.tools.toolbox import Fact, Toolbox, ToolResult
from tests.chat_support import FakeProjects, call, project


def texts(answer: str) -> list[str]:
    return [t.text for t in extract_numbers(answer)]


def result_with(*facts: float, **data: object) -> ToolResult:
    return ToolResult("get_metric", {}, facts=[Fact(f"f{n}", v) for n, v in enumerate(facts)], data=dict(data))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Hagen hat 23,4 % und liegt auf Platz 31 von 53.", ["23,4", "31", "53"]),
        ("Dortmund: 1.234,5 je 100.000 Einwohner", ["1.234,5", "100.000"]),
        ("Dortmund: 1,234.5 per 100,000 inhabitants", ["1,234.5", "100,000"]),
        ("5G-Abdeckung an der B54 mit e5", []),
        ("Quelle: https://www.rvr.ruhr/news/2025/06/24?p=8781 und [Link](https://x.de/a1)", []),
        ("1. **Bochum** – 3.\n2) Essen\n- 3. Herne", ["3"]),
        ("Rang #7 (+3) und −2", ["7", "3", "2"]),
        ("am 24.06.2025", ["24.06"]),
        ("Wert 1\u202f234,5", ["1\u202f234,5"]),
    ],
)
def test_extract_numbers(answer: str, expected: list[str]) -> None:
    assert texts(answer) == expected


def test_rounding_to_zero_one_or_two_decimals_is_allowed_but_nothing_else() -> None:
    allowed = Evidence([23.4567])
    assert check("23,5 % oder 23,46 % oder 23 % oder 23.46", allowed).ok
    assert check("24 %", allowed).untraceable == ("24",)
    assert check("23,4 %", allowed).untraceable == ("23,4",)  # 23.4567 does not round to 23.4


def test_thousands_and_decimal_marks_in_both_conventions() -> None:
    allowed = Evidence([189614.0, 1.6])
    assert check("189.614 Einwohner, 1,6 je 1.000", Evidence([189614.0, 1.6, 1000.0])).ok
    assert check("189,614 inhabitants, 1.6 per 1,000", Evidence([189614.0, 1.6, 1000.0])).ok
    assert not check("189.615 Einwohner", allowed).ok


def test_evidence_includes_facts_args_data_text_and_project_metadata() -> None:
    result = ToolResult(
        "search_projects", {"query": "Top 10", "k": 5},
        facts=[Fact("ruhr_average", 30.123)],
        data={"findings": [{"statement": "Platz 1 von 12 Metropolregionen, 98,3 % der Fläche"}]},
        projects=[project("p", budget_eur=2500000.0, best_passage="Es gibt 777 Sensoren",
                          why="Rang 888").to_dict()],
        sources=[{"id": "s", "title": "Zensus 2022", "url": "https://x.de/9999"}],
    )
    allowed = evidence([result])
    assert check("30,1; Top 10; 5; Platz 1 von 12; 98,3 %; 2.500.000 €; 2022", allowed).ok
    assert check("777 Sensoren", allowed).untraceable == ("777",)  # retrieved prose is not evidence
    assert check("Rang 888", allowed).untraceable == ("888",)


def test_question_numbers_only_count_when_allowed() -> None:
    assert check_answer("Platz 3", [], "Ist Hagen auf Platz 3?").ok
    assert not check_answer("Platz 3", [], None).ok


def test_an_invented_number_is_caught_next_to_real_ones(index: DigitalIndex) -> None:
    box = Toolbox(index)
    result = box.execute(call("get_metric", municipalities=["Hagen"], metric="fibre_households"))
    f = result.figures[0]
    honest = f"Hagen: {f['value']:.1f} %, Platz {f['rank']} von {f['of']} ({f['year']})"
    assert check_answer(honest, [result]).ok
    invented_rank = 1 if f["rank"] > 3 else 50
    report = check_answer(honest + f", früher Platz {invented_rank}.", [result])
    assert report.untraceable == (str(invented_rank),)


def test_error_messages_are_evidence() -> None:
    failed = ToolResult("rank_municipalities", {"n": 100}, error="Input should be less than or equal to 53")
    assert check("n = 100 ist zu groß, höchstens 53", evidence([failed])).ok


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    municipality=st.integers(min_value=0, max_value=52),
    metric=st.sampled_from(metric_ids()),
    lang=st.sampled_from(["de", "en"]),
    intent=st.sampled_from(["value", "compare_average", "position", "above_below"]),
)
def test_template_answers_always_pass_the_guard(index: DigitalIndex, municipality: int, metric: str, lang: str,
                                                intent: str) -> None:
    name = index.registry.municipalities[municipality].name
    other = index.registry.municipalities[(municipality + 7) % 53].name
    box = Toolbox(index, FakeProjects(hits=[project("luft-hub", budget_eur=120000.0)],
                                      suggestions=[project("breitband")]))
    calls = [
        call("get_metric", municipalities=[name], metric=metric),
        call("compare_municipalities", municipalities=[name, other], metric=metric),
        call("rank_municipalities", metric=metric, n=(municipality % 10) + 1, order="bottom"),
        call("get_profile", municipality=name),
        call("explain_score", municipality=name),
        call("find_peers", municipality=name, k=(municipality % 5) + 1),
        call("what_if_weights", area_weights={"forschung": 0.5 + municipality % 3}, municipality=name),
        call("suggest_reusable_projects", municipality=name),
        call("search_projects", query="Luft", municipality=other),
    ]
    results = [box.execute(c, lang) for c in calls]  # type: ignore[arg-type]
    plan = Plan(intent, lang, tuple(calls))  # type: ignore[arg-type]
    composed = compose(plan, results, index.registry, lang)  # type: ignore[arg-type]
    report = check_answer(composed.text, results, None, extra=composed.extra)
    assert report.ok, report.untraceable


@pytest.mark.parametrize("topic", [None, "scores", "weights", "ranks", "average", "provenance", "peers"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_fixed_wording_answers_pass_the_guard(index: DigitalIndex, topic: str | None, lang: str) -> None:
    box = Toolbox(index)
    calls = [call("describe_method", topic=topic), call("list_indicators"), call("get_findings")]
    results = [box.execute(c, lang) for c in calls]  # type: ignore[arg-type]
    composed = compose(Plan("method", lang, tuple(calls)), results, index.registry, lang)  # type: ignore[arg-type]
    assert check_answer(composed.text, results, None, extra=composed.extra).ok
