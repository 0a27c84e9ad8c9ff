"""`assistant serve`: the stateless HTTP API (FastAPI) with the MCP server mounted at `/mcp`.

Endpoints: `GET /healthz`; `POST /v1/ask` (`{"question", "language"?, "state"?, "chart"?}` -> the
DESIGN 3.4 answer object plus `state`); `GET /v1/tools`; `POST /v1/tools/{name}` (arguments as the
JSON body -> the tool result; 404 with suggestions for an unknown tool, 422 for bad arguments);
`GET /v1/openapi.json`; MCP streamable HTTP at `/mcp` (stateless, JSON responses).

Why stateless: the conversation's state comes back to the client as a signed token
(assistant.service.state_token) and is sent with the next question, so any worker or replica answers any
turn and a worker that dies loses no conversation. What each process holds is read-only (the
index data, the scores, the planner) or shared outside it (the Chroma server).

Endpoints are plain `def`: FastAPI runs them in its thread pool, so a CPU-bound answer does not
block the event loop that serves the other requests.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.answers.chat import Engine
from assistant.core.text_safety import MAX_QUESTION_CHARS
from assistant.service.agent_service import AgentCallError, AgentService
from assistant.service.http_guard import GuardSettings, RequestGuard
from assistant.service.mcp_server import build_server

#: HTTP status of a tool result that failed, by its error kind.
ERROR_STATUS = {"invalid_argument": 422, "unknown_municipality": 422, "not_allowed": 403, "unavailable": 503,
                "unknown_tool": 404}


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="German or English.")
    language: Literal["de", "en"] | None = Field(default=None, description="Default: the question's language.")
    state: str | None = Field(default=None, max_length=8192, description="`state` of the previous answer.")
    chart: bool = Field(default=False, description="Add a Vega-Lite `chart` where the web page draws one.")
    cards: bool = Field(default=False, description="Add the full `project_cards` the web page shows.")


def _error(status: int, kind: str, message: str, suggestions: list[str] | None = None) -> JSONResponse:
    return JSONResponse({"ok": False, "error": {"kind": kind, "message": message, "suggestions": suggestions or []}},
                        status_code=status)


def create_app(engine: Engine | None = None, guard: GuardSettings | None = None) -> FastAPI:
    """The ASGI app; uvicorn calls it once per worker (`assistant.service.http_api:create_app`, factory)."""
    from mcp.server.transport_security import TransportSecuritySettings

    chosen = engine or Engine()
    chosen.warm()
    service = AgentService(chosen)
    limits = guard or GuardSettings.from_env()
    mcp_server = build_server(service)
    mcp_app = mcp_server.streamable_http_app(
        streamable_http_path="/mcp", stateless_http=True, json_response=True,
        max_request_body_size=limits.max_body_bytes,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=True,
                                                     allowed_hosts=list(limits.allowed_hosts),
                                                     allowed_origins=list(limits.allowed_origins)),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with mcp_server.session_manager.run():
            yield

    app = FastAPI(title="Digital-Index Ruhr assistant API", version="1", lifespan=lifespan,
                  openapi_url="/v1/openapi.json", docs_url=None, redoc_url=None)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
        return _error(422, "invalid_request", "Invalid request: " + "; ".join(problems))

    @app.exception_handler(AgentCallError)
    async def failed_call(_: Request, error: AgentCallError) -> JSONResponse:
        return _error(error.status, error.kind, error.message, error.suggestions)

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        """Liveness and readiness: the index data is loaded; project search is checked on use."""
        return {"status": "ok", "municipalities": len(chosen.index.registry.municipalities),
                "tools": len(service.tool_names)}

    @app.post("/v1/ask")
    def ask(request: AskRequest) -> dict[str, Any]:
        """One conversation turn; send the returned `state` with the next question (follow-ups)."""
        answer, _ = service.ask(request.question, request.language, request.state,
                                chart=request.chart, cards=request.cards)
        return answer

    @app.get("/v1/tools")
    def list_tools() -> dict[str, Any]:
        """The tools with descriptions and argument schemas (the same list MCP clients see)."""
        return {"tools": [{"name": t.name, "description": t.description, "input_schema": t.input_schema}
                          for t in service.tools]}

    @app.post("/v1/tools/{name}", response_model=None)
    def call_tool(name: str, args: dict[str, Any] | None = None, lang: Literal["de", "en"] = "de"
                  ) -> dict[str, Any] | JSONResponse:
        """Run one tool with the JSON body as its arguments."""
        result = service.call(name, args or {}, lang)
        if result.get("ok", True):
            return result
        kind = str((result.get("error") or {}).get("kind"))
        return JSONResponse(result, status_code=ERROR_STATUS.get(kind, 422))

    app.mount("/", mcp_app)  # last: /mcp and nothing else is served from here
    app.add_middleware(RequestGuard, settings=limits)  # refuses before routing, parsing or a tool runs
    return app
