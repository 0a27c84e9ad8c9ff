"""Standing facts the sidebar shows beside every conversation: what the data rests on, what is
answering, and whether project search is ready; plus the start-up warm-up that makes the first
question as fast as the others.

A missing or broken project index or chat model is a status to show here, never an exception:
the page must come up to be able to say what is wrong.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from assistant.core.errors import AssistantError
from assistant.index.digital_index import DigitalIndex
from assistant.index.registry import OVERALL
from assistant.presentation.charts import figure_chart
from assistant.presentation.labels import provenance_badge
from assistant.presentation.ruhr_map import load_geo
from assistant.presentation.safe_markdown import as_sentence
from assistant.presentation.ui_text import Lang, text

if TYPE_CHECKING:
    from assistant.answers.chat import Engine
    from assistant.projects.retrieval import IndexStatus


# --- the data ------------------------------------------------------------------------------------

def provenance_counts(index: DigitalIndex) -> dict[str, int]:
    """How many stored values are official, public and synthetic."""
    counts = Counter(str(p) for p in index.data.values["provenance"])
    return {key: counts.get(key, 0) for key in ("official", "public", "synthetic")}


def provenance_summary(index: DigitalIndex, lang: Lang) -> str:
    """'🟢 amtlich: n · 🔵 öffentlich: n · 🟠 synthetisch: n', for the sidebar's about box."""
    counts = provenance_counts(index)
    return " · ".join(f"{provenance_badge(k, lang)}: {v}" for k, v in counts.items())


def index_has_synthetic(index: DigitalIndex) -> bool:
    """Whether any stored value is synthetic, so that index-wide views (what-if) say so (DESIGN 1.4)."""
    return provenance_counts(index)["synthetic"] > 0


def warm_up(index: DigitalIndex) -> None:
    """Load the map geometry and Altair's schema once at start-up, not on the first question."""
    load_geo()
    figures = index.rank(OVERALL, top=1)
    chart = figure_chart(figures, index, "de")
    if chart is not None:
        chart.to_dict()


# --- what is answering --------------------------------------------------------------------------

def backend_description(engine: Engine, lang: Lang) -> str:
    """'Offline planner …', 'Language model: ollama:llama3' or the fallback with its reason."""
    if not engine.settings.llm:
        return text("backend_offline", lang)
    model, problem = engine.chat_model()
    if model is not None:
        return text("backend_llm", lang, name=engine.backend)
    return text("backend_fallback", lang, name=engine.settings.llm, reason=as_sentence(problem))


def project_index_status(engine: Engine) -> IndexStatus:
    """The project index's status; a missing or broken index is a status, never an exception."""
    from assistant.projects.retrieval import IndexStatus

    mode = "server" if engine.settings.chroma_host else "embedded"
    try:
        source = engine.toolbox.project_source()
        status = getattr(source, "status", None)
        if source is None or status is None:
            return IndexStatus(False, mode, "", problem="project search is not configured")
        found: IndexStatus = status()
        return found
    except AssistantError as error:
        return IndexStatus(False, mode, "", problem=str(error))
