"""The planner's view of the project corpus: project names as entities, and a cheap keyword
signal of how well the corpus supports a question.

Why the planner reads the corpus files itself instead of asking the project index: routing runs on
every question and must stay in the millisecond range, while the project index (Chroma and the
embedding model) loads in seconds and only on the first project answer. The corpus files are the
source of that index, so names and texts here are the same ones the index holds after a build. A
missing or broken corpus only means no project evidence: the planner then routes as before.

`support(query)` is BM25 over one document per project (title, aliases, topics, reusable, text):
its top score and margin tell the planner whether "Wo finden Gründer eine Anlaufstelle?" is a
project question although it names no project and says no "Projekt".
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.index.registry import Registry
from assistant.projects.topics import topic_label
from assistant.understanding.entity_tokens import text_key
from assistant.understanding.project_names import ProjectNames, coined_words, is_ordinary_word, title_forms

if TYPE_CHECKING:
    from assistant.projects.corpus import ProjectDoc
    from assistant.projects.keyword_index import KeywordIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Support:
    """How strongly the corpus text supports a query: best project, its BM25 score, the margin to
    the second, and the ranked ids (best first)."""

    project: str | None
    score: float
    margin: float
    ranked: tuple[str, ...] = ()


NO_SUPPORT = Support(None, 0.0, 0.0)


class ProjectCatalog:
    """Projects of one corpus by id, their names, and a lazily built keyword index."""

    def __init__(self, docs: list[ProjectDoc], registry: Registry, metric_forms: dict[str, str] | None = None) -> None:
        from assistant.projects.corpus import place_name_keys

        self.docs = {d.id: d for d in docs}
        folded_titles = {d.id: text_key(d.title) for d in docs}
        names = {d.id: [*_own_forms(d, folded_titles), *d.aliases] for d in docs}
        derived = {d.id: [d.id.replace("-", " ")] for d in docs}
        words = frozenset(k for k in (text_key(f) for f in (metric_forms or {})) if " " not in k)
        family_order = sorted(docs, key=lambda d: (d.start or "9999", d.id))  # the family's first project first
        coined = {d.id: coined_words(" ".join([d.title, *d.aliases])) for d in family_order}
        self.names = ProjectNames(names, derived, place_name_keys(registry), words, coined)
        self._keywords: KeywordIndex | None = None
        self._order: list[str] = []
        self._heads: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, corpus_dir: Path, registry: Registry, metric_forms: dict[str, str] | None = None) -> ProjectCatalog:
        """Every valid project of the directory; invalid files are skipped (the validator reports them)."""
        from assistant.projects.corpus import validate_corpus

        try:
            docs, problems = validate_corpus(corpus_dir, registry, is_ordinary_word)
        except OSError as error:  # an unreadable corpus costs the project evidence, never the answer
            log.warning("project corpus unreadable (%s): planner without project names", error)
            return cls([], registry, metric_forms)
        if problems:
            log.info("project corpus has %d problem(s); the planner uses the %d valid projects", len(problems),
                     len(docs))
        return cls(docs, registry, metric_forms)

    def __bool__(self) -> bool:
        return bool(self.docs)

    def _index(self) -> KeywordIndex:
        with self._lock:
            if self._keywords is None:
                from assistant.projects.keyword_index import KeywordIndex

                self._order = list(self.docs)
                self._keywords = KeywordIndex([_document(self.docs[i]) for i in self._order])
            return self._keywords

    def warm_up(self) -> None:
        if self.docs:
            self._index()

    def support(self, query: str) -> Support:
        """BM25 support of the query by the corpus (cheap: one postings pass over ~50 documents)."""
        if not self.docs or not query.strip():
            return NO_SUPPORT
        from assistant.projects.keyword_index import query_terms

        index = self._index()
        top = index.top(list(query_terms(query, index.decompounder)), 10)
        if not top:
            return NO_SUPPORT
        second = top[1][1] if len(top) > 1 else 0.0
        return Support(self._order[top[0][0]], top[0][1], top[0][1] - second, tuple(self._order[i] for i, _ in top))

    def pick(self, query: str, candidates: list[str], topic: str | None = None,
             named_only: bool = False) -> str | None:
        """The candidate the words name best: "den Glasfaserausbau in Bochum", "a Smart City model project
        like Gelsenkirchen's". A town stands for one of its few projects, so the evidence is what names a
        project itself (query terms in its title, aliases or topic labels, and its topic) before how often
        its whole text uses the words (BM25 over all documents, not only the ten best). None without any;
        with `named_only`, None unless a title, alias or topic of the candidate answers the words."""
        if not candidates or not self.docs:
            return None
        from assistant.projects.keyword_index import query_terms

        index = self._index()
        terms = set(query_terms(query, index.decompounder)) if query.strip() else set()
        scores = {self._order[i]: s for i, s in index.top(list(terms), len(self._order))} if terms else {}

        def evidence(project: str) -> tuple[int, float]:
            doc = self.docs[project]
            head = self._heads.get(project)
            if head is None:  # the terms of a project's own names, computed once per project
                head = self._heads[project] = frozenset(query_terms(_head(doc), index.decompounder))
            return len(terms & head) + (2 if topic and topic in doc.topics else 0), scores.get(project, 0.0)

        best = max(candidates, key=evidence)
        if named_only:
            return best if evidence(best)[0] > 0 else None
        return best if evidence(best) > (0, 0.0) else None


def _head(doc: ProjectDoc) -> str:
    """What names a project itself: title, aliases and topic labels in both languages."""
    labels = " ".join(f"{topic_label(t, 'de')} {topic_label(t, 'en')}" for t in doc.topics)
    return " ".join([doc.title, *doc.aliases, labels])


def _own_forms(doc: ProjectDoc, folded_titles: dict[str, str]) -> list[str]:
    """The short forms of a title that name this project alone. A programme in brackets that another
    title also carries ("(Modellprojekt Smart Cities)" in DOS 2030, "– Modellprojekt Smart Cities" in
    four others) is a label of many projects, not a name of one."""
    others = [title for project, title in folded_titles.items() if project != doc.id]
    return [form for form in title_forms(doc.title)
            if form == doc.title or not any(text_key(form) in title for title in others)]


def _document(doc: ProjectDoc) -> str:
    topics = " ".join(f"{topic_label(t, 'de')} {topic_label(t, 'en')}" for t in doc.topics)
    return "\n".join([doc.title, " ".join(doc.aliases), topics, doc.reusable or "", doc.body])
