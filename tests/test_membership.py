"""'und ist Dorsten da auch dabei?': whether a town takes part in the project just shown, said first."""

from __future__ import annotations

import pytest

from assistant.answers.answer_writer import AnswerWriter
from assistant.answers.answers_knowledge import membership
from assistant.index.digital_index import DigitalIndex
from assistant.projects.membership import membership as project_membership
from assistant.tools.tool_results import ToolResult
from tests.chat_support import project


def card(**fields: object) -> ToolResult:
    return ToolResult("get_project", {}, projects=[project("p", **fields).to_dict()])


@pytest.mark.parametrize(("fields", "town", "expected"), [
    ({"municipalities": ["Lünen"], "kreis": ["Kreis Unna"], "scope": "municipality"}, "Lünen", "gehört zu den"),
    # a Kreis-wide project names only some towns: another town of that Kreis is covered, not "missing"
    ({"municipalities": ["Lünen"], "kreis": ["Kreis Unna"], "scope": "kreis"}, "Selm", "Kreis Unna"),
    ({"municipalities": [], "kreis": [], "scope": "region"}, "Herne", "ganze Region"),
    ({"municipalities": ["Lünen"], "kreis": ["Kreis Unna"], "scope": "municipality"}, "Herne", "nicht als beteiligte"),
])
def test_the_answer_says_whether_the_town_takes_part(index: DigitalIndex, fields: dict[str, object], town: str,
                                                     expected: str) -> None:
    registry = index.registry
    asked = next(m for m in registry.municipalities if m.name == town)
    assert expected in membership(AnswerWriter(registry, "de"), card(**fields), [asked])


@pytest.mark.parametrize(("town", "town_kreis", "members", "kreise", "scope", "expected"), [
    ("Bergkamen", "Kreis Unna", ["Bergkamen"], [], "kreis", "member"),
    ("Bönen", "Kreis Unna", ["Bergkamen"], ["Kreis Unna"], "kreis", "kreis"),
    ("Herne", None, [], [], "region", "region"),
    ("Herne", None, ["Bochum"], [], "region", "none"),  # a region project that names its towns names them all
    ("Dorsten", "Kreis Recklinghausen", ["Bottrop"], [], "municipality", "none"),
])
def test_one_membership_rule_for_the_planner_and_the_answer(town: str, town_kreis: str | None, members: list[str],
                                                            kreise: list[str], scope: str, expected: str) -> None:
    assert project_membership(town, town_kreis, members, kreise, scope) == expected
