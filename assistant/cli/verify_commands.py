"""`assistant verify --answer FILE [--text FILE|-] [--json]`: check a text against an answer's claims.

Why a command: the text that reaches a reader is often not the assistant's own (a colleague's
summary, an outside agent's reply). Saved next to the answer object it quotes (the JSON of
`assistant ask --json`), every number in it can be checked without any model (assistant.index.claims).
Exit code 0 when every number is backed by a claim, 1 when one is not (or a claim id was forged),
2 on bad input, so a script can gate a publication on it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.index.claims import verify_answer
from assistant.index.number_check import VerificationReport

_WORDS = {
    "de": {"verified": "belegt", "unverified": "OHNE BELEG", "all": "Alle {n} Zahlen sind belegt.",
           "some": "{bad} von {n} Zahlen ohne Beleg.", "forged": "Claim-IDs passen nicht zu ihren Werten: {ids}",
           "bad": "Fehler"},
    "en": {"verified": "verified", "unverified": "UNVERIFIED", "all": "All {n} numbers are verified.",
           "some": "{bad} of {n} numbers unverified.", "forged": "Claim ids that do not match their values: {ids}",
           "bad": "Error"},
}


#: Verdicts and claim fields in German words for the German report (JSON keeps the codes).
_GERMAN = {"exact": "exakt", "rounded": "gerundet", "rank": "Rang", "count": "Anzahl", "year": "Jahr",
           "unverified": "-", "value": "Wert", "score": "Punktzahl", "of": "von", "evidence": "Beleg"}


def _read_answer(path: str) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"cannot read the answer file {path!r}: {error.strerror or error}") from None
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path!r} is not JSON (line {error.lineno}: {error.msg})") from None
    if not isinstance(answer, dict):
        raise ValueError(f"{path!r} must hold one JSON object (the output of 'assistant ask --json')")
    return answer


def _read_text(source: str | None) -> str | None:
    if source is None:
        return None
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"cannot read the text file {source!r}: {error.strerror or error}") from None


def render(report: VerificationReport, lang: str) -> str:
    """One line per number (text, verdict, claim id, field) and a summary line."""
    words = _WORDS["de" if lang == "de" else "en"]
    lines = []
    for n in report.numbers:
        verdict = words["verified"] if n.verified else words["unverified"]
        status: str = n.status
        field = n.field or ""
        if lang == "de":
            status, field = _GERMAN.get(status, status), _GERMAN.get(field, field)
        detail = f"{status:<10} {n.claim_id or '-':<12} {field}".rstrip()
        lines.append(f"{n.text:>12}  {verdict:<10} {detail}")
    bad = len(report.unverified)
    lines.append(words["all" if bad == 0 else "some"].format(n=len(report.numbers), bad=bad))
    if report.forged_claims:
        lines.append(words["forged"].format(ids=", ".join(report.forged_claims)))
    return "\n".join(lines)


def cmd_verify(args: argparse.Namespace) -> int:
    lang = args.lang if args.lang_given else None
    try:
        answer = _read_answer(args.answer)
        lang = lang or (answer.get("language") if answer.get("language") in ("de", "en") else "de")
        report = verify_answer(answer, _read_text(args.text))
    except ValueError as error:
        label = _WORDS["de" if (lang or args.lang) == "de" else "en"]["bad"]
        print(f"{label}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else render(report, str(lang)))
    return 0 if report.ok else 1


def register(subparsers: Any) -> None:
    """Add `verify` to the main parser (called by assistant.cli.commands)."""
    command = subparsers.add_parser(
        "verify", help="check every number of a text against the claims of a saved answer (exit 0/1/2)",
    )
    command.add_argument("--answer", required=True, metavar="FILE",
                         help="the answer object to check against (output of 'assistant ask --json')")
    command.add_argument("--text", metavar="FILE|-", default=None,
                         help="the text to check (a file, or - for stdin); default: the answer's own text")
    command.add_argument("--json", action="store_true", help="print the verification report as one JSON object")
    command.set_defaults(handler=cmd_verify)
