"""Feedback records: one JSON line per thumbs up or down in ASSISTANT_HOME/feedback.jsonl.

A line keeps the question, the answer and the tool calls behind it, so a bad answer can be
replayed and traced to the planner or the template without asking the user again. Appends are
serialised by a lock because Streamlit serves every session from threads of one process.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.presentation.reply_details import tool_call_summaries

FEEDBACK_FILE = "feedback.jsonl"

_FEEDBACK_LOCK = threading.Lock()


def feedback_record(
    *, rating: int, question: str, answer: str, language: str, intent: str | None,
    tool_calls: Sequence[Mapping[str, Any]] = (), when: datetime | None = None,
) -> dict[str, Any]:
    """One line of feedback.jsonl. `rating` is st.feedback's thumbs value: 1 up, 0 down."""
    return {
        "time": (when or datetime.now(UTC)).isoformat(timespec="seconds"),
        "rating": "up" if rating == 1 else "down",
        "question": question,
        "answer": answer,
        "language": language,
        "intent": intent,
        "tool_calls": tool_call_summaries(tool_calls),
    }


def append_feedback(home: Path, record: Mapping[str, Any]) -> Path:
    """Append one JSON line to ASSISTANT_HOME/feedback.jsonl (created with its directory)."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / FEEDBACK_FILE
    line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
    with _FEEDBACK_LOCK, path.open("a", encoding="utf-8") as handle:
        handle.write(line)
    return path
