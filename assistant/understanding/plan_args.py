"""Tool-call arguments from a question: N and order of a ranking, population class, what-if weights,
search query and topic, method topic; and constructors that emit every argument of a tool.

Separate from the planner's control flow so each extraction can be tested on its own. The
constructors always emit the full argument list of `TOOL_SIGNATURES` (None where unused), so the
chat engine and an LLM backend see one shape per tool.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.index.names import fold_loose
from assistant.index.registry import AREA_IDS, OVERALL, Registry
from assistant.tools.plan import TOOL_SIGNATURES, ToolCall
from assistant.understanding.argument_words import (
    CLAUSE_SPLIT,
    EXPLICIT_WEIGHT,
    METHOD_TOPICS,
    MULTIPLIERS,
    NEW_VALUE,
    NUMBER_WORDS,
    POP_ABOVE,
    POP_BELOW,
    POP_BETWEEN,
    POP_CLASS_WORDS,
    POP_WORDS,
    RANK_N,
    THRESHOLD_ABOVE,
    THRESHOLD_BELOW,
    TOPIC_RULES,
)
from assistant.understanding.entities import Entities
from assistant.understanding.intents import (
    BOTTOM_WORDS,
    FILLER,
    FOLLOWUP_FILLER,
    QUERY_FILLER,
    SINGULAR_RANK,
)
from assistant.understanding.metric_finder import MetricMention


def call(name: str, **args: Any) -> ToolCall:
    """A ToolCall with exactly the tool's argument names; unknown names are a programming error."""
    expected = TOOL_SIGNATURES[name]
    unknown = set(args) - set(expected)
    if unknown:
        raise ValueError(f"{name} has no argument(s) {sorted(unknown)}")
    return ToolCall(name, {key: args.get(key) for key in expected})


def rank_n(skeleton: str, default: int = 10) -> int:
    """"Top 5", "die drei schwächsten", "the 10 best"; 1 for "Welche Kommune hat die höchste ..."."""
    match = RANK_N.search(skeleton)
    if match:
        word = next(group for group in match.groups() if group)
        value = int(word) if word.isdigit() else NUMBER_WORDS[word]
        return max(1, min(53, value))
    if SINGULAR_RANK.search(skeleton):
        return 1
    return default


def rank_order(skeleton: str) -> str:
    return "bottom" if BOTTOM_WORDS.search(skeleton) else "top"


def _number(raw: str) -> int:
    """"20 000" (folded "20.000"), "20000", "20 tsd", "20k" -> 20000."""
    compact = raw.replace(" ", "")
    lead = re.match(r"\d+", compact)
    if lead is None:
        return 0
    if compact.endswith(("tsd", "tausend", "k")):
        return int(lead.group()) * 1000
    return int(re.sub(r"\D", "", compact))


def population_class(loose: str) -> str | None:
    """Map "unter 20.000 Einwohnern", "small towns", "Großstädte" to the scoring module's classes."""
    if POP_WORDS.search(loose):
        between = POP_BETWEEN.search(loose)
        if between:
            low, high = _number(between.group(1)), _number(between.group(2))
            return {(20_000, 50_000): "medium", (50_000, 100_000): "large"}.get((low, high))
        below, above = POP_BELOW.search(loose), POP_ABOVE.search(loose)
        if below and _number(below.group(1)) <= 20_000:
            return "small"
        if above and _number(above.group(1)) >= 100_000:
            return "city"
    for pattern, klass in POP_CLASS_WORDS:
        if pattern.search(loose) and re.search(r"\b(kommunen|stadte|gemeinden|orte|towns|cities|municipalities|"
                                               r"places|stadt|kommune|gemeinde|kleinstadt\w*|mittelstadt\w*|"
                                               r"grossstadt\w*)\b", loose):
            return klass
    return None


def weights(text: str, metrics: list[MetricMention], registry: Registry) -> tuple[dict[str, float], dict[str, float],
                                                                                   bool]:
    """Area and indicator weights of a what-if question, and whether a factor had to be assumed.

    Each metric takes the factor named in its own clause ("Infrastruktur doppelt und Forschung gar
    nicht"); a clause without one borrows the question's only factor, else 2 is assumed.
    """
    clauses = [(m.start(), m.end()) for m in CLAUSE_SPLIT.finditer(text)]
    bounds = [0, *[s for s, _ in clauses], len(text)]
    segments = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    whole = _factor(fold_loose(text))
    area_weights: dict[str, float] = {}
    indicator_weights: dict[str, float] = {}
    assumed = False
    for mention in metrics:
        if mention.metric == OVERALL:
            continue
        start, end = next(((s, e) for s, e in segments if s <= mention.start < e), (0, len(text)))
        factor = _factor(fold_loose(text[start:end]))
        if factor is None:
            factor = whole
        if factor is None:
            factor, assumed = 2.0, True
        target = area_weights if mention.metric in AREA_IDS else indicator_weights
        target[mention.metric] = max(0.0, min(10.0, factor))
    return area_weights, indicator_weights, assumed


