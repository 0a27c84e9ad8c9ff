"""Erklärung zur Barrierefreiheit (BITV NRW § 4) with the electronic feedback route (§ 5).

Thin: the text and the record come from `assistant.presentation.statement`; a report is appended
to the same feedback log as the answer ratings (ASSISTANT_HOME/feedback.jsonl).
"""

from __future__ import annotations

import logging

import streamlit as st

from assistant import presentation as pres
from assistant.core.settings import Settings
from assistant.presentation.ui_text import Lang, as_lang, language_from_locale, text

log = logging.getLogger("assistant.app")

lang: Lang = as_lang(st.session_state.get("lang"), language_from_locale(st.context.locale))
st.session_state.lang = lang  # keep the chat's language when the visitor goes back
st.html(pres.PAGE_CSS)
st.html(pres.document_language_script(lang), unsafe_allow_javascript=True)
st.title(text("statement_title", lang))
st.markdown(pres.statement_markdown(lang))
with st.form("barrier-report", clear_on_submit=True):
    message = st.text_area(text("barrier_message", lang), max_chars=4000)
    contact = st.text_input(text("barrier_contact", lang), max_chars=200)
    sent = st.form_submit_button(text("barrier_send", lang))
if sent:
    if not message.strip():
        st.warning(text("barrier_empty", lang))
    else:
        try:
            record = pres.barrier_report_record(message=message, contact=contact, language=lang,
                                                page="erklaerung_barrierefreiheit")
            pres.append_feedback(Settings.from_env().home, record)
            st.success(text("barrier_thanks", lang))
        except OSError:
            log.exception("barrier report not stored")
            st.error(text("feedback_failed", lang))
st.page_link("pages/leichte_sprache.py", label=text("plain_title", lang), icon=":material/menu_book:")
st.page_link("app.py", label=text("back_to_chat", lang), icon=":material/chat:")
