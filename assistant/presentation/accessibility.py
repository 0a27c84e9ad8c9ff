"""What the page adds to Streamlit's own markup for BITV 2.0 / WCAG 2.1 AA: contrast, a visible
focus, and the document language. Plain strings, so they are reviewed and tested like the rest.

Streamlit draws captions and their links in faded theme colours (#828180 and #7c95d2 on white:
3.9:1 and 3.0:1, below the 4.5:1 of WCAG 1.4.3), and its page shell declares `<html lang="en">`
whatever the content (streamlit/streamlit#15726). Both are fixed here from the app; what cannot
be fixed from the app is listed in docs/accessibility.md.
"""

from __future__ import annotations

import json

from assistant.presentation.ui_text import Lang

#: Darker caption text (#57534e: 7.6:1 on white) and links (#1d4ed8: 6.7:1), and a focus ring that
#: every keyboard-focusable element shows (#c2410c: 5.2:1 against white, WCAG 2.4.7 / 1.4.11).
PAGE_CSS = """<style>
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stCaptionContainer"] p { color: #57534e; opacity: 1; }
.stApp [data-testid="stCaptionContainer"] a, .stApp [data-testid="stMarkdownContainer"] a { color: #1d4ed8; }
.stApp :focus-visible { outline: 3px solid #c2410c !important; outline-offset: 2px; }
</style>"""


def document_language_script(lang: Lang) -> str:
    """A script that declares `lang` on the top document's <html> element (WCAG 3.1.1)."""
    return f"<script>document.documentElement.lang = {json.dumps(lang)};</script>"
