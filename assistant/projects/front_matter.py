"""The rules for one project file's front matter (contract: DESIGN 3.3, corpus/README.md).

Why a module of its own: `assistant.projects.corpus` reads the files and assembles the corpus
(which files, front matter and body, YAML, what spans files such as duplicate ids and shared
aliases); this module holds what a single front matter must satisfy: the fields, their types and
vocabularies, and the rule that aliases are names, not places or ordinary words. The checks
collect *every* problem of a file, each with its line, field, what was expected and what was
found, because staff edit these files by hand and fix them best from one complete list.
`STATUSES` is also what the project search accepts as a status filter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from assistant.core.errors import Problem
from assistant.index.registry import KREISE

FIELDS: tuple[str, ...] = (
    "id", "title", "municipalities", "kreis", "scope", "topics", "status", "start", "end", "lead",
    "partners", "funding", "budget_eur", "reusable", "sources", "verified",
)
#: Optional fields: may be absent. `aliases` are other names people use for the project (the id and
#: the title always count as names); the planner resolves a project by any of them.
OPTIONAL_FIELDS: tuple[str, ...] = ("aliases",)
SCOPES: tuple[str, ...] = ("municipality", "kreis", "region")
STATUSES: tuple[str, ...] = ("planned", "running", "completed", "ongoing", "unknown")
MAX_TOPICS = 4  # corpus/README.md: 1-4 topics per project

#: "is this an ordinary word, not a name?" (assistant.understanding.project_names.is_ordinary_word,
#: passed in by callers)
WordCheck = Callable[[str], bool]
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _is_url(value: str) -> bool:
    """An absolute http(s) URL with a dotted host and no whitespace (syntax only, never fetched)."""
    if not isinstance(value, str) or re.search(r"\s", value):
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError for a non-numeric port
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in {"http", "https"} and "." in host and not host.startswith(".")


class _Checker:
    """Collects problems for one file; typed getters return None after reporting a problem."""

    def __init__(self, file: str, data: Mapping[str, Any], lines: dict[str, int], problems: list[Problem]):
        self.file, self.data, self.lines, self.problems = file, data, lines, problems

    def add(self, name: str | None, expected: str, found: str) -> None:
        self.problems.append(Problem(self.file, self.lines.get(name or ""), name, expected, found))

    def text(self, name: str, *, required: bool) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.add(name, "a non-empty text", "nothing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(name, "a non-empty text" + ("" if required else " or null"), repr(value))
            return None
        return value.strip()

    def text_list(self, name: str) -> tuple[str, ...]:
        value = self.data.get(name)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(name, "a list of non-empty texts", repr(value))
            return ()
        return tuple(v.strip() for v in value)

    def choice(self, name: str, allowed: Iterable[str]) -> str | None:
        options = tuple(allowed)
        value = self.data.get(name)
        if value not in options:
            self.add(name, "one of " + ", ".join(options), repr(value))
            return None
        return str(value)

    def date(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            self.add(name, "a year, YYYY-MM, YYYY-MM-DD or null", repr(value))
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int) and 1950 <= value <= 2100:
            return str(value)
        if isinstance(value, str) and re.fullmatch(r"(19[5-9]\d|20\d\d|2100)(-(0[1-9]|1[0-2])(-\d\d)?)?", value):
            return value
        self.add(name, "a year, YYYY-MM, YYYY-MM-DD or null", repr(value))
        return None


def check_fields(
    file: str,
    stem: str,
    data: Mapping[str, Any],
    lines: dict[str, int],
    municipality_names: frozenset[str],
    topics: tuple[str, ...],
    problems: list[Problem],
    place_keys: frozenset[str] = frozenset(),
    is_ordinary_word: WordCheck | None = None,
) -> dict[str, Any] | None:
    """Validate one front matter; returns the typed fields or None when any problem was found."""
    before = len(problems)
    check = _Checker(file, data, lines, problems)
    for name in FIELDS:
        if name not in data:
            problems.append(Problem(file, None, name, f"the field '{name}'", "it is missing"))
    for name in data:
        if name not in FIELDS and name not in OPTIONAL_FIELDS:
            check.add(str(name), "only the fields " + ", ".join((*FIELDS, *OPTIONAL_FIELDS)), f"unknown field '{name}'")
    project_id = data.get("id")
    if "id" in data:
        if not isinstance(project_id, str) or not SLUG.match(project_id):
            check.add("id", "a slug of lowercase letters, digits and hyphens", repr(project_id))
        elif project_id != stem:
            check.add("id", f"the file name '{stem}'", repr(project_id))
    title = check.text("title", required=True) if "title" in data else None
    municipalities = check.text_list("municipalities") if "municipalities" in data else ()
    for name in municipalities:
        if name not in municipality_names:
            check.add("municipalities", "names as in municipalities.csv", f"unknown municipality {name!r}")
    if len(set(municipalities)) != len(municipalities):
        check.add("municipalities", "each municipality once", repr(list(municipalities)))
    kreis = data.get("kreis")
    if kreis is not None and kreis not in KREISE:
        check.add("kreis", "null or one of " + ", ".join(KREISE), repr(kreis))
    scope = check.choice("scope", SCOPES) if "scope" in data else None
    if kreis is not None and scope in ("municipality", "region"):
        check.add("kreis", f"null for scope '{scope}' (a Kreis is set only for scope 'kreis')", repr(kreis))
    if scope == "municipality" and "municipalities" in data and not municipalities:
        check.add("municipalities", "at least one municipality for scope 'municipality'", "an empty list")
    if scope == "kreis" and kreis is None and not municipalities:
        check.add("kreis", "a Kreis (or municipalities) for scope 'kreis'", "null")
    raw_topics = data.get("topics")
    if "topics" in data:
        if not isinstance(raw_topics, list) or not raw_topics or len(raw_topics) > MAX_TOPICS:
            check.add("topics", f"a list of 1 to {MAX_TOPICS} topics", repr(raw_topics))
        elif len(set(raw_topics)) != len(raw_topics):
            check.add("topics", "each topic once", repr(raw_topics))
        else:
            for topic in raw_topics:
                if topic not in topics:
                    expected = "topics from corpus/README.md: " + ", ".join(topics)
                    check.add("topics", expected, f"unknown topic {topic!r}")
    status = check.choice("status", STATUSES) if "status" in data else None
    start, end = check.date("start"), check.date("end")
    if start and end and end[:4] < start[:4]:
        check.add("end", f"a year not before start ({start})", repr(end))
    lead = check.text("lead", required=False)
    partners = check.text_list("partners")
    funding = check.text("funding", required=False)
    budget = data.get("budget_eur")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int | float) or budget < 0):
        check.add("budget_eur", "a non-negative number of euros or null", repr(budget))
    reusable = check.text("reusable", required=False)
    sources = data.get("sources")
    if "sources" in data:
        if not isinstance(sources, list) or not sources:
            check.add("sources", "a non-empty list of URLs", repr(sources))
        else:
            for url in sources:
                if not _is_url(url):
                    check.add("sources", "an absolute http(s) URL", repr(url))
    verified = data.get("verified")
    if "verified" in data and not isinstance(verified, bool):
        check.add("verified", "true or false", repr(verified))
    aliases = _check_aliases(check, data.get("aliases"), place_keys, is_ordinary_word)
    if len(problems) > before:
        return None
    return {
        "id": project_id, "title": title, "municipalities": municipalities, "kreis": kreis, "scope": scope,
        "topics": tuple(raw_topics or ()), "status": status, "start": start, "end": end, "lead": lead,
        "partners": partners, "funding": funding,
        "budget_eur": float(budget) if budget is not None else None, "reusable": reusable,
        "sources": tuple(sources or ()), "verified": bool(verified), "aliases": aliases,
    }


def alias_list(value: Any) -> list[Any]:
    """`aliases` as written: a `|`-separated string or a list (None: no aliases)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split("|")]
    return list(value) if isinstance(value, list) else [value]


def _check_aliases(check: _Checker, value: Any, place_keys: frozenset[str],
                   is_ordinary_word: WordCheck | None) -> tuple[str, ...]:
    """Aliases must be names, not ordinary words or places: an alias "Bochum" or "Daten" would turn
    every question about the town or about data into a question about this project. The ordinary-word
    vocabulary belongs to the planner (a layer above this one), so callers that have it pass it in."""
    from assistant.index.names import fold_loose

    aliases: list[str] = []
    for alias in alias_list(value):
        if not isinstance(alias, str) or len(alias.strip()) < 2:
            check.add("aliases", "names of at least 2 characters, `|`-separated or a list", repr(alias))
        elif fold_loose(alias) in place_keys:
            check.add("aliases", "a project name, not the name of a municipality or Kreis", repr(alias))
        elif is_ordinary_word is not None and is_ordinary_word(alias):
            check.add("aliases", "a project name, not an ordinary word", repr(alias))
        else:
            aliases.append(alias.strip())
    return tuple(dict.fromkeys(aliases))
