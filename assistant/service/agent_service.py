"""What agents and the HTTP API can call: the toolbox's tools, `ask`, and the shapes they return.

One layer under both the MCP server (assistant.service.mcp_server) and the HTTP API (assistant.service.http_api),
so a tool answers the same over stdio, over streamable HTTP and over `POST /v1/tools/{name}`.

Why derived and not hand-written: the tool list, argument schemas and descriptions come from the
one tool list `assistant.tools.tool_specs` (the pydantic models the planner and the LLM path use), so a
tool added or an argument changed there appears here with no edit, and descriptions cannot drift.

Every result is JSON: the figures exactly as the scoring module made them (DESIGN 3.4), the
facts, data, projects (retrieved text already made inert by retrieval), sources and notices, plus a
Vega-Lite `chart` where the web page would draw one (the page's own Altair chart, as a spec).
Results are capped at `MAX_RESULT_CHARS` characters of JSON; a longer one loses its last list
items and says so in `truncated`. Errors say what went wrong and, where the project knows close
names, suggest them ("did you mean …").
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz, process

from assistant.core.errors import AssistantError, UnknownNameError
from assistant.core.text_safety import MAX_QUESTION_CHARS
from assistant.index.registry import Lang
from assistant.tools.plan import ConversationState, ToolCall
from assistant.tools.tool_results import ToolResult
from assistant.tools.tool_specs import ToolSpec, tool_specs
from assistant.tools.toolbox import shown_error

if TYPE_CHECKING:
    from assistant.answers.chat import Engine

log = logging.getLogger(__name__)

#: Upper bound of one result's JSON text (characters). Stated in every tool description.
MAX_RESULT_CHARS = 20_000
CAP_NOTE = (f" Results are JSON capped at {MAX_RESULT_CHARS:,} characters; a longer result is cut "
            "(last list items dropped) and says so in its `truncated` field.")
#: Chart specs kept per process (see AgentService.chart).
CHART_CACHE_SIZE = 512
#: Result keys whose lists may be shortened to meet the cap, least important first.
TRIMMABLE = ("projects", "sources", "facts", "figures")


class AskArgs(BaseModel):
    """Ask the Digital-Index Ruhr assistant a question in German or English, as in the web chat.

    Returns the answer object of `assistant ask --json` (answer text, intent, tool calls, figures with
    provenance, projects, sources, notices) and a `state` token: pass it back with the next question
    so that follow-ups such as "und Bochum?" refer to this turn.
    """

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="The question, German or English.")
    language: Literal["de", "en"] | None = Field(
        default=None, description="Answer language; default: the language of the question.")
    state: str | None = Field(default=None, max_length=8192,
                              description="Optional: the `state` returned by the previous `ask` (follow-ups).")


class VerifyArgs(BaseModel):
    """Check every number in a text against the figures it claims to quote (proof-carrying numbers).

    Pass the text (e.g. your own summary of an answer) and the `figures` (and `facts`) of the
    answer or tool result it quotes, as returned with their `claim_id`. Each claim is first checked
    against the index data of this server; a claim whose id does not match its value, or that the
    data does not contain, is reported in `rejected_claims` and backs no number. Returns a verdict
    per number: exact, rounded, rank, count, year, or unverified.
    """

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20_000, description="The text whose numbers to check.")
    figures: list[dict[str, Any]] = Field(max_length=500, description="Figures with `claim_id`, as returned.")
    facts: list[dict[str, Any]] = Field(default_factory=list, max_length=500,
                                        description="Optional: the answer's fact claims, as returned.")
    language: Literal["de", "en"] | None = Field(
        default=None, description="Language of the text (how '1.234' is read); default: either reading.")


@dataclass(frozen=True)
class AgentTool:
    """One tool as agents see it: name, description, JSON Schema of its arguments."""

    name: str
    title: str
    description: str
    input_schema: dict[str, Any]


class AgentCallError(AssistantError):
    """A call that cannot run: unknown tool or invalid arguments; `status` is the HTTP status."""

    def __init__(self, kind: str, message: str, suggestions: list[str] | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status
        self.suggestions = list(suggestions or [])

    def to_dict(self) -> dict[str, Any]:
        return {"ok": False, "error": {"kind": self.kind, "message": self.message, "suggestions": self.suggestions}}


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def toolbox_tools() -> tuple[AgentTool, ...]:
    """The toolbox's tools, derived from the one tool list (`assistant.tools.tool_specs`), in its order."""
    return _agent_tools(tool_specs())


