"""German and English number parsing and formatting (assistant.core.numbers)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.core.numbers import (
    decimal_evidence,
    decimal_mark,
    decimal_readings,
    detect_decimal_mark,
    format_number,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,5", 1234.5),
        ("12,5", 12.5),
        ("1,234.5", 1234.5),
        ("12.5", 12.5),
        (" 12 %", 12.0),
        ("78,5 %", 78.5),
        ("-3", -3.0),
        ("+3", 3.0),
        ("−2,5", -2.5),  # typographic minus
        ("1\u00a0234,5", 1234.5),  # no-break space
        ("1\u2009234,5", 1234.5),  # thin space
        ("1\u202f234,5", 1234.5),  # narrow no-break space
        ("1 234,5", 1234.5),
        ("1 234 567", 1234567.0),
        ("1.234.567,89", 1234567.89),
        ("1,234,567.89", 1234567.89),
        ("1.234.567", 1234567.0),  # a repeated mark can only group thousands
        ("0", 0.0),
        ("007", 7.0),
    ],
)
def test_parse_number_without_convention(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1.234", ",", 1234.0),  # German file: the dot groups thousands
        ("1.234", ".", 1.234),
        ("1.234", None, 1.234),  # no convention: a lone mark is the decimal mark
        ("1,234", ".", 1234.0),  # English file: the comma groups thousands
        ("1,234", ",", 1.234),
        ("1,234", None, 1.234),
        ("12,5", ",", 12.5),
        ("12.5", ".", 12.5),
        ("1.234.567,5", ",", 1234567.5),
        ("1,234,567.5", ".", 1234567.5),
    ],
)
def test_parse_number_with_convention(text: str, decimal: str | None, expected: float) -> None:
    assert parse_number(text, decimal) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "decimal", "message"),
    [
        ("", None, "empty"),
        ("   ", None, "empty"),
        ("%", None, "empty"),
        ("abc", None, "only digits"),
        ("1e5", None, "only digits"),
        ("nan", None, "only digits"),
        ("12 Mio", None, "only digits"),
        ("1.5.6", ".", "appears more than once"),
        ("1,2,3", ",", "appears more than once"),
        ("12.5", ",", "with decimal mark ','"),  # a stray English number in a German file
        ("12,5", ".", "with decimal mark '.'"),
        ("1.23.456", None, "group exactly three digits"),
        ("12,34.5", None, "group exactly three digits"),
        ("1.234,5", ".", "expected only digits after the decimal mark '.'"),
        (",5", None, "expected digits before the decimal mark"),
        ("5,", None, "expected only digits after the decimal mark"),
        ("1 234.567,8", None, "group exactly three digits"),  # two kinds of group separator
        ("- 3", None, "group exactly three digits"),
        ("0.123", ",", "with decimal mark ','"),  # "0.123" is never a thousands group
        ("0,123", ".", "with decimal mark '.'"),
        ("١٢", None, "only digits"),  # Arabic-Indic digits are not accepted silently
        ("9" * 400, None, "too large"),
    ],
)
def test_parse_number_rejects_with_reason(text: str, decimal: str | None, message: str) -> None:
    with pytest.raises(ValueError, match="not a number") as caught:
        parse_number(text, decimal)  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert repr(text) in str(caught.value)


def test_parse_number_rejects_non_text() -> None:
    with pytest.raises(ValueError, match="expected text"):
        parse_number(12.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("12,5", ","),
        ("1.234,5", ","),
        ("1.234.567", ","),
        ("12.5", "."),
        ("1,234.5", "."),
        ("1,234,567", "."),
        ("0.123", "."),  # a thousands group never follows a lone 0
        ("1234.567", "."),  # nor four digits
        ("0,123", ","),
        ("1.234", None),  # the ambiguous case proves nothing
        ("1,234", None),
        ("12", None),
        ("-", None),
        (".", None),
        ("k.A.", None),
    ],
)
def test_decimal_evidence(text: str, evidence: str | None) -> None:
    assert decimal_evidence(text) == evidence


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("1.250", {",": 1250.0, ".": 1.25}),  # fits both: the column must decide
        ("1,250", {",": 1.25, ".": 1250.0}),
        ("1.250,5", {",": 1250.5}),
        ("23,4", {",": 23.4}),
        ("1,250.5", {".": 1250.5}),
        ("23.45", {".": 23.45}),
        ("0.123", {".": 0.123}),
        ("1.234.567", {",": 1234567.0}),
        ("12", {",": 12.0, ".": 12.0}),  # reads the same either way
        ("1 234", {",": 1234.0, ".": 1234.0}),
        ("12,5 %", {",": 12.5}),
        ("abc", {}),
        ("1,2.3,4", {}),
    ],
)
def test_decimal_readings(text: str, readings: dict[str, float]) -> None:
    assert decimal_readings(text) == readings


@given(st.text(alphabet="0123456789., -%", max_size=10))
def test_decimal_readings_agree_with_decimal_evidence(text: str) -> None:
    """A number proves a mark exactly when only that mark can read it ("0." proves "." but is no number)."""
    readings = decimal_readings(text)
    proven = decimal_evidence(text)
    if proven is not None and readings:
        assert set(readings) == {proven}
    if len(readings) == 1:
        assert proven == next(iter(readings))


def test_detect_decimal_mark_decides_per_file() -> None:
    german = ["12,5", "1.234", "3", "98,1"]
    assert detect_decimal_mark(german) == ","
    assert [parse_number(t, detect_decimal_mark(german)) for t in german] == [12.5, 1234.0, 3.0, 98.1]
    english = ["12.5", "1,234", "0.5"]
    assert detect_decimal_mark(english) == "."
    assert parse_number("1,234", detect_decimal_mark(english)) == 1234.0


def test_detect_decimal_mark_without_evidence_or_tied() -> None:
    assert detect_decimal_mark(["1.234", "12", ""]) is None
    assert detect_decimal_mark(["1,5", "1.5"]) is None
    # a majority wins, and the minority cell then fails to parse instead of being misread
    mark = detect_decimal_mark(["1,5", "2,5", "1.5"])
    assert mark == ","
    with pytest.raises(ValueError, match="with decimal mark ','"):
        parse_number("1.5", mark)


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (23.4, "de", 1, "23,4"),
        (23.4, "en", 1, "23.4"),
        (1234.5, "de", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234567.891, "de", 2, "1.234.567,89"),
        (1234567.891, "en", 2, "1,234,567.89"),
        (1234.0, "de", 0, "1.234"),
        (-3.25, "de", 1, "-3,2"),  # half to even on the binary value, like f-strings
        (-0.04, "de", 1, "0,0"),  # no "-0,0"
        (-0.0, "en", 2, "0.00"),
        (0.5, "en", 0, "0"),
        (98.3, "fr", 1, "98.3"),  # unknown languages use the English mark
    ],
)
def test_format_number(value: float, lang: str, decimals: int, expected: str) -> None:
    assert format_number(value, lang, decimals) == expected


def test_format_number_rejects_non_finite_and_negative_decimals() -> None:
    with pytest.raises(ValueError, match="not a finite number"):
        format_number(math.nan, "de")
    with pytest.raises(ValueError, match="not a finite number"):
        format_number(math.inf, "en")
    with pytest.raises(ValueError, match="decimals must be >= 0"):
        format_number(1.0, "de", -1)


def test_decimal_mark_per_language() -> None:
    assert (decimal_mark("de"), decimal_mark("en")) == (",", ".")


@given(
    value=st.floats(allow_nan=False, allow_infinity=False),
    lang=st.sampled_from(["de", "en"]),
    decimals=st.integers(min_value=0, max_value=4),
)
def test_format_then_parse_round_trips(value: float, lang: str, decimals: int) -> None:
    text = format_number(value, lang, decimals)
    assert parse_number(text, decimal_mark(lang)) == float(f"{value:.{decimals}f}")


NUMBERISH = st.text(alphabet="0123456789.,-+−% \u00a0\u2009\u202f\teE", max_size=20)


@given(text=st.one_of(st.text(max_size=40), NUMBERISH), decimal=st.sampled_from([None, ",", "."]))
def test_parse_number_raises_only_value_error(text: str, decimal: str | None) -> None:
    message = ""
    try:
        result = parse_number(text, decimal)  # type: ignore[arg-type]
    except ValueError as error:
        message = str(error)
    if message:
        assert message.startswith("not a number: ")
    else:
        assert math.isfinite(result)
        # a reading under a convention never contradicts what the text itself proves
        assert decimal is None or decimal_evidence(text) in (None, decimal)
