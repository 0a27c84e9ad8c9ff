"""Optional sign-in of the web page (OIDC through Streamlit's st.login, see docs/operations.md).

Why a module: the page (`app.py`) asks whether the visitor may see it, the sidebar
(`app_parts.sidebar`) whether to offer signing out; both read the same rule here.
"""

from __future__ import annotations

import streamlit as st

from assistant.presentation.ui_text import Lang, text


def sign_in_required() -> bool:
    """Sign-in is on exactly when .streamlit/secrets.toml has an [auth] section (OIDC provider, see
    docs/operations.md); without one the page is open, as behind an authenticating proxy."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def signed_in(lang: Lang) -> bool:
    """True when the visitor may use the page; otherwise shows only the sign-in button. Nothing of
    the data or the engine is loaded for a visitor who is not signed in."""
    if not sign_in_required() or st.user.get("is_logged_in"):
        return True
    st.title(text("title", lang))
    st.info(text("sign_in_needed", lang))
    st.button(text("sign_in", lang), on_click=st.login, icon=":material/login:")
    return False