def value_change(text: str) -> tuple[float | None, float | None, bool]:
    """The factor or the new value of a what-if on one municipality's own value, and whether a factor
    had to be assumed: "auf 80 Prozent" is the value 80, "verdoppelt" the factor 2, nothing named 2."""
    loose = fold_loose(text)
    named = NEW_VALUE.search(loose)
    if named:
        return None, _decimal(named.group(1)), False
    factor = _factor(loose)
    return (2.0, None, True) if factor is None else (factor, None, False)


def thresholds(text: str, percentage: bool) -> dict[str, float]:
    """The value bounds a question names: {"above": 80.0} for "über 80 Prozent", {"below": 2.0} for
    "weniger als 2 %"; both for pairs ("über 50 und unter 80 Prozent"). A bare number counts only for
    a percentage ("mehr als 95 5G-Abdeckung"); for other units ("mehr als 50 Start-ups") it is a count
    the indicator does not measure, so no bound is read."""
    loose = fold_loose(text.replace("%", " prozent "))
    found = {}
    for key, pattern in (("above", THRESHOLD_ABOVE), ("below", THRESHOLD_BELOW)):
        match = pattern.search(loose)
        if match and (match.group(2) or percentage):
            found[key] = _decimal(match.group(1))
    return found


def _decimal(number: str) -> float:
    """A number as the folded text has it: "2 5" was "2,5" or "2.5" (a second part of one or two
    digits is the decimals); "80" stays 80; "10 000" (a thousands separator) is read as 10."""
    parts = number.split()
    return float(".".join(parts[:2])) if len(parts) > 1 and len(parts[1]) < 3 else float(parts[0])


def _factor(loose: str) -> float | None:
    explicit = EXPLICIT_WEIGHT.search(loose)
    if explicit:
        return _decimal(explicit.group(1))
    for pattern, factor in MULTIPLIERS:
        if pattern.search(loose):
            return factor
    return None


def query_text(ents: Entities, keep_metrics: bool = True, extra_filler: frozenset[str] = frozenset()) -> str:
    """The content words of a question, places and filler removed, in their original spelling.

    Adjacent kept words are cut from the original text as one piece, so "Luftqualitäts-Sensoren"
    keeps its hyphen.
    """
    drop = FILLER | QUERY_FILLER | FOLLOWUP_FILLER | extra_filler
    pieces: list[str] = []
    run: list[int] = []
    for i, token in enumerate(ents.tokens):
        kind = ents.owner.get(i)
        after_smart = i > 0 and ents.tokens[i - 1].key == "smart"  # "Smart City" is a topic, not filler
        keep = (kind is None or (keep_metrics and kind == "metric")) and (token.key not in drop or after_smart)
        if keep:
            run.append(i)
            continue
        if run:
            pieces.append(ents.text[ents.tokens[run[0]].start : ents.tokens[run[-1]].end])
            run = []
    if run:
        pieces.append(ents.text[ents.tokens[run[0]].start : ents.tokens[run[-1]].end])
    return " ".join(pieces).strip()


def topic(ents: Entities) -> str | None:
    """The corpus topic named first in the question (places ignored), if any."""
    loose = " ".join(t.key for i, t in enumerate(ents.tokens) if ents.owner.get(i) in (None, "metric"))
    found = [(m.start(), name) for pattern, name in TOPIC_RULES for m in [pattern.search(loose)] if m]
    return min(found)[1] if found else None


def method_topic(skeleton: str) -> str:
    for pattern, name in METHOD_TOPICS:
        if pattern.search(skeleton):
            return name
    return "overview"


def carried_query(query: str) -> str:
    """A search query carried into a follow-up ("und in Bochum?"): its words only. The first answer
    echoed what the user typed; the follow-up's answer must not repeat punctuation that made it a file
    path or markup ("SCRIPTALERT;/etc/0" is carried as "SCRIPTALERT etc 0")."""
    return " ".join(re.findall(r"[^\W_][\w-]*", query))
