"""The guard around each part of the page: a readable message instead of a traceback.

Why a module: `app.py` and the sidebar (`app_parts.sidebar`) wrap their parts in the same guard.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from assistant import presentation as pres
from assistant.core.errors import AssistantError
from assistant.presentation.ui_text import Lang, text

log = logging.getLogger("assistant.app")


@contextmanager
def guarded(lang: Lang, key: str = "error_render") -> Iterator[None]:
    """Show a readable message instead of a traceback; the details go to the server log."""
    try:
        yield
    except AssistantError as error:
        st.warning(pres.escape_markdown(error))
    except Exception:
        log.exception("rendering failed")
        st.error(text(key, lang))
