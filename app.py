"""Streamlit web chat for the Digital-Index Ruhr assistant: `streamlit run app.py`.

Thin by design: widgets, session state and the rendering of `Reply` objects from `assistant.answers.chat`.
Every number shown comes from a reply's figures, the `DigitalIndex` or `assistant.index.analysis`;
tables, charts, the map and cards are prepared by `assistant.presentation`, strings live in
`assistant.presentation.ui_text`. No exception reaches the user as a traceback: each part of the page is
rendered inside a guard that logs the error and shows a readable message instead. The sidebar, the
optional sign-in and that guard are in `app_parts/` (streamlit code, so outside the package).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

import streamlit as st

from app_parts.guards import guarded
from app_parts.sidebar import sidebar
from app_parts.sign_in import signed_in
from assistant import presentation as pres
from assistant.answers.chat import Engine
from assistant.core.errors import AssistantError
from assistant.core.settings import Settings
from assistant.core.text_safety import MAX_QUESTION_CHARS
from assistant.index.digital_index import DigitalIndex
from assistant.presentation.ui_text import EXAMPLES, LANGS, Lang, as_lang, language_from_locale, text
from assistant.service.api_client import Conversation, conversation
from assistant.understanding.language import detect_language

log = logging.getLogger("assistant.app")


# --- heavy objects, once per server ----------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """Index data, scores, planner, project search and chat model: one per server, shared by every
    session (read-only once created). Warmed here so that the first question is fast."""
    eng = Engine(Settings.from_env())
    eng.warm()
    pres.warm_up(eng.index)
    return eng


@st.cache_resource(show_spinner=False, max_entries=512)
def shared_artifacts(key: str, _index: DigitalIndex) -> dict[str, Any]:
    """An answer's artifacts, shared read-only by every session (see presentation.answer_artifacts)."""
    return pres.answer_artifacts(key, _index)


# --- session -------------------------------------------------------------------------------------

def init_session() -> None:
    state = st.session_state
    if "messages" not in state:
        state.messages = []
        state.artifacts = {}
        params = st.query_params
        state.pending = pres.clean_question(params.get("q"))
        browser = language_from_locale(st.context.locale)
        state.lang = as_lang(params.get("lang"), detect_language(state.pending, browser) if state.pending else browser)
        state.lang_chosen = params.get("lang") in LANGS  # a link's language counts as the visitor's choice
    elif "lang" not in state:  # back from a page that had no language radio
        state.lang = language_from_locale(st.context.locale)


def assistant() -> Conversation:
    if "assistant" not in st.session_state:  # ASSISTANT_API_URL set: a running `assistant serve` answers
        st.session_state.assistant = conversation(engine)
    chat: Conversation = st.session_state.assistant
    return chat


def ask(question: str) -> None:
    """Ask, remember question and reply, and put the question into the URL for sharing."""
    state = st.session_state
    state.messages.append({"id": uuid.uuid4().hex, "role": "user", "content": question})
    message: dict[str, Any] = {"id": uuid.uuid4().hex, "role": "assistant", "question": question}
    lang: Lang = state.lang
    try:
        with st.spinner(text("thinking", lang)):
            reply = assistant().ask(question)
        message["reply"] = reply.to_dict()
        message["cards"] = [dict(p) for p in reply.projects]  # full project cards (status, reusable, ...)
        message["backend"] = reply.backend
    except AssistantError as error:
        message["error"] = text("error_answer", lang, reason=str(error))
    except Exception:
        log.exception("answering failed")
        message["error"] = text("error_generic", lang)
    state.messages.append(message)
    st.query_params.from_dict(pres.share_params(question, as_lang(message.get("reply", {}).get("language"), lang)))


def set_pending(question: str) -> None:
    st.session_state.pending = question


def follow_question_language() -> None:
    """Before the run that answers: the page takes the question's language unless the visitor
    chose one (radio or link). The answer comes in the question's language, so an English
    browser asking in German gets a German page, not German text in English chrome."""
    state = st.session_state
    question = state.get("question")
    if not question or state.get("lang_chosen"):
        return
    # the conversation's language so far: the last answer's (works for the in-process engine and for
    # a RemoteAssistant, whose state is an opaque token)
    replies = [m["reply"] for m in state.get("messages", []) if "reply" in m]
    previous = as_lang(replies[-1].get("language"), state.lang) if replies else state.lang
    state.lang = detect_language(str(question), previous)


