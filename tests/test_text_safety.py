"""One definition of invisible characters and of the question limit, used by every reader of outside text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant import presentation as pres
from assistant.core.text_safety import (
    INVISIBLE_CATEGORIES,
    MAX_QUESTION_CHARS,
    MAX_RAW_CHARS,
    clean_question,
    is_invisible,
    question_text,
    strip_invisible,
)
from assistant.presentation.safe_markdown import escape_markdown, inert_markdown
from assistant.projects.chunking import inert_text

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"

#: control, C1 control, zero-width space/joiner, soft hyphen, bidi override and isolate, BOM, private use
INVISIBLE = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u200b", "\u200d", "\u00ad", "\u202e", "\u2066", "\ufeff",
             "\ue000"]


def test_the_limits() -> None:
    assert MAX_QUESTION_CHARS == 2000
    assert MAX_RAW_CHARS == 50 * MAX_QUESTION_CHARS
    assert {"Cc", "Cf", "Co", "Cs"} == INVISIBLE_CATEGORIES


@pytest.mark.parametrize("ch", INVISIBLE)
def test_every_reader_of_outside_text_drops_the_same_characters(ch: str) -> None:
    assert is_invisible(ch)
    word = f"Ha{ch}gen"
    assert clean_question(word) == ("Hagen", True)
    assert question_text(word) == "Hagen"
    assert inert_text(word) == "Hagen"
    assert inert_markdown(word) == "Hagen"
    assert escape_markdown(word) == "Hagen"
    assert pres.clean_question(word) == "Hagen"


def test_visible_text_is_kept() -> None:
    text = "Mülheim an der Ruhr: 23,4 % – „Glasfaser“ 🙂 < 20.000"
    assert clean_question(text) == (text, False)
    assert strip_invisible(text) == text


def test_line_breaks_become_spaces_in_a_question_and_stay_in_markdown() -> None:
    assert clean_question("Hagen\n\tGlasfaser\r\n?") == ("Hagen Glasfaser ?", False)
    assert strip_invisible("a\n\u200bb\tc", keep="\n\t") == "a\nb\tc"
    assert inert_markdown("eins\u200b\nzwei").endswith("zwei")
    assert "\n" in inert_markdown("eins\nzwei")


def test_markup_in_a_question_is_made_inert() -> None:
    cleaned, _ = clean_question("<img src=x> ![a](http://t/p.png) [x](javascript:alert(1)) Städte < 20.000")
    assert "<img" not in cleaned
    assert "![" not in cleaned
    assert "](javascript" not in cleaned
    assert cleaned.endswith("Städte < 20.000")


def test_every_length_limit_is_the_same_one() -> None:
    long = "x" * (MAX_QUESTION_CHARS + 500)
    assert len(question_text(long)) == MAX_QUESTION_CHARS
    assert pres.clean_question(long) == "x" * MAX_QUESTION_CHARS
    assert len(pres.share_params(long, "de")["q"]) == MAX_QUESTION_CHARS
    assert len(clean_question(long)[0]) == len(long)  # the chat engine refuses, it does not cut


def test_no_other_module_defines_its_own_character_set_or_limit() -> None:
    """The four former definitions (2,000 literals, zero-width regexes, category sets) stay gone."""
    patterns = [re.compile(p) for p in (r"\b2_?000\b", r"\\u200b", r"\\x00-", r"\"Cf\"", r"'Cf'")]
    offenders = []
    for path in [*PACKAGE.rglob("*.py"), PACKAGE.parent / "app.py", *(PACKAGE.parent / "app_parts").rglob("*.py")]:
        if path.name == "text_safety.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in patterns):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def test_strip_invisible_fast_path_agrees_with_the_character_rule() -> None:
    # the printable-text shortcut must remove exactly what the per-character rule removes
    samples = [*range(0x3100), 0xE000, 0xF8FF, 0xFEFF, 0xFFF9, 0x1F600, 0xE0001, 0xF0000, 0x10FFFD]
    for keep in ("", "\n\t"):
        for code in samples:
            text = f"a{chr(code)}b"
            expected = "".join(ch for ch in text if ch in keep or not is_invisible(ch))
            assert strip_invisible(text, keep=keep) == expected, (hex(code), keep)
