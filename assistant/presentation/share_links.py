"""Share links: a URL that asks the same question again, in the same language, when opened.

The question in a link comes from outside, so on the way back in it is treated like typed text
from a stranger: control characters go, and it is cut to the length the chat engine accepts.
"""

from __future__ import annotations

from urllib.parse import urlencode

from assistant.presentation.safe_markdown import CONTROL_CHARACTERS
from assistant.ui_text import Lang

#: Longest question accepted from a shared link (the chat engine accepts 2,000 characters).
MAX_SHARED_QUESTION = 2000


def clean_question(raw: object) -> str | None:
    """A question from a shared link: text, control characters removed, at most 2,000 chars."""
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if not isinstance(raw, str):
        return None
    question = CONTROL_CHARACTERS.sub(" ", raw).strip()
    return question[:MAX_SHARED_QUESTION] or None


def share_params(question: str, lang: Lang) -> dict[str, str]:
    """The query parameters of a share link (also set on the page's own URL after each answer)."""
    return {"q": question[:MAX_SHARED_QUESTION], "lang": lang}


def share_link(base_url: str | None, question: str, lang: Lang) -> str:
    """A link that asks `question` again when opened (relative when the page URL is unknown)."""
    query = urlencode(share_params(question, lang))
    base = (base_url or "").split("?", 1)[0].split("#", 1)[0]
    return f"{base}?{query}"
