"""The "verified" column of the figures table: is each figure backed by the answer's own text?

Why on the page: a reader who sees a figure in the table and a number in the answer should be
able to tell whether the two are the same claim, without trusting whoever wrote the answer. The
marks come from `assistant.index.claims.verify_answer`, the same check `assistant verify` runs; they
are words, not only symbols, so a screen reader says them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from assistant.index.claims import verify_answer
from assistant.presentation.ui_text import Lang, text

Mark = Literal["verified", "not_in_text", "forged", "unchecked"]


def claim_marks(answer: Mapping[str, Any]) -> dict[str, Mark]:
    """claim_id -> mark for every figure of an answer object (DESIGN 3.4).

    `verified`: a number of the answer text matches the figure; `not_in_text`: the figure is
    listed but its numbers are not quoted (a profile lists all indicators); `forged`: the
    claim id does not reproduce from the figure's content; `unchecked`: the answer object could
    not be read as one (then nothing is claimed either way).
    """
    figures = [f for f in answer.get("figures") or [] if isinstance(f, Mapping) and f.get("claim_id")]
    try:
        report = verify_answer(answer)
    except ValueError:
        return {str(f["claim_id"]): "unchecked" for f in figures}
    matched, forged = report.verified_claims(), set(report.forged_claims)
    marks: dict[str, Mark] = {}
    for f in figures:
        cid = str(f["claim_id"])
        marks[cid] = "forged" if cid in forged else "verified" if cid in matched else "not_in_text"
    return marks


def mark_text(mark: Mark, lang: Lang) -> str:
    """The mark as words in the reader's language."""
    return text(f"claim_{mark}", lang)
