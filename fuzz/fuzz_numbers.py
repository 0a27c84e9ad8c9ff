"""Coverage-guided fuzzing (atheris/libFuzzer) of the number parser used by the importer; by hand, not in CI.

    .venv/bin/pip install atheris==3.0.0          # in the `dev` extra
    .venv/bin/python fuzz/fuzz_numbers.py -max_total_time=60 [corpus_dir]

Properties checked on every input (a violation raises and libFuzzer saves the crashing input):
- `parse_number(text, decimal)` raises nothing but ValueError (message "not a number: ..."), and a
  number it returns is finite and never contradicts the mark the text itself proves;
- `decimal_evidence` and `detect_decimal_mark` never raise and answer None, "," or ".";
- a finite float formatted for German or English reads back as the rounded value;
- the name resolver never raises on the same bytes read as text.
The hypothesis properties in tests/adversarial/test_fuzz.py run the same ideas in CI.
"""

from __future__ import annotations

import math
import struct
import sys
from pathlib import Path

import atheris  # type: ignore[import-untyped]  # no stubs; checked by hand only

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports():
    from assistant.core.numbers import (
        decimal_evidence,
        decimal_mark,
        detect_decimal_mark,
        format_number,
        parse_number,
    )
    from assistant.index.names import NameResolver

from assistant.index.data import load_registry  # noqa: E402  (not instrumented: only the registry loader)

RESOLVER = NameResolver(load_registry(ROOT / "index_data"))
MARKS = (None, ",", ".")


def check_parse(text: str, mark: str | None) -> None:
    try:
        value = parse_number(text, mark)  # type: ignore[arg-type]
    except ValueError as error:
        if not str(error).startswith("not a number: "):
            raise AssertionError(f"unexpected message {error!r} for {text!r}") from error
        return
    if not math.isfinite(value):
        raise AssertionError(f"{text!r} parsed to {value!r}")
    proven = decimal_evidence(text)
    if mark is not None and proven not in (None, mark):
        raise AssertionError(f"{text!r} proves {proven!r} but parsed with {mark!r}")


def check_round_trip(raw: bytes) -> None:
    if len(raw) < 10:
        return
    (value,) = struct.unpack("<d", raw[:8])
    if not math.isfinite(value):
        return
    lang = "de" if raw[8] % 2 else "en"
    decimals = raw[9] % 5
    text = format_number(value, lang, decimals)
    if parse_number(text, decimal_mark(lang)) != float(f"{value:.{decimals}f}"):
        raise AssertionError(f"{value!r} -> {text!r} does not read back")


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    mark = MARKS[provider.ConsumeIntInRange(0, 2)]
    text = provider.ConsumeUnicodeNoSurrogates(64)
    check_parse(text, mark)
    if decimal_evidence(text) not in (None, ",", "."):
        raise AssertionError(text)
    if detect_decimal_mark(text.split()) not in (None, ",", "."):
        raise AssertionError(text)
    RESOLVER.resolve(text)
    RESOLVER.resolve_fuzzy(text)
    RESOLVER.suggest(text)
    check_round_trip(data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
