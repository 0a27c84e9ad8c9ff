"""The secure default deployment (docs/operations.md §8): the shipped Streamlit settings, the
optional OIDC sign-in gate, and the nginx example in the docs.

Why tests for configuration: a setting changed for a quick local experiment (XSRF off, bound to
all interfaces, tracebacks in the browser) is exactly the kind of change nobody reviews.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_ROOT, SHIPPED_DATA

CONFIG = PROJECT_ROOT / ".streamlit" / "config.toml"
OPERATIONS = PROJECT_ROOT / "docs" / "operations.md"


def test_streamlit_defaults_are_the_secure_ones() -> None:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    server, client = config["server"], config["client"]
    assert server["address"] == "127.0.0.1"  # only the reverse proxy reaches the app
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True
    # static serving is on for the map geometry only: nothing else may sit in static/
    assert server["enableStaticServing"] is True
    assert sorted(f.name for f in (PROJECT_ROOT / "static").iterdir()) == ["ruhr_municipalities.json"]
    assert 0 < server["maxUploadSize"] <= 10
    assert 0 < server["maxMessageSize"] <= 50
    assert client["showErrorDetails"] == "none"  # tracebacks stay in the server log
    assert client["toolbarMode"] in ("minimal", "viewer")
    assert config["browser"]["gatherUsageStats"] is False
    assert config["runner"]["postScriptGC"] is False  # half the CPU per answer under load (benchmarks)
    assert "cookieSecret" not in server  # a secret never lives in a versioned file


def test_the_nginx_example_proxies_websockets_to_loopback_only() -> None:
    text = OPERATIONS.read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(.*?)```", text, re.S)
    assert block is not None
    nginx = block.group(1)
    assert "proxy_pass http://127.0.0.1:8501" in nginx
    assert "proxy_set_header Upgrade $http_upgrade" in nginx
    assert 'proxy_set_header Connection "upgrade"' in nginx or "$connection_upgrade" in nginx
    assert "ssl_certificate" in nginx
    assert "client_max_body_size" in nginx


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(SHIPPED_DATA))
    for name in ("ASSISTANT_LLM", "CHROMA_HOST"):
        monkeypatch.delenv(name, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    st.cache_resource.clear()
    st.cache_data.clear()


AUTH = {"redirect_uri": "https://assistant.example.org/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "assistant", "client_secret": "s" * 16,
        "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}


def test_with_an_auth_section_visitors_must_sign_in_first(page: AppTest) -> None:
    page.secrets["auth"] = AUTH
    page.user = {"is_logged_in": False}
    page.run()
    assert not page.exception
    assert [b.label for b in page.button] == ["Anmelden"]
    assert not page.chat_input  # nothing of the assistant before sign-in
    assert not page.sidebar.button
    assert "melden sie sich an" in page.info[0].value.lower()


def test_a_signed_in_visitor_gets_the_chat_and_a_sign_out_button(page: AppTest) -> None:
    page.secrets["auth"] = AUTH
    page.user = {"is_logged_in": True, "name": "Ada", "email": "ada@example.org"}
    page.run()
    assert not page.exception
    assert page.chat_input
    assert "Abmelden" in [b.label for b in page.sidebar.button]


def test_without_an_auth_section_the_page_is_open(page: AppTest) -> None:
    page.run()
    assert not page.exception
    assert page.chat_input
    assert "Abmelden" not in [b.label for b in page.sidebar.button]
