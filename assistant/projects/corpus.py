"""Parsing and validation of the project corpus (contract: DESIGN 3.3).

Each ``corpus/<id>.md`` file is YAML front matter followed by a German description. Staff edit
these files by hand, so validation reports *every* problem at once, each with the file, the line
of the field where we can find it, the field name, what was expected and what was found; only a
corpus without problems reaches the index. Nothing here imports Chroma or a model, so
``assistant corpus validate`` is fast and works without an index. The rules for the fields of one
file are `assistant.projects.front_matter`; this module reads the files, splits front matter from
body and checks what spans files (duplicate ids, aliases shared by two projects).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.core.errors import DataValidationError, Problem
from assistant.index.registry import KREISE, Registry
from assistant.projects.front_matter import WordCheck, check_fields
from assistant.projects.topics import README, topic_vocabulary

log = logging.getLogger(__name__)

#: The C build of PyYAML's SafeLoader where present (same results, ~10x faster): the planner reads
#: the corpus at start-up, so parsing time is part of the first answer's latency.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _safe_yaml(text: str) -> Any:
    """`yaml.safe_load` with PyYAML's C safe loader where it is built (about 3x faster on the corpus);
    only a safe loader is ever used, so front matter cannot construct Python objects."""
    loader = _LOADER(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


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
    fields = check_fields(
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