def store_feedback(message_id: str) -> None:
    state = st.session_state
    rating = state.get(f"feedback-{message_id}")
    message = next((m for m in state.messages if m["id"] == message_id), None)
    if rating is None or message is None or "reply" not in message:
        return
    reply = message["reply"]
    record = pres.feedback_record(
        rating=int(rating), question=message["question"], answer=str(reply.get("answer", "")),
        language=str(reply.get("language", "")), intent=reply.get("intent"), tool_calls=reply.get("tool_calls") or [],
    )
    try:
        pres.append_feedback(Settings.from_env().home, record)
        st.toast(text("feedback_thanks", state.lang))
    except OSError:
        log.exception("feedback not stored")
        st.toast(text("feedback_failed", state.lang))


# --- rendering of one reply ----------------------------------------------------------------------

def artifacts(message: dict[str, Any], index: DigitalIndex) -> dict[str, Any]:
    """Table, chart, map and CSV of a reply: looked up once per message, built once per server for
    each distinct answer (the same question from many visitors costs one chart)."""
    cache: dict[str, Any] = st.session_state.artifacts
    if message["id"] not in cache:
        cache[message["id"]] = shared_artifacts(pres.artifacts_key(message["reply"]), index)
    found: dict[str, Any] = cache[message["id"]]
    return found


def render_reply(message: dict[str, Any], index: DigitalIndex) -> None:
    reply = message["reply"]
    lang = as_lang(reply.get("language"))
    st.markdown(pres.inert_markdown(str(reply.get("answer", ""))))
    for notice in pres.extra_notices(reply):
        st.caption(":material/info: " + pres.escape_markdown(notice))
    parts = artifacts(message, index)
    if parts["table"] is not None:
        with st.container(key=f"table-{message['id']}"), guarded(lang):
            table = parts["table"]
            st.dataframe(
                parts["table_arrow"], hide_index=True, width="stretch", placeholder="",
                column_config={table.link_column: st.column_config.LinkColumn(
                    table.link_column, display_text=r"https?://(?:www\.)?([^/]+)")},
            )
    if parts["chart"] is not None or parts["map"] is not None:
        left, right = st.columns(2)
        if parts["chart"] is not None:
            with left, st.container(key=f"chart-{message['id']}"), guarded(lang):
                st.caption(pres.escape_markdown(parts["chart_text"]))  # the text alternative, read first
                st.vega_lite_chart(parts["chart"], width="stretch", alt=parts["chart_alt"])
        if parts["map"] is not None:
            with right, st.container(key=f"map-{message['id']}"), guarded(lang):
                st.caption(pres.escape_markdown(parts["map_text"]))
                st.vega_lite_chart(parts["map"], width="stretch", alt=text("map_alt", lang))
                st.caption(text("map_attribution", lang))
    projects = message.get("cards") or reply.get("projects") or []
    if projects:
        with guarded(lang):
            st.markdown(f"**{text('projects_heading', lang)}**")
            for project in projects:
                with st.container(border=True):
                    st.markdown(pres.project_markdown(project, lang))
    sources = pres.sources_markdown(reply.get("sources") or [])
    if sources:
        st.caption(f"{text('sources_heading', lang)}: " + " · ".join(sources))
    with st.expander(text("how_computed", lang)):
        st.markdown(f"{text('intent_label', lang)}: **{pres.escape_markdown(reply.get('intent') or '–')}** · "
                    f"{text('answered_by', lang)}: **{pres.escape_markdown(message.get('backend') or '–')}**")
        calls = reply.get("tool_calls") or []
        if calls:
            st.code(pres.tool_calls_json(calls), language="json")
        else:
            st.caption(text("no_tool_calls", lang))
    footer = st.columns([1, 1, 2], vertical_alignment="center")
    if parts["csv"] is not None:
        footer[0].download_button(
            text("download_csv", lang), parts["csv"], file_name=pres.csv_file_name(message["question"]),
            mime="text/csv", key=f"csv-{message['id']}", on_click="ignore", icon=":material/download:",
        )
    with footer[1]:
        st.feedback("thumbs", key=f"feedback-{message['id']}", on_change=store_feedback, args=(message["id"],))
    footer[2].markdown(
        f"[{text('share_link', lang)}](<{pres.share_link(st.context.url, message['question'], lang)}>)",
    )


