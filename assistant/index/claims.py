"""Proof-carrying numbers: every figure carries a claim id, and any text can be checked against them.

Why: an answer may be quoted, summarised or rewritten by someone else (a colleague, a language
model, an outside agent). A reader then needs to know, number by number, whether what the text
says is what the index says. Following the idea of "proof-carrying numbers" (World Bank,
arXiv 2509.06902), each figure the tools return carries a `claim_id`, and `verify` marks every
number in a text as backed by a claim or not. The check runs outside any model: it only parses
numbers and compares them with the claims.

Claim ids. `claim_id(ags, metric, value, year, data_version)` is the first 12 hex digits of the
sha256 of those five fields. `data_version(rows, method)` is a hash of the stored values table
(every row of values.csv as loaded: ags, indicator, value, year, provenance, source) and of the
scoring method (cap and weights), because area and overall scores depend on both. So the same
question on the same data gives the same ids, and any change of a value, its year, the data or
the method gives new ones.

What counts as a number in a text and how a number matches a claim (exact, rounded, rank, count,
year) is `assistant.index.number_check`, which the number guard uses too; this module holds the
claims themselves: their ids, the check of a text against a set of figures, and answer objects.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.index.number_check import Ledger, VerificationReport, verify_with
from assistant.index.registry import UNIT_LABELS

CLAIM_ID_LENGTH = 12
#: The "data version" of numbers in the templates' fixed wording ("53 Kommunen", "12 Indikatoren").
WORDING_VERSION = "template-wording"


# --- claim ids -----------------------------------------------------------------------------------
def data_version(rows: Iterable[Sequence[object]], method: Iterable[tuple[str, float]]) -> str:
    """A hash of the values table (one sequence per row) and the scoring method's parameters.

    Rows are sorted first, so the order in which files list them does not matter; numbers are
    written with `repr`, which is exact for floats.
    """
    digest = hashlib.sha256()
    for row in sorted("\x1f".join(repr(float(c)) if isinstance(c, float) else str(c) for c in row) for row in rows):
        digest.update(row.encode())
        digest.update(b"\x1e")
    for key, value in sorted(method):
        digest.update(f"{key}={float(value)!r}\x1e".encode())
    return digest.hexdigest()[:16]


def claim_id(ags: str, metric: str, value: float, year: int | None, version: str) -> str:
    """The stable id of one figure (or fact: `ags` empty, `metric` the fact's key)."""
    text = "\x1f".join([str(ags), str(metric), repr(float(value)), "" if year is None else str(int(year)), version])
    return hashlib.sha256(text.encode()).hexdigest()[:CLAIM_ID_LENGTH]


def figure_claim_id(figure: Mapping[str, Any], version: str) -> str:
    """`claim_id` of a figure dict in the DESIGN 3.4 format."""
    return claim_id(str(figure["ags"]), str(figure["metric"]), float(figure["value"]), figure.get("year"), version)



def verify(text: str, figures: list[dict[str, Any]], language: str | None, *, names: Iterable[str] = (),
           evidence: Iterable[float] = ()) -> VerificationReport:
    """Mark every number in `text` as backed by one of `figures` (and fact claims) or unverified.

    `figures` are dicts in the DESIGN 3.4 format, or fact claims (`key`, `value`, `claim_id`);
    `language` ("de"/"en") decides how an ambiguous "1.234" is read, None accepts either reading;
    `names` are titles and names whose digits are not quantities; `evidence` are further bare
    numbers that count as verified without a claim (the guard's tool arguments and fixed wording).
    """
    return verify_with(text, Ledger.of(figures, evidence), language, [*names, *unit_names(figures)])


def unit_names(claims: Iterable[Mapping[str, Any]]) -> set[str]:
    """The units of `claims` as written in both languages: their digits belong to the unit."""
    units = {str(c["unit"]) for c in claims if c.get("unit")}
    return units | {label for u in units for label in UNIT_LABELS.get(u, ())}


def fact_claims(facts: Iterable[tuple[str, str | None, float, str | None]], version: str) -> list[dict[str, Any]]:
    """Claims for the numbers a tool supplies besides its figures (averages, counts, contributions).

    Each fact is (key, metric or None, value, unit or None); its id hashes "metric:key" in place of
    the metric and no municipality or year, so the Ruhr average of fibre and that of 5G differ.
    Duplicates (the same claim from two tools) are listed once.
    """
    claims: dict[str, dict[str, Any]] = {}
    for key, metric, value, unit in facts:
        if not math.isfinite(value):
            continue
        cid = claim_id("", f"{metric or ''}:{key}", value, None, version)
        claims.setdefault(cid, {"key": key, "metric": metric, "value": value, "unit": unit, "claim_id": cid})
    return list(claims.values())


# --- whole answer objects (DESIGN 3.4) ----------------------------------------------------------------
def answer_names(answer: Mapping[str, Any]) -> list[str]:
    """Names an answer object shows whose digits are not quantities: source and project titles,
    municipality names."""
    names = [str(s.get("title") or "") for s in answer.get("sources") or [] if isinstance(s, Mapping)]
    for project in answer.get("projects") or []:
        if isinstance(project, Mapping):
            names.append(str(project.get("title") or ""))
            names += [str(m) for m in project.get("municipalities") or []]
    names += [str(f.get("municipality") or "") for f in answer.get("figures") or [] if isinstance(f, Mapping)]
    return [n for n in names if n]


def answer_claims(answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The figures and fact claims of an answer object; ValueError when they are malformed."""
    claims: list[dict[str, Any]] = []
    for key in ("figures", "facts"):
        items = answer.get(key)
        items = [] if items is None else items
        if not isinstance(items, list):
            raise ValueError(f"'{key}' must be a list, found {type(items).__name__}")
        for n, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("value"), int | float):
                raise ValueError(f"'{key}[{n}]' must be an object with a numeric 'value'")
            claims.append(item)
    return claims


def verify_answer(answer: Mapping[str, Any], text: str | None = None) -> VerificationReport:
    """Check `text` (default: the answer's own `answer`) against the claims of an answer object.

    Raises ValueError with a readable reason when `answer` is not an answer object (DESIGN 3.4).
    """
    if not isinstance(answer, Mapping):
        raise ValueError("the answer must be a JSON object (the output of 'assistant ask --json')")
    if text is None:
        text = answer.get("answer")
        if not isinstance(text, str):
            raise ValueError("the answer object has no text in 'answer'; pass the text to check")
    language = answer.get("language")
    if language not in ("de", "en", None):
        raise ValueError(f"'language' must be 'de' or 'en', found {language!r}")
    if not isinstance(text, str):
        raise ValueError("the text to check must be a string")
    claims = answer_claims(answer)
    version = answer.get("data_version")
    forged = forged_claims(answer, str(version)) if version else ()
    report = verify(text, claims, language, names=answer_names(answer))
    return VerificationReport(report.language, report.numbers, forged)


def forged_claims(answer: Mapping[str, Any], version: str) -> tuple[str, ...]:
    """Claim ids of an answer object that its claims' content (and `version`) do not reproduce.

    A text can only be as trustworthy as the claims it is checked against: whoever changes a
    figure's value in a saved answer to fit a text also has to change its id, and cannot.
    """
    forged: list[str] = []
    for f in answer_claims(answer):
        cid = f.get("claim_id")
        if not cid:
            continue
        if "ags" in f:
            expected = claim_id(str(f["ags"]), str(f.get("metric")), float(f["value"]), f.get("year"), version)
        else:
            fact_version = WORDING_VERSION if f.get("key") == "wording" else version
            expected = claim_id("", f"{f.get('metric') or ''}:{f.get('key')}", float(f["value"]), None, fact_version)
        if expected != cid:
            forged.append(str(cid))
    return tuple(forged)
