"""Parsing and validation of the project corpus (contract: DESIGN 3.3).

Each ``corpus/<id>.md`` file is YAML front matter followed by a German description. Staff edit
these files by hand, so validation reports *every* problem at once, each with the file, the line
of the field where we can find it, the field name, what was expected and what was found; only a
corpus without problems reaches the index. Nothing here imports Chroma or a model, so
``assistant corpus validate`` is fast and works without an index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from assistant.core.errors import DataValidationError, Problem
from assistant.index.registry import KREISE, Registry
from assistant.projects.topics import README, topic_vocabulary

log = logging.getLogger(__name__)

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
#: The C build of PyYAML's SafeLoader where present (same results, ~10x faster): the planner reads
#: the corpus at start-up, so parsing time is part of the first answer's latency.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: "is this an ordinary word, not a name?" (assistant.understanding.project_names.is_ordinary_word,
#: passed in by callers)
WordCheck = Callable[[str], bool]


def _safe_yaml(text: str) -> Any:
    """`yaml.safe_load` with PyYAML's C safe loader where it is built (about 3x faster on the corpus);
    only a safe loader is ever used, so front matter cannot construct Python objects."""
    loader = _LOADER(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

@dataclass(frozen=True)
class ProjectDoc:
    """One validated project description; `sha256` is over the file's bytes (incremental indexing)."""

    id: str
    title: str
    municipalities: tuple[str, ...]
    kreis: str | None
    scope: str
    topics: tuple[str, ...]
    status: str
    start: str | None
    end: str | None
    lead: str | None
    partners: tuple[str, ...]
    funding: str | None
    budget_eur: float | None
    reusable: str | None
    sources: tuple[str, ...]
    verified: bool
    body: str
    file: str
    sha256: str = field(repr=False)
    aliases: tuple[str, ...] = ()

    def card(self) -> dict[str, Any]:
        """The front matter as plain JSON-able values (stored with every chunk)."""
        return {
            "id": self.id, "title": self.title, "municipalities": list(self.municipalities),
            "kreis": self.kreis, "scope": self.scope, "topics": list(self.topics), "status": self.status,
            "start": self.start, "end": self.end, "lead": self.lead, "partners": list(self.partners),
            "funding": self.funding, "budget_eur": self.budget_eur, "reusable": self.reusable,
            "sources": list(self.sources), "verified": self.verified, "aliases": list(self.aliases),
        }


@dataclass(frozen=True)
class Corpus:
    """Every project file of a directory, validated, sorted by id."""

    directory: Path
    projects: tuple[ProjectDoc, ...]
    topics: tuple[str, ...]

    def by_id(self) -> dict[str, ProjectDoc]:
        return {p.id: p for p in self.projects}


# ---------------------------------------------------------------------------------------------
# parsing


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)


def _field_lines(front_matter: str) -> dict[str, int]:
    """Line number (in the file; front matter starts on line 2) of each top-level key."""
    lines: dict[str, int] = {}
    for number, line in enumerate(front_matter.splitlines(), start=2):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


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


