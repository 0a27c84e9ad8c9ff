"""Word tokens with their spans and folded keys: the unit every entity lookup works on.

Matching on folded keys (case, umlauts and "ue"/"u" ignored) rather than on raw text is what lets
"Muelheim", "MÜLHEIM" and "mulheim" meet one table entry; keeping each token's span lets the
planner cut a mention out of the original question with its hyphens and brackets intact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.index.names import fold_loose

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    key: str  # fold_loose(text): case, umlaut and "ue"/"u" insensitive

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def tokenize(text: str) -> tuple[Token, ...]:
    """Word tokens with spans; hyphens, brackets and apostrophes separate tokens."""
    tokens = []
    for match in _TOKEN.finditer(text):
        key = fold_loose(match.group()).replace(" ", "")
        if key:
            tokens.append(Token(match.group(), match.start(), match.end(), key))
    return tuple(tokens)


def span_key(tokens: tuple[Token, ...], start: int, length: int) -> str:
    """The lookup key of `length` tokens from `start`: their keys joined by single spaces."""
    return " ".join(t.key for t in tokens[start : start + length])


def text_key(text: str) -> str:
    """The lookup key of a whole text, as `span_key` gives it for the same words in a question."""
    tokens = tokenize(text)
    return span_key(tokens, 0, len(tokens))
