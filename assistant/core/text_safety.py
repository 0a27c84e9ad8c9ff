"""Text from outside made safe to read and to quote: one definition of invisible characters, of the
question length limit and of the question sanitiser.

Why one module: the chat engine, the planner, retrieved corpus text, share links and the page's
Markdown all strip the same kind of characters (control, zero-width, bidi overrides, private use),
and all cut questions at the same length. Four hand-written variants had drifted apart (one regex
missed the soft hyphen, another the zero-width space); now every caller imports from here.
"""

from __future__ import annotations

import re
import unicodedata

#: Longest question the assistant answers (the chat input, share links and the planner use it).
MAX_QUESTION_CHARS = 2000
#: Raw input beyond this many characters is refused as too long without being cleaned (UC-01: a
#: crafted WebSocket message or API call may carry megabytes; chat_input's limit is client-side).
MAX_RAW_CHARS = 50 * MAX_QUESTION_CHARS

#: Unicode categories that are invisible or can make text read differently than it is: control
#: (Cc), format (Cf: zero-width, bidi overrides, soft hyphen, BOM), private use (Co), surrogates (Cs).
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs"})

_TAG_OPENER = re.compile(r"<(?=[A-Za-z/!?])")
_SCRIPT_TARGET = re.compile(r"\]\((?=\s*<?\s*(?:javascript|vbscript|data):)", re.I)


def is_invisible(ch: str) -> bool:
    """True for one character of the invisible categories (newline and tab included: callers keep them)."""
    return unicodedata.category(ch) in INVISIBLE_CATEGORIES


def strip_invisible(text: str, keep: str = "") -> str:
    """`text` without invisible characters, except the ones in `keep` (e.g. "\\n\\t" for Markdown).

    Fast path: every invisible category is non-printable for `str.isprintable` (a C loop), so text
    that is printable apart from `keep` is returned as it is; the page cleans every earlier answer
    on every rerun, and the per-character loop below was a visible part of that."""
    probe = text.translate(dict.fromkeys(map(ord, keep))) if keep else text
    if probe.isprintable():
        return text
    return "".join(ch for ch in text if ch in keep or not is_invisible(ch))


def clean_question(text: str) -> tuple[str, bool]:
    """NFC; control, zero-width, bidi and private-use characters removed; whitespace collapsed.

    Returns the cleaned text and whether anything invisible was removed (the answer then says so).
    A "<" that would open an HTML tag becomes "‹", "![" (a Markdown image) becomes "! [" and "](" before
    a javascript:/data: target becomes "] (", as in retrieved text (see `chunking.inert_text`): parts of
    the question are quoted in answers and notices ("Einen Indikator „…“ gibt es nicht"), and what the
    user typed must not turn into markup, a remote image or a script link there. "< 20.000" keeps its "<".
    Not cut to length: the chat engine refuses an over-long question instead of answering half of it.
    """
    text = unicodedata.normalize("NFC", str(text))
    kept = []
    removed = False
    for ch in text:
        if ch in "\n\t\r":
            kept.append(" ")
        elif is_invisible(ch):
            removed = True
        else:
            kept.append(ch)
    cleaned = _TAG_OPENER.sub("‹", " ".join("".join(kept).split())).replace("![", "! [")
    return _SCRIPT_TARGET.sub("] (", cleaned), removed


def question_text(question: str | None) -> str:
    """A question as the planner reads it: cleaned like `clean_question` and cut to the limit."""
    return clean_question(question or "")[0][:MAX_QUESTION_CHARS]
