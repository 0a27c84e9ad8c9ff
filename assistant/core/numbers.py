"""Numbers as people write them in German and English spreadsheets, chat and reports.

Official tables arrive from German offices ("1.234,5", "12,5 %", "1 234,5") and from English
tools ("1,234.5"); a misread separator silently turns 1234 into 1.234, which range checks cannot
always catch. So parsing here is strict: a cell either has one clear reading or is a ValueError
with a message naming the problem; nothing is ever guessed silently.

Grammar accepted by `parse_number` (after stripping surrounding whitespace):
    [sign] integer-part [decimal-mark digits] [whitespace] [%]
- sign: "-", "+" or the typographic minus "−";
- integer part: plain digits, or groups of three separated by the thousands separator (the other
  mark, or a space: normal, no-break U+00A0, thin U+2009, narrow no-break U+202F, figure U+2007);
  one kind of group separator per number, the first group does not start with 0 ("0.123" is never
  123); digits are ASCII 0-9 only;
- a trailing "%" is dropped: "12,5 %" is 12.5 (the value as written, not 0.125).
No exponents, no "nan"/"inf", no leading ".5": such text raises ValueError.

The ambiguity rule. "1.234" (a single mark followed by exactly three digits) is 1234 in German and
1.234 in English. `parse_number(text, decimal=...)` resolves it with the caller's convention; with
`decimal=None` a lone mark is read as the decimal mark (as Python's float() does). A file is never
parsed cell by cell without a convention: the importer asks `decimal_readings` for every text cell
of a column, decides the column's mark from the cells only one mark can read ("12,5", "1.234,5",
"1,234,567", "0.123"), and parses every cell with it, so "1.234" in a column of decimal commas is
1234; a column that proves both marks, or none while its cells read two ways, is rejected
(assistant.index.decimal_columns). `detect_decimal_mark` is the older majority vote over a whole text,
kept for callers that want a best guess and tested for never picking a wrong mark.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from typing import Literal

DecimalMark = Literal[",", "."]

#: The decimal mark of each interface language.
DECIMAL_MARKS: dict[str, DecimalMark] = {"de": ",", "en": "."}

_MINUS_SIGNS = "-−"
#: Spaces that group thousands: normal, no-break, figure, thin and narrow no-break space.
_GROUP_SPACES = " \u00a0\u2007\u2009\u202f"
_BODY = re.compile(r"[0-9., ]+")


def decimal_mark(lang: str) -> DecimalMark:
    """The decimal mark for an interface language ("de" -> ",", anything else -> ".")."""
    return DECIMAL_MARKS.get(lang, ".")


def _split_sign(text: str) -> tuple[bool, str]:
    """Strip whitespace, a trailing percent sign and a leading sign; group spaces become ' '."""
    body = text.strip()
    if body.endswith("%"):
        body = body[:-1].rstrip()
    negative = False
    if body[:1] in (*_MINUS_SIGNS, "+"):
        negative = body[0] in _MINUS_SIGNS
        body = body[1:]
    return negative, "".join(" " if ch in _GROUP_SPACES else ch for ch in body)


def _lone_mark(body: str) -> DecimalMark | None:
    """The mark a body would use as decimal mark without a convention (None: no fraction)."""
    commas, dots = body.count(","), body.count(".")
    if commas and dots:
        return "," if body.rfind(",") > body.rfind(".") else "."
    if commas == 1:
        return ","
    if dots == 1:
        return "."
    return None


def _valid_integer_part(part: str, group: str) -> bool:
    """Digits, or 1-3 digits (not starting with 0) followed by groups of exactly three digits."""
    if re.fullmatch(r"[0-9]+", part):
        return True
    separators = {ch for ch in part if not ch.isdigit()}
    if len(separators) != 1 or not separators <= set(group):
        return False
    sep = re.escape(separators.pop())
    return re.fullmatch(rf"[1-9][0-9]{{0,2}}(?:{sep}[0-9]{{3}})+", part) is not None


def parse_number(text: str, decimal: DecimalMark | None = None) -> float:
    """Parse a number written in German or English style; raise ValueError with a reason.

    `decimal` is the convention of the file or conversation ("," German, "." English); with None,
    a lone "," or "." is the decimal mark and a mark that occurs several times groups thousands.
    """
    if not isinstance(text, str):
        raise ValueError(f"not a number: {text!r} (expected text)")
    negative, body = _split_sign(text)
    if not body:
        raise ValueError(f"not a number: {text!r} (empty)")
    if not _BODY.fullmatch(body):
        raise ValueError(f"not a number: {text!r} (only digits, '.', ',', spaces, a sign and % are allowed)")
    mark = decimal if decimal is not None else _lone_mark(body)
    group = {",": " .", ".": " ,", None: " .,"}[mark]
    if mark is None:
        integer, fraction = body, ""
    else:
        if body.count(mark) > 1:
            raise ValueError(f"not a number: {text!r} (decimal mark {mark!r} appears more than once)")
        integer, _, fraction = body.partition(mark)
        if mark in body and not re.fullmatch(r"[0-9]+", fraction):
            raise ValueError(f"not a number: {text!r} (expected only digits after the decimal mark {mark!r})")
    if not integer:
        raise ValueError(f"not a number: {text!r} (expected digits before the decimal mark)")
    if not _valid_integer_part(integer, group):
        reason = "thousands separators must group exactly three digits"
        if decimal is not None:
            reason = f"with decimal mark {decimal!r}, {group[1]!r} and spaces only group thousands"
        raise ValueError(f"not a number: {text!r} ({reason})")
    digits = "".join(ch for ch in integer if ch.isdigit())
    value = float(f"{digits}.{fraction}" if fraction else digits)
    if not math.isfinite(value):
        raise ValueError(f"not a number: {text!r} (too large)")
    return -value if negative else value


def decimal_evidence(text: str) -> DecimalMark | None:
    """The decimal mark a cell proves, or None when it proves nothing ("12", "1.234", "abc").

    "12,5" and "1.234,5" prove ","; "1,234,567" proves "." (repeated commas group thousands);
    "0.123" and "1234.567" prove "." because a thousands group never follows "0" or four digits.
    """
    _, body = _split_sign(text)
    if not _BODY.fullmatch(body) or not re.search("[0-9]", body):
        return None
    commas, dots = body.count(","), body.count(".")
    if commas and dots:
        return "," if body.rfind(",") > body.rfind(".") else "."
    if commas + dots == 0:
        return None
    mark: DecimalMark = "," if commas else "."
    other: DecimalMark = "." if commas else ","
    if body.count(mark) > 1:
        return other
    integer, _, fraction = body.partition(mark)
    could_group = re.fullmatch(r"[1-9][0-9]{0,2}", integer) is not None and len(fraction) == 3
    return None if could_group else mark


def decimal_readings(text: str) -> dict[DecimalMark, float]:
    """The value of a cell under each decimal mark that can read it (empty: not a number at all).

    Two entries with different values ("1.250": 1250 with ",", 1.25 with ".") mean the cell alone
    cannot tell the convention; one entry proves its mark ("23,4", "1,250.5", "0.123"); two equal
    entries ("12", "1 234") need no decision. This is the importer's column rule, and it is exact by
    construction: it asks `parse_number` itself instead of re-deriving its grammar.
    """
    readings: dict[DecimalMark, float] = {}
    for mark in DECIMAL_MARKS.values():
        try:
            readings[mark] = parse_number(text, decimal=mark)
        except ValueError:
            continue
    return readings


def detect_decimal_mark(texts: Iterable[str]) -> DecimalMark | None:
    """The decimal mark most unambiguous cells agree on; None if none votes or the vote ties.

    Cells that disagree with the winner then fail `parse_number(cell, decimal=winner)` and are
    reported with their row, so a file mixing "1,5" and "1.5" is never read half wrong.
    """
    votes = Counter(mark for mark in map(decimal_evidence, texts) if mark is not None)
    if not votes or votes[","] == votes["."]:
        return None
    return "," if votes[","] > votes["."] else "."


def format_number(value: float, lang: str = "de", decimals: int = 1) -> str:
    """Format for display: 1234.5 -> "1.234,5" (de) or "1,234.5" (en); -0.0 shows as "0,0".

    Rounding is Python's (half to even on the binary value), the same as f-strings, so the
    figure shown equals round(value, decimals) and `parse_number(..., decimal_mark(lang))`
    reads it back exactly.
    """
    if not math.isfinite(value):
        raise ValueError(f"cannot format {value!r}: not a finite number")
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not any(ch in "123456789" for ch in text):
        text = text[1:]
    if decimal_mark(lang) == ",":
        text = text.translate(str.maketrans(",.", ".,"))
    return text
