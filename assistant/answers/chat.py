"""The assistant: a question in, a `Reply` (the DESIGN 3.4 object) out, conversation state kept.

Two paths, one contract:
- offline (default): planner -> Toolbox -> template answer (assistant.answers.compose) -> number guard;
- LLM (ASSISTANT_LLM set, or a chat model injected): model tool loop -> number guard. An answer
  that fails the guard, or a turn in which the model asked for a tool it may not use, is replaced by
  the template answer built from the same tool results, with a notice, and the event is logged.
  A missing, unreachable or slow backend falls back to the offline path, with a notice.

`Engine` holds what is expensive and shared (the DigitalIndex, the planner, the project search,
the chat model); it is safe to create once per process (e.g. `st.cache_resource`) and hand to
many `Assistant` objects, one per conversation.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from assistant.answers.answer_writer import phrase
from assistant.answers.compose import Composed, compose
from assistant.answers.guard import GuardResult, check_answer
from assistant.core.disclosure import find_disclosures
from assistant.core.settings import Settings
from assistant.core.text_safety import MAX_QUESTION_CHARS, MAX_RAW_CHARS, clean_question
from assistant.index.claims import WORDING_VERSION, fact_claims
from assistant.index.registry import Lang
from assistant.projects.chunking import inert_text
from assistant.tools.plan import ConversationState, Intent, Plan, ToolCall
from assistant.tools.tool_results import ProjectSource, ToolResult
from assistant.tools.tool_specs import TOOL_INTENTS
from assistant.tools.toolbox import Toolbox
from assistant.understanding.language import detect_language

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from assistant.index.digital_index import DigitalIndex
    from assistant.understanding.llm import LLMTurn

log = logging.getLogger(__name__)

HISTORY_TURNS = 6
CONTRACT_KEYS = ("question", "language", "answer", "intent", "tool_calls", "figures", "projects", "sources", "notices")
#: Extra keys after the contract's: fact claims and the data version of the claim ids (assistant.index.claims).
CLAIM_KEYS = ("facts", "data_version")
PROJECT_KEYS = ("id", "title", "municipalities", "score")
NOTICES: dict[str, tuple[str, str]] = {
    "cleaned": ("Unsichtbare Steuer- oder Formatzeichen wurden aus der Frage entfernt.",
                "Invisible control or formatting characters were removed from the question."),
    "fallback": ("Das Sprachmodell ({backend}) ist nicht verfügbar; die Antwort stammt vom Offline-Planer.",
                 "The language model ({backend}) is not available; the offline planner answered."),
    "llm": ("Antwort formuliert vom Sprachmodell {backend}; alle Zahlen wurden gegen die Werkzeugergebnisse geprüft.",
            "Answer worded by the language model {backend}; every number was checked against the tool results."),
    "guard": ("Die Antwort des Sprachmodells enthielt Zahlen ohne Beleg; gezeigt wird die geprüfte Standardantwort.",
              "The language model's answer contained unsupported numbers; the checked standard answer is shown."),
    "refused": ("Eine nicht erlaubte Aktion ({tools}) wurde abgelehnt; gezeigt wird die geprüfte Standardantwort.",
                "A disallowed action ({tools}) was refused; the checked standard answer is shown."),
    "no_answer": ("Das Sprachmodell gab keine Antwort; gezeigt wird die geprüfte Standardantwort.",
                  "The language model gave no answer; the checked standard answer is shown."),
    "leak": ("Die Antwort des Sprachmodells enthielt vertrauliche Angaben (Schlüssel oder Dateipfade); "
             "gezeigt wird die geprüfte Standardantwort.",
             "The language model's answer contained confidential details (keys or file paths); "
             "the checked standard answer is shown."),
}


def notice(key: str, lang: Lang, **values: Any) -> str:
    german, english = NOTICES[key]
    return (german if lang == "de" else english).format(**values)


class PlannerLike(Protocol):
    def plan(self, question: str, state: ConversationState | None = None) -> Plan: ...


@dataclass
class Reply:
    """One answer. `to_dict()` is exactly the DESIGN 3.4 object; the rest is for the app and tests."""

    question: str
    language: Lang
    answer: str
    intent: str
    tool_calls: list[ToolCall]
    figures: list[dict[str, Any]]
    projects: list[dict[str, Any]]
    sources: list[dict[str, str]]
    notices: list[str]
    backend: str = "offline"
    plan: Plan | None = None
    results: list[ToolResult] = field(default_factory=list)  # full tool results (project cards, data)
    guard: GuardResult | None = None
    evidence_extra: tuple[float, ...] = ()  # numbers of fixed template wording (see answers.Composed)
    facts: list[dict[str, Any]] = field(default_factory=list)  # fact claims (assistant.index.claims.fact_claims)
    data_version: str = ""  # hash of the data the claim ids rest on (assistant.index.claims.data_version)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question, "language": self.language, "answer": self.answer, "intent": self.intent,
            "tool_calls": [c.to_dict() for c in self.tool_calls], "figures": [dict(f) for f in self.figures],
            "projects": [{k: p.get(k) for k in PROJECT_KEYS} for p in self.projects],
            "sources": [dict(s) for s in self.sources], "notices": list(self.notices),
            "facts": [dict(f) for f in self.facts], "data_version": self.data_version,
        }


class Engine:
    """Shared, lazily created resources; thread-safe to create, read-only once created."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        index: DigitalIndex | None = None,
        planner: PlannerLike | None = None,
        projects: ProjectSource | Callable[[], ProjectSource] | None = None,
        chat_model: BaseChatModel | None = None,
        llm_timeout: float = 30.0,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self._index = index
        self._planner = planner
        self._projects = projects
        self._chat_model = chat_model
        self._chat_model_error: str | None = None
        self._toolbox: Toolbox | None = None
        self.llm_timeout = llm_timeout
        self.backend = "custom" if chat_model is not None else (self.settings.llm or "offline")
        self._lock = threading.RLock()

    @property
    def index(self) -> DigitalIndex:
        with self._lock:
            if self._index is None:
                from assistant.index.digital_index import DigitalIndex

                self._index = DigitalIndex.load(self.settings.data_dir)
            return self._index

    @property
    def planner(self) -> PlannerLike:
        with self._lock:
            if self._planner is None:
                from assistant.understanding.planner import Planner
                from assistant.understanding.project_catalog import ProjectCatalog

                index = self.index  # project names come from this engine's corpus, the one its search uses
                catalog = ProjectCatalog.load(self.settings.corpus_dir, index.registry, dict(index.metric_forms))
                self._planner = Planner(index, catalog=catalog)
            return self._planner

    def _project_search(self) -> ProjectSource:
        from assistant.projects.retrieval import ProjectSearch  # chromadb and the embedder load on first search only

        return ProjectSearch(self.settings, registry=self.index.registry)

    @property
    def toolbox(self) -> Toolbox:
        with self._lock:
            if self._toolbox is None:
                self._toolbox = Toolbox(self.index, self._projects or self._project_search)
            return self._toolbox

    def chat_model(self) -> tuple[BaseChatModel | None, str | None]:
        """(model, None), (None, None) when offline, or (None, reason) when the backend cannot be built."""
        with self._lock:
            if self._chat_model is not None or not self.settings.llm:
                return self._chat_model, None
            if self._chat_model_error is None:
                from assistant.understanding.llm import LLMUnavailableError, build_chat_model, parse_spec

                try:
                    spec = parse_spec(self.settings.llm, self.settings.llm_base_url)
                    self._chat_model = build_chat_model(spec, self.llm_timeout)
                    self.backend = spec.label
                except LLMUnavailableError as error:
                    self._chat_model_error = str(error)
                    log.warning("LLM backend %s unavailable: %s", self.settings.llm, error)
            return self._chat_model, self._chat_model_error

    def warm(self) -> None:
        """Load data, scores and planner now (app start-up) instead of on the first question."""
        _ = self.index.table
        _ = self.planner
        _ = self.toolbox


