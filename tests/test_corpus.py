"""Corpus validation: every problem with file and field, all at once; the topic vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import assistant.index.data
from assistant.cli.commands import main
from assistant.core.errors import DataValidationError, Problem
from assistant.projects.corpus import load_corpus, validate_corpus
from assistant.projects.topics import TOPICS, parse_topic_vocabulary, topic_vocabulary
from tests.retrieval_fixtures import fixture_registry, write_fixture_corpus, write_project

ROOT = Path(__file__).resolve().parent.parent


def problems_for(corpus: Path) -> list[Problem]:
    return validate_corpus(corpus, fixture_registry())[1]


def only_problem(corpus: Path) -> Problem:
    problems = problems_for(corpus)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_fixture_corpus_is_valid_and_typed(tmp_path: Path) -> None:
    projects, problems = validate_corpus(write_fixture_corpus(tmp_path), fixture_registry())
    assert problems == []
    assert [p.id for p in projects] == sorted(p.id for p in projects)
    bochum = next(p for p in projects if p.id == "glasfaser-bochum")
    assert bochum.municipalities == ("Bochum",)
    assert bochum.start == "2021"
    assert bochum.end is None
    assert bochum.body.startswith("Die Stadt Bochum")
    assert len(bochum.sha256) == 64


def test_bad_yaml_reports_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "kaputt.md").write_text("---\nid: kaputt\ntitle: [unclosed\n---\nText\n", encoding="utf-8")
    problem = only_problem(tmp_path)
    assert problem.file == "kaputt.md"
    assert problem.expected == "valid YAML front matter"
    assert "YAML error" in problem.found
    assert problem.row is not None
    assert problem.row >= 3


def test_missing_front_matter(tmp_path: Path) -> None:
    (tmp_path / "ohne.md").write_text("Nur Text, kein Front Matter.\n", encoding="utf-8")
    problem = only_problem(tmp_path)
    assert "front matter" in problem.expected
    assert problem.found == "no front matter"


def test_missing_field_is_named(tmp_path: Path) -> None:
    write_project(tmp_path, "ohne-titel", "Text.")
    path = tmp_path / "ohne-titel.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Projekt ohne-titel\n", ""), encoding="utf-8")
    problem = only_problem(tmp_path)
    assert (problem.file, problem.column) == ("ohne-titel.md", "title")
    assert str(problem) == "ohne-titel.md, column 'title': expected the field 'title', found it is missing"


def test_unknown_topic(tmp_path: Path) -> None:
    write_project(tmp_path, "quanten", "Text.", topics=["quantum"])
    problem = only_problem(tmp_path)
    assert problem.column == "topics"
    assert problem.found == "unknown topic 'quantum'"
    assert "broadband" in problem.expected


def test_unknown_municipality(tmp_path: Path) -> None:
    write_project(tmp_path, "atlantis", "Text.", municipalities=["Bochum", "Atlantis"])
    problem = only_problem(tmp_path)
    assert problem.column == "municipalities"
    assert problem.found == "unknown municipality 'Atlantis'"
    assert problem.row == 4  # the line of `municipalities:` in the file


def test_alias_is_not_a_corpus_name(tmp_path: Path) -> None:
    write_project(tmp_path, "alias", "Text.", municipalities=["Mülheim"])
    assert only_problem(tmp_path).found == "unknown municipality 'Mülheim'"


@pytest.mark.parametrize("url", ["ftp://example.org/x", "example.org/ohne-schema", "https://kein host.de", "http://localhost"])
def test_bad_url(tmp_path: Path, url: str) -> None:
    write_project(tmp_path, "quelle", "Text.", sources=[url])
    problem = only_problem(tmp_path)
    assert problem.column == "sources"
    assert problem.expected == "an absolute http(s) URL"
    assert problem.found == repr(url)


def test_id_must_equal_file_name(tmp_path: Path) -> None:
    write_project(tmp_path, "anders", "Text.", file_stem="datei")
    problem = only_problem(tmp_path)
    assert (problem.file, problem.column) == ("datei.md", "id")
    assert problem.expected == "the file name 'datei'"
    assert problem.found == "'anders'"


def test_duplicate_id(tmp_path: Path) -> None:
    write_project(tmp_path, "doppelt", "Text.")
    write_project(tmp_path, "doppelt", "Text.", file_stem="zweite")
    problems = problems_for(tmp_path)
    duplicate = [p for p in problems if p.expected == "an id used by one file only"]
    assert len(duplicate) == 1
    assert duplicate[0].file == "zweite.md"
    assert duplicate[0].found == "'doppelt', also in doppelt.md"


def test_other_field_rules(tmp_path: Path) -> None:
    write_project(tmp_path, "regeln", "Text.", status="fertig", scope="region", municipalities=[],
                  kreis="Kreis Unna", topics=["broadband", "mobile", "energy", "climate", "health"],
                  budget_eur=-5, verified="ja", start=2024, end=2020, municipalites=["Bochum"])
    found = {(p.column, p.found) for p in problems_for(tmp_path)}
    assert ("status", "'fertig'") in found
    assert ("kreis", "'Kreis Unna'") in found  # a Kreis only for scope 'kreis'
    assert ("topics", "['broadband', 'mobile', 'energy', 'climate', 'health']") in found
    assert ("budget_eur", "-5") in found
    assert ("verified", "'ja'") in found
    assert ("end", "'2020'") in found
    assert ("municipalites", "unknown field 'municipalites'") in found


def test_all_problems_of_all_files_at_once(tmp_path: Path) -> None:
    write_project(tmp_path, "eins", "Text.", topics=["quantum"], sources=["nope"])
    write_project(tmp_path, "zwei", "Text.", municipalities=["Atlantis"])
    write_project(tmp_path, "gut", "Text.")
    with pytest.raises(DataValidationError) as caught:
        load_corpus(tmp_path, fixture_registry())
    located = sorted((p.file, p.column) for p in caught.value.problems)
    assert located == [("eins.md", "sources"), ("eins.md", "topics"), ("zwei.md", "municipalities")]
    assert "3 problem(s) found" in str(caught.value)


def test_empty_body_is_a_problem(tmp_path: Path) -> None:
    write_project(tmp_path, "leer", "")
    assert only_problem(tmp_path).column == "body"


def test_parse_topic_vocabulary_reads_only_the_topic_section() -> None:
    readme = """# Korpus
