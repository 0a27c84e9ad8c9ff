"""Digital-Index Ruhr assistant: deterministic index scoring, project retrieval and chat.

The public API is `__all__`; everything else may move between releases. The names load on first
use (PEP 562), so `import assistant` stays cheap (no pandas, no Chroma) and no module of the package
depends on this file:

    from assistant import Assistant, Engine
    reply = Assistant(Engine()).ask("Wie schneidet Hagen bei Glasfaser ab?")
    reply.to_dict()  # the DESIGN 3.4 answer object
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.answers.chat import Assistant, Engine, Reply
    from assistant.core.errors import AssistantError
    from assistant.core.settings import Settings
    from assistant.index.data import load_registry
    from assistant.index.digital_index import DigitalIndex
    from assistant.tools.toolbox import Toolbox
    from assistant.understanding.planner import Planner

#: public name -> the module that defines it
_HOMES = {
    "Assistant": "assistant.answers.chat",
    "AssistantError": "assistant.core.errors",
    "DigitalIndex": "assistant.index.digital_index",
    "Engine": "assistant.answers.chat",
    "Planner": "assistant.understanding.planner",
    "Reply": "assistant.answers.chat",
    "Settings": "assistant.core.settings",
    "Toolbox": "assistant.tools.toolbox",
    "load_registry": "assistant.index.data",
}

__all__ = ["Assistant", "AssistantError", "DigitalIndex", "Engine", "Planner", "Reply", "Settings", "Toolbox",
           "load_registry"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
