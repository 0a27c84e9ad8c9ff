"""Numbers in a text, and how each one matches a ledger of claimed numbers.

Why a module of its own: two checks share these rules. `assistant.index.claims` checks a text
against the claims of an answer object (`claims.verify`, `assistant verify`); the number guard
(`assistant.answers.guard`) checks a model's answer against a wider ledger of everything the turn's
tools returned. Both have to agree on what a number in a text is and when it matches, and neither
needs the other's claims: this module knows numbers and ledgers, not claim ids or answer objects
(those are in `assistant.index.claims`).

What counts as a number in a text (`extract_numbers`, also used by the number guard):
- digit runs with an optional decimal part and thousands groups, German ("1.234,5", "23,4") or
  English ("1,234.5", "23.4"), with or without "%"; ranks ("Platz 3", "#3", "3rd"); years. Signs
  are ignored ("+3" and "-3" are both 3).
- not numbers, because they are parts of names and not quantities: digits glued to letters
  ("5G", "A40", "B54", "e5") except the English ordinal suffixes st/nd/rd/th ("3rd" is rank 3);
  digits inside URLs and Markdown link targets; list numbering (one or two digits at the start of
  a line followed by "." or ")"); and every occurrence of a name the caller passes in `names`
  (source and project titles, municipality names), so "Zensus 2022" in a source title is part of
  that title, not a claim; likewise the unit labels of the claims ("je 100.000 Einwohner",
  "per 1,000 employees") in either language. A number next to a name ("Hagen 23,4 %") is checked.
- a token that reads differently in the two conventions ("1.234": 1234 in German, 1.234 in
  English) is read in the text's language; a token that is invalid there but valid in the other
  convention ("23.4 %" in a German text) is read in the other. Without a language (the guard)
  either reading may match. Dates such as "24.06.2025" have no valid reading and stay unverified.

How a number matches (`NumberCheck.status`), for a figure or fact dict with `claim_id`:
- `exact`: equals the claim's value (or score; for a what-if figure also today's value);
- `rounded`: equals it after rounding to the precision shown: a number written with d decimals
  matches value t when |t - v| <= 0.5·10^-d (23.4567 may be shown as 23, 23,5 or 23,46, never 24);
- `rank`: a figure's rank, or its `of` right after "von"/"of" ("Platz 3 von 53", "rank 3 of 53");
  for what-if figures also today's rank and the change ("26 Plätze besser");
- `count`: how many figures (municipalities) the claims cover, or a figure's `of` elsewhere
  ("53 Kommunen");
- `year`: a figure's year;
- `unverified`: none of these.
When several kinds match, the context decides which is reported: after "Platz"/"Rang"/"rank"/
"place"/"#", before an ordinal suffix or before "Plätze"/"places" ranks come first; a plain
four-digit number between 1900 and 2100 is first read as a year; otherwise values come first.
Among equally good matches, the claim about the municipality named last before the number wins,
then the claim of the number just before ("Platz 41 von 53": 53 is the `of` of rank 41's claim).
The context only orders the matches, it never rejects one.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from assistant.core.numbers import DecimalMark, parse_number

Status = Literal["exact", "rounded", "rank", "count", "year", "unverified"]
STATUSES: tuple[Status, ...] = ("exact", "rounded", "rank", "count", "year", "unverified")

_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>`\"']+", re.I)
_LIST_MARKER = re.compile(r"^([ \t]*(?:[-*+][ \t]+)?)\d{1,2}[.)](?=[ \t])", re.M)
_THIN = "\u00a0\u202f\u2009"
_NUMBER = re.compile(
    rf"(?<![\w.,/])(\d{{1,3}}(?:[.,{_THIN}]\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)((?:st|nd|rd|th)\b)?(?![\w])"
)
_RANK_WORDS = frozenset({"platz", "platzes", "rang", "rank", "ranks", "place", "position", "#"})
_OF_WORDS = frozenset({"von", "of", "/"})
_LAST_WORD = re.compile(r"(#|/|[^\W\d_]+)\W*$")
_NEXT_WORD = re.compile(r"^(?:st|nd|rd|th)?\s*([^\W\d_]+)")
#: Words after a number that make it a rank or a rank change ("26 Plätze besser", "3 places up").
_RANK_UNITS = frozenset({"platz", "plätze", "plaetze", "place", "places", "rank", "ranks"})


# --- numbers in a text ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NumberToken:
    """One number as written: its text, its readings (value, decimals written) and where it is."""

    text: str
    readings: tuple[tuple[float, int], ...]
    position: int
    ordinal: bool = False


def readings(token: str, language: str | None = None) -> tuple[tuple[float, int], ...]:
    """(value, decimals) for each convention the token is valid in; the text's language first.

    With a language, a token valid in that language's convention has only that reading ("1.234"
    in German is 1234); otherwise every valid reading counts (see the module docstring).
    """
    marks: tuple[DecimalMark, ...] = ("." , ",") if language == "en" else (",", ".")
    found: list[tuple[float, int]] = []
    for mark in marks:
        try:
            value = parse_number(token, decimal=mark)
        except ValueError:
            continue
        decimals = len(token.rpartition(mark)[2]) if mark in token else 0
        if (abs(value), decimals) not in found:
            found.append((abs(value), decimals))
        if language in ("de", "en"):
            break
    return tuple(found)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _blank_names(text: str, names: Iterable[str]) -> str:
    """Every occurrence of a name with digits in it replaced by spaces (positions are kept)."""
    for name in sorted({n for n in names if n and any(ch.isdigit() for ch in n)}, key=len, reverse=True):
        text = re.sub(re.escape(name), lambda m: " " * len(m.group(0)), text, flags=re.I)
    return text


def extract_numbers(text: str, language: str | None = None, names: Iterable[str] = ()) -> list[NumberToken]:
    """Every number a reader would see in `text` as a quantity (rules: module docstring)."""
    cleaned = _blank(_blank_names(text, names), _URL)
    cleaned = _LIST_MARKER.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), cleaned)
    tokens = []
    for match in _NUMBER.finditer(cleaned):
        raw = match.group(1)
        normalised = "".join(" " if ch in _THIN else ch for ch in raw)
        tokens.append(NumberToken(raw, readings(normalised, language), match.start(1), bool(match.group(2))))
    return tokens


# --- the ledger of claims --------------------------------------------------------------------------
class Entry(NamedTuple):
    """One number a claim supports: which field of which claim it is (a tuple: ledgers are rebuilt
    for every answer, and the guard's holds every number a turn's tools returned)."""

    value: float
    field: str  # value, score, rank, of, year, count or evidence (a bare number, no claim)
    claim_id: str | None


#: Figure fields read as values and as ranks; what-if figures add today's value and rank and the change.
_VALUE_FIELDS = ("value", "score", "default_value")
_RANK_FIELDS = ("rank", "of", "default_rank", "rank_change")


class Ledger:
    """The numbers a set of claims supports, sorted for lookup by value with a tolerance."""

    def __init__(self, entries: Iterable[Entry], subjects: Mapping[str, str] | None = None) -> None:
        self.entries = sorted((e for e in entries if math.isfinite(e.value)), key=lambda e: e.value)
        self._keys = [e.value for e in self.entries]
        #: claim id -> the municipality it is about, to tell equal numbers of different places apart
        self.subjects = dict(subjects or {})

    @classmethod
    def of(cls, claims: Iterable[Mapping[str, Any]], evidence: Iterable[float] = ()) -> Ledger:
        """Entries for figure and fact dicts (with `claim_id`) plus bare evidence numbers."""
        entries = [Entry(abs(float(v)), "evidence", None) for v in evidence]
        ags: set[str] = set()
        figures = 0
        subjects: dict[str, str] = {}
        for claim in claims:
            cid = claim.get("claim_id")
            if cid and claim.get("municipality"):
                subjects[str(cid)] = str(claim["municipality"])
            for name in (*_VALUE_FIELDS, *_RANK_FIELDS, "year"):
                value = claim.get(name)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    entries.append(Entry(abs(float(value)), name, cid))
            if claim.get("ags"):
                figures += 1
                ags.add(str(claim["ags"]))
        entries += [Entry(float(n), "count", None) for n in {figures, len(ags)} if n]
        return cls(entries, subjects)

    def subject_positions(self, text: str) -> list[tuple[int, str]]:
        """(position, municipality) of every claim subject named in `text`, in text order."""
        names = sorted(set(self.subjects.values()), key=len, reverse=True)
        if not names:
            return []
        pattern = re.compile("|".join(re.escape(n) for n in names))
        return [(m.start(), m.group(0)) for m in pattern.finditer(text)]

    def __len__(self) -> int:
        return len(self.entries)

    def near(self, value: float, decimals: int) -> list[Entry]:
        """Entries within rounding distance of a number written with `decimals` decimals."""
        tolerance = 0.5 * 10.0 ** (-decimals) + 1e-9
        lo = bisect.bisect_left(self._keys, value - tolerance)
        hi = bisect.bisect_right(self._keys, value + tolerance)
        return self.entries[lo:hi]


# --- verdicts --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NumberCheck:
    """The verdict on one number of the text."""

    text: str
    position: int
    value: float | None  # the reading that matched (or the first reading; None: no valid reading)
    status: Status
    claim_id: str | None
    field: str | None  # which field of the claim matched

    @property
    def verified(self) -> bool:
        return self.status != "unverified"

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "position": self.position, "value": self.value, "status": self.status,
                "claim_id": self.claim_id, "field": self.field}


@dataclass(frozen=True)
class VerificationReport:
    """Every number of a text with its verdict; `ok` when each one is backed by a claim."""

    language: str | None
    numbers: tuple[NumberCheck, ...]
    #: claim ids that do not match their claim's own content (a figure edited after it was issued)
    forged_claims: tuple[str, ...] = ()

    @property
    def unverified(self) -> tuple[NumberCheck, ...]:
        return tuple(n for n in self.numbers if not n.verified)

    @property
    def ok(self) -> bool:
        return not self.unverified and not self.forged_claims

    @property
    def status(self) -> str:
        """"all verified", "n unverified" or "n forged claims" (machine-readable, not UI text)."""
        if self.forged_claims:
            return f"{len(self.forged_claims)} forged claims"
        return "all verified" if self.ok else f"{len(self.unverified)} unverified"

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for n in self.numbers if n.status == s) for s in STATUSES}

    def verified_claims(self) -> set[str]:
        """Claim ids at least one number of the text was matched to."""
        return {n.claim_id for n in self.numbers if n.verified and n.claim_id}

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "status": self.status, "language": self.language, "checked": len(self.numbers),
                "unverified": len(self.unverified), "counts": self.counts(),
                "forged_claims": list(self.forged_claims), "numbers": [n.to_dict() for n in self.numbers]}


def _kind(entry: Entry, value: float, rank_context: bool, of_context: bool) -> Status | None:
    """The status `entry` gives a number read as `value`, or None when it does not fit the field."""
    exact = abs(entry.value - value) <= 1e-9 * max(1.0, abs(value))
    if entry.field in (*_VALUE_FIELDS, "evidence"):
        return "exact" if exact else "rounded"
    if not exact:
        return None  # ranks, years and counts are whole numbers: no rounding
    if entry.field == "of":
        return "rank" if of_context or rank_context else "count"
    if entry.field in _RANK_FIELDS:
        return "rank"
    return {"year": "year", "count": "count"}.get(entry.field)  # type: ignore[return-value]


def _order(token: NumberToken, rank_context: bool, of_context: bool, value: float, decimals: int) -> list[Status]:
    if token.ordinal or rank_context or of_context:
        return ["rank", "exact", "rounded", "count", "year"]
    if decimals == 0 and 1900 <= value <= 2100 and token.text.isdigit():
        return ["year", "exact", "rounded", "rank", "count"]
    return ["exact", "rounded", "count", "rank", "year"]


@dataclass(frozen=True)
class _Context:
    """What the text around a number says about which claim it quotes."""

    previous: str | None  # the claim of the number just before
    subject: str | None  # the municipality named last before the number
    subjects: Mapping[str, str]

    def tie_rank(self, cid: str | None) -> int:
        if cid is None:
            return 3
        if self.subject is not None and self.subjects.get(cid) == self.subject:
            return 0
        return 1 if cid == self.previous else 2


def _check(token: NumberToken, ledger: Ledger, before: str, context: _Context, after: str = "") -> NumberCheck:
    """The best match for one token (the order of kinds and of claims: module docstring)."""
    last = _LAST_WORD.search(before)
    word = last.group(1).lower() if last else ""
    following = _NEXT_WORD.match(after)
    rank_context = word in _RANK_WORDS or (following is not None and following.group(1).lower() in _RANK_UNITS)
    of_context = word in _OF_WORDS
    for value, decimals in token.readings:
        order = _order(token, rank_context, of_context, value, decimals)
        best: tuple[int, int, Status, Entry] | None = None
        for entry in ledger.near(value, decimals):
            kind = _kind(entry, value, rank_context, of_context)
            if kind is None:
                continue
            key = (order.index(kind), context.tie_rank(entry.claim_id))
            if best is None or key < best[:2]:
                best = (*key, kind, entry)
        if best is not None:
            _, _, kind, entry = best
            return NumberCheck(token.text, token.position, value, kind, entry.claim_id, entry.field)
    first = token.readings[0][0] if token.readings else None
    return NumberCheck(token.text, token.position, first, "unverified", None, None)


def verify_with(
    text: str, ledger: Ledger, language: str | None = None, names: Iterable[str] = (),
) -> VerificationReport:
    """`verify` against a prepared ledger (the number guard builds its own, wider one)."""
    checks: list[NumberCheck] = []
    named = ledger.subject_positions(text)
    starts = [p for p, _ in named]
    for token in extract_numbers(text, language, names):
        last = bisect.bisect_right(starts, token.position) - 1
        context = _Context(checks[-1].claim_id if checks else None, named[last][1] if last >= 0 else None,
                           ledger.subjects)
        end = token.position + len(token.text)
        checks.append(_check(token, ledger, text[max(0, token.position - 24):token.position], context,
                             text[end:end + 16]))
    return VerificationReport(language, tuple(checks))
