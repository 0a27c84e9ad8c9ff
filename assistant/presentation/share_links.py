"""Share links: a URL that asks the same question again, in the same language, when opened.

The question in a link comes from outside, so on the way back in it is treated like typed text
from a stranger: cleaned by assistant.core.text_safety and cut to the length the chat engine accepts.
"""

from __future__ import annotations

from urllib.parse import urlencode

from assistant.core.text_safety import MAX_QUESTION_CHARS
from assistant.core.text_safety import clean_question as clean_text
from assistant.presentation.ui_text import Lang


def clean_question(raw: object) -> str | None:
    """A question from a shared link: text, cleaned like a typed question, at most the chat's limit."""
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if not isinstance(raw, str):
        return None
    return clean_text(raw)[0][:MAX_QUESTION_CHARS] or None


def share_params(question: str, lang: Lang) -> dict[str, str]:
    """The query parameters of a share link (also set on the page's own URL after each answer)."""
    return {"q": question[:MAX_QUESTION_CHARS], "lang": lang}


def share_link(base_url: str | None, question: str, lang: Lang) -> str:
    """A link that asks `question` again when opened (relative when the page URL is unknown)."""
    query = urlencode(share_params(question, lang))
    base = (base_url or "").split("?", 1)[0].split("#", 1)[0]
    return f"{base}?{query}"
