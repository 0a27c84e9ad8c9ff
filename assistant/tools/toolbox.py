"""The Toolbox: executes tool calls by name, with an allow-list, for the planner and for an LLM.

Why one executor: the offline planner and an optional LLM call the *same* tools, so validation,
error messages and result shapes cannot drift between the two paths. What the tools are (names,
argument models, bodies, intents, project flag) is said once, in assistant.tools.tool_specs; results are
assistant.tools.tool_results types. A tool never raises to its caller: a wrong argument becomes a
`ToolResult` with `error` and the valid values or closest names.

The project side is a protocol and is created lazily: numeric answers never touch Chroma or the
embedding model.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from assistant.core.disclosure import redact_paths
from assistant.core.errors import AssistantError, UnknownNameError
from assistant.index.registry import KREISE, Lang, metric_ids
from assistant.projects.chunking import inert_text
from assistant.projects.store_health import DOCTOR_COMMAND, IndexUnavailableError
from assistant.tools.plan import ToolCall
from assistant.tools.tool_impl import ProjectSearchNotConfiguredError, ToolContext
from assistant.tools.tool_results import Fact, ProjectSource, ToolResult, render_result
from assistant.tools.tool_specs import PROJECT_TOOLS, SCHEMAS, tool_spec

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

# Re-exported: callers have long imported the result types and the schema table from here.
__all__ = ["PROJECT_FAILURE", "PROJECT_TOOLS", "SCHEMAS", "Fact", "ProjectSource", "ToolResult", "Toolbox",
           "render_result", "shown_error"]

log = logging.getLogger(__name__)

PROJECT_FAILURE = ("The project search failed unexpectedly (details are in the server log). "
                   "Repair: run `assistant doctor`.")


def shown_error(error: object) -> str:
    """An error message as answers and models see it: the caller's text in it made inert (no HTML,
    no images), absolute file paths replaced (the server log keeps the full message)."""
    return redact_paths(inert_text(str(error), "en"))


def unavailable_data(error: BaseException) -> dict[str, str | None]:
    """Why the project search failed, as a kind and a repair command: the answer words the reason in
    the question's language (the error text itself is English, for logs and models)."""
    if isinstance(error, IndexUnavailableError):
        return {"unavailable": error.kind, "repair": error.repair}
    if isinstance(error, ProjectSearchNotConfiguredError):
        return {"unavailable": "unconfigured", "repair": None}
    return {"unavailable": "failed", "repair": DOCTOR_COMMAND}


