"""What the assistant does, in Leichte Sprache (BITV 2.0 § 4). Thin: the text is in
`assistant.presentation.statement`."""

from __future__ import annotations

import streamlit as st

from assistant import presentation as pres
from assistant.presentation.ui_text import Lang, as_lang, language_from_locale, text

lang: Lang = as_lang(st.session_state.get("lang"), language_from_locale(st.context.locale))
st.session_state.lang = lang  # keep the chat's language when the visitor goes back
st.html(pres.PAGE_CSS)
st.html(pres.document_language_script(lang), unsafe_allow_javascript=True)
st.title(text("plain_title", lang))
st.markdown(pres.plain_language_markdown(lang))
st.page_link("pages/erklaerung_barrierefreiheit.py", label=text("statement_title", lang),
             icon=":material/accessibility:")
st.page_link("app.py", label=text("back_to_chat", lang), icon=":material/chat:")
