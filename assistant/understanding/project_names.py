"""Projects as entities: finding corpus projects in a question by id, title or alias.

People name projects the way they name towns: "CONNECTED.RUHR", "Connected Ruhr", "RUHR.ON",
"Ruhr On", "dos2030", "digital campus zollverein", "KDN", "Conected Ruhr". So a project resolves
like a municipality (`assistant.understanding.place_finder`): folded token keys (case, punctuation, umlauts),
longest form first, plus a spacing-blind key ("dos2030" = "DOS 2030", "ruhr:HUB" = "ruhrhub")
and typo tolerance for long names.

Guards, because a project name must never swallow an ordinary question:
- a form equal to a municipality or Kreis name is never a project name ("Bochum");
- a one-word form that is an ordinary word is never a project name ("Daten", "smart");
- a form made only of ordinary words, places and metric words ("Ruhr On", "Smart City Bochum")
  counts only when written like a name (every word capitalised, or joined by punctuation as in
  "RUHR.ON"), or when it is three words or longer; derived from the id alone it is dropped
  ("glasfaser-bochum" is not how anyone names that project, "Glasfaser Bochum" is a question).

Coined words inside a title ("InnovationCity", "DOKOM21") are names too: nobody writes them except
to mean that project or its family. Unlike a full name, a coined word two projects share still
names one of them (the earlier project of the family, by start year), because "InnovationCity in
Bottrop" must reach the InnovationCity projects, not a research metric read from "Innovation".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from assistant.understanding.entity_tokens import Token, span_key, tokenize
from assistant.understanding.intents import FILLER, FOLLOWUP_FILLER, QUERY_FILLER, REGION_WORDS
from assistant.understanding.places import COMMON_WORDS

FUZZY_PROJECT = 88.0
MIN_FUZZY_CHARS = 8
MAX_FORM_TOKENS = 6
#: Words that are too ordinary to be a project name on their own (besides the planner's fillers).
_QUOTES = frozenset("\"'„“”‚‘’»«")
_ORDINARY = COMMON_WORDS | FILLER | QUERY_FILLER | FOLLOWUP_FILLER | REGION_WORDS


#: Two letters and more joined to digits ("DOKOM21", "wir4"); not a road ("B54") or a year.
_LETTERS_DIGITS = re.compile(r"^[A-Za-zÄÖÜäöüß]{2,}\d+$")
_CAMEL_PART = re.compile(r"(?<=[a-zäöüß])(?=[A-ZÄÖÜ])")


def _coined(word: str) -> bool:
    """"InnovationCity", "OpenRuhr", "ruhrHUB", "DOKOM21": an inner capital after a small letter
    joining parts of three letters or more, or letters joined to digits. "LuFt" is the ordinary
    word "Luft" written oddly, so parts of one or two letters do not make a coined word."""
    parts = _CAMEL_PART.split(word)
    return bool(_LETTERS_DIGITS.match(word)) or (len(parts) > 1 and all(len(p) >= 3 for p in parts))


def coined_words(title: str) -> list[str]:
    """The coined words of a title: the names people may use alone for the project."""
    return list(dict.fromkeys(w for w in re.findall(r"[\wÄÖÜäöüß]+", title) if _coined(w)))


def is_ordinary_word(text: str) -> bool:
    """A one-word name that is an ordinary German or English word (never a project alias)."""
    keys = [t.key for t in tokenize(text)]
    return len(keys) == 1 and (keys[0] in _ORDINARY or len(keys[0]) < 2)


@dataclass(frozen=True)
class ProjectName:
    """One way to write a project's name."""

    project: str  # corpus id
    key: str  # folded tokens joined by spaces
    guarded: bool  # made only of ordinary words, places and metric words: must be written like a name


@dataclass(frozen=True)
class ProjectMention:
    project: str
    text: str
    start: int
    end: int
    fuzzy: bool = False


def title_forms(title: str) -> list[str]:
    """The title and its short forms: the name before a tagline (" – ", ": ", " (", " | ", " / ")
    and names in brackets ("Open Data Portal Metropole Ruhr (opendata.ruhr)")."""
    forms = [title]
    for separator in (" – ", " - ", ": ", " (", " | ", " / "):
        head, found, tail = title.partition(separator)
        if found and head.strip():
            forms.append(head.strip())
            if separator == " (":
                forms.append(tail.split(")")[0])
    return forms


def _possessive_s(text: str, token: Token) -> bool:
    """The "s" of "Duisburg's", which the tokenizer splits off at the apostrophe."""
    return token.key == "s" and token.start > 0 and text[token.start - 1] in "'’`´"


