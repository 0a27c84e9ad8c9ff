"""A conversation held against a running `assistant serve` (for the web page with ASSISTANT_API_URL).

Why: many Streamlit replicas then share a pool of API workers and one Chroma server instead of each
loading its own engine and project index. The page renders what it always renders: `RemoteReply`
has the fields of `chat.Reply` the page reads (`to_dict()`, `projects` as full cards, `backend`).
The conversation's state is the signed token the server returns, kept here between turns, so the
API stays stateless and any worker answers any turn.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from assistant.answers.chat import CLAIM_KEYS, CONTRACT_KEYS
from assistant.core.errors import AssistantError
from assistant.index.registry import Lang

if TYPE_CHECKING:
    import httpx

    from assistant.answers.chat import Engine

API_URL_ENV = "ASSISTANT_API_URL"
TIMEOUT_SECONDS = 30.0


class ReplyLike(Protocol):
    """What the page reads of a reply (chat.Reply and RemoteReply both fit)."""

    backend: str
    projects: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]: ...


class Conversation(Protocol):
    """What the page needs of a conversation: `chat.Assistant` and `RemoteAssistant` both fit."""

    def ask(self, question: str, lang: Lang | None = None) -> ReplyLike: ...

    def reset(self) -> None: ...


@dataclass
class RemoteReply:
    """The server's answer object; `projects` are the full project cards the page shows."""

    answer_object: dict[str, Any]
    projects: list[dict[str, Any]] = field(default_factory=list)
    backend: str = "offline"

    def to_dict(self) -> dict[str, Any]:
        return {key: self.answer_object.get(key) for key in (*CONTRACT_KEYS, *CLAIM_KEYS)}

    def __getattr__(self, name: str) -> Any:  # reply.answer, reply.figures, ... as on chat.Reply
        if name in CONTRACT_KEYS:
            return self.answer_object.get(name)
        raise AttributeError(name)


@functools.lru_cache(maxsize=4)
def _client(base_url: str) -> httpx.Client:
    """One connection pool per API address and process, shared by every session (thread-safe)."""
    import httpx

    return httpx.Client(base_url=base_url.rstrip("/"), timeout=TIMEOUT_SECONDS)


class RemoteAssistant:
    """One conversation; `ask` raises AssistantError with a readable reason when the API fails."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.state: str | None = None

    def reset(self) -> None:
        self.state = None

    def ask(self, question: str, lang: Lang | None = None) -> RemoteReply:
        import httpx

        body: dict[str, Any] = {"question": question, "cards": True}
        if lang:
            body["language"] = lang
        if self.state:
            body["state"] = self.state
        try:
            response = _client(self.base_url).post("/v1/ask", json=body)
        except httpx.HTTPError as error:
            raise AssistantError(f"the assistant service at {self.base_url} is not reachable ({type(error).__name__})"
                                 ) from error
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if response.status_code != 200 or not isinstance(payload, dict):
            message = (payload.get("error") or {}).get("message") if isinstance(payload, dict) else None
            raise AssistantError(message or f"the assistant service answered HTTP {response.status_code}")
        self.state = payload.get("state")
        return RemoteReply(payload, list(payload.get("project_cards") or payload.get("projects") or []),
                           str(payload.get("backend") or "offline"))


def conversation(engine: Callable[[], Engine]) -> Conversation:
    """A conversation against `ASSISTANT_API_URL` when set, else an in-process one on `engine()`."""
    url = os.environ.get(API_URL_ENV)
    if url:
        return RemoteAssistant(url)
    from assistant.answers.chat import Assistant

    return Assistant(engine())