def _validation_message(tool: str, error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "arguments"
        got = problem.get("input")
        shown = repr(got) if len(repr(got)) < 80 else ("…" if isinstance(got, dict) else repr(got)[:60] + "…")
        parts.append(f"argument '{where}': {problem['msg']} (got {shown})")
    return f"{tool}: " + "; ".join(parts)


class Toolbox:
    """Executes tool calls by name against one DigitalIndex, with an allow-list.

    `projects` may be the retrieval facade itself or a zero-argument factory; a factory is called
    on the first project question only, so a scoring question never imports Chroma.
    """

    def __init__(
        self,
        index: Any,
        projects: ProjectSource | Callable[[], ProjectSource] | None = None,
        allowed: Iterable[str] | None = None,
    ) -> None:
        self.index = index
        self._projects = projects
        self._lock = threading.Lock()  # one facade even when two sessions ask their first project question
        self.allowed = frozenset(allowed) if allowed is not None else frozenset(SCHEMAS)
        unknown = self.allowed - set(SCHEMAS)
        if unknown:
            raise ValueError("unknown tools in allow-list: " + ", ".join(sorted(unknown)))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in SCHEMAS if n in self.allowed)

    def project_source(self) -> ProjectSource | None:
        """The retrieval facade, created on first use (errors such as a missing index propagate)."""
        with self._lock:
            source = self._projects
            if source is not None and not hasattr(source, "search") and callable(source):
                source = self._projects = source()
            return source  # type: ignore[return-value]  # a factory has been replaced by its product

    def _normalise(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """Map readable metric/area/Kreis names ("Glasfaser", "Unna") to ids before validation."""
        result = dict(args)
        for key in ("metric", "area"):
            value = result.get(key)
            if isinstance(value, str) and value not in metric_ids():
                with contextlib.suppress(UnknownNameError):
                    result[key] = self.index.metric(value)
        for key in ("area_weights", "indicator_weights"):
            weights = result.get(key)
            if isinstance(weights, Mapping):
                resolved: dict[str, Any] = {}
                for name, weight in weights.items():
                    try:
                        resolved[self.index.metric(str(name)) if name not in metric_ids() else name] = weight
                    except UnknownNameError:
                        resolved[str(name)] = weight
                result[key] = resolved
        kreis = result.get("kreis")
        if isinstance(kreis, str) and kreis not in KREISE:
            with contextlib.suppress(UnknownNameError):
                result["kreis"] = self.index.kreis(kreis)
        return result

    def execute(self, call: ToolCall | Mapping[str, Any], lang: Lang = "de") -> ToolResult:
        """Run one call; any user-caused problem becomes an error result, never an exception."""
        if not isinstance(call, ToolCall):
            call = ToolCall(str(call.get("name", "")), dict(call.get("args") or {}))
        args = dict(call.args)
        if call.name not in SCHEMAS:
            return ToolResult(call.name, args, error=f"Unknown tool '{call.name}'. Available tools: "
                              + ", ".join(self.names) + ".", error_kind="unknown_tool")
        if call.name not in self.allowed:
            return ToolResult(call.name, args, error=f"Tool '{call.name}' is not allowed here.",
                              error_kind="not_allowed")
        spec = tool_spec(call.name)
        try:
            parsed = spec.args.model_validate(self._normalise(args))
        except ValidationError as error:
            return ToolResult(call.name, args, error=shown_error(_validation_message(call.name, error)),
                              error_kind="invalid_argument")
        context = ToolContext(self.index, lang, self.project_source if call.name in PROJECT_TOOLS else None)
        try:
            result: ToolResult = spec.body(context, **parsed.model_dump())
        except UnknownNameError as error:
            kind = "unknown_municipality" if error.kind == "municipality" else "invalid_argument"
            return ToolResult(call.name, args, error=shown_error(error), error_kind=kind,
                              suggestions=list(error.suggestions),
                              data={"unknown": shown_error(error.name), "kind": error.kind})
        except (AssistantError, ValueError) as error:
            log.info("tool %s failed: %s", call.name, error)
            if call.name in PROJECT_TOOLS and not isinstance(error, ValueError):
                return ToolResult(call.name, args, error=shown_error(error), error_kind="unavailable",
                                  data=unavailable_data(error))
            return ToolResult(call.name, args, error=shown_error(error), error_kind="invalid_argument")
        except Exception as error:  # a broken project index must cost the project answer, never the whole reply
            if call.name not in PROJECT_TOOLS:
                raise
            log.exception("project tool %s failed unexpectedly", call.name)
            return ToolResult(call.name, args, error=PROJECT_FAILURE, error_kind="unavailable",
                              data=unavailable_data(error))
        result.args = args
        return result

    def langchain_tools(self, lang: Lang = "de") -> list[StructuredTool]:
        """The allowed tools as LangChain StructuredTools (content = text, artifact = ToolResult)."""
        from langchain_core.tools import StructuredTool

        def make(name: str) -> StructuredTool:
            def run(**kwargs: Any) -> tuple[str, ToolResult]:
                result = self.execute(ToolCall(name, kwargs), lang)
                return result.text(), result

            spec = tool_spec(name)
            return StructuredTool.from_function(
                func=run, name=name, description=spec.description, args_schema=spec.args,
                response_format="content_and_artifact",
                handle_validation_error=lambda error: f"{name}: invalid arguments: {error}",
            )

        return [make(name) for name in self.names]