class ProjectNames:
    """The name table of a corpus; `find` claims the tokens of each project it finds in `owner`."""

    def __init__(self, names: Mapping[str, Iterable[str]], derived: Mapping[str, Iterable[str]],
                 place_keys: frozenset[str], word_keys: frozenset[str],
                 coined: Mapping[str, Iterable[str]] | None = None) -> None:
        """`names`: project id -> names people use (title forms, aliases); `derived`: project id ->
        forms only derived from the id; `place_keys`/`word_keys`: folded places and metric words;
        `coined`: project id -> coined words of its title, in the order in which a shared word goes
        to the first project that has it."""
        self._known = _ORDINARY | place_keys | word_keys
        self._forms: dict[str, ProjectName] = {}
        self._compact: dict[str, ProjectName] = {}
        ambiguous: set[str] = set()
        for source, strict in ((names, False), (derived, True)):
            for project, forms in source.items():
                for form in forms:
                    keys = [t.key for t in tokenize(form)]
                    key = " ".join(keys)
                    if not keys or len(keys) > MAX_FORM_TOKENS or key in place_keys or is_ordinary_word(form):
                        continue
                    guarded = all(k in _ORDINARY or k in place_keys or k in word_keys for k in keys)
                    if guarded and strict:
                        continue
                    name = ProjectName(project, key, guarded)
                    for table, table_key in ((self._forms, key), (self._compact, key.replace(" ", ""))):
                        other = table.setdefault(table_key, name)
                        if other.project != project:
                            ambiguous.add(table_key)
        for table in (self._forms, self._compact):  # a form two projects share names neither
            for key in ambiguous & set(table):
                del table[key]
        for project, words in (coined or {}).items():  # a shared coined word names the first project
            for word in words:
                key = " ".join(t.key for t in tokenize(word))
                if not key or " " in key or key in self._known or key in ambiguous:
                    continue
                name = ProjectName(project, key, False)
                self._forms.setdefault(key, name)
                self._compact.setdefault(key, name)
        self._max = max((len(k.split()) for k in self._forms), default=1)
        self._fuzzy_choices = [k for k, n in self._compact.items() if len(k) >= MIN_FUZZY_CHARS and not n.guarded]

    def __bool__(self) -> bool:
        return bool(self._forms)

    def resolve(self, text: str) -> str | None:
        """A project id for a whole text that is exactly one of the names (any spelling), else None."""
        keys = [t.key for t in tokenize(text)]
        key = " ".join(keys)
        found = self._forms.get(key) or self._compact.get(key.replace(" ", ""))
        if found is None:
            best = process.extractOne(key.replace(" ", ""), self._fuzzy_choices, scorer=fuzz.ratio,
                                      score_cutoff=FUZZY_PROJECT)
            found = self._compact[best[0]] if best else None
        return found.project if found else None

    def exact(self, text: str, tokens: tuple[Token, ...], owner: dict[int, str]) -> list[ProjectMention]:
        """Projects named in the tokens of `text` (any spelling), longest name first."""
        found: list[ProjectMention] = []
        i = 0
        while i < len(tokens):
            if _possessive_s(text, tokens[i]):  # "Duisburg's IT provider": no name starts with the "s"
                i += 1
                continue
            for n in range(min(self._max, len(tokens) - i), 0, -1):
                if any(j in owner for j in range(i, i + n)):
                    continue
                key = span_key(tokens, i, n)
                name = self._forms.get(key) or self._compact.get(key.replace(" ", ""))
                if name is None or (name.guarded and not _written_as_name(text, tokens, i, n)):
                    continue
                found.append(ProjectMention(name.project, "", tokens[i].start, tokens[i + n - 1].end))
                for j in range(i, i + n):
                    owner[j] = "project"
                i += n - 1
                break
            i += 1
        return found

    def fuzzy(self, tokens: tuple[Token, ...], owner: dict[int, str],
              unknown_word: bool = False) -> list[ProjectMention]:
        """"Conected Ruhr", "Digital Campus Zollvrein": windows of unclaimed tokens against long names.

        With `unknown_word` only windows holding a word no table knows are tried: the entity finder
        runs this pass before the metrics, so a misspelt name keeps a metric word it contains
        ("Lamar-Institut" is the Lamarr-Institut, not the research-institute indicator)."""
        if not self._fuzzy_choices:
            return []
        found: list[ProjectMention] = []
        for n in range(min(4, len(tokens)), 0, -1):
            for i in range(len(tokens) - n + 1):
                window = range(i, i + n)
                if any(j in owner for j in window) or all(tokens[j].key in _ORDINARY for j in window):
                    continue
                if unknown_word and all(tokens[j].key in self._known or tokens[j].key.isdigit() for j in window):
                    continue
                compact = "".join(tokens[j].key for j in window)
                if len(compact) < MIN_FUZZY_CHARS:
                    continue
                best = process.extractOne(compact, self._fuzzy_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_PROJECT)
                if best is None:
                    continue
                found.append(ProjectMention(self._compact[best[0]].project, "", tokens[i].start, tokens[i + n - 1].end,
                                            fuzzy=True))
                for j in window:
                    owner[j] = "project"
        return found


def _written_as_name(text: str, tokens: tuple[Token, ...], start: int, length: int) -> bool:
    """Every word capitalised ("Ruhr On"), joined by punctuation ("RUHR.ON"), in quotes ("gemeinsam smart"),
    or three words or more."""
    span = tokens[start : start + length]
    joined = length > 1 and all(text[a.end : b.start] in (".", ":", "-", "_", "/")
                                for a, b in itertools.pairwise(span))
    before, after = text[: span[0].start].rstrip()[-1:], text[span[-1].end :].lstrip()[:1]
    quoted = bool(before) and before in _QUOTES and after in _QUOTES
    return length >= 3 or joined or quoted or all(t.text[:1].isupper() for t in span)
