"""Numbers and labels as the page shows them: values with units, ranks, provenance badges.

Figures arrive as JSON-like mappings from the chat engine (DESIGN 3.4), so every reader here
tolerates missing or odd fields: a figure the page cannot label still shows, never raises.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from assistant.core.numbers import format_number
from assistant.index.registry import UNIT_LABELS, Registry, metric_name
from assistant.index.scoring import SCORE_UNIT
from assistant.presentation.ui_text import Lang, text

FigureDict = Mapping[str, Any]

PROVENANCE_ICONS = {"official": "🟢", "public": "🔵", "synthetic": "🟠"}


def unit_label(unit: str, lang: Lang) -> str:
    """The unit in the reader's language; units the registry does not know are shown as they are."""
    if unit == SCORE_UNIT:
        return text("score_unit", lang)
    labels = UNIT_LABELS.get(unit)
    if labels is None:
        return unit
    return labels[0] if lang == "de" else labels[1]


def format_value(value: float, unit: str, lang: Lang, decimals: int = 1) -> str:
    """'23,4 %' (de) / '23.4%' (en); scores as '110,5 (Index, Ruhr = 100)'; rates with their unit."""
    number = format_number(float(value), lang, decimals)
    if unit == "%":
        return f"{number} %" if lang == "de" else f"{number}%"
    if unit == SCORE_UNIT:
        return f"{number} ({text('score_unit', lang)})"
    return f"{number} {unit_label(unit, lang)}".strip()


def rank_text(rank: object, of: object, lang: Lang) -> str:
    """'12 von 53'; '' unless both are whole numbers (a figure without a rank shows no rank)."""
    if not isinstance(rank, int) or not isinstance(of, int):
        return ""
    return text("rank_of", lang, rank=rank, of=of)


def provenance_badge(provenance: object, lang: Lang) -> str:
    """Icon and label of official, public or synthetic values, so synthetic ones stand out (DESIGN 1.4)."""
    key = str(provenance)
    icon = PROVENANCE_ICONS.get(key, "⚪")
    label = text(f"provenance_{key}", lang) if key in PROVENANCE_ICONS else key
    return f"{icon} {label}"


def safe_metric_name(registry: Registry, metric: str, lang: Lang) -> str:
    """The metric's name, or its id when the registry does not know it (never an error on screen)."""
    try:
        return metric_name(registry, metric, lang)
    except KeyError:
        return metric


def has_synthetic(figures: Iterable[FigureDict]) -> bool:
    """True when any figure rests on synthetic values (DESIGN 1.4)."""
    return any(f.get("provenance") == "synthetic" for f in figures)


def finite_number(value: object) -> float | None:
    """A finite float from a JSON value, or None (bools, text, NaN and infinities are not numbers)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def required_number(value: object) -> float:
    """A finite float, or ValueError: for values the index guarantees, so a broken one is loud."""
    number = finite_number(value)
    if number is None:
        raise ValueError(f"expected a number, got {value!r}")
    return number


def is_number(value: object) -> bool:
    return finite_number(value) is not None