@functools.lru_cache(maxsize=8)
def _agent_tools(specs: tuple[ToolSpec, ...]) -> tuple[AgentTool, ...]:
    """Built once per tool list (JSON schemas cost milliseconds); a registered tool makes a new list."""
    return tuple(AgentTool(spec.name, _title(spec.name), spec.description + CAP_NOTE, spec.args.model_json_schema())
                 for spec in specs)


ASK_TOOL = AgentTool("ask", "Ask", " ".join((AskArgs.__doc__ or "").split()) + CAP_NOTE, AskArgs.model_json_schema())
VERIFY_TOOL = AgentTool("verify", "Verify", " ".join((VerifyArgs.__doc__ or "").split()) + CAP_NOTE,
                        VerifyArgs.model_json_schema())


def closest(name: str, choices: list[str], limit: int = 3) -> list[str]:
    """The closest valid names to a wrong one (fuzzy, as the project's other suggestions)."""
    return [c for c, score, _ in process.extract(name, choices, scorer=fuzz.WRatio, limit=limit) if score >= 60]


def cap_result(payload: dict[str, Any], limit: int = MAX_RESULT_CHARS) -> dict[str, Any]:
    """`payload` cut to at most `limit` characters of JSON, saying what was removed."""
    size = len(json.dumps(payload, ensure_ascii=False, default=str))
    if size <= limit:
        return payload
    result = dict(payload)
    removed: dict[str, int] = {}
    if result.get("chart") is not None:
        result["chart"] = None
        removed["chart"] = 1
    data = dict(result.get("data") or {})
    result["data"] = data
    note = {"limit_chars": limit, "original_chars": size, "removed": removed,
            "note": "Result cut to the size cap: ask for fewer items (smaller n or k, fewer municipalities)."}
    result["truncated"] = note
    while len(json.dumps(result, ensure_ascii=False, default=str)) > limit:
        lists = [(k, result) for k in TRIMMABLE if isinstance(result.get(k), list) and result[k]]
        lists += [(k, data) for k, v in data.items() if isinstance(v, list) and v]
        if not lists:  # nothing left to drop item by item: keep only the error-free skeleton
            result = {k: result[k] for k in ("tool", "ok", "truncated") if k in result}
            break
        key, holder = max(lists, key=lambda item: len(json.dumps(item[1][item[0]], ensure_ascii=False, default=str)))
        holder[key] = holder[key][:-1]
        removed[key] = removed.get(key, 0) + 1
    return result