def render_message(message: dict[str, Any], index: DigitalIndex) -> None:
    lang: Lang = st.session_state.lang
    if message["role"] == "user":
        with st.chat_message("user"):
            st.markdown(pres.escape_markdown(message["content"]))
        return
    with st.chat_message("assistant"):
        if "error" in message:
            st.error(pres.escape_markdown(message["error"]))
            return
        with guarded(lang):
            render_reply(message, index)


# --- the page's language ------------------------------------------------------------------------

def document_language(lang: Lang) -> None:
    """Declare the page's language on <html>, so screen readers pronounce German as German (WCAG
    3.1.1). Streamlit's page shell hard-codes lang="en" and offers no setting for it
    (streamlit/streamlit#15726); st.html is not iframed, so this script reaches the top document.
    It runs again only when the language changes (an unchanged element is not re-rendered)."""
    with st.sidebar:
        st.html(pres.document_language_script(lang), unsafe_allow_javascript=True)


def page_language(lang: Lang) -> Lang:
    """The language of the latest answer (what most of the page says), else the interface's."""
    replies = [m["reply"] for m in st.session_state.messages if "reply" in m]
    return as_lang(replies[-1].get("language"), lang) if replies else lang


# --- page ----------------------------------------------------------------------------------------

def main() -> None:
    st.set_page_config(page_title="Digital-Index Ruhr", page_icon="📊", layout="wide")
    init_session()
    st.html(pres.PAGE_CSS)  # contrast and focus ring (style only: takes no space on the page)
    lang: Lang = st.session_state.lang
    if not signed_in(lang):
        return
    try:
        eng = engine()
        index = eng.index
    except Exception as error:
        log.exception("start-up failed")
        st.error(text("error_startup", lang, reason=pres.escape_markdown(error)))
        return
    sidebar(eng, index)
    lang = st.session_state.lang
    st.title(text("title", lang))
    st.caption(text("intro", lang))
    banner = st.empty()
    typed = st.chat_input(text("chat_placeholder", lang), max_chars=MAX_QUESTION_CHARS, key="question",
                          on_submit=follow_question_language)
    if not st.session_state.messages and not typed and not st.session_state.pending:
        st.markdown(text("examples_heading", lang))
        columns = st.columns(2)
        for n, example in enumerate(EXAMPLES[lang]):
            columns[n % 2].button(example, on_click=set_pending, args=(example,), width="stretch")
        with st.container(key="overview-map"), guarded(lang):
            st.caption(text("overview_map", lang))
            st.vega_lite_chart(pres.map_spec([], lang, height=300, legend=False, geometry_url=pres.STATIC_GEOMETRY_URL),
                               width="stretch", alt=text("overview_map", lang))
            st.caption(text("map_attribution", lang))
    for message in st.session_state.messages:
        render_message(message, index)
    question = typed or st.session_state.pending
    st.session_state.pending = None
    if question:
        with st.chat_message("user"):
            st.markdown(pres.escape_markdown(question))
        ask(question)
        render_message(st.session_state.messages[-1], index)
    figures = [f for m in st.session_state.messages for f in (m.get("reply") or {}).get("figures") or []]
    if pres.has_synthetic(figures):
        banner.warning(text("synthetic_banner", lang), icon="⚠️")
    document_language(page_language(lang))


def run(page: Callable[[], None] = main) -> None:
    try:
        page()
    except Exception:  # the last guard: never a traceback in the browser
        log.exception("page failed")
        st.error(text("error_generic", as_lang(st.session_state.get("lang"))))


run()
