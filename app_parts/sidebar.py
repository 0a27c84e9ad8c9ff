"""The web page's sidebar: language, new conversation, links, what is answering, the municipality
explorer, the what-if weights and the data status.

Why a module: the sidebar stands beside the chat, not in it (it reads the index and the project
search, never a reply) and has its own cached data (index status, reusable projects, what-if
ranking, data-status tables); `app.py` keeps the chat and calls `sidebar(eng, index)` once per run.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_parts.guards import guarded
from app_parts.sign_in import sign_in_required
from assistant import presentation as pres
from assistant.answers.chat import Engine
from assistant.index.digital_index import DigitalIndex
from assistant.index.registry import AREA_IDS, AREA_NAMES
from assistant.presentation.ui_text import LANGS, Lang, text
from assistant.projects.retrieval import IndexStatus

LANG_NAMES = {"de": "Deutsch", "en": "English"}


@st.cache_resource(show_spinner=False, ttl=30)
def index_status(_eng: Engine) -> IndexStatus:
    """The project index's status, re-read at most every 30 s (a rebuild shows up without restart)."""
    return pres.project_index_status(_eng)


@st.cache_data(show_spinner=False, max_entries=256, ttl=300)
def reusable_projects(_eng: Engine, name: str, lang: Lang) -> tuple[list[dict[str, Any]], str | None]:
    return pres.reusable_projects(_eng, name, lang)


@st.cache_resource(show_spinner=False, max_entries=64)  # shared, not copied: only ever displayed
def what_if_ranking(_index: DigitalIndex, weights: tuple[tuple[str, float], ...], lang: Lang) -> Any:
    """The sidebar's what-if ranking, computed once per weights and language: the sidebar is drawn
    on every rerun, and a question does not change the weights."""
    return pres.what_if_table(_index, dict(weights), lang)


@st.cache_resource(show_spinner=False)
def data_status_tables(_index: DigitalIndex, lang: Lang) -> Any:
    """The sidebar's data-status tables: fixed while the server runs, drawn on every rerun."""
    return pres.data_status_tables(_index, lang)


def choose_language() -> None:
    st.session_state.lang_chosen = True


def new_conversation() -> None:
    st.session_state.messages = []
    st.session_state.artifacts = {}
    st.session_state.pop("assistant", None)
    st.query_params.clear()


def sidebar_about(eng: Engine, index: DigitalIndex, lang: Lang) -> None:
    st.subheader(text("about_heading", lang))
    st.markdown(":material/smart_toy: " + pres.escape_markdown(pres.backend_description(eng, lang)))
    status = index_status(eng)
    if status.available:
        where = (text("store_server", lang, host=status.location) if status.mode == "server"
                 else text("store_embedded", lang))
        ready = text("store_ready", lang, count=status.projects)
        st.markdown(":material/folder_open: " + pres.escape_markdown(where) + " · " + ready)
    else:
        st.warning(text("store_missing", lang, reason=pres.escape_markdown(pres.as_sentence(status.problem)),
                        repair=status.repair))  # a constant command of ours, shown as code
    st.caption(f"{text('data_counts', lang)}: {pres.provenance_summary(index, lang)}")


@st.fragment
def explorer(eng: Engine, index: DigitalIndex, lang: Lang) -> None:
    names = sorted(m.name for m in index.registry.municipalities)
    choice = st.selectbox(text("explorer_pick", lang), names, index=None, key="explorer_choice",
                          placeholder="…")
    if not choice:
        return
    with guarded(lang):
        view = pres.explorer_view(index, choice, lang)
        st.markdown(f"**{pres.escape_markdown(view.name)}** · {pres.escape_markdown(view.place)}  \n"
                    f"{pres.escape_markdown(view.overall)}")
        st.vega_lite_chart(pres.explorer_chart(view, lang).to_dict(), width="stretch")
        none = text("explorer_none", lang)
        st.markdown(f"**{text('explorer_strengths', lang)}:** "
                    f"{pres.escape_markdown(', '.join(view.strengths) or none)}")
        st.markdown(f"**{text('explorer_weaknesses', lang)}:** "
                    f"{pres.escape_markdown(', '.join(view.weaknesses) or none)}")
        if view.synthetic:
            st.caption("🟠 " + text("synthetic_short", lang))
    if index_status(eng).available:
        with guarded(lang):
            projects, problem = reusable_projects(eng, choice, lang)
            st.markdown(f"**{text('explorer_projects', lang)}**")
            if not projects:
                st.caption(pres.escape_markdown(problem) if problem else text("explorer_no_projects", lang))
            for project in projects:
                with st.container(border=True):
                    st.markdown(pres.project_markdown(project, lang, compact=True))


def reset_weights(defaults: dict[str, float]) -> None:
    for area, weight in defaults.items():
        st.session_state[f"weight-{area}"] = weight


@st.fragment
def what_if(index: DigitalIndex, lang: Lang) -> None:
    st.caption(text("whatif_intro", lang))
    defaults = pres.default_area_weights(index)
    weights = {}
    for area in AREA_IDS:
        key = f"weight-{area}"
        if key not in st.session_state:  # the state, not `value=`, holds the default (reset sets it)
            st.session_state[key] = defaults[area]
        weights[area] = st.slider(
            AREA_NAMES[area][0 if lang == "de" else 1], min_value=0.0, max_value=3.0, step=0.5, key=key,
        )
    st.button(text("whatif_reset", lang), on_click=reset_weights, args=(defaults,), key="weights-reset")
    with guarded(lang):
        table = what_if_ranking(index, tuple(weights.items()), lang)
        st.dataframe(table, hide_index=True, height=320, width="stretch")
        if pres.index_has_synthetic(index):
            st.caption("🟠 " + text("synthetic_short", lang))


def sidebar(eng: Engine, index: DigitalIndex) -> None:
    with st.sidebar:
        st.radio(text("language", st.session_state.lang), LANGS, key="lang", horizontal=True,
                 format_func=LANG_NAMES.__getitem__, on_change=choose_language)
        lang: Lang = st.session_state.lang
        st.button(text("new_conversation", lang), on_click=new_conversation, icon=":material/restart_alt:")
        st.page_link("pages/erklaerung_barrierefreiheit.py", label=text("statement_title", lang),
                     icon=":material/accessibility:")
        st.page_link("pages/leichte_sprache.py", label=text("plain_title", lang), icon=":material/menu_book:")
        if sign_in_required():
            st.button(text("sign_out", lang), on_click=st.logout, icon=":material/logout:")
        with guarded(lang):
            sidebar_about(eng, index, lang)
        with st.expander(text("explorer_heading", lang), expanded=False):
            explorer(eng, index, lang)
        with st.expander(text("whatif_heading", lang), expanded=False):
            what_if(index, lang)
        with st.expander(text("data_status_heading", lang), expanded=False), guarded(lang):
            indicators, sources = data_status_tables(index, lang)
            st.caption(text("data_status_intro", lang))
            st.table(indicators)
            st.table(sources)
