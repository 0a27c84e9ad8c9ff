"""A conversation's state as an opaque, signed token, so that the HTTP API stays stateless.

Why a token and not a server-side session: `assistant serve` runs several workers and may run as
several replicas behind a load balancer. If the state of "Wie schneidet Hagen bei Glasfaser ab?"
travels with the request, any worker can answer the follow-up "und Bochum?", and a worker that dies
loses nothing. The token is the `ConversationState` as JSON, signed with HMAC-SHA256 so that a
client cannot forge a state (e.g. smuggle an arbitrary tool call into `last_tool_calls`).

The secret comes from `ASSISTANT_STATE_SECRET`. Without it each process draws a random secret at
start: fine for one process, but every worker and replica that may see the same conversation must
share one secret, so set it when running several (`assistant serve` hands its own random secret to
its workers when the variable is unset).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from typing import Any

from assistant.core.errors import AssistantError
from assistant.tools.plan import INTENTS, ConversationState, ToolCall

SECRET_ENV = "ASSISTANT_STATE_SECRET"
VERSION = "v1"
#: Tokens longer than this are refused unread (a state is a few hundred bytes).
MAX_TOKEN_CHARS = 8192
_PROCESS_SECRET = secrets.token_bytes(32)


class StateTokenError(AssistantError):
    """The state token is malformed, too long, or signed with another secret."""


def state_secret() -> bytes:
    """The signing secret: `ASSISTANT_STATE_SECRET`, else this process's random one."""
    configured = os.environ.get(SECRET_ENV)
    return configured.encode("utf-8") if configured else _PROCESS_SECRET


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str, secret: bytes) -> str:
    return _b64(hmac.new(secret, f"{VERSION}.{payload}".encode("ascii"), hashlib.sha256).digest())


def state_to_dict(state: ConversationState) -> dict[str, Any]:
    return {
        "intent": state.intent, "municipalities": list(state.municipalities), "metric": state.metric,
        "language": state.language, "last_tool_calls": [c.to_dict() for c in state.last_tool_calls],
        "last_query": state.last_query, "project": state.project, "turns": state.turns,
    }


def state_from_dict(data: dict[str, Any]) -> ConversationState:
    """Rebuild a state; every field is type-checked (a valid signature does not excuse bad data)."""
    intent = data.get("intent")
    language = data.get("language")
    if intent is not None and intent not in INTENTS:
        raise StateTokenError(f"state token: unknown intent {intent!r}")
    if language not in ("de", "en"):
        raise StateTokenError("state token: language must be 'de' or 'en'")
    calls = data.get("last_tool_calls") or []
    if not isinstance(calls, list) or not all(isinstance(c, dict) and isinstance(c.get("name"), str)
                                              and isinstance(c.get("args", {}), dict) for c in calls):
        raise StateTokenError("state token: malformed tool calls")
    municipalities = data.get("municipalities") or []
    if not isinstance(municipalities, list) or not all(isinstance(m, str) for m in municipalities):
        raise StateTokenError("state token: malformed municipalities")
    metric, query, turns = data.get("metric"), data.get("last_query"), data.get("turns", 0)
    project = data.get("project")
    if not all(v is None or isinstance(v, str) for v in (metric, query, project)):
        raise StateTokenError("state token: malformed metric, query or project")
    if not isinstance(turns, int) or isinstance(turns, bool) or turns < 0:
        raise StateTokenError("state token: malformed turn count")
    return ConversationState(
        intent=intent, municipalities=tuple(municipalities), metric=metric, language=language,
        last_tool_calls=tuple(ToolCall(c["name"], dict(c.get("args") or {})) for c in calls),
        last_query=query, project=project, turns=turns,
    )


def encode_state(state: ConversationState, secret: bytes | None = None) -> str:
    """`v1.<payload>.<signature>`, URL-safe base64 throughout."""
    payload = _b64(json.dumps(state_to_dict(state), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return f"{VERSION}.{payload}.{_sign(payload, secret or state_secret())}"


def decode_state(token: str, secret: bytes | None = None) -> ConversationState:
    """The state a token carries; raises StateTokenError with a fix for every kind of bad token."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        raise StateTokenError(f"state token must be a string of at most {MAX_TOKEN_CHARS} characters")
    version, _, rest = token.partition(".")
    payload, _, signature = rest.partition(".")
    if version != VERSION or not payload or not signature:
        raise StateTokenError("state token is malformed: pass back the `state` of the previous answer unchanged")
    if not hmac.compare_digest(signature, _sign(payload, secret or state_secret())):
        raise StateTokenError(
            "state token signature does not match: it was changed, or issued by a server with another "
            f"{SECRET_ENV} (set the same secret on every worker and replica), or the server restarted "
            "without one. Start a new conversation by omitting `state`."
        )
    try:
        data = json.loads(_unb64(payload).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise StateTokenError("state token payload is not valid JSON") from error
    if not isinstance(data, dict):
        raise StateTokenError("state token payload is not an object")
    return state_from_dict(data)
