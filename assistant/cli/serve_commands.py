"""`assistant mcp` (MCP on stdio) and `assistant serve` (HTTP API + MCP at /mcp): thin wiring.

`serve` binds to 127.0.0.1 unless told otherwise. With several workers, uvicorn imports the app
factory once per worker process; the state-signing secret must then be the same in all of them, so
when `ASSISTANT_STATE_SECRET` is unset, `serve` draws one random secret here and hands it to its
workers through the environment (replicas started separately still need the variable set).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from assistant.core.settings import Settings
from assistant.service.state_token import SECRET_ENV

APP_FACTORY = "assistant.service.http_api:create_app"


def cmd_mcp(args: argparse.Namespace) -> int:
    from assistant.answers.chat import Engine
    from assistant.service.agent_service import AgentService
    from assistant.service.mcp_server import run_stdio

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)  # stdout carries the protocol only
    settings = Settings.from_env()
    if getattr(args, "data_dir", None):
        settings = dataclasses.replace(settings, data_dir=Path(args.data_dir))
    engine = Engine(settings)
    engine.warm()
    run_stdio(AgentService(engine))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if getattr(args, "data_dir", None):
        os.environ["ASSISTANT_DATA_DIR"] = str(args.data_dir)  # the workers read settings from the environment
    if not os.environ.get(SECRET_ENV):
        os.environ[SECRET_ENV] = secrets.token_hex(32)  # one secret for all workers of this server
        if args.workers > 1:
            print(f"Note: {SECRET_ENV} is not set; a random secret is shared by this server's workers only. "
                  "Set it when running several servers (replicas).", file=sys.stderr)
    uvicorn.run(APP_FACTORY, factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level=args.log_level, access_log=False, timeout_graceful_shutdown=10)
    return 0


def register(subparsers: Any) -> None:
    mcp = subparsers.add_parser("mcp", help="MCP server on stdio (tools, resources, prompts)")
    mcp.set_defaults(handler=cmd_mcp)

    serve = subparsers.add_parser("serve", help="HTTP API and MCP (streamable HTTP at /mcp)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8787)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (stateless; any answers any turn)")
    serve.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(handler=cmd_serve)