def _metric_of(result: ToolResult) -> str | None:
    metric = result.data.get("metric")
    return str(metric) if metric else None


def _dedupe(items: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> list[dict[str, Any]]:
    seen: dict[Any, dict[str, Any]] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())


class Assistant:
    """One conversation. `ask` never raises for user input; `reset` starts a new conversation."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.engine = engine or Engine()
        self.state = ConversationState()
        self._history: list[BaseMessage] = []

    def reset(self) -> None:
        self.state = ConversationState()
        self._history = []

    # -- entry point ------------------------------------------------------------------------------
    def ask(self, question: str, lang: Lang | None = None) -> Reply:
        """Answer one question in `lang` (default: the question's language) and remember the turn.

        The reply echoes the cleaned question (no invisible characters, at most 2,000 characters).
        A defect anywhere below is logged with its traceback and answered with a short apology, so
        no user of the CLI or the web page ever meets a traceback.
        """
        try:
            return self._answer(question, lang)
        except Exception:
            log.exception("internal error while answering %r", str(question)[:200])
            cleaned = clean_question(("" if question is None else str(question))[:MAX_RAW_CHARS])[0]
            language: Lang = lang or self.state.language
            return self._fixed(cleaned[:MAX_QUESTION_CHARS], language, "help", phrase("internal_error", language), [])

    def _answer(self, question: str, lang: Lang | None) -> Reply:
        original = "" if question is None else str(question)
        # Bounded work per question: text beyond MAX_RAW_CHARS is too long whatever it holds, so it is not cleaned.
        cleaned, removed = clean_question(original[:MAX_RAW_CHARS])
        length = len(cleaned) if len(original) <= MAX_RAW_CHARS else len(original)
        language: Lang = lang or detect_language(cleaned[:MAX_QUESTION_CHARS], self.state.language)
        early = [notice("cleaned", language)] if removed else []
        if not cleaned and length <= MAX_QUESTION_CHARS:
            return self._fixed(cleaned, language, "help", phrase("empty", language), early)
        if length > MAX_QUESTION_CHARS:
            text = phrase("too_long", language, length=format_count(length, language),
                          limit=format_count(MAX_QUESTION_CHARS, language))
            return self._fixed(cleaned[:MAX_QUESTION_CHARS], language, "out_of_scope", text, early,
                               extra=(float(length), float(MAX_QUESTION_CHARS)))
        plan = self.engine.planner.plan(cleaned, self.state)
        if lang:
            plan = replace(plan, language=lang)
        early = [notice("cleaned", plan.language)] if removed else []
        model, problem = self.engine.chat_model()
        if model is not None:
            reply = self._ask_llm(cleaned, plan, model, early)
        else:
            if problem:
                early.append(notice("fallback", plan.language, backend=self.engine.settings.llm))
            reply = self._ask_offline(cleaned, plan, early)
        return reply

    # -- paths ------------------------------------------------------------------------------------
    def _fixed(self, question: str, lang: Lang, intent: str, text: str, notices: list[str],
               extra: tuple[float, ...] = ()) -> Reply:
        guard = check_answer(text, [], None, extra=extra)
        facts = fact_claims([("wording", None, v, None) for v in extra], WORDING_VERSION)
        return Reply(question, lang, text, intent, [], [], [], [], notices, guard=guard, evidence_extra=extra,
                     facts=facts)

    def _reply(self, question: str, plan: Plan, results: list[ToolResult], answer: str, notices: list[str],
               guard: GuardResult, backend: str = "offline", extra: tuple[float, ...] = (),
               stated: list[dict[str, Any]] | None = None) -> Reply:
        """The Reply; `stated` are the figures a template answer names (default: every tool figure)."""
        ok = [r for r in results if r.ok]
        chosen = [f for r in ok for f in r.figures] if stated is None else stated
        figures = _dedupe(chosen, lambda f: (f["ags"], f["metric"]))
        projects = _dedupe([p for r in ok for p in r.projects], lambda p: p.get("id"))
        sources = _dedupe([s for r in ok for s in r.sources], lambda s: s["id"])
        tool_notices = [n for r in results for n in r.notices]
        version = self.engine.index.table.data_version
        facts = fact_claims([(f.key, _metric_of(r), f.value, f.unit) for r in ok for f in r.facts], version)
        facts += fact_claims([("wording", None, v, None) for v in extra], WORDING_VERSION)
        return Reply(question, plan.language, answer, plan.intent, list(plan.tool_calls), figures, projects, sources,
                     list(dict.fromkeys([*notices, *tool_notices])), backend, plan, results, guard, extra,
                     facts, version)

    def _ask_offline(self, question: str, plan: Plan, notices: list[str]) -> Reply:
        results = [self.engine.toolbox.execute(call, plan.language) for call in plan.tool_calls]
        composed = compose(plan, results, self.engine.index.registry, plan.language)
        guard = check_answer(composed.text, results, question, extra=composed.extra)
        if not guard.ok:  # a template bug, not a model: still shown, but loudly logged for the eval
            log.error("template answer failed the number guard (%s): %s", plan.intent, guard.untraceable)
        self.state.remember(plan, top_project=_top_project(results))
        return self._reply(question, plan, results, composed.text, [*notices, *composed.notices], guard,
                           extra=composed.extra, stated=composed.figures)

    def _ask_llm(self, question: str, plan: Plan, model: BaseChatModel, notices: list[str]) -> Reply:
        from langchain_core.messages import AIMessage, HumanMessage

        from assistant.understanding.llm import LLMUnavailableError, run_tool_loop

        backend = self.engine.backend
        lang = plan.language
        try:
            turn = run_tool_loop(model, self.engine.toolbox, question, lang, self._history,
                                 timeout=self.engine.llm_timeout)
        except LLMUnavailableError as error:
            log.warning("LLM backend %s failed, offline fallback: %s", backend, error)
            return self._ask_offline(question, plan, [*notices, notice("fallback", lang, backend=backend)])
        intent: Intent = TOOL_INTENTS.get(turn.calls[0].name, plan.intent) if turn.calls else plan.intent
        if intent == "value" and plan.intent in ("compare_average", "position", "above_below"):
            intent = plan.intent
        ags = tuple(dict.fromkeys(str(f["ags"]) for r in turn.results for f in r.figures))
        metric = next((str(f["metric"]) for r in turn.results for f in r.figures), None)
        llm_plan = Plan(intent, lang, tuple(turn.calls), ags or plan.municipalities, metric or plan.metric,
                        plan.unresolved if not turn.calls else (), plan.notices)
        template: Composed = compose(llm_plan, turn.results, self.engine.index.registry, lang)
        accepted, extra_notices = self._judge(turn, template, question, lang, backend)
        leaked = self._disclosed(json.dumps([c.to_dict() for c in turn.calls], ensure_ascii=False, default=str))
        if leaked:  # a secret or path in the model's tool arguments would show in the reply's tool calls
            log.warning("LLM tool arguments rejected: they show %s; question %r", leaked, question[:200])
            accepted, extra_notices = None, [notice("leak", lang)]
        self._history = [*self._history, HumanMessage(question)]
        if accepted is None and (leaked or (not turn.results and plan.tool_calls)):
            # Rejected, and the model's tool results cannot (or must not) build the template: the planner answers.
            reply = self._ask_offline(question, plan, [*notices, *extra_notices])
            reply.backend = backend
        else:
            answer = template.text if accepted is None else accepted
            # our own template may echo the question (an unknown name such as "AA0:0"); a model may not
            guard = check_answer(answer, turn.results, question if accepted is None else None, extra=template.extra)
            self.state.remember(llm_plan, top_project=_top_project(turn.results))
            reply = self._reply(question, llm_plan, turn.results, answer,
                                [*notices, *template.notices, *extra_notices], guard, backend, template.extra,
                                template.figures if accepted is None else None)
        self._history = [*self._history, AIMessage(reply.answer)][-2 * HISTORY_TURNS:]
        return reply

    def _judge(self, turn: LLMTurn, template: Composed, question: str, lang: Lang,
               backend: str) -> tuple[str | None, list[str]]:
        """The model's answer with its notices if it is safe to show, else None and the reason."""
        if turn.refused:
            log.warning("LLM turn refused (disallowed tools %s) for question %r", turn.refused, question[:200])
            return None, [notice("refused", lang, tools=", ".join(turn.refused))]
        answer = inert_text(turn.answer, lang)
        if not answer:  # nothing, or nothing visible (only zero-width or control characters, only tags)
            return None, [notice("no_answer", lang)]
        leaked = self._disclosed(answer)
        if leaked:
            log.warning("LLM answer rejected: it shows %s; question %r", leaked, question[:200])
            return None, [notice("leak", lang)]
        guard = check_answer(answer, turn.results, None, extra=template.extra, free_text=False)
        if not guard.ok:
            log.warning("LLM answer rejected by the number guard: untraceable %s; question %r",
                        list(guard.untraceable), question[:200])
            return None, [notice("guard", lang)]
        footer = template.text.rpartition("\n\n")[2] if template.text.rstrip().endswith("_") else ""
        return (answer + ("\n\n" + footer if footer else "")), [notice("llm", lang, backend=backend)]

    def _disclosed(self, text: str) -> list[str]:
        """Kinds of confidential detail (secret values, installation paths) that `text` shows."""
        return sorted(set(find_disclosures(text, self.engine.settings, any_path=True)))


def format_count(value: int, lang: Lang) -> str:
    from assistant.core.numbers import format_number

    return format_number(float(value), lang, 0)


def _top_project(results: Sequence[ToolResult]) -> str | None:
    """The first project an answer lists: what "und wer bezahlt das?" refers to after a search."""
    return next((str(p["id"]) for r in results if r.ok for p in r.projects if p.get("id")), None)
