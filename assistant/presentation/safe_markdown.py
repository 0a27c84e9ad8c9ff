"""Making outside text inert before it reaches Streamlit's Markdown, and links that are safe to show.

Retrieved project text, front matter and the user's own question are not trusted: rendered as
Markdown they could load images (tracking pixels), inject HTML, start LaTeX or use Streamlit's
``:red[...]`` directives. Everything the page shows from outside passes through here first.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from assistant.core.text_safety import strip_invisible

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$:=^])")
#: Line breaks and tabs survive; every other invisible character (assistant.core.text_safety) goes.
_KEEP = "\n\r\t"


def escape_markdown(value: object) -> str:
    """Plain text that renders as itself in Markdown: no markup, links, images, HTML, LaTeX or
    Streamlit directives (``:red[...]``, emoji codes). Line breaks become spaces."""
    plain = strip_invisible(str(value), keep=_KEEP).replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", plain).replace("<", "&lt;")


def inert_markdown(markdown: str) -> str:
    """The answer's Markdown with its formatting kept but nothing active left in it.

    Images (inline or reference style) become visible text and load nothing; raw HTML shows as
    text; ``$`` cannot start LaTeX. Links stay links (a click is the user's choice). Applied on top
    of the chat engine's own escaping of retrieved text, and idempotent with it.
    """
    cleaned = strip_invisible(markdown, keep=_KEEP)
    cleaned = re.sub(r"(?<!\\)!\[", r"!\\[", cleaned)
    cleaned = cleaned.replace("<", "&lt;")
    cleaned = re.sub(r"(?<!\\)\$", r"\\$", cleaned)
    return _hard_breaks(cleaned)


def _hard_breaks(markdown: str) -> str:
    """A line break in the answer is a line break on the page (as in chat apps), not a space:
    consecutive non-empty lines outside code blocks end with Markdown's hard break."""
    lines = markdown.split("\n")
    fenced = False
    for n, line in enumerate(lines[:-1]):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.strip() and lines[n + 1].strip() and not line.endswith("  "):
            lines[n] = line + "  "
    return "\n".join(lines)


def as_sentence(value: object) -> str:
    """'no index has been built yet' -> 'no index has been built yet.' (for messages in running text)."""
    sentence = str(value or "").strip()
    return sentence if not sentence or sentence.endswith((".", "!", "?")) else sentence + "."


def safe_url(url: object) -> str | None:
    """An http(s) URL without spaces or quotes, or None."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or any(ch in candidate for ch in " \"'<>\\\n\r\t"):
        return None
    parts = urlsplit(candidate)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def url_label(url: str) -> str:
    """The host of a URL without 'www.', for link texts."""
    host = urlsplit(url).netloc
    return host[4:] if host.startswith("www.") else host


def markdown_link(url: object, label: str | None = None) -> str:
    """A Markdown link with an escaped label, or '' for anything but an http(s) URL."""
    safe = safe_url(url)
    if safe is None:
        return ""
    shown = escape_markdown(label if label else url_label(safe))
    return f"[{shown}](<{safe}>)"