class AgentService:
    """The engine's tools and `ask`, as JSON-in, JSON-out calls. Thread-safe like the Engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._charts: OrderedDict[tuple[Any, ...], dict[str, Any] | None] = OrderedDict()
        self._charts_lock = threading.Lock()

    @property
    def tools(self) -> list[AgentTool]:
        allowed = set(self.engine.toolbox.names)
        return [t for t in toolbox_tools() if t.name in allowed] + [ASK_TOOL, VERIFY_TOOL]

    @property
    def tool_names(self) -> list[str]:
        return [t.name for t in self.tools]

    def check_tool(self, name: str) -> None:
        if name not in self.tool_names:
            raise AgentCallError("unknown_tool", f"Unknown tool '{shown_error(name)[:80]}'. Available tools: "
                                 + ", ".join(self.tool_names) + ".", closest(name, self.tool_names), status=404)

    # -- calls ------------------------------------------------------------------------------------
    def call(self, name: str, args: Mapping[str, Any] | None, lang: Lang = "de") -> dict[str, Any]:
        """Run tool `name`; raises AgentCallError for an unknown tool, else returns a result (ok or not)."""
        self.check_tool(name)
        arguments = dict(args or {})
        if name == ASK_TOOL.name:
            try:
                parsed = AskArgs.model_validate(arguments)
            except ValidationError as error:
                raise AgentCallError("invalid_argument", _validation_text(name, error)) from error
            answer, _ = self.ask(parsed.question, parsed.language, parsed.state)
            return answer
        if name == VERIFY_TOOL.name:
            try:
                checked = VerifyArgs.model_validate(arguments)
            except ValidationError as error:
                raise AgentCallError("invalid_argument", _validation_text(name, error)) from error
            return cap_result(self.verify(checked.text, checked.figures, checked.facts, checked.language))
        result = self.engine.toolbox.execute(ToolCall(name, arguments), lang)
        return cap_result(self.result_payload(result, lang))

    def ask(self, question: str, language: Lang | None = None, state: str | ConversationState | None = None,
            *, chart: bool = True, cards: bool = False) -> tuple[dict[str, Any], ConversationState]:
        """One turn of a conversation whose state travels with the call (see assistant.service.state_token).

        Returns the DESIGN 3.4 answer object plus `backend`, `state` (the signed token of the new
        state), with `chart` a Vega-Lite `chart` where the page would draw one, and with `cards` the
        full `project_cards` (status, reusable, funding, sources) the web page shows.
        """
        from assistant.answers.chat import Assistant
        from assistant.service.state_token import StateTokenError, decode_state, encode_state

        conversation = Assistant(self.engine)
        if isinstance(state, str):
            try:
                conversation.state = decode_state(state)
            except StateTokenError as error:
                raise AgentCallError("invalid_state", str(error), status=400) from error
        elif state is not None:
            conversation.state = state
        reply = conversation.ask(question, language)
        answer = reply.to_dict()
        answer["backend"] = reply.backend
        if cards:
            answer["project_cards"] = [dict(p) for p in reply.projects]
        if chart:
            answer["chart"] = self.chart(reply.figures, reply.language)
        answer["state"] = encode_state(conversation.state)
        return cap_result(answer), conversation.state

    def verify(self, text: str, figures: list[dict[str, Any]], facts: list[dict[str, Any]] | None = None,
               language: Lang | None = None) -> dict[str, Any]:
        """Per-number verdicts for `text` against the claims that this server's data confirms.

        A figure counts only if the scoring module gives the same figure (and so the same claim id)
        for its municipality and metric now; a fact only if its id matches its own value. A figure
        edited after it was issued (a "tampered" number) is rejected and backs nothing.
        """
        from assistant.index.claims import answer_names, forged_claims, verify

        version = self.engine.index.table.data_version
        tables: dict[str, Any] = {}
        accepted: list[dict[str, Any]] = []
        rejected: list[dict[str, Any]] = []
        for claim in [*figures, *(facts or [])]:
            try:
                if "ags" in claim:
                    real = self._real_figure(claim, tables)
                    good = real["claim_id"] == claim.get("claim_id") and real["value"] == claim.get("value")
                else:
                    good = bool(claim.get("claim_id")) and not forged_claims({"facts": [claim]}, version)
            except (KeyError, TypeError, ValueError, AttributeError, AssistantError):
                good = False
            (accepted if good else rejected).append(claim)
        report = verify(text, accepted, language, names=answer_names({"figures": accepted}))
        return {"tool": VERIFY_TOOL.name, "ok": True, "data_version": version, **report.to_dict(),
                "rejected_claims": [{"claim_id": c.get("claim_id"), "ags": c.get("ags"), "metric": c.get("metric"),
                                     "value": c.get("value")} for c in rejected]}

    def _real_figure(self, claim: Mapping[str, Any], tables: dict[str, Any]) -> dict[str, object]:
        """The figure the data gives for a claim's municipality and metric: from today's scores, or for a
        what-if figure (`scenario`) from the same scenario recomputed (kept per call in `tables`)."""
        from assistant.index.scenarios import scenario_table
        from assistant.index.scoring import figure

        index = self.engine.index
        table = index.table
        scenario = claim.get("scenario")
        if scenario is not None:
            key = json.dumps(scenario, sort_keys=True)
            if key not in tables:
                tables[key] = scenario_table(index.data.values, index.registry, index.table, scenario)
            table = tables[key]
        return figure(table, index.registry, str(claim["ags"]), str(claim.get("metric")))

    def result_payload(self, result: ToolResult, lang: Lang) -> dict[str, Any]:
        if not result.ok:
            suggestions = list(result.suggestions) or self._metric_suggestions(result.args)
            return {"tool": result.name, "ok": False, "args": result.args,
                    "error": {"kind": result.error_kind, "message": result.error, "suggestions": suggestions},
                    "data": result.data}
        return {
            "tool": result.name, "ok": True, "args": result.args, "figures": [dict(f) for f in result.figures],
            "facts": self._fact_claims(result),
            "data": dict(result.data), "projects": [dict(p) for p in result.projects],
            "sources": [dict(s) for s in result.sources], "notices": list(result.notices),
            "chart": self.chart(result.figures, lang),
        }

    def _fact_claims(self, result: ToolResult) -> list[dict[str, Any]]:
        """The result's facts (averages, counts, contributions) as claims with ids, as in answers."""
        from assistant.index.claims import fact_claims

        metric = result.data.get("metric")
        version = self.engine.index.table.data_version
        return fact_claims([(f.key, str(metric) if metric else None, f.value, f.unit) for f in result.facts], version)

    def _metric_suggestions(self, args: Mapping[str, Any]) -> list[str]:
        """Closest metric ids for a metric/area argument the tools could not read ("Glasfasr")."""
        names = [str(args[k]) for k in ("metric", "area") if isinstance(args.get(k), str)]
        for key in ("area_weights", "indicator_weights"):
            if isinstance(args.get(key), Mapping):
                names += [str(k) for k in args[key]]
        for name in names:
            try:
                self.engine.index.metric(name)
            except UnknownNameError as error:
                return list(error.suggestions)
        return []

    def chart(self, figures: list[dict[str, Any]], lang: Lang) -> dict[str, Any] | None:
        """The page's bar chart of these figures as a Vega-Lite spec, or None where it draws none.

        Building it with Altair costs tens of milliseconds, a thousand times the tool call, so specs
        are kept (read-only) per language and figure list: a claim id fixes a figure's content and
        the data version, and the chart depends on nothing else but the index's means.
        """
        if not figures:
            return None
        key = (lang, *(f.get("claim_id") or json.dumps(f, sort_keys=True, default=str) for f in figures))
        with self._charts_lock:
            if key in self._charts:
                self._charts.move_to_end(key)
                return self._charts[key]
        from assistant.presentation.charts import figure_chart

        try:
            chart = figure_chart(figures, self.engine.index, lang)
            spec: dict[str, Any] | None = None if chart is None else chart.to_dict()
        except Exception:  # a chart is an extra: its failure must not cost the numbers
            log.exception("chart spec failed")
            return None
        with self._charts_lock:
            self._charts[key] = spec
            while len(self._charts) > CHART_CACHE_SIZE:
                self._charts.popitem(last=False)
        return spec


def _validation_text(tool: str, error: ValidationError) -> str:
    parts = [f"argument '{'.'.join(str(p) for p in e['loc']) or 'arguments'}': {e['msg']}" for e in error.errors()]
    return shown_error(f"{tool}: " + "; ".join(parts))
