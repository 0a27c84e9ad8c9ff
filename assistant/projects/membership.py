"""Whether a town takes part in a project: named among its municipalities, inside its Kreis, or covered
because the project spans the whole region.

One rule for two readers: the planner asks it to keep a follow-up with the project just shown ("and how
much of the funding went to Schwerte?"), and the membership answer ("und ist Dorsten da auch dabei?")
says which of the cases holds. A Kreis-wide project names only some of its towns, so the Kreis counts.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

Membership = Literal["member", "kreis", "region", "none"]


def membership(town: str, town_kreis: str | None, municipalities: Collection[str], kreise: Collection[str],
               scope: str | None) -> Membership:
    """How `town` (a canonical name, with its Kreis or None for a kreisfreie Stadt) belongs to a project."""
    if town in municipalities:
        return "member"
    if town_kreis is not None and town_kreis in kreise:
        return "kreis"
    if scope == "region" and not municipalities:
        return "region"
    return "none"