Felder: `id`, `title`.

## Themenvokabular (`topics`)

| ID | Bedeutung |
|---|---|
| `broadband` | Breitband |
| `mobile` | Mobilfunk |

## Neues Projekt
- `not_a_topic` example
"""
    assert parse_topic_vocabulary(readme) == ("broadband", "mobile")


def test_topic_vocabulary_falls_back_to_builtin(tmp_path: Path) -> None:
    assert topic_vocabulary(tmp_path) == TOPICS


def test_builtin_topics_match_corpus_readme() -> None:
    readme = ROOT / "corpus" / "README.md"
    if not readme.is_file():
        pytest.skip("corpus/README.md not written yet")
    assert set(parse_topic_vocabulary(readme.read_text(encoding="utf-8"))) == set(TOPICS)


def test_shipped_corpus_is_valid() -> None:
    if not (ROOT / "index_data" / "municipalities.csv").is_file() or not (ROOT / "corpus").is_dir():
        pytest.skip("shipped data not present")
    registry = assistant.index.data.load_registry(ROOT / "index_data")
    projects, problems = validate_corpus(ROOT / "corpus", registry)
    assert problems == []
    assert len(projects) >= 40




def test_cli_corpus_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(write_fixture_corpus(tmp_path)))
    monkeypatch.setattr(assistant.index.data, "load_registry", lambda _dir: fixture_registry())
    assert main(["corpus", "validate"]) == 0
    assert "6 project file(s) valid" in capsys.readouterr().out

    write_project(tmp_path, "atlantis", "Text.", municipalities=["Atlantis"], topics=["quantum"])
    assert main(["corpus", "validate", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert {(p["file"], p["field"]) for p in report["problems"]} == {
        ("atlantis.md", "municipalities"), ("atlantis.md", "topics")
    }