def _check_fields(
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


def parse_project(
    path: Path, municipality_names: Iterable[str], topics: tuple[str, ...], problems: list[Problem],
    place_keys: frozenset[str] = frozenset(), is_ordinary_word: WordCheck | None = None,
) -> ProjectDoc | None:
    """Parse one file; every problem goes to `problems`, and None comes back if there was any."""
    file = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:  # deleted after it was listed: it is simply not part of this corpus
        log.info("corpus file %s disappeared while reading the corpus; skipped", file)
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(file, None, None, "UTF-8 text", f"undecodable byte at offset {error.start}"))
        return None
    text = text.removeprefix("\ufeff")
    match = _FRONT_MATTER.match(text)
    if not match:
        problems.append(Problem(file, 1, None, "YAML front matter between two '---' lines", "no front matter"))
        return None
    front, body = match.group(1), match.group(2).strip()
    try:
        data = _safe_yaml(front)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        problems.append(Problem(file, line, None, "valid YAML front matter", f"a YAML error: {reason}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(file, 2, None, "a YAML mapping of fields", type(data).__name__))
        return None
    fields = _check_fields(
        file, path.stem, data, _field_lines(front), frozenset(municipality_names), topics, problems, place_keys,
        is_ordinary_word,
    )
    if not body:
        problems.append(Problem(file, None, "body", "a description after the front matter", "nothing"))
        return None
    if fields is None:
        return None
    return ProjectDoc(**fields, body=body, file=file, sha256=hashlib.sha256(raw).hexdigest())


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Project files: every *.md except README.md, sorted for stable reports."""
    return sorted(p for p in Path(corpus_dir).glob("*.md") if p.name != README and p.is_file())


def validate_corpus(
    corpus_dir: Path, registry: Registry, is_ordinary_word: WordCheck | None = None
) -> tuple[list[ProjectDoc], list[Problem]]:
    """Every valid project and every problem (empty list = the corpus is valid). With
    `is_ordinary_word`, aliases that are ordinary words are problems too (`corpus validate`, the planner)."""
    corpus_dir = Path(corpus_dir)
    problems: list[Problem] = []
    if not corpus_dir.is_dir():
        return [], [Problem(str(corpus_dir), None, None, "a corpus directory", "no such directory")]
    topics = topic_vocabulary(corpus_dir)
    names = {m.name for m in registry.municipalities}
    place_keys = place_name_keys(registry)
    projects: list[ProjectDoc] = []
    for path in corpus_files(corpus_dir):
        project = parse_project(path, names, topics, problems, place_keys, is_ordinary_word)
        if project is not None:
            projects.append(project)
    problems += _shared_aliases(projects)
    seen: dict[str, str] = {}
    for path in corpus_files(corpus_dir):
        project_id = _peek_id(path)
        if project_id is None:
            continue
        if project_id in seen:
            problems.append(
                Problem(path.name, None, "id", "an id used by one file only",
                        f"{project_id!r}, also in {seen[project_id]}")
            )
        else:
            seen[project_id] = path.name
    return sorted(projects, key=lambda p: p.id), problems


def place_name_keys(registry: Registry) -> frozenset[str]:
    """Loosely folded names, aliases and Kreis names of the region: never a project alias."""
    from assistant.index.names import fold_loose

    keys = {fold_loose(form) for m in registry.municipalities for form in (m.name, *m.aliases)}
    keys |= {fold_loose(k) for k in KREISE} | {fold_loose(k.removeprefix("Kreis ")) for k in KREISE}
    return frozenset(keys)


def _shared_aliases(projects: list[ProjectDoc]) -> list[Problem]:
    """An alias (or id/title) that names two projects cannot resolve to either."""
    from assistant.index.names import fold_loose

    owner: dict[str, str] = {}
    problems = []
    for project in projects:
        for alias in project.aliases:
            key = fold_loose(alias)
            other = owner.setdefault(key, project.id)
            if other != project.id:
                problems.append(Problem(project.file, None, "aliases", "an alias used by one project only",
                                        f"{alias!r}, also an alias of {other}"))
    return problems


def _peek_id(path: Path) -> str | None:
    """The raw `id` value of a file, read leniently so duplicates are found even in broken files."""
    try:
        match = _FRONT_MATTER.match(path.read_text(encoding="utf-8").removeprefix("\ufeff"))
        data = _safe_yaml(match.group(1)) if match else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def load_corpus(corpus_dir: Path, registry: Registry) -> Corpus:
    """The validated corpus; raises DataValidationError listing all problems."""
    projects, problems = validate_corpus(corpus_dir, registry)
    if problems:
        raise DataValidationError(problems)
    return Corpus(Path(corpus_dir), tuple(projects), topic_vocabulary(corpus_dir))
