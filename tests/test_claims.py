"""Proof-carrying numbers: claim ids on every figure, and `verify` marking each number of a text."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.answers.chat import Assistant, Engine
from assistant.index.claims import claim_id, figure_claim_id, verify, verify_answer
from assistant.index.digital_index import DigitalIndex
from tests.conftest import SHIPPED_DATA

QUESTIONS = [
    ("Wie steht Hagen bei Glasfaser?", "value"),
    ("Vergleiche Bochum und Essen bei KI-Stellenanzeigen", "compare"),
    ("Top 5 beim Gesamtindex im Kreis Recklinghausen", "rank"),
    ("Profil von Herne", "profile"),
    ("Why does Dortmund score as it does?", "explain"),
    ("Which municipalities are similar to Hamm?", "peers"),
    ("Was wäre, wenn Infrastruktur doppelt zählt, für Bochum?", "what_if"),
    ("Where does Gelsenkirchen rank on 5G?", "position"),
    ("Wie wird der Index berechnet?", "method"),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(index=DigitalIndex.load(SHIPPED_DATA))


def ask(engine: Engine, question: str) -> dict[str, Any]:
    return Assistant(engine).ask(question).to_dict()


@pytest.mark.parametrize(("question", "intent"), QUESTIONS)
def test_every_figure_carries_a_claim_id_that_verifies_the_answers_own_text(
    engine: Engine, question: str, intent: str,
) -> None:
    answer = ask(engine, question)
    assert answer["intent"] == intent
    version = answer["data_version"]
    for f in answer["figures"]:
        assert re.fullmatch(r"[0-9a-f]{12}", f["claim_id"])
        assert f["claim_id"] == figure_claim_id(f, version)
    report = verify_answer(answer)
    assert report.ok, [n.to_dict() for n in report.unverified]
    assert report.numbers, "each of these answers states numbers"
    unmatched = [f["metric"] for f in answer["figures"] if f["claim_id"] not in report.verified_claims()]
    # a profile lists all twelve indicators as figures (the web table) but names only its strengths
    # and weaknesses in the text; every other answer states each of its figures
    assert unmatched == [] if intent != "profile" else len(unmatched) <= 12 - 3
    assert report.to_dict()["status"] == "all verified"


def test_the_figures_a_value_answer_names_are_the_claims_its_numbers_match(engine: Engine) -> None:
    answer = ask(engine, "Wie steht Hagen bei Glasfaser?")
    report = verify_answer(answer)
    assert {f["claim_id"] for f in answer["figures"]} <= report.verified_claims()
    hagen = answer["figures"][0]
    first = report.numbers[0]
    assert (first.status, first.claim_id, first.field) == ("rounded", hagen["claim_id"], "value")


def test_the_same_question_twice_gives_the_same_claim_ids(engine: Engine) -> None:
    first = ask(engine, "Profil von Bochum")
    again = ask(Engine(index=DigitalIndex.load(SHIPPED_DATA)), "Profil von Bochum")
    assert [f["claim_id"] for f in first["figures"]] == [f["claim_id"] for f in again["figures"]]
    assert [f["claim_id"] for f in first["facts"]] == [f["claim_id"] for f in again["facts"]]
    assert first["data_version"] == again["data_version"]


def test_a_changed_value_changes_its_claim_id_and_the_data_version(tmp_path: Path) -> None:
    for file in SHIPPED_DATA.iterdir():
        shutil.copy(file, tmp_path / file.name)
    lines = (tmp_path / "values.csv").read_text(encoding="utf-8").splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    ags, indicator = row[header.index("ags")], row[header.index("indicator")]
    row[header.index("value")] = str(float(row[header.index("value")]) + 0.5)
    (tmp_path / "values.csv").write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")

    shipped, changed = DigitalIndex.load(SHIPPED_DATA), DigitalIndex.load(tmp_path)
    assert shipped.table.data_version != changed.table.data_version
    from assistant.index.scoring import figure
    before = figure(shipped.table, shipped.registry, ags, indicator)
    after = figure(changed.table, changed.registry, ags, indicator)
    assert after["value"] == pytest.approx(float(before["value"]) + 0.5)  # type: ignore[arg-type]
    assert before["claim_id"] != after["claim_id"]


def test_claim_id_depends_on_each_of_its_fields() -> None:
    base = claim_id("05914000", "fibre_households", 23.4, 2024, "v1")
    assert base == claim_id("05914000", "fibre_households", 23.4, 2024, "v1")
    variants = [
        claim_id("05913000", "fibre_households", 23.4, 2024, "v1"),
        claim_id("05914000", "mobile_5g", 23.4, 2024, "v1"),
        claim_id("05914000", "fibre_households", 23.41, 2024, "v1"),
        claim_id("05914000", "fibre_households", 23.4, 2023, "v1"),
        claim_id("05914000", "fibre_households", 23.4, 2024, "v2"),
    ]
    assert base not in variants
    assert len(set(variants)) == len(variants)


def test_a_tampered_number_is_reported_unverified(engine: Engine) -> None:
    answer = ask(engine, "Wie steht Hagen bei Glasfaser?")
    value = next(n for n in verify_answer(answer).numbers if n.field == "value")
    shown = value.text  # e.g. "20,9"
    swapped = shown[::-1] if shown[::-1] != shown else shown + "1"
    tampered = answer["answer"].replace(shown, swapped, 1)
    report = verify_answer(answer, tampered)
    assert [n.text for n in report.unverified] == [swapped]
    assert report.status == "1 unverified"
    assert not report.ok


FIGURES = [
    {"ags": "05914000", "municipality": "Hagen", "metric": "fibre_households", "value": 23.4321, "score": 71.2,
     "rank": 3, "of": 53, "unit": "%", "year": 2024, "claim_id": "aaaaaaaaaaaa"},
    {"ags": "05913000", "municipality": "Dortmund", "metric": "fibre_households", "value": 1250.0, "score": 80.0,
     "rank": 1, "of": 53, "unit": "per 100,000 inhabitants", "year": 2023, "claim_id": "bbbbbbbbbbbb"},
]


def statuses(text: str, language: str) -> list[tuple[str, str, str | None]]:
    return [(n.text, n.status, n.claim_id) for n in verify(text, FIGURES, language).numbers]


def test_german_and_english_number_formats() -> None:
    assert statuses("Hagen 23,4 %, Dortmund 1.250 je 100.000 Einwohner", "de") == [
        ("23,4", "rounded", "aaaaaaaaaaaa"), ("1.250", "exact", "bbbbbbbbbbbb")]
    assert statuses("Hagen 23.4%, Dortmund 1,250 per 100,000 inhabitants", "en") == [
        ("23.4", "rounded", "aaaaaaaaaaaa"), ("1,250", "exact", "bbbbbbbbbbbb")]
    # the text's language decides an ambiguous token: "1.250" in English is 1.25, backed by nothing
    assert statuses("Dortmund 1.250", "en") == [("1.250", "unverified", None)]
    # a token valid only in the other convention is read in that one
    assert statuses("Hagen: 23.43 %", "de") == [("23.43", "rounded", "aaaaaaaaaaaa")]
    assert statuses("Hagen 23,5 %", "de") == [("23,5", "unverified", None)]  # 23.4321 never shows as 23,5


def test_rank_year_and_count() -> None:
    assert statuses("Platz 3 von 53 (2024)", "de") == [
        ("3", "rank", "aaaaaaaaaaaa"), ("53", "rank", "aaaaaaaaaaaa"), ("2024", "year", "aaaaaaaaaaaa")]
    assert statuses("Hagen ranks 3rd; Dortmund is at rank 1 of 53 (data year 2023).", "en") == [
        ("3", "rank", "aaaaaaaaaaaa"), ("1", "rank", "bbbbbbbbbbbb"), ("53", "rank", "bbbbbbbbbbbb"),
        ("2023", "year", "bbbbbbbbbbbb")]
    assert statuses("Verglichen werden 2 von 53 Kommunen.", "de") == [
        ("2", "count", None), ("53", "rank", "aaaaaaaaaaaa")]
    assert statuses("Alle 53 Kommunen", "de") == [("53", "count", "aaaaaaaaaaaa")]
    assert statuses("Platz 4 im Jahr 2022", "de") == [("4", "unverified", None), ("2022", "unverified", None)]


def test_equal_numbers_are_matched_to_the_municipality_named_before_them() -> None:
    tied = [{**FIGURES[0], "rank": 7}, {**FIGURES[1], "rank": 7}]
    report = verify("Dortmund: Platz 7. Hagen: Platz 7.", tied, "de")
    assert [n.claim_id for n in report.numbers] == ["bbbbbbbbbbbb", "aaaaaaaaaaaa"]


def test_numbers_in_names_are_not_claims() -> None:
    assert statuses("5G an der A40 und der B54, Modell e5", "de") == []
    title = "Glasfaser-Bericht vom 24.06.2025"
    assert [n.text for n in verify(f"Quelle: {title}", FIGURES, "de").numbers] == ["24.06"]
    assert verify(f"Quelle: {title}", FIGURES, "de", names=[title]).numbers == ()
    # a name only exempts its own digits: a number next to it is still checked
    report = verify(f"{title}: 99,9 %", FIGURES, "de", names=[title])
    assert [(n.text, n.status) for n in report.numbers] == [("99,9", "unverified")]


def test_bad_answer_objects_are_rejected_with_a_reason() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        verify_answer([])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'figures' must be a list"):
        verify_answer({"answer": "1", "figures": "x"})
    with pytest.raises(ValueError, match="numeric 'value'"):
        verify_answer({"answer": "1", "figures": [{"value": "1"}]})
    with pytest.raises(ValueError, match="no text"):
        verify_answer({"figures": []})


def test_the_figure_table_says_in_words_which_figures_the_text_states(engine: Engine) -> None:
    from assistant import presentation as pres

    index = engine.index
    answer = ask(engine, "Profil von Herne")
    frame = pres.figure_table(answer["figures"], index.registry, "de", answer=answer).frame
    assert "Geprüft" in frame.columns
    marks = dict(zip(frame["Kennzahl"], frame["Geprüft"], strict=True))
    assert marks["Digital-Index (gesamt)"] == "ja, im Text belegt"
    assert set(marks.values()) == {"ja, im Text belegt", "nicht im Text genannt"}  # profile: all 12 indicators
    forged = json.loads(json.dumps(answer))
    forged["figures"][0]["value"] = 99.9
    english = pres.figure_table(forged["figures"], index.registry, "en", answer=forged).frame
    assert english.loc[0, "Verified"] == "no, the claim id does not match the value"
    assert "Verified" not in pres.figure_table(answer["figures"], index.registry, "en").frame.columns
